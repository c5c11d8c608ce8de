"""Who may do what with tasks and reconciliations (docs/tasks.md, docs/security.md).

Built on the one scope of :mod:`kaohe.accounts.scope`:

- the assessment office (and a system administrator): everything, every unit;
- a unit head: decomposes their unit (section tasks, milestones, post tasks), enters its
  sections' results, sees the decomposition check of their unit, rates the month of the
  unit's leaders (and of staff without a section);
- a section chief: manages the post tasks of their section, enters its results, rates the
  month of the section's staff;
- a cadre: reports on their own post tasks and reads their rating.

Who rates whom (docs/rules.md §6): staff → the section chief; leaders → the principal (the unit
head); principals → the district leadership (the office). Nobody rates themselves.
"""

from __future__ import annotations

from typing import Final

from kaohe.accounts.scope import AnyUser, scope_for, sees_cadre
from kaohe.org.models import Post

RATER_SECTION: Final = "section"
RATER_UNIT: Final = "unit"
RATER_OFFICE: Final = "office"


def is_office(user: AnyUser) -> bool:
    return scope_for(user).full


def can_decompose(user: AnyUser, unit_code: str) -> bool:
    """Create, edit and delete the unit's section tasks and milestones: office, unit head."""
    return is_office(user) or unit_code in scope_for(user).units


def can_open_unit(user: AnyUser, unit_code: str) -> bool:
    """Open the unit's decomposition page: those who decompose it, and its section chiefs."""
    return can_decompose(user, unit_code) or bool(chief_sections(user, unit_code))


def chief_sections(user: AnyUser, unit_code: str) -> frozenset[str]:
    """The sections of ``unit_code`` the user is chief of (by role assignment or group)."""
    from kaohe.org.models import Section  # noqa: PLC0415 - a small read

    sections = scope_for(user).sections
    if not sections:
        return frozenset()
    return frozenset(
        Section.objects.filter(code__in=sections, unit__code=unit_code).values_list(
            "code", flat=True
        )
    )


def can_manage_section(user: AnyUser, unit_code: str, section_code: str | None) -> bool:
    """Post tasks and results of a section (``None``: posts without a section, the head's)."""
    if can_decompose(user, unit_code):
        return True
    return section_code is not None and section_code in chief_sections(user, unit_code)


def sees_checks(user: AnyUser) -> bool:
    """The decomposition check: the office (every unit), unit heads (their units)."""
    scope = scope_for(user)
    return scope.full or bool(scope.units)


def check_units(user: AnyUser) -> frozenset[str] | None:
    """Units of the check the user reads; None: every unit."""
    scope = scope_for(user)
    return None if scope.full else scope.units


def own_cadre(user: AnyUser) -> str | None:
    """The cadre the user is (who reports on their own post tasks)."""
    return scope_for(user).cadre


def rater_kind(post: Post) -> str:
    """Who rates the month of the holder of ``post`` (rules.md §6)."""
    if post.role == Post.Role.PRINCIPAL:
        return RATER_OFFICE
    if post.role == Post.Role.STAFF and post.section_id is not None:
        return RATER_SECTION
    return RATER_UNIT  # leaders, and staff without a section: the principal


def can_rate(user: AnyUser, post: Post, cadre_code: str) -> bool:
    """``user`` may rate the month of ``cadre_code`` held in ``post``; never themselves."""
    scope = scope_for(user)
    if cadre_code == scope.cadre or (
        getattr(user, "cadre_id", None) is not None
        and getattr(getattr(user, "cadre", None), "code", None) == cadre_code
    ):
        return False
    if scope.full:
        return True
    kind = rater_kind(post)
    if kind == RATER_SECTION:
        return post.section is not None and post.section.code in scope.sections
    if kind == RATER_UNIT:
        return post.unit.code in scope.units
    return False


def rates_anyone(user: AnyUser) -> bool:
    """The ratings page: office, unit heads, section chiefs."""
    scope = scope_for(user)
    return scope.full or bool(scope.units) or bool(scope.sections)


def can_read_report(user: AnyUser, cadre_code: str) -> bool:
    """A report and its files: whoever reads the cadre's detail (themself, their unit head and
    section chief, the office)."""
    return sees_cadre(user, cadre_code) and scope_for(user).people
