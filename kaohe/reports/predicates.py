"""Who may read and export results: the one place the reports and analytics pages ask.

The bodies use the district-wide roles of :mod:`kaohe.accounts.roles` (reading: the
``results.view_results`` permission; district-wide exports, background jobs and what-if: the
assessment office or a superuser). When unit-scoped roles arrive, only these bodies change.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin

from kaohe.accounts.roles import OFFICE, VIEW_RESULTS

AnyUser = AbstractBaseUser | AnonymousUser  # what request.user is


def _is_office(user: AnyUser) -> bool:
    if not user.is_authenticated or not isinstance(user, PermissionsMixin):
        return False
    return user.is_superuser or user.groups.filter(name=OFFICE).exists()


def can_read_results(user: AnyUser) -> bool:
    """Results pages, a unit's or a cadre's printed card, the ranking and annual workbooks."""
    return (
        user.is_authenticated and isinstance(user, PermissionsMixin) and user.has_perm(VIEW_RESULTS)
    )


def can_export_district(user: AnyUser) -> bool:
    """District-wide exports as background jobs (score sheets, pay, every card, the 公示)."""
    return _is_office(user)


def can_run_whatif(user: AnyUser) -> bool:
    """Apply a draft plan to a period's stored data (what-if)."""
    return _is_office(user)


def can_read_analytics(user: AnyUser) -> bool:
    """Persistence, rank dynamics, leniency, inflation and calibration."""
    return _is_office(user)
