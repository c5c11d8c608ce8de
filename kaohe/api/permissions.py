"""Who may read and do what through the API: small predicates, one question each.

For now: the assessment office (考核办), staff and superusers read everything; a user linked to
a cadre reads only that cadre's own records; computing and importing follow the roles'
permissions (kaohe.accounts.roles). A later issue moves these to django-rules with unit scopes:
swap the bodies, keep the names.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kaohe.accounts.models import User
from kaohe.accounts.roles import COMPUTE_RUN, IMPORT_DATA, OFFICE
from kaohe.engine import schema as s

AnyUser = User | AnonymousUser


def reads_everything(user: AnyUser) -> bool:
    """The office, staff and superusers see every record."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name=OFFICE).exists()


def own_cadre(user: AnyUser) -> str | None:
    """The code of the cadre ``user`` is, if any."""
    if not isinstance(user, User) or user.cadre_id is None:
        return None
    cadre = user.cadre
    return cadre.code if cadre is not None else None


def reads_cadre(user: AnyUser, code: str) -> bool:
    """Everything-readers, and the cadre themself."""
    return reads_everything(user) or own_cadre(user) == code


def reads_subject(user: AnyUser, subject_type: str, code: str) -> bool:
    """A record of a unit, team, section or cadre: everything-readers; a cadre their own."""
    if reads_everything(user):
        return True
    return subject_type == s.SUBJECT_CADRE and own_cadre(user) == code


def may_compute(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_perm(COMPUTE_RUN)


def may_import(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_perm(IMPORT_DATA)
