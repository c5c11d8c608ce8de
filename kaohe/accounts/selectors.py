"""Reads of accounts: role assignments as the management page lists them."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.accounts.models import RoleAssignment


def role_assignment_list(*, role: str = "") -> QuerySet[RoleAssignment]:
    """Every role assignment with its user, unit and section (one query), by user and role."""
    query = RoleAssignment.objects.select_related("user", "unit", "section__unit", "granted_by")
    if role:
        query = query.filter(role=role)
    return query.order_by("user__username", "role", "id")
