"""Reads of the ratings app: who a rater rates on a unit's sheet, the sheet's rows, the office's
completion per unit, a person's own ratings (docs/ratings.md).

Who rates whom (rules.md §6, docs/security.md): a unit head (单位负责人 of the unit) rates the
unit's leaders (班子成员) and staff; the assessment office rates the unit's principals (一把手)
and, in the annual review, the unit's team (领导班子). Political quality is rated by the office
for the team and every cadre of the unit. Nobody rates themself (回避). The people of a unit in
a period are those who hold a post in it on any day of the period (their latest post's role).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final

from django.db.models import Q

from kaohe.accounts.models import Role, RoleAssignment, User
from kaohe.accounts.scope import AnyUser, cadre_codes_for, scope_for
from kaohe.engine import schema as s
from kaohe.org.models import Assignment, Post, Unit
from kaohe.ratings.models import Rating
from kaohe.ratings.periods import RatingPeriod

OFFICE: Final = Rating.RaterRole.OFFICE.value
UNIT_HEAD: Final = Rating.RaterRole.UNIT_HEAD.value


@dataclass(frozen=True, slots=True)
class Member:
    code: str
    name: str
    role: str  # principal, leader, staff
    section: str


@dataclass(frozen=True, slots=True)
class Ratee:
    """A row of a rater's sheet: a cadre, or the unit's team (``subject_type`` team)."""

    subject_type: str
    code: str
    name: str
    role: str  # a post role, or "team"
    rater_role: str  # office or unit_head: who rates this row


@dataclass(slots=True)
class RaterProgress:
    user: User
    name: str
    expected: int
    drafts: int = 0
    submitted: int = 0

    @property
    def done(self) -> bool:
        return self.expected > 0 and self.submitted >= self.expected


@dataclass(slots=True)
class UnitCompletion:
    unit: Unit
    heads: list[RaterProgress] = field(default_factory=list)
    office_missing: list[str] = field(default_factory=list)  # names the office has not rated
    office_expected: int = 0

    @property
    def done(self) -> bool:
        return not self.office_missing and all(h.done for h in self.heads if h.expected)


def user_cadre_code(user: AnyUser) -> str | None:
    """The cadre the user is (for recusal); None for an account without one."""
    if not isinstance(user, User) or user.cadre_id is None or user.cadre is None:
        return None
    return user.cadre.code


def user_name(user: User) -> str:
    if user.cadre_id is not None and user.cadre is not None:
        return user.cadre.name
    return user.display_name or user.get_full_name() or user.username


def rater_roles(user: AnyUser, unit_code: str) -> frozenset[str]:
    """How ``user`` rates on the unit's sheet: as the office, as its unit head, both or not."""
    scope = scope_for(user)
    roles: set[str] = set()
    if scope.full:
        roles.add(OFFICE)
    if Role.UNIT_HEAD in scope.roles and unit_code in scope.units:
        roles.add(UNIT_HEAD)
    return frozenset(roles)


def rated_units(user: AnyUser) -> list[Unit]:
    """Units whose sheet ``user`` rates on (the office every unit, a unit head theirs)."""
    scope = scope_for(user)
    query = Unit.objects.filter(active=True)
    if scope.full:
        return list(query)
    if Role.UNIT_HEAD in scope.roles:
        return list(query.filter(code__in=scope.units))
    return []


