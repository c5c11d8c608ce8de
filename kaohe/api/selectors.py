"""Reads behind the API: runs, stored result rows as published, the unit report card.

Result rows are returned with the engine's column names (``unit_id``, ``subject_id``…, as in the
published CSV files) and numbers rounded half up as published (scores 2 decimals, ratios 4;
rules.md §0). Every read is a bounded number of queries, never one per row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

import polars as pl
from django.db.models import Model, Q, QuerySet

from kaohe.accounts.scope import AnyUser, subject_rows
from kaohe.collection.exchange import TABLE_MAPS, YEAR_FIELD
from kaohe.collection.frames import rows_to_frame
from kaohe.collection.models import Event, ImportBatch
from kaohe.engine import DataSet, EngineError, Results, explain, parse_plan, round_half_up
from kaohe.engine import schema as s
from kaohe.engine.common import RATIO_DIGITS
from kaohe.engine.plan import Plan
from kaohe.followup.selectors.grades import (
    effective_grade_where,
    effective_quota_use,
    overrides_of,
)
from kaohe.org.models import Cadre, Unit
from kaohe.results.adapters import field_name
from kaohe.results.models import RESULT_MODELS, Run, RunRow, UnitMonthly

DIGITS: Final = {"score": 2, "ratio": RATIO_DIGITS}
_POLARS: Final = {
    "score": pl.Float64,
    "ratio": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "str": pl.String,
    "month": pl.Int64,
}


class NotFoundError(Exception):
    """What was asked for does not exist (a run, a unit, a month of the run)."""


# --- runs


def run_list(*, year: int | None = None, state: str | None = None) -> QuerySet[Run]:
    query = Run.objects.select_related("plan").order_by("-created", "-id")
    if year is not None:
        query = query.filter(year=year)
    if state:
        query = query.filter(state=state)
    return query


def run_detail(*, run_id: int) -> Run:
    run = Run.objects.filter(pk=run_id).prefetch_related("problems").first()
    if run is None:
        raise NotFoundError(f"there is no run {run_id}")
    return run


def run_for_results(*, year: int | None, run_id: int | None) -> Run:
    """The run whose results are read: ``run_id`` (finished), else the current run of ``year``
    (the latest finished one), else the latest finished run of any year."""
    query = Run.objects.filter(state=Run.State.DONE)
    if run_id is not None:
        run = query.filter(pk=run_id).first()
        if run is None:
            raise NotFoundError(f"there is no finished run {run_id}")
        return run
    if year is not None:
        query = query.filter(year=year)
    run = query.order_by("-finished", "-id").first()
    if run is None:
        raise NotFoundError(
            f"there is no finished run of {year}" if year else "there is no finished run"
        )
    return run


def run_month(run: Run, month: int | None) -> int:
    """``month`` checked against the run's months; default its last month."""
    last = run.months or 12
    if month is None:
        return last
    if not 1 <= month <= last:
        raise NotFoundError(f"run {run.pk} computed months 1–{last}, not {month}")
    return month


# --- result rows, published


