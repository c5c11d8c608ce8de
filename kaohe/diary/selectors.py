"""Reads of the diary: a cadre's month summary with the component points of the plan's rule,
their week, the team grid of a section (cut through :mod:`kaohe.accounts.scope`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from kaohe.accounts.scope import AnyUser, cadres_for, scope_for, sections_for
from kaohe.diary.calendar import month_days, month_working_days
from kaohe.diary.models import Attendance, Goal, Week, week_month
from kaohe.org.models import Cadre, Section
from kaohe.plans.models import Plan


def cadre_of(user: AnyUser) -> Cadre | None:
    """The user's own cadre (None when the account has none)."""
    code = scope_for(user).cadre
    return None if code is None else Cadre.objects.filter(code=code).first()


def month_weeks(year: int, month: int) -> list[dt.date]:
    """The Mondays of the ISO weeks whose Thursday falls in the month."""
    first = dt.date(year, month, 1)
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= first + dt.timedelta(days=31):
        if week_month(monday) == (year, month):
            out.append(monday)
        monday += dt.timedelta(days=7)
    return out


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """What the diary gives the month (docs/rules.md §6), before the monthly rating."""

    year: int
    month: int
    working_days: int
    lates: int
    absences: int
    leave_days: int
    goals_set: int
    goals_met: int
    weeks_without_goals: tuple[dt.date, ...]
    attendance_points: float | None  # None: no plan for the year
    weekly_points: float | None
    attendance_max: float | None
    weekly_max: float | None

    @property
    def no_goals(self) -> bool:
        return self.goals_set == 0


def _points(
    year: int, lates: int, absences: int, goals_set: int, goals_met: int
) -> tuple[float | None, float | None, float | None, float | None]:
    """§6 with the plan's settings (``cascade.own_score``): attendance
    ``max(0, points − per_late × lates − per_absence × absences)``, weekly
    ``points × met / set`` (no goals: full points, flagged). Example (defaults): 3 lates,
    1 absence → 10 − 1.5 − 2 = 6.5; 6 of 8 goals → 30 × 6 / 8 = 22.5."""
    row = Plan.objects.filter(year=year).first()
    if row is None:
        return None, None, None, None
    own = row.parsed().cascade.own_score
    attendance = max(0.0, own.attendance_points - own.per_late * lates - own.per_absence * absences)
    weekly = own.weekly_points * goals_met / goals_set if goals_set else own.weekly_points
    return attendance, weekly, own.attendance_points, own.weekly_points


def month_summary(
    cadre: Cadre, year: int, month: int, *, upto: dt.date | None = None
) -> MonthSummary:
    """The month's counts as :func:`kaohe.diary.services.month_resum` sums them, and their
    points. ``upto``: weeks starting after it are not listed as without goals (yet)."""
    workdays = month_working_days(year, month)
    counts = Attendance.objects.filter(cadre=cadre, date__in=workdays).aggregate(
        lates=Count("pk", filter=Q(status=Attendance.Status.LATE)),
        absences=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        leave=Count("pk", filter=Q(status=Attendance.Status.LEAVE)),
    )
    mondays = month_weeks(year, month)
    goals = Goal.objects.filter(week__cadre=cadre, week__monday__in=mondays)
    sums = goals.aggregate(
        set=Count("pk"), met=Count("pk", filter=Q(done=True, week__state=Week.State.CONFIRMED))
    )
    with_goals = set(goals.values_list("week__monday", flat=True))
    missing = tuple(m for m in mondays if m not in with_goals and (upto is None or m <= upto))
    attendance, weekly, a_max, w_max = _points(
        year, counts["lates"], counts["absences"], sums["set"], sums["met"]
    )
    return MonthSummary(
        year=year,
        month=month,
        working_days=len(workdays),
        lates=counts["lates"],
        absences=counts["absences"],
        leave_days=counts["leave"],
        goals_set=sums["set"],
        goals_met=sums["met"],
        weeks_without_goals=missing,
        attendance_points=attendance,
        weekly_points=weekly,
        attendance_max=a_max,
        weekly_max=w_max,
    )


def week_get(cadre: Cadre, monday: dt.date) -> Week | None:
    return Week.objects.filter(cadre=cadre, monday=monday).prefetch_related("goals").first()


def attendance_on(cadre: Cadre, day: dt.date) -> Attendance | None:
    return Attendance.objects.filter(cadre=cadre, date=day).first()


def goal_get_for_user(user: AnyUser, goal_id: int) -> Goal | None:
    """The goal, if it is the user's own."""
    code = scope_for(user).cadre
    if code is None:
        return None
    return (
        Goal.objects.select_related("week__cadre")
        .filter(pk=goal_id, week__cadre__code=code)
        .first()
    )


# --- the team view


def team_sections(user: AnyUser) -> QuerySet[Section]:
    return sections_for(user).select_related("unit").order_by("unit__code", "code")


def team_cadres(user: AnyUser, section: Section) -> list[Cadre]:
    """The cadres holding a post in the section now, within the user's scope, minus the user."""
    me = scope_for(user).cadre
    query = (
        cadres_for(user)
        .filter(assignments__post__section=section, assignments__end__isnull=True)
        .distinct()
        .order_by("code")
    )
    return [c for c in query if c.code != me]


@dataclass
class TeamRow:
    cadre: Cadre
    cells: list[tuple[dt.date, bool, Attendance | None]]  # (day, working day, its record)
    lates: int = 0
    absences: int = 0
    leave: int = 0
    weeks: list[Week] = field(default_factory=list)  # the month's weeks with goals
    without_goals: list[dt.date] = field(default_factory=list)  # begun weeks without goals


@dataclass
class TeamGrid:
    days: list[tuple[dt.date, bool]]  # (day, working day)
    rows: list[TeamRow]
    mondays: list[dt.date]


def team_grid(cadres: list[Cadre], year: int, month: int, today: dt.date) -> TeamGrid:
    """Attendance of the month per cadre and day, the month's weeks with goals and those begun
    by ``today`` without (the flag for the chief); three queries."""
    days = month_days(year, month)
    workdays = set(month_working_days(year, month))
    cells: dict[tuple[int, dt.date], Attendance] = {
        (a.cadre_id, a.date): a
        for a in Attendance.objects.filter(cadre__in=cadres, date__year=year, date__month=month)
    }
    mondays = month_weeks(year, month)
    weeks: dict[tuple[int, dt.date], Week] = {
        (w.cadre_id, w.monday): w
        for w in Week.objects.filter(cadre__in=cadres, monday__in=mondays).prefetch_related("goals")
    }
    rows = []
    for cadre in cadres:
        row = TeamRow(cadre, [(d, d in workdays, cells.get((cadre.pk, d))) for d in days])
        statuses: dict[str, int] = defaultdict(int)
        for _day, working, a in row.cells:
            if a is not None and working:  # a day made a holiday after it was recorded: not counted
                statuses[a.status] += 1
        row.lates = statuses[Attendance.Status.LATE]
        row.absences = statuses[Attendance.Status.ABSENT]
        row.leave = statuses[Attendance.Status.LEAVE]
        for m in mondays:
            week = weeks.get((cadre.pk, m))
            if week is not None and week.goals.all():
                row.weeks.append(week)
            elif m <= today:
                row.without_goals.append(m)
        rows.append(row)
    return TeamGrid([(d, d in workdays) for d in days], rows, mondays)


def week_of(code: str, monday: dt.date) -> Week | None:
    """The week of the cadre ``code`` starting ``monday`` (the caller checked the permission)."""
    return Week.objects.filter(cadre__code=code, monday=monday).first()
