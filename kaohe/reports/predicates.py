"""Who may read and export results: the one place the reports and analytics pages ask.

The bodies ask the roles and the scope of :mod:`kaohe.accounts.roles` and
:mod:`kaohe.accounts.scope` (docs/security.md): the unit ranking is public within the district;
a unit's card is read by whoever reads that unit's card on the site; a cadre's card by whoever
reads that cadre's page; a unit's cadre score sheet by the office and the unit's head (it
lists every cadre of the unit); district-wide exports of persons, background jobs, what-if
and the analytics by the assessment office (or a system administrator).
"""

from __future__ import annotations

from kaohe.accounts.roles import VIEW_CADRE, VIEW_RESULTS, VIEW_UNIT, allowed
from kaohe.accounts.scope import AnyUser, scope_for


def _is_office(user: AnyUser) -> bool:
    return scope_for(user).full


def can_read_results(user: AnyUser) -> bool:
    """The exports page, the unit ranking workbook (units' scores: public in the district)."""
    return user.is_authenticated and user.has_perm(VIEW_RESULTS)


def can_read_unit_card(user: AnyUser, code: str) -> bool:
    """A unit's printed card (the unit's scores and its cadres' grade counts, no names)."""
    return allowed(user, VIEW_UNIT, code)


def can_read_cadre_card(user: AnyUser, code: str) -> bool:
    """A cadre's printed card: whoever reads the cadre's page (the cadre themself, their unit
    head or section chief, the office)."""
    return allowed(user, VIEW_CADRE, code)


def can_read_unit_people(user: AnyUser, code: str) -> bool:
    """A unit's cadre score sheet (every cadre of the unit): the office and the unit's head."""
    scope = scope_for(user)
    return scope.full or code in scope.units


def can_export_district(user: AnyUser) -> bool:
    """District-wide exports of persons (the annual workbook, score sheets, pay, every card,
    the 公示) and the background jobs that make them."""
    return _is_office(user)


def can_run_whatif(user: AnyUser) -> bool:
    """Apply a draft plan to a period's stored data (what-if)."""
    return _is_office(user)


def can_read_analytics(user: AnyUser) -> bool:
    """Persistence, rank dynamics, leniency, inflation and calibration."""
    return _is_office(user)
