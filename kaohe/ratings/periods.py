"""Rating periods and their windows (docs/ratings.md).

A quarter (``2026-Q1``) is rated in kind ``quarterly``, a half-year (``2026-H1``) in kind
``half_year`` and the year (``2026``) in kind ``review`` (年度考核评价; political ratings share the
year's period and window). A period's ratings are entered from the day after its last day until
``procedure.rating_days`` working days after it (weekends skipped, kaohe.cycle.deadlines):

>>> p = period_parse("2026-Q1")
>>> rating_window(p, 10)
Window(opens=datetime.date(2026, 4, 1), closes=datetime.date(2026, 4, 14))
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final, Literal

from kaohe.core.periods import month_end
from kaohe.cycle.deadlines import add_working_days
from kaohe.engine import schema as s

_PATTERN: Final = re.compile(r"^(\d{4})(?:-([QH])([1-4]))?$")
WindowState = Literal["before", "open", "closed"]


@dataclass(frozen=True, slots=True)
class RatingPeriod:
    year: int
    code: str
    kind: str  # the leaders' rating kind of the period: quarterly, half_year or review
    first_month: int
    last_month: int

    @property
    def end(self) -> dt.date:
        return month_end(self.year, self.last_month)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)


@dataclass(frozen=True, slots=True)
class Window:
    opens: dt.date
    closes: dt.date

    def state(self, today: dt.date) -> WindowState:
        if today < self.opens:
            return "before"
        return "open" if today <= self.closes else "closed"


def period_parse(text: str) -> RatingPeriod:
    """``2026-Q1``, ``2026-H2`` or ``2026``; ValueError otherwise."""
    found = _PATTERN.match(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a period (2026-Q1, 2026-H1, 2026)")
    year, part, number = int(found[1]), found[2], found[3]
    if part is None:
        return RatingPeriod(year, str(year), s.EVAL_REVIEW, 1, 12)
    n = int(number)
    if part == "Q":
        return RatingPeriod(year, f"{year}-Q{n}", s.EVAL_QUARTERLY, 3 * n - 2, 3 * n)
    if n > 2:
        raise ValueError(f"{text!r} is not a period (a half-year is H1 or H2)")
    return RatingPeriod(year, f"{year}-H{n}", s.EVAL_HALF_YEAR, 6 * n - 5, 6 * n)


def periods_of(year: int) -> list[RatingPeriod]:
    """The year's rating periods in the order their windows open."""
    codes = [f"{year}-Q1", f"{year}-Q2", f"{year}-H1", f"{year}-Q3", f"{year}-Q4", f"{year}-H2"]
    return [period_parse(code) for code in [*codes, str(year)]]


def rating_window(period: RatingPeriod, rating_days: int) -> Window:
    end = period.end
    return Window(end + dt.timedelta(days=1), add_working_days(end, rating_days))
