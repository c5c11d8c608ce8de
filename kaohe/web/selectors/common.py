"""Reads shared by the pages: which run and month a page shows, the run's plan, names of codes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kaohe.engine import Plan, parse_plan
from kaohe.org.models import Cadre, Section, Unit
from kaohe.results.models import Run
from kaohe.results.selectors import run_current


@dataclass(frozen=True, slots=True)
class Shown:
    """What a page shows: the year, the run whose results it shows (None: no finished run yet)
    and the month (the run's last month unless one was asked for)."""

    year: int
    run: Run | None
    month: int
    years: tuple[int, ...]

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(1, (self.run.months or 0) + 1)) if self.run else ()


def result_years() -> tuple[int, ...]:
    """Years with a finished run, newest first (one query)."""
    years = Run.objects.filter(state=Run.State.DONE).values_list("year", flat=True)
    return tuple(sorted(set(years), reverse=True))


def shown(year: int | None, month: int | None) -> Shown:
    """The run of ``year`` (default: the newest year with results) and ``month`` within it."""
    years = result_years()
    chosen = year if year is not None else (years[0] if years else None)
    if chosen is None:
        return Shown(year=0, run=None, month=0, years=years)
    run = run_current(chosen)
    last = (run.months or 0) if run else 0
    wanted = month if month is not None and 1 <= month <= last else last
    return Shown(year=chosen, run=run, month=wanted, years=years)


@lru_cache(maxsize=16)
def _parsed(digest: str, text: str) -> Plan:
    return parse_plan(text, source=f"plan snapshot {digest[:12]}")


def run_plan(run: Run) -> Plan:
    """The plan a run was computed with (its snapshot), parsed once per process and snapshot."""
    text = run.plan_snapshot
    return _parsed(hashlib.sha256(text.encode()).hexdigest(), text)


def unit_names(codes: Iterable[str] | None = None) -> dict[str, str]:
    """Unit code → name (one query; every unit when ``codes`` is None)."""
    query = Unit.objects.all()
    if codes is not None:
        query = query.filter(code__in=set(codes))
    return dict(query.values_list("code", "name"))


def cadre_names(codes: Iterable[str]) -> dict[str, str]:
    """Cadre code → name (one query)."""
    return dict(Cadre.objects.filter(code__in=set(codes)).values_list("code", "name"))


def section_names(codes: Iterable[str]) -> dict[str, str]:
    return dict(Section.objects.filter(code__in=set(codes)).values_list("code", "name"))


def subject_names(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names of (subject type, code) pairs: units and teams by unit, cadres by cadre (two
    queries at most)."""
    units: set[str] = set()
    cadres: set[str] = set()
    for kind, code in pairs:
        (cadres if kind == "cadre" else units).add(code)
    names = unit_names(units) if units else {}
    if cadres:
        names |= cadre_names(cadres)
    return names
