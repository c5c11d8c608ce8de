"""Roles as groups, and the permission rules that read them (django-rules).

The detailed, unit-scoped roles come later; these are the district-wide ones the data-and-compute
half needs: the assessment office (考核办) runs everything, the economic bureau (经发局统计)
imports statistics, unit heads and cadres read.
"""

from __future__ import annotations

from typing import Final

from django.contrib.auth.models import Group
from rules.permissions import add_perm
from rules.predicates import Predicate, is_group_member, is_staff, is_superuser

OFFICE: Final = "office"  # 考核办
STATISTICS: Final = "statistics"  # 经发局统计
UNIT_HEAD: Final = "unit_head"  # 单位负责人
CADRE: Final = "cadre"  # 干部
ROLES: Final = (OFFICE, STATISTICS, UNIT_HEAD, CADRE)

is_office = is_group_member(OFFICE)
is_statistics = is_group_member(STATISTICS)
is_unit_head = is_group_member(UNIT_HEAD)
is_cadre = is_group_member(CADRE)
is_staff_user = is_staff

# Permission names: <app>.<verb>_<thing>, checked with user.has_perm(...)
IMPORT_DATA: Final = "collection.import_data"
EDIT_PLAN: Final = "plans.edit_plan"
COMPUTE_RUN: Final = "results.compute_run"
VIEW_RESULTS: Final = "results.view_results"


def _rule(name: str, predicate: Predicate) -> None:
    add_perm(name, predicate)  # type: ignore[no-untyped-call]  # rules' add_perm is untyped


_rule(IMPORT_DATA, is_superuser | is_office | is_statistics)
_rule(EDIT_PLAN, is_superuser | is_office)
_rule(COMPUTE_RUN, is_superuser | is_office)
_rule(VIEW_RESULTS, is_superuser | is_office | is_statistics | is_unit_head | is_cadre)


def roles_ensure() -> dict[str, Group]:
    """The role groups, created when missing."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
