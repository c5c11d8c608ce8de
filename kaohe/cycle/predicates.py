"""Who may do each step of the cycle: small predicates, one question each.

They read the roles and scopes of kaohe.accounts (docs/security.md): the office and superusers
act for the district; a unit head (单位负责人) submits and objects for the units of their scope;
a unit's users are the users whose cadre holds a post in the unit; a cadre is the user linked
to that cadre.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from rules.predicates import Predicate, is_superuser

from kaohe.accounts.models import Role, User
from kaohe.accounts.roles import is_office
from kaohe.accounts.scope import scope_for
from kaohe.engine import schema as s
from kaohe.org.models import Assignment, Cadre, Unit

AnyUser = User | AnonymousUser


def _heads_unit(user: AnyUser, unit_code: str) -> bool:
    """A unit head whose scope holds the unit."""
    scope = scope_for(user)
    return Role.UNIT_HEAD in scope.roles and unit_code in scope.units


# The assessment office (考核办) and superusers: every office step of the cycle.
is_office_user: Predicate = is_superuser | is_office


def cadre_unit(cadre: Cadre) -> Unit | None:
    """The unit of the cadre's current post (the latest assignment; an open one first)."""
    held = (
        Assignment.objects.filter(cadre=cadre)
        .select_related("post__unit")
        .order_by(F("end").desc(nulls_first=True), "-start")
        .first()
    )
    return held.post.unit if held is not None else None


def user_unit_code(user: AnyUser) -> str | None:
    """The unit the user belongs to: the unit of the post of the cadre they are."""
    if not isinstance(user, User) or user.cadre is None:
        return None
    unit = cadre_unit(user.cadre)
    return unit.code if unit is not None else None


def user_cadre_code(user: AnyUser) -> str | None:
    if not isinstance(user, User) or user.cadre is None:
        return None
    return user.cadre.code


def may_run_cycle(user: AnyUser) -> bool:
    """Move a month through its steps, set its deadlines, publish, lock, answer objections."""
    return bool(user.is_authenticated and is_office_user.test(user))


def may_submit_unit(user: AnyUser, unit_code: str) -> bool:
    """Submit a unit's data of a month: the office, or a unit head of that unit."""
    if may_run_cycle(user):
        return True
    return _heads_unit(user, unit_code)


def may_object(user: AnyUser, subject_type: str, subject_code: str) -> bool:
    """File an objection: the affected unit's users, or the cadre themself."""
    if subject_type == s.SUBJECT_CADRE:
        return user_cadre_code(user) == subject_code
    return user_unit_code(user) == subject_code or _heads_unit(user, subject_code)


def may_see_objection(user: AnyUser, objection: Any) -> bool:
    """The office; unit objections: every user of that unit; cadre objections: the cadre."""
    if may_run_cycle(user):
        return True
    if isinstance(user, User) and objection.filed_by_id == user.pk:
        return True
    return bool(may_object(user, objection.subject_type, objection.subject_code))


def may_request_adjustment(user: AnyUser) -> bool:
    return may_run_cycle(user)


def may_decide_adjustment(user: AnyUser, adjustment: Any) -> bool:
    """The office, and never the one who asked for it."""
    return may_run_cycle(user) and getattr(user, "pk", None) != adjustment.requested_by_id