def unit_members(unit_codes: list[str], period: RatingPeriod) -> dict[str, list[Member]]:
    """The people holding a post in each unit on any day of the period (one query)."""
    rows = (
        Assignment.objects.filter(post__unit__code__in=unit_codes, start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .order_by("cadre__code", "start")
        .values_list(
            "post__unit__code", "cadre__code", "cadre__name", "post__role", "post__section__name"
        )
    )
    latest: dict[tuple[str, str], Member] = {}
    for unit, code, name, role, section in rows:
        latest[(unit, code)] = Member(code, name, role, section or "")
    out: dict[str, list[Member]] = defaultdict(list)
    for (unit, _code), member in latest.items():
        out[unit].append(member)
    return out


def _rated_by(role: str, kind: str) -> str:
    """Who rates a post role in a leaders' rating (principals: the office)."""
    if kind == s.EVAL_POLITICAL or role == Post.Role.PRINCIPAL:
        return OFFICE
    return UNIT_HEAD


def unit_ratees(
    unit: Unit, members: list[Member], kind: str, *, roles: frozenset[str] | None = None
) -> list[Ratee]:
    """The unit's rows for ``kind`` rated by ``roles`` (None: every rater role)."""
    rows: list[Ratee] = []
    if kind in (s.EVAL_REVIEW, s.EVAL_POLITICAL):
        rows.append(Ratee(s.SUBJECT_TEAM, unit.code, unit.name, "team", OFFICE))
    order: dict[str, int] = {Post.Role.PRINCIPAL: 0, Post.Role.LEADER: 1, Post.Role.STAFF: 2}
    for member in sorted(members, key=lambda m: (order.get(m.role, 3), m.code)):
        rows.append(
            Ratee(
                s.SUBJECT_CADRE, member.code, member.name, member.role, _rated_by(member.role, kind)
            )
        )
    return [r for r in rows if roles is None or r.rater_role in roles]


def sheet_ratees(user: AnyUser, unit: Unit, period: RatingPeriod, kind: str) -> list[Ratee]:
    """The rows ``user`` rates on the unit's sheet: never themself (回避); a unit head only
    cadres within their scope."""
    roles = rater_roles(user, unit.code)
    if kind == s.EVAL_POLITICAL:
        roles = roles & {OFFICE}
    if not roles:
        return []
    members = unit_members([unit.code], period).get(unit.code, [])
    own = user_cadre_code(user)
    seen = cadre_codes_for(user)
    return [
        r
        for r in unit_ratees(unit, members, kind, roles=roles)
        if r.code != own
        and (
            r.rater_role == OFFICE
            or r.subject_type != s.SUBJECT_CADRE
            or seen is None
            or r.code in seen
        )
    ]


def sheet_ratings(
    user: User, period: RatingPeriod, kind: str, codes: list[str]
) -> dict[tuple[str, str], Rating]:
    """The user's ratings of these subjects, by (subject code, item)."""
    rows = Rating.objects.filter(period=period.code, kind=kind, rater=user, subject_code__in=codes)
    return {(r.subject_code, r.item): r for r in rows}


def subject_ratings(period: RatingPeriod, codes: list[str]) -> dict[str, list[Rating]]:
    """Every rater's political ratings of these subjects (the office's list per unit)."""
    out: dict[str, list[Rating]] = defaultdict(list)
    rows = Rating.objects.filter(period=period.code, kind=s.EVAL_POLITICAL, subject_code__in=codes)
    for r in rows.select_related("rater", "rater__cadre"):
        out[r.subject_code].append(r)
    return out


def _unit_heads() -> dict[str, list[User]]:
    """Unit heads by unit code (assigned roles; a head by group is reached by their post)."""
    out: dict[str, list[User]] = defaultdict(list)
    rows = RoleAssignment.objects.filter(
        role=Role.UNIT_HEAD, unit__isnull=False, user__is_active=True
    ).select_related("user", "user__cadre", "unit")
    for a in rows:
        assert a.unit is not None
        out[a.unit.code].append(a.user)
    grouped = User.objects.filter(
        groups__name=Role.UNIT_HEAD, is_active=True, cadre__isnull=False
    ).select_related("cadre")
    for user in grouped:
        current = Assignment.objects.filter(cadre=user.cadre, end__isnull=True).values_list(
            "post__unit__code", flat=True
        )
        for code in current:
            if user not in out[code]:
                out[code].append(user)
    return out


def completion(period: RatingPeriod) -> list[UnitCompletion]:
    """Per active unit: each unit head's progress on their rows, and the rows the office has
    not rated yet (by anyone of the office), for the period's leaders' rating."""
    units = list(Unit.objects.filter(active=True))
    members = unit_members([u.code for u in units], period)
    heads = _unit_heads()
    ratings = Rating.objects.filter(period=period.code, kind=period.kind).values_list(
        "subject_code", "rater_id", "rater_role", "state"
    )
    by_rater: dict[int, dict[str, str]] = defaultdict(dict)
    office_done: set[str] = set()
    for code, rater_id, rater_role, state in ratings:
        by_rater[rater_id][code] = state
        if rater_role == OFFICE and state == Rating.State.SUBMITTED:
            office_done.add(code)
    out: list[UnitCompletion] = []
    for unit in units:
        rows = unit_ratees(unit, members.get(unit.code, []), period.kind)
        entry = UnitCompletion(unit)
        office_rows = [r for r in rows if r.rater_role == OFFICE]
        entry.office_expected = len(office_rows)
        entry.office_missing = [r.name for r in office_rows if r.code not in office_done]
        head_rows = [r for r in rows if r.rater_role == UNIT_HEAD]
        for user in heads.get(unit.code, []):
            own = user_cadre_code(user)
            codes = {r.code for r in head_rows if r.code != own}
            states = by_rater.get(user.pk, {})
            progress = RaterProgress(user, user_name(user), len(codes))
            progress.submitted = sum(1 for c in codes if states.get(c) == Rating.State.SUBMITTED)
            progress.drafts = sum(1 for c in codes if states.get(c) == Rating.State.DRAFT)
            entry.heads.append(progress)
        out.append(entry)
    return out


def my_ratings(user: AnyUser) -> list[Rating]:
    """The submitted ratings of the user's own cadre (never a draft)."""
    code = user_cadre_code(user)
    if code is None:
        return []
    return list(
        Rating.objects.filter(
            subject_type=Rating.SubjectType.CADRE, subject_code=code, state=Rating.State.SUBMITTED
        ).order_by("-year", "period", "kind", "item", "id")
    )
