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
from kaohe.engine import DataSet, Results, dataset_from_frames
from kaohe.engine import schema as s
from kaohe.engine.plan import Plan
from kaohe.results.models import RESULT_MODELS, Run, RunRow

SUFFIX_ID: Final = "_id"


def dataset_from_db(year: int, plan: Plan, *, through_month: int | None = None) -> DataSet:
    """The validated input of ``year`` (months 1…``through_month``, default all), one query per
    table. Raises :class:`kaohe.engine.DataError` listing every problem."""
    frames = frames_from_db(year, through_month=through_month)
    labels = {name: f"{name}" for name in s.TABLES}
    return dataset_from_frames(frames, plan, labels)


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
