"""Writes of accounts: granting and revoking roles."""

from __future__ import annotations

from django.db import transaction

from kaohe.accounts.models import RoleAssignment, User
from kaohe.accounts.scope import scope_forget
from kaohe.org.models import Section, Unit


@transaction.atomic
def role_assign(
    *,
    user: User,
    role: str,
    unit: Unit | None = None,
    section: Section | None = None,
    department: str = "",
    granted_by: User | None = None,
) -> RoleAssignment:
    """Grant ``role`` to ``user`` (where the role needs it: a unit, a section, a department).

    Raises ValidationError naming the field when the scope does not fit the role or the user
    already holds the same role there.
    """
    assignment = RoleAssignment(
        user=user,
        role=role,
        unit=unit,
        section=section,
        department=department.strip(),
        granted_by=granted_by,
    )
    assignment.full_clean()
    assignment.save()
    scope_forget(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment) -> None:
    """Take a role assignment away."""
    user = assignment.user
    assignment.delete()
    scope_forget(user)
