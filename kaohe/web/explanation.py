"""The ORM ↔ engine boundary of one explanation: a subject-scoped DataSet and Results.

``kaohe explain`` scores a whole year to explain one subject; a page cannot. The engine's
:func:`kaohe.engine.explain` only reads the subject's own rows (its unit or cadre row, its
economic, indicator-result, event and record rows, the district's months) and the subject's rows of
a few result tables, so those are read here, one query per table filtered by the subject, into the
engine's typed frames. The lines are then the ones ``kaohe explain`` prints for the same data
(a test compares them).

Inputs are read as stored now, through the run's last month; the run's own numbers come from its
stored results. :func:`data_changed_since` tells a page when an import came after the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl

from kaohe.collection.exchange import TABLE_MAPS
from kaohe.collection.frames import rows_to_frame
from kaohe.collection.models import ImportBatch
from kaohe.engine import DataSet, Plan, Results, explain
from kaohe.engine import schema as s
from kaohe.results.adapters import field_name
from kaohe.results.models import RESULT_MODELS, Run

SubjectType = Literal["unit", "cadre"]

# Which input tables an explanation of each kind of subject reads, and the column naming it.
INPUTS: Final[dict[SubjectType, dict[str, str | None]]] = {
    "unit": {
        s.UNITS: s.UNIT_ID,
        s.DISTRICT: None,  # every month of the district
        s.ECONOMIC: s.UNIT_ID,
        s.RESULTS: s.SUBJECT_ID,
        s.EVENTS: s.SUBJECT_ID,
    },
    "cadre": {
        s.CADRES: s.CADRE_ID,
        s.RECORDS: s.CADRE_ID,
        s.EVENTS: s.SUBJECT_ID,
    },
}
# Which result tables, the column naming the subject, and whether one month is enough.
OUTPUTS: Final[dict[SubjectType, dict[str, tuple[str, bool]]]] = {
    "unit": {
        "unit_monthly": (s.UNIT_ID, False),  # every month: the card's trend and ranks
        "unit_groups": (s.UNIT_ID, True),
        "unit_indicators": (s.UNIT_ID, True),
    },
    "cadre": {"cadre_monthly": (s.CADRE_ID, False)},
}
RESULT_DTYPES: Final[Mapping[str, pl.DataType]] = {
    "score": pl.Float64(),
    "ratio": pl.Float64(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
    "str": pl.String(),
    "month": pl.Int64(),
}


@dataclass(frozen=True, slots=True)
class SubjectData:
    """What the engine needs to explain one subject, and what a page shows beside it."""

    data: DataSet
    results: Results

    def lines(self, plan: Plan, subject: str, month: int) -> list[str]:
        return explain(plan, self.data, self.results, subject, month)


def subject_dataset(year: int, months: int, kind: SubjectType, subject: str) -> DataSet:
    """The input rows of ``subject`` (and the district's), months 1…``months``; one query each."""
    tables: dict[str, pl.DataFrame] = {}
    for name, column in INPUTS[kind].items():
        tm = TABLE_MAPS[name]
        query = tm.model._default_manager.all()
        if tm.yearly:
            query = query.filter(year=year)
        if column is not None:
            query = query.filter(**{tm.lookup(column): subject})
        if s.MONTH in tm.fields:
            query = query.filter(month__lte=months)
        rows = query.order_by(*[tm.lookup(c) for c in tm.key]).values_list(*tm.lookups())
        frame = rows_to_frame(tm, rows)
        tables[name] = frame.with_columns(pl.lit(None, pl.Int64).alias(s.ROW))
    return DataSet(year=year, months=tuple(range(1, months + 1)), tables=tables)


def result_frame(run: Run, name: str, **filters: Any) -> pl.DataFrame:
    """Rows of stored result table ``name`` of ``run`` matching ``filters``, as the engine's frame
    (one query)."""
    model = RESULT_MODELS[name]
    columns = [c for c, _ in s.OUTPUTS[name]]
    rows = (
        model._default_manager.filter(run=run, **filters)
        .order_by("id")
        .values_list(*[field_name(c) for c in columns])
    )
    schema = {c: RESULT_DTYPES[f] for c, f in s.OUTPUTS[name]}
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def subject_results(run: Run, kind: SubjectType, subject: str, month: int) -> Results:
    """The subject's rows of the result tables an explanation reads; one query each."""
    tables: dict[str, pl.DataFrame] = {}
    for name, (column, one_month) in OUTPUTS[kind].items():
        filters: dict[str, Any] = {field_name(column): subject}
        if one_month:
            filters["month"] = month
        tables[name] = result_frame(run, name, **filters)
    months = tuple(range(1, (run.months or 0) + 1))
    return Results(plan_year=run.year, months=months, tables=tables)


def subject_data(run: Run, kind: SubjectType, subject: str, month: int) -> SubjectData:
    """Inputs and results of ``subject`` for an explanation of ``month`` in ``run``."""
    return SubjectData(
        data=subject_dataset(run.year, run.months or 0, kind, subject),
        results=subject_results(run, kind, subject, month),
    )


def data_changed_since(run: Run) -> bool:
    """Whether an import of the run's year was written after the run started (its inputs as
    stored now may then differ from what the run read)."""
    started = run.started or run.created
    return ImportBatch.objects.filter(
        year=run.year, state=ImportBatch.State.DONE, created__gt=started
    ).exists()
