"""Default deadlines of a month from the plan's ``procedure`` (rules §12, docs/cycle.md).

Units submit by ``submit_day`` of the following month, the office reviews by ``review_day`` and
publishes by ``publish_day``; 公示 lasts ``publicity_days`` working days (Monday to Friday; public
holidays are not known to the system: extend the window by hand when one falls in it), and the
objection window closes with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kaohe.engine.plan import Procedure

WEEKEND = (5, 6)


@dataclass(frozen=True, slots=True)
class Deadlines:
    submit_due: dt.date
    review_due: dt.date
    publish_due: dt.date


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def default_deadlines(year: int, month: int, procedure: Procedure) -> Deadlines:
    """>>> default_deadlines(2026, 3, Procedure())
    Deadlines(submit_due=datetime.date(2026, 4, 5), review_due=datetime.date(2026, 4, 10), publish_due=datetime.date(2026, 4, 15))
    """  # noqa: E501 - a doctest's output is one line
    y, m = next_month(year, month)
    return Deadlines(
        dt.date(y, m, procedure.submit_day),
        dt.date(y, m, procedure.review_day),
        dt.date(y, m, procedure.publish_day),
    )


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (weekends skipped).

    >>> add_working_days(dt.date(2026, 4, 17), 5)  # a Friday → the next Friday
    datetime.date(2026, 4, 24)
    """
    current, left = start, days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() not in WEEKEND:
            left -= 1
    return current
