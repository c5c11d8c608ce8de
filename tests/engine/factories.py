"""Build small plans and data sets in tests, with fixed values (no randomness).

``make_dataset`` skips file parsing and validation: rows are given as Python values (months as
numbers 1–12 or "YYYY-MM", dates as ``date`` or ISO text, tags as lists), missing optional columns
are null, and ``_row`` counts from 2 like a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet, table_schema
from kaohe.engine.plan import Plan, plan_from_mapping

Row = Mapping[str, Any]


def _month(value: Any) -> int:
    if isinstance(value, str):
        return int(value.split("-")[1])
    return int(value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def make_frame(name: str, rows: Sequence[Row]) -> pl.DataFrame:
    table = s.TABLES[name]
    known = set(table.column_names)
    columns: dict[str, list[Any]] = {c: [] for c in table.column_names}
    for row in rows:
        unknown = set(row) - known
        if unknown:
            raise KeyError(f"{name}: unknown columns {sorted(unknown)}")
        for c in table.columns:
            v = row.get(c.name)
            if v is not None and c.kind == "month":
                v = _month(v)
            elif c.kind == "date":
                v = _date(v)
            elif c.name == s.TAGS and v is not None and isinstance(v, str):
                v = [t for t in v.split(",") if t]
            columns[c.name].append(v)
    columns[s.ROW] = list(range(2, len(rows) + 2))
    return pl.DataFrame(columns, schema=table_schema(name))


def make_dataset(year: int = 2026, months: int | None = None, **tables: Sequence[Row]) -> DataSet:
    frames = {name: make_frame(name, rows) for name, rows in tables.items()}
    if months is None:
        district = frames.get(s.DISTRICT)
        months = int(district[s.MONTH].max()) if district is not None else 12  # type: ignore[arg-type]
    return DataSet(year=year, months=tuple(range(1, months + 1)), tables=frames)


def make_plan(categories: Mapping[str, Any] | None = None, **settings: Any) -> Plan:
    """A plan of year 2026; ``categories`` defaults to one category 'A' with one rated group."""
    if categories is None:
        categories = {
            "A": {
                "groups": [
                    {
                        "key": "duty",
                        "name": "履职",
                        "points": 100,
                        "indicators": [
                            {"key": "task", "name": "任务", "weight": 1, "method": "rating"}
                        ],
                    }
                ]
            }
        }
    data: dict[str, Any] = {"year": 2026, "name": "test plan", "categories": categories}
    data.update(settings)
    return plan_from_mapping(data)


def district(months: int = 12, growth: float = 8.0, target: float = 8.0) -> list[dict[str, Any]]:
    """District rows for months 1..``months`` with growth exactly on target (C = tier value)."""
    return [
        {s.MONTH: m, s.GDP_GROWTH: growth, s.GDP_GROWTH_TARGET: target}
        for m in range(1, months + 1)
    ]
