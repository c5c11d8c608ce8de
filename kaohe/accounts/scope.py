"""Who sees which part of the organisation: the one scope every org-scoped read goes through.

A user's scope is read once per request (cached on the user object) from their role
assignments (:class:`~kaohe.accounts.models.RoleAssignment`), their groups (a group named after
a role grants it, for accounts made before role assignments existed) and their link to a cadre:

- system administrator (superuser or the ``admin`` role) and assessment office: everything;
- discipline inspector: every unit's card (events and vetoes) and every veto, no person's
  detail;
- economic bureau, indicator-owner department: the district's pages (dashboard, unit ranking)
  and their imports: economic statistics, results of the indicators the department owns;
- unit head: the subtree of their unit(s): the unit, its sections, every cadre who holds or held
  a post in it;
- section chief: their section(s) and the cadres who hold or held a post in it, and their unit's
  card (its cadre list cut to the section);
- cadre: their own records, and their unit's card (its cadre list cut to themselves).

The unit ranking (units' scores and ranks) is public within the district: every role sees it.
Pages and API endpoints call the functions below; they never filter by role themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import CharField, IntegerField, Q, QuerySet, Value

from kaohe.accounts.models import Role, RoleAssignment, User
from kaohe.engine import schema as s
from kaohe.org.models import Assignment, Cadre, Section, Unit

AnyUser = User | AnonymousUser

FULL_ROLES: Final = frozenset({Role.ADMIN, Role.OFFICE})
ALL_UNIT_ROLES: Final = FULL_ROLES | {Role.INSPECTOR}
PEOPLE_ROLES: Final = FULL_ROLES | {Role.UNIT_HEAD, Role.SECTION_CHIEF, Role.CADRE}
_CACHE: Final = "_kaohe_scope"


@dataclass(frozen=True, slots=True)
class Scope:
    """What one user may see. ``units``: unit subtrees (unit head); ``sections``: sections
    (section chief); ``cadre``: the user's own cadre; ``member_units``: units whose card the
    user reads as a member (their cadre list cut to what the user may see)."""

    roles: frozenset[str]
    units: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()
    cadre: str | None = None
    member_units: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()

    @property
    def full(self) -> bool:
        return bool(self.roles & FULL_ROLES)

    @property
    def all_units(self) -> bool:
        return bool(self.roles & ALL_UNIT_ROLES)

    @property
    def people(self) -> bool:
        """Reads some person's results (their own at least)."""
        return bool(self.roles & PEOPLE_ROLES)


NOBODY: Final = Scope(roles=frozenset())


