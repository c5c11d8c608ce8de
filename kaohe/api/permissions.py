"""Who may read and do what through the API: small predicates, one question each.

The answers come from the roles (kaohe.accounts.roles, django-rules) and the organisation
scope (kaohe.accounts.scope), the same as the pages': the assessment office and administrators
read everything; a unit head their unit's subtree; a section chief their section; a cadre their
own records; everyone with a role the unit scores and rankings (public within the district).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from kaohe.accounts import scope
from kaohe.accounts.models import User
from kaohe.accounts.roles import COMPUTE_RUN, IMPORT_DATA, VIEW_RESULTS, VIEW_UNIT, allowed

AnyUser = User | AnonymousUser


def reads_everything(user: AnyUser) -> bool:
    """Administrators and the assessment office see every record."""
    return scope.scope_for(user).full


def reads_district(user: AnyUser) -> bool:
    """Anyone with a role: the unit scores and rankings, the import templates."""
    return user.is_authenticated and user.has_perm(VIEW_RESULTS)


def reads_people(user: AnyUser) -> bool:
    """Reads some person's results (their own at least)."""
    return scope.reads_people(user)


def own_cadre(user: AnyUser) -> str | None:
    """The code of the cadre ``user`` is, if any."""
    if not isinstance(user, User) or user.cadre_id is None:
        return None
    cadre = user.cadre
    return cadre.code if cadre is not None else None


def reads_cadre(user: AnyUser, code: str) -> bool:
    """Everything-readers, unit heads and section chiefs over the cadre, the cadre themself."""
    return scope.sees_cadre(user, code) and reads_people(user)


def reads_unit(user: AnyUser, code: str) -> bool:
    """A unit's report card."""
    return user.is_authenticated and allowed(user, VIEW_UNIT, code)


def reads_subject(user: AnyUser, subject_type: str, code: str) -> bool:
    """A record of a unit, team, section or cadre within the user's scope."""
    return scope.sees_subject(user, subject_type, code)


def subject_scope(query: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    """Rows with a subject type and code, cut to the user's scope."""
    return scope.subject_rows(query, user)


def cadre_scope(query: QuerySet[Any], user: AnyUser, field: str = "cadre_code") -> QuerySet[Any]:
    """Rows of cadres (``field`` holds the cadre's code), cut to the user's scope."""
    return scope.cadre_rows(query, user, field)


def may_compute(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_perm(COMPUTE_RUN)


def may_import(user: AnyUser) -> bool:
    return user.is_authenticated and user.has_perm(IMPORT_DATA)
