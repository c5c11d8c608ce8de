"""Year and month helpers shared by the apps (months are 1–12 of a plan year, rules.md §0)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final

_MONTH: Final = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_label(year: int, month: int) -> str:
    """``2026-03``."""
    return f"{year}-{month:02d}"


def parse_year_month(text: str) -> tuple[int, int]:
    """``2026-03`` → (2026, 3); ValueError naming the expected form otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month (write YYYY-MM, as 2026-03)")
    return int(match.group(1)), int(match.group(2))


def month_end(year: int, month: int) -> dt.date:
    """The last day of the month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])
