"""Integer keys for the large tables: ids as codes, one sortable key per cadre-month.

At province scale (a million cadres, twelve million cadre-months) hash joins and group-bys on
string ids, and above all sorts by them, are the slowest operations of a run. The cadre steps
therefore work on integers, and ids become text again only in the published tables:

- A *code* is the position of an id in the sorted list of the ids of its kind (:class:`Codes`),
  so codes order rows exactly as the ids do. A *coded* frame holds codes (``UInt32``) in its id
  columns (``cadre_id``, ``unit_id``, ``section_id``, ``post_id``), roles and categories as
  enums; :class:`Ids` turns them back into text.
- A cadre-month is one integer, ``KEY = cadre code × 16 + month`` (:func:`cadre_month`). A
  frame sorted on it is in the published order (cadre, month), holds each cadre's months as one
  run, and joins another frame sorted on it by merging (polars merges when both keys are flagged
  sorted: ``sort(KEY)`` costs one pass when the rows are already in order).
- A lookup by unit or section and month (or cadre and quarter) is a :class:`Lookup`: a dense
  array indexed by ``code × 12 + month − 1``, read with one gather instead of a join.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan

CODE: Final = pl.UInt32
KEY: Final = "_key"  # the cadre-month key of a coded frame
MONTH_SLOTS: Final = 16  # months 1–12 in the low four bits of KEY
MAX_CODES: Final = 2**32 // MONTH_SLOTS  # KEY must fit in UInt32
ROLE: Final = pl.Enum(s.ROLES)

_SLOT: Final = "_slot"
_VALUE: Final = "value"  # field of polars' run-length encoding


@dataclass(frozen=True, slots=True)
class Codes:
    """The sorted ids of one kind: id ``ids[i]`` has code ``i``."""

    ids: pl.Series

    @staticmethod
    def of(ids: pl.Series) -> Codes:
        ordered = ids.drop_nulls().sort()  # one pass when the ids come sorted
        distinct = ordered.filter(ordered.ne_missing(ordered.shift(1)).fill_null(True))
        if distinct.len() >= MAX_CODES:
            raise ValueError(f"too many ids to code: {distinct.len():,}")
        return Codes(distinct)

    def __len__(self) -> int:
        return self.ids.len()

    def code(self, frame: pl.DataFrame, column: str) -> pl.Series:
        """The code of each row's id in ``column`` (null for null or an unknown id).

        Rows with the same id often follow each other (tables come grouped by their key, a
        cadre's twelve records together): each run of equal ids is looked up once, by binary
        search in the sorted ids.
        """
        if not len(self):
            return pl.repeat(None, frame.height, dtype=CODE, eager=True).alias(column)
        runs = frame.select(pl.col(column).rle()).unnest(column)[_VALUE]
        at = self.ids.search_sorted(runs, side="left").cast(CODE)  # where it is, if it is
        found = self.ids.gather(at.clip(upper_bound=len(self) - 1)) == runs
        per_run = pl.DataFrame({"at": at, "found": found}).select(
            pl.when(pl.col("found")).then(pl.col("at"))
        )
        run_of_row = frame.select(pl.col(column).rle_id()).to_series()
        return per_run.to_series().gather(run_of_row).alias(column)

    def encode(self, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        """``frame`` with each of ``columns`` (ids of this kind) replaced by codes."""
        return frame.with_columns(self.code(frame, c) for c in columns)

    def decode(self, column: str) -> pl.Expr:
        """The ids of the codes in ``column``, as text."""
        return pl.lit(self.ids).gather(pl.col(column)).alias(column)


@dataclass(frozen=True, slots=True)
class Ids:
    """The codes of one run's cadres, units, sections and posts, and the plan's categories.

    ``subjects`` codes the subjects of evaluations, teams (unit ids) and cadres together;
    ``subject_types`` is the type of each (``team`` or ``cadre``), by code.
    """

    cadres: Codes
    units: Codes
    sections: Codes
    posts: Codes
    subjects: Codes
    subject_types: pl.Series
    category: pl.Enum

    @staticmethod
    def of(plan: Plan, data: DataSet) -> Ids:
        units = data[s.UNITS][s.UNIT_ID]
        subjects = Codes.of(pl.concat([units, data[s.CADRES][s.CADRE_ID]]))
        teams = subjects.code(pl.DataFrame({s.UNIT_ID: units}), s.UNIT_ID).drop_nulls()
        types = pl.repeat(s.SUBJECT_CADRE, len(subjects), dtype=pl.String, eager=True)
        return Ids(
            cadres=Codes.of(data[s.CADRES][s.CADRE_ID]),
            units=Codes.of(units),
            sections=Codes.of(data[s.SECTIONS][s.SECTION_ID]),
            posts=Codes.of(data[s.POSTS][s.POST_ID]),
            subjects=subjects,
            subject_types=types.scatter(teams, s.SUBJECT_TEAM),
            category=pl.Enum(list(plan.categories)),
        )

    def subject_type(self, code: pl.Expr) -> pl.Expr:
        """The type (``team`` or ``cadre``) of a subject's code."""
        return pl.lit(self.subject_types).gather(code).alias(s.SUBJECT_TYPE)

    def _codes(self) -> dict[str, Codes]:
        return {
            s.CADRE_ID: self.cadres,
            s.UNIT_ID: self.units,
            s.SECTION_ID: self.sections,
            s.POST_ID: self.posts,
        }

    def encode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A frame with ids, roles and categories as text, coded (the inverse of decode)."""
        columns: list[pl.Series | pl.Expr] = [
            c.code(frame, name) for name, c in self._codes().items() if name in frame.columns
        ]
        if s.ROLE in frame.columns:
            columns.append(pl.col(s.ROLE).cast(ROLE))
        if s.CATEGORY in frame.columns:
            columns.append(pl.col(s.CATEGORY).cast(self.category))
        return frame.with_columns(columns)

    def decode(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A coded frame with its ids, roles and categories as text again."""
        return frame.with_columns(
            *(c.decode(name) for name, c in self._codes().items() if name in frame.columns),
            *(pl.col(c).cast(pl.String) for c in (s.ROLE, s.CATEGORY) if c in frame.columns),
        )


def in_key_order(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """``frame`` sorted by the integer column ``key``, flagged so that joins merge on it.

    Frames are often built in key order already: checking is one pass over one column, while
    sorting gathers every column.
    """
    if frame[key].is_sorted():
        return frame.with_columns(pl.col(key).set_sorted())
    return frame.sort(key)


def cadre_month(cadre: pl.Expr, month: pl.Expr) -> pl.Expr:
    """The cadre-month key ``cadre code × 16 + month`` (``UInt32``)."""
    return (cadre.cast(CODE) * MONTH_SLOTS + month.cast(CODE)).alias(KEY)


def cadre_of(key: pl.Expr) -> pl.Expr:
    """The cadre code of a cadre-month key."""
    return (key // MONTH_SLOTS).cast(CODE)


@dataclass(frozen=True, slots=True)
class Lookup:
    """A value per code and slot (a month, a quarter), kept densely at ``code × slots + slot``.

    Reading it for millions of rows is one gather, where a join would hash every row.
    """

    values: pl.Series
    slots: int

    @staticmethod
    def of(
        frame: pl.DataFrame, *, code: str, slot: pl.Expr, value: str, n_codes: int, slots: int
    ) -> Lookup:
        """From a coded ``frame`` with at most one row per ``code`` and ``slot`` (0 … slots − 1);
        rows without a code or a slot are left out."""
        rows = frame.select(
            (pl.col(code).cast(pl.Int64) * slots + slot).alias(_SLOT), pl.col(value)
        ).drop_nulls(_SLOT)
        dense = pl.repeat(None, n_codes * slots, dtype=frame.schema[value], eager=True)
        return Lookup(dense.scatter(rows[_SLOT], rows[value]), slots)

    @staticmethod
    def monthly(frame: pl.DataFrame, code: str, value: str, n_codes: int) -> Lookup:
        """A value per code and month (1–12) from a frame with ``code`` and ``month``."""
        return Lookup.of(
            frame, code=code, slot=pl.col(s.MONTH) - 1, value=value, n_codes=n_codes, slots=12
        )

    def get(self, code: pl.Expr, slot: pl.Expr) -> pl.Expr:
        """The value of each row's ``code`` and ``slot`` (null when either is null or the slot
        is not one of the lookup's)."""
        index = code.cast(pl.Int64) * self.slots + slot
        return pl.lit(self.values).gather(pl.when(slot.is_between(0, self.slots - 1)).then(index))

    def get_monthly(self, code: pl.Expr) -> pl.Expr:
        """The value of each row's ``code`` and ``month``."""
        return self.get(code, pl.col(s.MONTH) - 1)
