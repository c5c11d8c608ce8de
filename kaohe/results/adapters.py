"""The ORM ↔ engine boundary of a computation: the year's stored data in, result rows out.

``dataset_from_db`` reads each input table with one query into polars and hands the frames to
``kaohe.engine.dataset_from_frames`` (which validates, raising DataError with every problem).
``results_to_rows`` turns each result frame into unsaved model rows for ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import polars as pl

from kaohe.collection.frames import frames_from_db
from kaohe.collection.models import DistrictStat
from kaohe.engine import DataSet, Results, dataset_from_frames
from kaohe.engine import schema as s
from kaohe.engine.plan import Plan
from kaohe.results.models import RESULT_MODELS, Run, RunRow

SUFFIX_ID: Final = "_id"


def dataset_from_db(year: int, plan: Plan, *, through_month: int | None = None) -> DataSet:
    """The validated input of ``year`` (months 1…``through_month``, default: through the last
    month of the district table), one query per table. Raises :class:`kaohe.engine.DataError`
    listing every problem.

    The default reads what a run of the months the district's figures cover reads: the records
    people keep every day (attendance, weekly goals, reconciliations, ratings) run ahead of the
    statistics bureau's monthly figures, and a month not yet in the district table is not part
    of the run (in a file-based data set, rows after its last month are an error instead).
    """
    if through_month is None:
        through_month = district_last_month(year)
    frames = frames_from_db(year, through_month=through_month)
    frames[s.RECORDS] = rated_records(frames[s.RECORDS])
    labels = {name: f"{name}" for name in s.TABLES}
    return dataset_from_frames(frames, plan, labels)


def rated_records(records: pl.DataFrame) -> pl.DataFrame:
    """The records a run scores: those with the month's rating, or on leave.

    The diary and the reconciliation write a cadre-month's record as the month goes on; until
    the rater has rated it, the month is treated as one without a record — not scored, listed
    among the run's warnings (docs/data-format.md) — rather than stopping the whole run. A file
    handed to the engine directly still needs the level (the engine's check).
    """
    level = pl.col(s.LEVEL)
    return records.filter(
        (level.is_not_null() & (level != "")) | pl.col(s.ON_LEAVE).fill_null(False)
    )


def district_last_month(year: int) -> int | None:
    """The last month of ``year``'s district table (None when it has none: then the engine
    reports the missing table)."""
    last = DistrictStat.objects.filter(year=year).order_by("-month").values_list("month", flat=True)
    return last.first()


def field_name(column: str) -> str:
    """The model field of a result column: ``unit_id`` → ``unit_code``."""
    return column[: -len(SUFFIX_ID)] + "_code" if column.endswith(SUFFIX_ID) else column


def result_rows(run: Run, name: str, frame: pl.DataFrame) -> Iterator[RunRow]:
    """Unsaved rows of result table ``name`` for ``run``, in the engine's order."""
    model = RESULT_MODELS[name]
    renamed = frame.rename({c: field_name(c) for c in frame.columns})
    for row in renamed.iter_rows(named=True):
        yield model(run=run, **row)


def result_tables(results: Results) -> dict[str, pl.DataFrame]:
    return {name: results[name] for name in s.OUTPUTS}


def stored_frame(run: Run, name: str) -> pl.DataFrame:
    """A stored result table of ``run`` as the engine's frame (one query), for comparisons and
    exports."""
    model = RESULT_MODELS[name]
    columns = [c for c, _ in s.OUTPUTS[name]]
    fields = [field_name(c) for c in columns]
    rows = model._default_manager.filter(run=run).order_by("id").values_list(*fields)
    dtypes = {
        "score": pl.Float64,
        "ratio": pl.Float64,
        "int": pl.Int64,
        "bool": pl.Boolean,
        "str": pl.String,
        "month": pl.Int64,
    }
    schema = {c: dtypes[f] for c, f in s.OUTPUTS[name]}
    return pl.DataFrame(list(rows), schema=schema, orient="row")
