"""A few diary records for the demo district (``manage.py kaohe_demo``): one month of attendance
and weekly goals of a section's people, so the diary's pages are not empty. Written in bulk,
then each cadre-month summed once (cheap: a few hundred rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from kaohe.collection.models import MonthlyRecord
from kaohe.diary.calendar import month_working_days
from kaohe.diary.models import Attendance, Goal, Week
from kaohe.diary.selectors import month_weeks
from kaohe.diary.services import month_resum
from kaohe.org.models import Cadre

GOALS = (
    "走访辖区企业",
    "完成月度报表",
    "整理项目台账",
    "参加业务培训",
    "督办信访件",
    "起草工作简报",
)


@transaction.atomic
def diary_demo(*, cadres: Iterable[Cadre], year: int, month: int) -> int:
    """Attendance on each working day of the month and the month's weeks of goals for those of
    ``cadres`` with a rated month not on leave (a deterministic pattern: some lates, an absence,
    some annual leave; the last week left for the chief to confirm, one week without goals).
    Returns the number of cadres written."""
    rated = set(
        MonthlyRecord.objects.filter(year=year, month=month, level__gt="")
        .exclude(on_leave=True)
        .values_list("cadre_id", flat=True)
    )  # a month the run scores (a diary month of a cadre on leave would need a rating)
    people = sorted({c for c in cadres if c.pk in rated}, key=lambda c: c.code)
    days = month_working_days(year, month)
    rows: list[Attendance] = []
    for i, cadre in enumerate(people):
        for j, day in enumerate(days):
            check_in: dt.time | None = dt.time(8, 40 + (i + j) % 15)
            status, leave = Attendance.Status.PRESENT, ""
            if (i + j) % 10 == 3:
                status, check_in = Attendance.Status.LATE, dt.time(9, 5 + (i + j) % 20)
            if i % 4 == 1 and j == 7:
                status, check_in = Attendance.Status.ABSENT, None
            if i % 3 == 2 and j in (12, 13):
                status, leave, check_in = Attendance.Status.LEAVE, "annual", None
            rows.append(
                Attendance(
                    cadre=cadre,
                    date=day,
                    status=status,
                    leave_type=leave,
                    check_in=check_in,
                    source=Attendance.Source.IMPORT,
                )
            )
    Attendance.objects.bulk_create(rows)
    mondays = month_weeks(year, month)
    goals: list[Goal] = []
    for i, cadre in enumerate(people):
        for k, monday in enumerate(mondays):
            if i % 5 == 4 and k == 1:
                continue  # a week without goals: flagged to the chief
            last = k == len(mondays) - 1
            week = Week.objects.create(
                cadre=cadre,
                monday=monday,
                state=Week.State.OPEN if last else Week.State.CONFIRMED,
            )
            for n in range(3 + (i + k) % 2):
                text = GOALS[(i + k + n) % len(GOALS)]
                goals.append(Goal(week=week, position=n + 1, text=text, done=(i + k + n) % 4 != 0))
    Goal.objects.bulk_create(goals)
    for cadre in people:
        month_resum(cadre=cadre, year=year, month=month)
    return len(people)
