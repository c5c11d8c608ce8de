"""Roles and the permission rules that read them (django-rules).

A role is held through a :class:`~kaohe.accounts.models.RoleAssignment` (scoped to a unit, a
section or a department where the role needs it) or, for accounts made before assignments
existed, through a group of the role's name. Where a role reaches is answered by
:mod:`kaohe.accounts.scope`; the rules here answer *whether* a user may open a page or do a
thing, and — given an object (a unit's or a cadre's code) — whether that object is theirs to
read. docs/security.md has the table.
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import Group
from rules.permissions import add_perm
from rules.predicates import Predicate, predicate

from kaohe.accounts.models import Role
from kaohe.accounts.scope import AnyUser, scope_for, sees_cadre, sees_unit

ADMIN: Final = Role.ADMIN.value  # 系统管理员
OFFICE: Final = Role.OFFICE.value  # 考核办
STATISTICS: Final = Role.STATISTICS.value  # 经发局统计
INDICATOR_OWNER: Final = Role.INDICATOR_OWNER.value  # 指标牵头部门
INSPECTOR: Final = Role.INSPECTOR.value  # 纪检监察
UNIT_HEAD: Final = Role.UNIT_HEAD.value  # 单位负责人
SECTION_CHIEF: Final = Role.SECTION_CHIEF.value  # 科室负责人
CADRE: Final = Role.CADRE.value  # 干部
ROLES: Final = tuple(r.value for r in Role)


def _holds(*roles: str) -> Predicate:
    wanted = frozenset(roles)

    def holds(user: Any) -> bool:
        return bool(scope_for(user).roles & wanted)

    holds.__name__ = "holds_" + "_or_".join(sorted(wanted))
    made: Predicate = predicate(holds)  # type: ignore[no-untyped-call]  # rules is untyped
    return made


is_admin = _holds(ADMIN)
is_office = _holds(OFFICE)
is_statistics = _holds(STATISTICS)
is_indicator_owner = _holds(INDICATOR_OWNER)
is_inspector = _holds(INSPECTOR)
is_unit_head = _holds(UNIT_HEAD)
is_section_chief = _holds(SECTION_CHIEF)
is_cadre = _holds(CADRE)
has_any_role = _holds(*ROLES)
reads_people = _holds(ADMIN, OFFICE, UNIT_HEAD, SECTION_CHIEF, CADRE)


@predicate  # type: ignore[untyped-decorator]  # rules' decorator is untyped
def unit_in_scope(user: Any, code: str | None) -> bool:
    """The unit (its code) is one whose card ``user`` reads."""
    return code is not None and sees_unit(user, code)


@predicate  # type: ignore[untyped-decorator]
def cadre_in_scope(user: Any, code: str | None) -> bool:
    """The cadre (their code) is one whose detail ``user`` reads."""
    return code is not None and sees_cadre(user, code)


# Permission names: <app>.<verb>_<thing>, checked with user.has_perm(name[, code])
VIEW_RESULTS: Final = "results.view_results"  # the district's pages: dashboard, unit ranking
VIEW_PEOPLE: Final = "results.view_people"  # annual, actions, training lists (rows scoped)
VIEW_UNIT: Final = "org.view_unit_card"  # a unit's report card; object: the unit's code
VIEW_CADRE: Final = "org.view_cadre_detail"  # a cadre's page; object: the cadre's code
IMPORT_DATA: Final = "collection.import_data"
EDIT_PLAN: Final = "plans.edit_plan"
COMPUTE_RUN: Final = "results.compute_run"
MANAGE_ROLES: Final = "accounts.manage_roles"


def _rule(name: str, rule: Predicate) -> None:
    add_perm(name, rule)  # type: ignore[no-untyped-call]  # rules' add_perm is untyped


_rule(VIEW_RESULTS, has_any_role)
_rule(VIEW_PEOPLE, reads_people)
_rule(VIEW_UNIT, has_any_role & unit_in_scope)
_rule(VIEW_CADRE, reads_people & cadre_in_scope)
_rule(IMPORT_DATA, is_admin | is_office | is_statistics | is_indicator_owner | is_inspector)
_rule(EDIT_PLAN, is_admin | is_office)
_rule(COMPUTE_RUN, is_admin | is_office)
_rule(MANAGE_ROLES, is_admin | is_office)
# the admin site's permissions on role assignments: the same people as the management page
for _verb in ("view", "add", "change", "delete"):
    _rule(f"accounts.{_verb}_roleassignment", is_admin | is_office)


def allowed(user: AnyUser, permission: str, code: str) -> bool:
    """``permission`` on the object ``code`` (a unit's or a cadre's code), through the rules."""
    return user.has_perm(permission, code)  # type: ignore[arg-type]  # rules take any object


def roles_ensure() -> dict[str, Group]:
    """A group per role, created when missing (a group of a role's name grants the role
    district-wide; unit heads and section chiefs by group reach their current post's unit or
    section). New accounts get role assignments instead (kaohe.accounts.services)."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
