"""Typed input tables and result tables: what flows into and out of the engine.

A :class:`DataSet` holds one polars frame per input table of :data:`~kaohe.engine.schema.TABLES`,
already parsed and validated (docs/data-format.md): ids and text as ``String``, integers as
``Int64``, numbers as ``Float64``, flags as ``Boolean``, dates as ``Date``, months as the month
number 1–12 (``Int64``) of the plan year, periods normalised (``2026``, ``2026-Q1``, ``2026-H2``),
tags as ``List(String)``; a missing optional value is null. Every frame also carries ``_row``, the
spreadsheet row it came from, so later checks can point at it. Tables absent from the input are
empty frames with the same schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.errors import Problem

DTYPES: Mapping[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "month": pl.Int64(),
    "period": pl.String(),
}


def table_schema(name: str) -> pl.Schema:
    """The polars schema of input table ``name`` inside a :class:`DataSet`."""
    table = s.TABLES[name]
    cols: dict[str, pl.DataType] = {}
    for c in table.columns:
        cols[c.name] = pl.List(pl.String()) if c.name == s.TAGS else DTYPES[c.kind]
    cols[s.ROW] = pl.Int64()
    return pl.Schema(cols)


def empty_table(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=table_schema(name))


@dataclass(frozen=True)
class DataSet:
    """One plan year's validated input. ``months`` are the run's months 1…M (docs/rules.md §0)."""

    year: int
    months: tuple[int, ...]
    tables: Mapping[str, pl.DataFrame]
    sources: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()

    def __getitem__(self, name: str) -> pl.DataFrame:
        frame = self.tables.get(name)
        return frame if frame is not None else empty_table(name)

    def source(self, name: str) -> str:
        """How to name table ``name`` in a message: its file, or sheet of a workbook."""
        return self.sources.get(name, f"{name}.csv")


@dataclass(frozen=True)
class Results:
    """Every result table of a run, unrounded (see :data:`~kaohe.engine.schema.OUTPUTS`)."""

    plan_year: int
    months: tuple[int, ...]
    tables: Mapping[str, pl.DataFrame]

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]
