"""Stored rows ↔ the engine's typed frames, one query per table (never a query per row).

``frames_from_db`` reads every input table of a year as the engine reads it from files
(kaohe.engine.dataset.table_schema); ``db_frame`` turns an engine frame into the stored form
(foreign keys as ids, empty text as ``""``, tags joined by ``,``) for the upsert in
:mod:`kaohe.collection.loader`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

import polars as pl
from django.db.models import Q

from kaohe.collection.exchange import TABLE_MAPS, YEAR_FIELD, TableMap
from kaohe.core.periods import month_end
from kaohe.engine import schema as s
from kaohe.engine.dataset import DTYPES, table_schema

TAG_SEPARATOR: Final = ","
MONTH_TABLES: Final = (
    s.DISTRICT,
    s.ECONOMIC,
    s.RESULTS,
    s.INPUTS,
    s.EVENTS,
    s.RECORDS,
    s.POOLS,
)


def _read_dtype(tm: TableMap, column: str) -> pl.DataType:
    """The dtype of a column as the database hands it over (tags as joined text)."""
    if column == s.TAGS:
        return pl.String()
    return DTYPES[s.TABLES[tm.table].column(column).kind]


def _text_columns(tm: TableMap) -> list[str]:
    table = s.TABLES[tm.table]
    return [c.name for c in table.columns if c.kind in ("str", "period") or c.name == s.TAGS]


def rows_to_frame(tm: TableMap, rows: Iterable[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows of ``values_list(*tm.lookups())`` → the engine's frame (without ``_row``)."""
    schema = {col: _read_dtype(tm, col) for col in tm.columns}
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    empty_is_null = [
        pl.when(pl.col(col) != "").then(pl.col(col)).alias(col) for col in _text_columns(tm)
    ]
    frame = frame.with_columns(empty_is_null)
    if s.TAGS in frame.columns:
        frame = frame.with_columns(pl.col(s.TAGS).str.split(TAG_SEPARATOR).alias(s.TAGS))
    target = table_schema(tm.table)
    return frame.select(pl.col(col).cast(target[col]) for col in tm.columns)


def frames_from_db(
    year: int, *, through_month: int | None = None, tables: Iterable[str] | None = None
) -> dict[str, pl.DataFrame]:
    """Every input table of ``year`` (or of ``tables``) as typed frames, ordered by natural key.

    ``through_month`` keeps what a run of months 1…M reads: monthly rows up to M, evaluations of
    periods begun by M, evidence dated by the end of M. ``_row`` numbers the rows from 2 as a
    spreadsheet would, so problems point at a row of the exported table.
    """
    names = list(tables) if tables is not None else list(TABLE_MAPS)
    frames: dict[str, pl.DataFrame] = {}
    for name in names:
        tm = TABLE_MAPS[name]
        query = tm.model._default_manager.all()
        if tm.yearly:
            query = query.filter(**{YEAR_FIELD: year})
        if through_month is not None:
            query = query.filter(_through(name, year, through_month))
        order = [tm.lookup(col) for col in tm.key]
        rows = query.order_by(*order).values_list(*tm.lookups())
        frame = rows_to_frame(tm, rows)
        if through_month is not None and name == s.EVALUATIONS:
            frame = frame.filter(_period_start() <= through_month)
        frames[name] = frame.with_row_index(s.ROW, offset=2).with_columns(
            pl.col(s.ROW).cast(pl.Int64)
        )
    return frames


def _period_start() -> pl.Expr:
    """The first month of a normalised period: 2026 → 1, 2026-Q3 → 7, 2026-H2 → 7."""
    kind = pl.col(s.PERIOD).str.slice(5, 1)
    n = pl.col(s.PERIOD).str.slice(6, 1).cast(pl.Int64, strict=False)
    return pl.when(kind == "Q").then(3 * n - 2).when(kind == "H").then(6 * n - 5).otherwise(1)


def _through(name: str, year: int, through_month: int) -> Q:
    if name in MONTH_TABLES:
        return Q(month__lte=through_month)
    if name == s.EVIDENCE_TABLE:
        return Q(date__lte=month_end(year, through_month))
    return Q()


def canonical_checksum(frames: Mapping[str, pl.DataFrame], months: Iterable[int]) -> str:
    """SHA-256 over the input frames in schema order, each sorted by every column, ``_row`` left
    out: the same data gives the same checksum whatever order it was stored or imported in."""
    digest = hashlib.sha256()
    digest.update(("months:" + ",".join(str(m) for m in months)).encode())
    for name in s.TABLES:
        frame = frames.get(name)
        if frame is None:
            continue
        columns = [c for c in frame.columns if c != s.ROW]
        text = frame.select(columns)
        if s.TAGS in columns:
            text = text.with_columns(pl.col(s.TAGS).list.join(TAG_SEPARATOR))
        text = text.sort(columns, nulls_last=True)
        digest.update(f"\n#{name}\n".encode())
        digest.update(text.write_csv(null_value="\\N").encode())
    return digest.hexdigest()


def db_frame(
    tm: TableMap, frame: pl.DataFrame, year: int, ids: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """An engine frame → stored columns (attnames), ready to compare and write.

    ``ids`` maps each linked column to a frame ``code → id`` of the referenced model; every code
    must resolve (the engine's validation has checked that it exists).
    """
    out = frame.select(tm.columns)
    for col in tm.links:
        code = f"__{col}"  # the attname (unit_id) may be the column's own name
        lookup = ids[col].rename({"code": code, "id": tm.attname(col)})
        out = out.rename({col: code}).join(lookup, on=code, how="left").drop(code)
    if s.TAGS in out.columns:
        out = out.with_columns(pl.col(s.TAGS).list.join(TAG_SEPARATOR))
    text = [c for c in _text_columns(tm) if c not in tm.links]
    out = out.with_columns(pl.col(c).fill_null("") for c in text)
    out = out.rename({col: tm.attname(col) for col in tm.columns if col not in tm.links})
    if tm.yearly and not tm.has_year_column():
        out = out.with_columns(pl.lit(year, pl.Int64).alias(YEAR_FIELD))
    return out.select(tm.key_attnames() + [a for a in tm.attnames() if a not in tm.key_attnames()])