def published(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row (field names) → the engine's columns, rounded as published."""
    out: dict[str, Any] = {}
    for column, fmt in s.OUTPUTS[name]:
        value = row[field_name(column)]
        if isinstance(value, float):
            if not math.isfinite(value):
                value = None
            elif fmt in DIGITS:
                value = round_half_up(value, DIGITS[fmt])
        out[column] = value
    return out


def result_query(run: Run, name: str, **filters: Any) -> QuerySet[RunRow]:
    """Rows of result table ``name`` of ``run`` in the engine's order (its sort keys)."""
    model = RESULT_MODELS[name]
    order = [field_name(c) for c in s.OUTPUT_KEYS[name]]
    query: QuerySet[RunRow] = model._default_manager.filter(run=run)
    given = {k: v for k, v in filters.items() if v is not None}
    return query.filter(**given).order_by(*order, "id")


def annual_query(run: Run, grade: str | None = None, **filters: Any) -> QuerySet[RunRow]:
    """Annual rows of ``run``; ``grade`` filters on the published grade (the year's close's
    overrides applied)."""
    query = result_query(run, "annual", **filters)
    return query.filter(effective_grade_where(run, grade)) if grade else query


def with_effective_grades(run: Run, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Annual rows with the published grade: ``grade`` is the effective grade, ``engine_grade``
    the engine's and ``override_reason`` the office's reason when the close overrode it (one
    query)."""
    overrides = overrides_of(run)
    for r in rows:
        override = overrides.get((r[s.SUBJECT_TYPE], r[s.SUBJECT_ID]))
        r["engine_grade"] = r[s.GRADE]
        r["override_reason"] = override.reason if override is not None else None
        if override is not None:
            r[s.GRADE] = override.grade
    return rows


@dataclass(frozen=True, slots=True)
class Page:
    count: int
    items: list[dict[str, Any]]


def result_page(name: str, query: QuerySet[RunRow], *, limit: int, offset: int) -> Page:
    """One page of a result query, as published rows."""
    fields = [field_name(c) for c, _ in s.OUTPUTS[name]]
    rows = query.values(*fields)[offset : offset + limit]
    return Page(query.count(), [published(name, r) for r in rows])


def result_rows(name: str, query: QuerySet[RunRow]) -> list[dict[str, Any]]:
    fields = [field_name(c) for c, _ in s.OUTPUTS[name]]
    return [published(name, r) for r in query.values(*fields)]


def names_of(model: type[Model], codes: Iterable[str]) -> dict[str, str]:
    """``code → name`` of the given units or cadres, one query."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = model._default_manager.filter(code__in=wanted).values_list("code", "name")
    return dict(rows)


def with_names(rows: list[dict[str, Any]], model: type[Model], column: str) -> list[dict[str, Any]]:
    names = names_of(model, (r[column] for r in rows))
    for r in rows:
        r["name"] = names.get(r[column], "")
    return rows


def subject_scope(query: QuerySet[Any], user: AnyUser) -> QuerySet[Any]:
    """Only the records of subjects ``user`` may see (kaohe.accounts.scope)."""
    return subject_rows(query, user)


# --- rankings


def unit_rankings(run: Run, month: int, category: str | None) -> list[dict[str, Any]]:
    """Ranked unit scores of ``month`` per category, with each unit's rank change since the
    month before (positive: moved up; None in month 1 or when unranked before)."""
    query = result_query(run, "unit_monthly", month=month, category=category)
    rows = with_names(result_rows("unit_monthly", query), Unit, s.UNIT_ID)
    before: dict[str | None, int | None] = {}
    if month > 1:
        earlier = UnitMonthly.objects.filter(run=run, month=month - 1)
        before = dict(earlier.values_list("unit_code", "rank"))
    categories: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(rows, key=lambda r: (r[s.CATEGORY] or "", _rank_key(r[s.RANK]), r[s.UNIT_ID])):
        previous = before.get(r[s.UNIT_ID])
        r["previous_rank"] = previous
        r["rank_change"] = (
            previous - r[s.RANK] if previous is not None and r[s.RANK] is not None else None
        )
        categories.setdefault(r[s.CATEGORY] or "", []).append(r)
    return [{"category": c, "units": units} for c, units in categories.items()]


def _rank_key(rank: int | None) -> int:
    return rank if rank is not None else 1 << 30


# --- the unit report card


@lru_cache(maxsize=16)
def _plan(run_id: int, snapshot: str) -> Plan:
    """A run's plan snapshot, parsed once per process (it never changes)."""
    del run_id
    return parse_plan(snapshot)


def run_plan(run: Run) -> Plan:
    return _plan(run.pk, run.plan_snapshot)


def _stored_frame(run: Run, name: str, **filters: Any) -> pl.DataFrame:
    """Result table ``name`` of ``run`` as the engine's frame, the rows ``filters`` select."""
    columns = [c for c, _ in s.OUTPUTS[name]]
    query = result_query(run, name, **filters)
    rows = query.values_list(*[field_name(c) for c in columns])
    schema = {c: _POLARS[f] for c, f in s.OUTPUTS[name]}
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _input_frame(name: str, year: int, condition: Q) -> pl.DataFrame:
    tm = TABLE_MAPS[name]
    query = tm.model._default_manager.all()
    if tm.yearly:
        query = query.filter(**{YEAR_FIELD: year})
    rows = query.filter(condition).values_list(*tm.lookups())
    return rows_to_frame(tm, rows)


@dataclass(frozen=True, slots=True)
class Card:
    run: Run
    unit: Unit
    month: int
    score: dict[str, Any]
    groups: list[dict[str, Any]]
    events: list[dict[str, Any]]
    explanation: list[str]
    inputs_changed: bool


def unit_card(run: Run, unit_code: str, month: int) -> Card:
    """A unit's month: its groups with their indicators, events, coefficient, S and rank, and
    the engine's explanation lines (kaohe.engine.explain) over the run's own result rows."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise NotFoundError(f"there is no unit {unit_code}")
    found = result_rows(
        "unit_monthly", result_query(run, "unit_monthly", unit_code=unit_code, month=month)
    )
    if not found:
        raise NotFoundError(f"unit {unit_code} has no score in month {month} of run {run.pk}")
    plan = run_plan(run)
    category = plan.categories.get(found[0][s.CATEGORY] or "")
    where = {"unit_code": unit_code, "month": month}
    indicators = result_rows("unit_indicators", result_query(run, "unit_indicators", **where))
    groups = result_rows("unit_groups", result_query(run, "unit_groups", **where))
    # in the plan's order, named as the plan names them
    order = {g.key: i for i, g in enumerate(category.groups)} if category else {}
    names = {g.key: g.name for g in category.groups} if category else {}
    plan_indicators = list(category.indicators()) if category else []
    indicator_order = {ind.key: i for i, (_, ind) in enumerate(plan_indicators)}
    indicator_names = {ind.key: ind.name for _, ind in plan_indicators}
    indicators.sort(key=lambda i: indicator_order.get(i[s.INDICATOR], len(indicator_order)))
    groups.sort(key=lambda g: order.get(g[s.GROUP], len(order)))
    for g in groups:
        g["name"] = names.get(g[s.GROUP], g[s.GROUP])
        g["indicators"] = [
            {**i, "name": indicator_names.get(i[s.INDICATOR], i[s.INDICATOR])}
            for i in indicators
            if i[s.GROUP] == g[s.GROUP]
        ]
    events = [
        {
            "event_id": e.code,
            "kind": e.kind,
            "points": e.points,
            "reason": e.reason,
            "veto": e.veto,
            "veto_type": e.veto_type,
            "sanction": e.sanction,
        }
        for e in Event.objects.filter(year=run.year, subject_code=unit_code, month=month).order_by(
            "code"
        )
    ]
    return Card(
        run=run,
        unit=unit,
        month=month,
        score=found[0],
        groups=groups,
        events=events,
        explanation=_explanation(run, plan, unit_code, month),
        inputs_changed=_inputs_changed(run),
    )


def _explanation(run: Run, plan: Plan, unit_code: str, month: int) -> list[str]:
    """The engine's lines for the unit's month, from the run's rows and the stored inputs."""
    subject = Q(subject_code=unit_code)
    through = Q(month__lte=month)
    tables = {
        s.UNITS: _input_frame(s.UNITS, run.year, Q(code=unit_code)),
        s.ECONOMIC: _input_frame(s.ECONOMIC, run.year, Q(unit__code=unit_code) & through),
        s.RESULTS: _input_frame(s.RESULTS, run.year, subject & through),
        s.EVENTS: _input_frame(s.EVENTS, run.year, subject & Q(month=month)),
        s.DISTRICT: _input_frame(s.DISTRICT, run.year, Q(month=month)),
    }
    months = tuple(range(1, (run.months or month) + 1))
    data = DataSet(year=run.year, months=months, tables=tables)
    where = {"unit_code": unit_code, "month": month}
    results = Results(
        plan_year=run.year,
        months=months,
        tables={
            name: _stored_frame(run, name, **where)
            for name in ("unit_monthly", "unit_groups", "unit_indicators")
        },
    )
    try:
        return explain(plan, data, results, unit_code, month)
    except (EngineError, KeyError, AssertionError) as exc:
        return [f"no explanation: {exc}"]


def _inputs_changed(run: Run) -> bool:
    """Has an import changed the year's data since the run read it? Then the explanation's
    inputs are today's, not the run's."""
    if run.started is None:
        return False
    return ImportBatch.objects.filter(
        year=run.year, state=ImportBatch.State.DONE, created__gt=run.started
    ).exists()


# --- cadres


def cadre_get(code: str) -> Cadre:
    cadre = Cadre.objects.filter(code=code).first()
    if cadre is None:
        raise NotFoundError(f"there is no cadre {code}")
    return cadre


@dataclass(frozen=True, slots=True)
class CadreScores:
    cadre: Cadre
    run: Run
    monthly: list[dict[str, Any]]
    periods: list[dict[str, Any]]
    annual: dict[str, Any] | None


def cadre_scores(run: Run, cadre: Cadre) -> CadreScores:
    """A cadre's year: every month with its components, the periods and the annual result."""
    monthly = result_rows(
        "cadre_monthly", result_query(run, "cadre_monthly", cadre_code=cadre.code)
    )
    subject = {"subject_type": s.SUBJECT_CADRE, "subject_code": cadre.code}
    periods = result_rows("periods", result_query(run, "periods", **subject))
    annual = with_effective_grades(
        run, result_rows("annual", result_query(run, "annual", **subject))
    )
    return CadreScores(cadre, run, monthly, periods, annual[0] if annual else None)


def quota_use(run: Run) -> list[dict[str, Any]]:
    rows = result_rows("quota", result_query(run, "quota"))
    used = {q.quota_group: q.used for q in effective_quota_use(run)}
    for r in rows:
        quota, granted = r[s.QUOTA], r[s.GRANTED]
        r["remaining"] = quota - granted if quota is not None and granted is not None else None
        r["used"] = used.get(r[s.QUOTA_GROUP] or "", 0)
    return rows


def codes_filter(values: Sequence[str | None]) -> list[str]:
    return [v for v in values if v]