def scope_for(user: AnyUser) -> Scope:
    """The user's scope (one to four queries, once per user object)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, _CACHE, None)
    if isinstance(cached, Scope):
        return cached
    found = _scope(user)
    setattr(user, _CACHE, found)
    return found


def scope_known(user: AnyUser) -> bool:
    """Whether ``user`` (this object) already carries its scope."""
    return isinstance(getattr(user, _CACHE, None), Scope)


def scope_adopt(user: User, scope: Scope) -> None:
    """Give ``user`` a scope read earlier for the same user and the same state of the data (the
    page cache keeps one per audit stamp: kaohe/web/cache.py)."""
    setattr(user, _CACHE, scope)


def scope_forget(user: AnyUser) -> None:
    """Drop the cached scope (after the user's roles changed within one request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def _scope(user: User) -> Scope:
    roles: set[str] = set()
    units: set[str] = set()
    sections: set[str] = set()
    departments: set[str] = set()
    if user.is_superuser:
        roles.add(Role.ADMIN)
    grouped: set[str] = set()
    for source, role, unit, section, department in _role_rows(user):
        roles.add(role)
        if source == _GROUP:
            grouped.add(role)
        if unit:
            units.add(unit)
        if section:
            sections.add(section)
        if department:
            departments.add(department)
    cadre = user.cadre.code if user.cadre_id is not None and user.cadre is not None else None
    posts: list[tuple[str, str | None]] = []
    if cadre is not None:
        posts = list(
            Assignment.objects.filter(cadre__code=cadre, end__isnull=True).values_list(
                "post__unit__code", "post__section__code"
            )
        )
    # a unit head or section chief by group only: the unit or section of their current post
    if Role.UNIT_HEAD in grouped and not units:
        units |= {u for u, _ in posts}
    if Role.SECTION_CHIEF in grouped and not sections:
        sections |= {sec for _, sec in posts if sec}
    if Role.CADRE not in roles:
        cadre = None if not (roles & {Role.UNIT_HEAD, Role.SECTION_CHIEF}) else cadre
    member_units: set[str] = set()
    if cadre is not None:
        member_units |= {u for u, _ in posts}
    if sections:
        member_units |= set(
            Section.objects.filter(code__in=sections).values_list("unit__code", flat=True)
        )
    return Scope(
        roles=frozenset(roles),
        units=frozenset(units),
        sections=frozenset(sections),
        cadre=cadre,
        member_units=frozenset(member_units - units),
        departments=frozenset(departments),
    )


_ASSIGNED: Final = 0
_GROUP: Final = 1


def _role_rows(user: User) -> list[tuple[int, str, str | None, str | None, str]]:
    """(source, role, unit, section, department) of the user's role assignments and of their
    groups named after a role, in one query."""
    text: CharField[str, str] = CharField()
    assigned = (
        RoleAssignment.objects.filter(user=user)
        .order_by()
        .annotate(source=Value(_ASSIGNED, output_field=IntegerField()))
        .values_list("source", "role", "unit__code", "section__code", "department")
    )
    grouped = (
        Group.objects.filter(user=user, name__in=[r.value for r in Role])
        .order_by()
        .annotate(
            source=Value(_GROUP, output_field=IntegerField()),
            unit_code=Value(None, output_field=text),
            section_code=Value(None, output_field=text),
            department=Value("", output_field=text),
        )
        .values_list("source", "name", "unit_code", "section_code", "department")
    )
    return list(assigned.union(grouped, all=True))


# --- units


def unit_codes_for(user: AnyUser) -> frozenset[str] | None:
    """Units whose report card ``user`` reads; None: every unit."""
    scope = scope_for(user)
    if scope.all_units:
        return None
    return scope.units | scope.member_units


def units_for(user: AnyUser) -> QuerySet[Unit]:
    codes = unit_codes_for(user)
    query = Unit.objects.all()
    return query if codes is None else query.filter(code__in=codes)


def sees_unit(user: AnyUser, code: str) -> bool:
    codes = unit_codes_for(user)
    return codes is None or code in codes


# --- sections and cadres


def section_codes_for(user: AnyUser) -> frozenset[str] | None:
    """Sections whose results ``user`` reads; None: every section."""
    scope = scope_for(user)
    if scope.full:
        return None
    under = Section.objects.filter(unit__code__in=scope.units).values_list("code", flat=True)
    return frozenset(under) | scope.sections if scope.units else scope.sections


def sections_for(user: AnyUser) -> QuerySet[Section]:
    codes = section_codes_for(user)
    query = Section.objects.all()
    return query if codes is None else query.filter(code__in=codes)


def cadre_codes_for(user: AnyUser) -> frozenset[str] | None:
    """Cadres whose detail ``user`` reads; None: every cadre. A unit head's or section chief's
    are those who hold or held a post in their unit or section (any time)."""
    scope = scope_for(user)
    if scope.full:
        return None
    codes: set[str] = set()
    if scope.units or scope.sections:
        where = Q(post__unit__code__in=scope.units) | Q(post__section__code__in=scope.sections)
        codes |= set(Assignment.objects.filter(where).values_list("cadre__code", flat=True))
    if scope.cadre is not None:
        codes.add(scope.cadre)
    return frozenset(codes)


def cadres_for(user: AnyUser) -> QuerySet[Cadre]:
    codes = cadre_codes_for(user)
    query = Cadre.objects.all()
    return query if codes is None else query.filter(code__in=codes)


def sees_cadre(user: AnyUser, code: str) -> bool:
    codes = cadre_codes_for(user)
    return codes is None or code in codes


def reads_people(user: AnyUser) -> bool:
    """Does ``user`` read any person's results at all (their own at least)?"""
    return scope_for(user).people


# --- imports

STATISTICS_TABLES: Final = frozenset({s.ECONOMIC, s.DISTRICT})
INSPECTOR_TABLES: Final = frozenset({s.EVENTS})  # events, with vetoes and sanctions


def importable_tables(user: AnyUser) -> frozenset[str] | None:
    """Tables ``user`` may import (None: every table): the economic bureau its statistics, an
    indicator-owner department indicator results (of its own indicators: :func:`owners_for`),
    the discipline inspector events (with their vetoes and sanctions)."""
    roles = scope_for(user).roles
    if roles & FULL_ROLES:
        return None
    tables: frozenset[str] = frozenset()
    if Role.STATISTICS in roles:
        tables |= STATISTICS_TABLES
    if Role.INDICATOR_OWNER in roles:
        tables |= {s.RESULTS}
    if Role.INSPECTOR in roles:
        tables |= INSPECTOR_TABLES
    return tables


def owners_for(user: AnyUser) -> frozenset[str] | None:
    """Departments whose indicators' results ``user`` imports (None: any indicator)."""
    scope = scope_for(user)
    if scope.full or Role.INDICATOR_OWNER not in scope.roles:
        return None
    return scope.departments


# --- result rows


def cadre_rows(query: QuerySet[Any], user: AnyUser, field: str = "cadre_code") -> QuerySet[Any]:
    """Rows of cadres (``field`` holds the cadre's code) cut to what ``user`` may see."""
    codes = cadre_codes_for(user)
    return query if codes is None else query.filter(**{f"{field}__in": codes})


def subject_rows(
    query: QuerySet[Any],
    user: AnyUser,
    *,
    type_field: str = "subject_type",
    code_field: str = "subject_code",
) -> QuerySet[Any]:
    """Rows of units, teams, sections and cadres (a subject type and code) cut to what ``user``
    may see: units and teams of their unit subtrees, their sections, their cadres."""
    scope = scope_for(user)
    if scope.full:
        return query
    sections = section_codes_for(user) or frozenset()
    cadres = cadre_codes_for(user) or frozenset()
    allowed = (
        _of(type_field, code_field, (s.SUBJECT_UNIT, s.SUBJECT_TEAM), scope.units)
        | _of(type_field, code_field, (s.SUBJECT_SECTION,), sections)
        | _of(type_field, code_field, (s.SUBJECT_CADRE,), cadres)
    )
    return query.filter(allowed)


def sees_subject(user: AnyUser, subject_type: str, code: str) -> bool:
    scope = scope_for(user)
    if scope.full:
        return True
    if subject_type in (s.SUBJECT_UNIT, s.SUBJECT_TEAM):
        return code in scope.units
    if subject_type == s.SUBJECT_SECTION:
        return code in (section_codes_for(user) or frozenset())
    return subject_type == s.SUBJECT_CADRE and sees_cadre(user, code)


def _of(type_field: str, code_field: str, types: Collection[str], codes: Collection[str]) -> Q:
    if not codes:
        return Q(pk__in=[])
    return Q(**{f"{type_field}__in": list(types), f"{code_field}__in": list(codes)})
