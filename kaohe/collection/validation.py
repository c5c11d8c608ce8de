"""Validating an import as the engine would score it: stored rows of the year with the uploaded
rows put over them (by natural key), checked together by kaohe.engine.dataset_from_frames.

Stored rows carry negative ``_row`` numbers, so a problem they cause (an uploaded unit that
changes category makes a stored economic row invalid) is told apart from the upload's own rows
and named by its key. Problems that only say the year is not complete yet — a month missing for
a monthly indicator, a district table without a month, a formula input not uploaded yet — become
warnings: data arrives month by month from several offices, and a run refuses to compute until
the year is complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import polars as pl

from kaohe.collection.frames import frames_from_db
from kaohe.engine import DataError, Problem, dataset_from_frames
from kaohe.engine import schema as s
from kaohe.engine.plan import Plan

STORED: Final = "stored"
INCOMPLETE: Final = (
    "(a monthly indicator needs a row for every month of the run)",
    "no month: the run's months are the months of this table",
    "has no row for this subject, indicator and month",  # a formula input not yet uploaded
)


@dataclass(frozen=True, slots=True)
class Checked:
    problems: list[Problem]
    warnings: list[Problem]


def stored_label(name: str) -> str:
    return f"{STORED}[{name}]"


def combine(
    stored: Mapping[str, pl.DataFrame], uploaded: Mapping[str, pl.DataFrame]
) -> dict[str, pl.DataFrame]:
    """Every table: the uploaded rows, then the stored rows whose key was not uploaded."""
    combined: dict[str, pl.DataFrame] = {}
    for name, frame in stored.items():
        kept = frame.with_columns((1 - pl.col(s.ROW)).alias(s.ROW))  # 2, 3, … → -1, -2, …
        new = uploaded.get(name)
        if new is not None:
            keys = list(s.TABLES[name].key)
            kept = kept.join(new.select(keys), on=keys, how="anti", nulls_equal=True)
            kept = pl.concat([new.select(kept.columns), kept], how="vertical")
        combined[name] = kept
    return combined


def validate_import(
    uploaded: Mapping[str, pl.DataFrame], sources: Mapping[str, str], plan: Plan
) -> Checked:
    """Problems and warnings of the year's data once the upload is in."""
    combined = combine(frames_from_db(plan.year), uploaded)
    labels = {name: sources[name] if name in uploaded else stored_label(name) for name in s.TABLES}
    try:
        data = dataset_from_frames(combined, plan, labels)
    except DataError as exc:
        found = list(exc.problems)
        warnings: list[Problem] = []
    else:
        found, warnings = [], list(data.warnings)
    problems: list[Problem] = []
    by_label = {label: name for name, label in labels.items()}
    for found_problem in found:
        p = _placed(found_problem, combined, by_label)
        if any(marker in p.message for marker in INCOMPLETE):
            warnings.append(p)
        else:
            problems.append(p)
    return Checked(problems, warnings)


def _placed(p: Problem, combined: Mapping[str, pl.DataFrame], by_label: dict[str, str]) -> Problem:
    """A problem on a stored row: no spreadsheet row, the row's key in the message instead."""
    if p.row is None or p.row > 0:
        return p
    name = by_label.get(p.file)
    if name is None:
        return p
    keys = list(s.TABLES[name].key)
    rows = combined[name].filter(pl.col(s.ROW) == p.row).select(keys).rows()
    key = ", ".join(f"{k}={v}" for k, v in zip(keys, rows[0], strict=True)) if rows else ""
    return Problem(stored_label(name), None, p.column, f"{p.message} (stored row {key})")
