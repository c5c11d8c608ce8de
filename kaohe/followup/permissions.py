"""Who may do what in the follow-up pages: one small set of predicates over the roles and the
scope of :mod:`kaohe.accounts.roles` and :mod:`kaohe.accounts.scope` (docs/security.md).

- the assessment office (or a system administrator): everything — close a year, override
  grades, answer requests, create actions and training plans, enter pay pools, export pay;
- a unit head: the records of their unit's subtree (its actions, its people's training, its
  pay), and records what was done for the actions their unit owns;
- a section chief: the records of their section's people (read);
- a cadre: their own records, and their own requests.

Views and services ask only these functions; lists are cut through the scope module.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kaohe.accounts.models import User
from kaohe.accounts.roles import VIEW_PEOPLE
from kaohe.accounts.scope import scope_for, sees_subject
from kaohe.engine import schema as s

AnyUser = User | AnonymousUser


def can_view(user: AnyUser) -> bool:
    """Read the follow-up pages (everyone who reads some person's results)."""
    return user.has_perm(VIEW_PEOPLE)


def is_office_user(user: AnyUser) -> bool:
    """The assessment office's actions: close a year, override grades, answer requests, create
    actions and training plans, enter pay pools, export pay."""
    return scope_for(user).full


def is_head_of(user: AnyUser, unit_code: str) -> bool:
    """A unit head of ``unit_code`` (by a role assignment, or by group: their post's unit)."""
    return unit_code in scope_for(user).units


def is_self(user: AnyUser, subject_type: str, subject_code: str) -> bool:
    """The cadre themself."""
    return subject_type == s.SUBJECT_CADRE and scope_for(user).cadre == subject_code


def can_see_subject(user: AnyUser, subject_type: str, subject_code: str) -> bool:
    """Read a subject's follow-up records (actions, requests, training): within the scope."""
    return sees_subject(user, subject_type, subject_code)


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
    office), else the units the user heads (nothing for others)."""
    scope = scope_for(user)
    return None if scope.full else scope.units


def can_record_training(user: AnyUser, unit_code: str | None) -> bool:
    """Record a training completion: the office, or the head of the person's unit."""
    units = training_units(user)
    return units is None or (unit_code is not None and unit_code in units)


def pay_units(user: AnyUser) -> frozenset[str] | None:
    """Units whose pools and pay checks the user reads: None for all (the office), else the
    units the user heads; a cadre or section chief reads only people's shares in their scope."""
    return training_units(user)
