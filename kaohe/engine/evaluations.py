"""Evaluation rows with their subjects coded (docs/rules.md §6, §7, §10).

The evaluations table is the largest input after the monthly records (a dozen rows per subject
and year). Every step that reads it groups by subject; with subjects as codes
(:attr:`~kaohe.engine.keys.Ids.subjects`) those group-bys hash integers instead of text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet
from kaohe.engine.keys import Ids

SUBJECT: Final = "_subject"  # the subject's code among units and cadres


def evaluation_rows(
    data: DataSet,
    ids: Ids,
    kinds: Sequence[str],
    columns: Sequence[str | pl.Expr],
    *,
    period: str | None,
) -> pl.DataFrame:
    """The rows of ``kinds`` (and ``period``, when given): the subject's code, its type and
    ``columns`` (names, or expressions of the evaluations' columns). Rows whose subject is
    neither a unit nor a cadre are left out."""
    wanted = pl.col(s.KIND).is_in(list(kinds))
    if period is not None:
        wanted = wanted & (pl.col(s.PERIOD) == period)
    rows = data[s.EVALUATIONS].lazy().filter(wanted).select(s.SUBJECT_ID, *columns).collect()
    rows = rows.with_columns(ids.subjects.code(rows, s.SUBJECT_ID).alias(SUBJECT))
    return (
        rows.drop_nulls(SUBJECT).with_columns(ids.subject_type(pl.col(SUBJECT))).drop(s.SUBJECT_ID)
    )


def by_subject_and(column: str, values: Sequence[str]) -> pl.Expr:
    """One integer per subject (its code) and ``column``'s value among ``values`` (null for
    another value): a single key to group by."""
    index = {v: i for i, v in enumerate(values)}
    position = pl.col(column).replace_strict(index, default=None, return_dtype=pl.UInt64)
    return pl.col(SUBJECT).cast(pl.UInt64) * len(values) + position
