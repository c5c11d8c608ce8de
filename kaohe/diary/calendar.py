"""Working days (docs/diary.md): Monday to Friday, minus the office's holidays, plus its make-up
workdays (调休上班), from :class:`~kaohe.diary.models.CalendarDay`."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction

from kaohe.diary.models import CalendarDay


def month_days(year: int, month: int) -> list[dt.date]:
    """Every calendar day of the month."""
    last = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in range(1, last + 1)]


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The working days from ``first`` to ``last`` inclusive (one query)."""
    exceptions = dict(
        CalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "kind")
    )
    days: list[dt.date] = []
    day = first
    while day <= last:
        kind = exceptions.get(day)
        if kind == CalendarDay.Kind.WORKDAY or (kind is None and day.weekday() < 5):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_working_days(year: int, month: int) -> list[dt.date]:
    days = month_days(year, month)
    return working_days(days[0], days[-1])


def is_working_day(day: dt.date) -> bool:
    return bool(working_days(day, day))


def calendar_day_set(*, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Record a holiday or a make-up workday (replacing what the date said before)."""
    with transaction.atomic():
        day, _ = CalendarDay.objects.get_or_create(date=date, defaults={"kind": kind})
        day.kind, day.name = kind, name
        day.full_clean()
        day.save()
        return day


def calendar_day_delete(*, date: dt.date) -> None:
    CalendarDay.objects.filter(date=date).delete()
