"""Who may do what in the follow-up pages: one small set of predicates over the district-wide
roles of :mod:`kaohe.accounts.roles` (the assessment office or a superuser for the office's
actions; a unit head for their own unit's records; a cadre for their own requests).

Views and services ask only these functions, so a finer role model can replace their bodies
without touching the callers.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.accounts.roles import VIEW_RESULTS, is_office, is_unit_head
from kaohe.engine import schema as s
from kaohe.org.models import Assignment

AnyUser = User | AnonymousUser


def can_view(user: AnyUser) -> bool:
    """Read the follow-up pages (everyone who may read results)."""
    return user.has_perm(VIEW_RESULTS)


def is_office_user(user: AnyUser) -> bool:
    """The assessment office's actions: close a year, override grades, answer requests, create
    actions and training plans, enter pay pools, export pay."""
    return bool(user.is_authenticated and (user.is_superuser or is_office(user)))


def own_unit(user: AnyUser, on: dt.date | None = None) -> str | None:
    """The unit code of the post the user's cadre holds on ``on`` (default today), if any."""
    if not isinstance(user, User) or user.cadre_id is None:
        return None
    day = on or timezone.localdate()
    assignment = (
        Assignment.objects.filter(cadre_id=user.cadre_id, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("post__unit")
        .order_by("-start")
        .first()
    )
    return assignment.post.unit.code if assignment else None


def is_head_of(user: AnyUser, unit_code: str) -> bool:
    """A unit head whose own post is in ``unit_code``."""
    return bool(user.is_authenticated and is_unit_head(user) and own_unit(user) == unit_code)


def is_self(user: AnyUser, subject_type: str, subject_code: str) -> bool:
    """The cadre themself."""
    return (
        isinstance(user, User)
        and subject_type == s.SUBJECT_CADRE
        and user.cadre is not None
        and user.cadre.code == subject_code
    )


def can_file_request(user: AnyUser, subject_type: str, subject_code: str) -> bool:
    """File a review or appeal: the cadre themself, a team's unit head, or the office."""
    if is_office_user(user) or is_self(user, subject_type, subject_code):
        return True
    return subject_type == s.SUBJECT_TEAM and is_head_of(user, subject_code)


def can_record_action(user: AnyUser, owner: str) -> bool:
    """Record what was done for an action: the office, or the head of the owning unit."""
    return is_office_user(user) or (owner != s.OFFICE and is_head_of(user, owner))


def training_units(user: AnyUser) -> frozenset[str] | None:
    """Whose training completions the user may record: None for every unit's people (the
    office), else the units (the unit head's own; nothing for others). One query at most."""
    if is_office_user(user):
        return None
    if not (user.is_authenticated and is_unit_head(user)):
        return frozenset()
    unit = own_unit(user)
    return frozenset([unit]) if unit else frozenset()


def can_record_training(user: AnyUser, unit_code: str | None) -> bool:
    """Record a training completion: the office, or the head of the person's unit."""
    units = training_units(user)
    return units is None or (unit_code is not None and unit_code in units)
