"""Quarterly and half-year scores of units and cadres (docs/rules.md §6)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import KIND_HALF, KIND_QUARTER, KIND_YEAR, blend, period_enum
from kaohe.engine.dataset import DataSet
from kaohe.engine.keys import Ids, Lookup
from kaohe.engine.plan import Plan

# Where a subject stood at the end of a period: its last scored month's unit, role, category.
PLACE = (s.UNIT_ID, s.ROLE, s.CATEGORY)
PERIOD_NUMBER = "period_number"  # the quarter's or half's number; 1 for the year


def rollup(
    data: DataSet, monthly: pl.DataFrame, id_col: str, value: str, place: tuple[str, ...]
) -> pl.DataFrame:
    """Scored months, their mean and the place of the last one, per subject and complete period.

    ``monthly`` must be sorted by subject and month: a subject's quarter is then a run of
    consecutive rows, its last row the quarter's last month. Quarters are aggregated from the
    months, halves from the quarters and the year from the halves, each over runs of rows (one
    sorted integer key), so no row is repeated per period and nothing is hashed. ``period`` is
    an enum (:func:`~kaohe.engine.common.period_enum`); ``period_number`` is the quarter's or
    half's number (1 for the year).
    """
    last_run = max(data.months)
    subject = pl.col(id_col).rle_id().cast(pl.Int64)  # 0, 1, 2 … in the subjects' order
    quarter = (pl.col(s.MONTH) - 1) // 3  # 0 … 3

    def periods_of(frame: pl.DataFrame, run: pl.Expr, *aggs: pl.Expr) -> pl.DataFrame:
        return (
            frame.with_columns(run.alias("_run"))
            .sort("_run")  # already in order: flags the key as sorted for the group-by
            .group_by("_run", maintain_order=True)
            .agg(pl.col(id_col).first(), *aggs, *(pl.col(c).last() for c in place))
            .drop("_run")
        )

    quarters = periods_of(
        monthly.select(id_col, s.MONTH, value, *place),
        subject * 4 + quarter,
        (quarter.first() + 1).alias("_q"),
        pl.len().cast(pl.Int64).alias(s.MONTHS),
        pl.col(value).sum().alias("_total"),
    )
    subject_q = pl.col(id_col).rle_id().cast(pl.Int64)
    halves = periods_of(
        quarters,
        subject_q * 2 + (pl.col("_q") - 1) // 2,
        ((pl.col("_q").first() + 1) // 2).alias("_h"),
        pl.col(s.MONTHS).sum(),
        pl.col("_total").sum(),
    )
    year = periods_of(
        halves,
        pl.col(id_col).rle_id().cast(pl.Int64),
        pl.col(s.MONTHS).sum(),
        pl.col("_total").sum(),
    )
    y = data.year
    periods = period_enum(y)
    parts = [
        quarters.filter(pl.col("_q") * 3 <= last_run).with_columns(
            (pl.lit(f"{y}-Q") + pl.col("_q").cast(pl.String)).cast(periods).alias(s.PERIOD),
            pl.lit(KIND_QUARTER).alias("period_kind"),
            pl.col("_q").alias(PERIOD_NUMBER),
            pl.date(y, pl.col("_q") * 3, 1).dt.month_end().alias("end"),
        ),
        halves.filter(pl.col("_h") * 6 <= last_run).with_columns(
            (pl.lit(f"{y}-H") + pl.col("_h").cast(pl.String)).cast(periods).alias(s.PERIOD),
            pl.lit(KIND_HALF).alias("period_kind"),
            pl.col("_h").alias(PERIOD_NUMBER),
            pl.date(y, pl.col("_h") * 6, 1).dt.month_end().alias("end"),
        ),
    ]
    if last_run == 12:
        parts.append(
            year.with_columns(
                pl.lit(str(y), periods).alias(s.PERIOD),
                pl.lit(KIND_YEAR).alias("period_kind"),
                pl.lit(1, pl.Int64).alias(PERIOD_NUMBER),
                pl.lit(dt.date(y, 12, 31)).alias("end"),
            )
        )
    columns = [id_col, s.PERIOD, "period_kind", PERIOD_NUMBER, "end", s.MONTHS, "_total", *place]
    return (
        pl.concat([p.select(columns) for p in parts])
        .with_columns((pl.col("_total") / pl.col(s.MONTHS)).alias(s.MEAN_MONTHLY))
        .drop("_total")
    )


def unit_periods(data: DataSet, unit_monthly: pl.DataFrame) -> pl.DataFrame:
    """Mean of S over the scored months of each complete period, year included."""
    return (
        rollup(data, unit_monthly, s.UNIT_ID, s.SCORE, (s.CATEGORY,))
        .with_columns(
            pl.lit(None, pl.Float64).alias(s.RATING),
            pl.col(s.MEAN_MONTHLY).alias(s.SCORE),
            pl.lit(s.SUBJECT_UNIT).alias(s.SUBJECT_TYPE),
        )
        .rename({s.UNIT_ID: s.SUBJECT_ID})
    )


def cadre_periods(plan: Plan, data: DataSet, ids: Ids, cadre_monthly: pl.DataFrame) -> pl.DataFrame:
    """Quarter and half-year: blend of the mean monthly final and the period's rating.

    ``cadre_monthly`` and the result are coded frames (:mod:`kaohe.engine.keys`); the subject
    is the cadre's code.
    """
    agg = rollup(data, cadre_monthly, s.CADRE_ID, s.FINAL, PLACE).rename({s.CADRE_ID: s.SUBJECT_ID})
    quarter_ratings = _ratings(data, ids, s.EVAL_QUARTERLY, "Q", 4)
    half_ratings = _ratings(data, ids, s.EVAL_HALF_YEAR, "H", 2)
    code, slot = pl.col(s.SUBJECT_ID), pl.col(PERIOD_NUMBER) - 1
    kind = pl.col("period_kind")
    agg = agg.with_columns(
        pl.when(kind == KIND_QUARTER)
        .then(quarter_ratings.get(code, slot))
        .when(kind == KIND_HALF)
        .then(half_ratings.get(code, slot))
        .alias(s.RATING)
    )
    quarterly, half = plan.periods.quarterly, plan.periods.half_year
    mean, rating = pl.col(s.MEAN_MONTHLY), pl.col(s.RATING)
    score = (
        pl.when(kind == KIND_QUARTER)
        .then(blend([(mean, quarterly.monthly), (rating, quarterly.rating)]))
        .when(kind == KIND_HALF)
        .then(blend([(mean, half.monthly), (rating, half.rating)]))
        .otherwise(mean)
    )
    return agg.with_columns(score.alias(s.SCORE), pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE))


def _ratings(data: DataSet, ids: Ids, kind: str, letter: str, count: int) -> Lookup:
    """The mean rating of ``kind`` (§6) per cadre and quarter or half (slot = number − 1)."""
    slots = {f"{data.year}-{letter}{n}": n - 1 for n in range(1, count + 1)}
    rows = (
        data[s.EVALUATIONS]
        .lazy()
        .filter(pl.col(s.KIND) == kind)
        .select(s.SUBJECT_ID, s.PERIOD, s.SCORE)
        .collect()
    )
    rows = ids.cadres.encode(rows, s.SUBJECT_ID)  # teams' ratings have no cadre code
    slot = pl.col(s.PERIOD).replace_strict(slots, default=None, return_dtype=pl.UInt64)
    cadre_slot = pl.col(s.SUBJECT_ID).cast(pl.UInt64) * count + slot  # one key to group by
    means = (
        rows.select(cadre_slot.alias("_at"), s.SCORE)
        .drop_nulls("_at")
        .group_by("_at")
        .agg(pl.col(s.SCORE).mean().alias(s.RATING))
    )
    return Lookup.of(
        means.with_columns((pl.col("_at") // count).alias(s.SUBJECT_ID)),
        code=s.SUBJECT_ID,
        slot=pl.col("_at") % count,
        value=s.RATING,
        n_codes=len(ids.cadres),
        slots=count,
    )


def periods_table(units: pl.DataFrame, cadres: pl.DataFrame, ids: Ids) -> pl.DataFrame:
    """The published ``periods`` table: quarters and halves of units and cadres (``cadres``
    coded), sorted by subject type (cadres first), subject and period as text."""
    cols = [s.SUBJECT_ID, s.SUBJECT_TYPE, s.PERIOD, s.MONTHS, s.MEAN_MONTHLY, s.RATING, s.SCORE]
    # Codes sort like the ids and the period enum like its labels: one integer sorts the cadres.
    n_periods = len(period_enum(0).categories)
    order = pl.col(s.SUBJECT_ID).cast(pl.UInt64) * n_periods + pl.col(s.PERIOD).to_physical()
    cadre_part = (
        cadres.filter(pl.col("period_kind") != KIND_YEAR)
        .select(cols)
        .sort(order)
        .with_columns(ids.cadres.decode(s.SUBJECT_ID))
    )
    unit_part = (
        units.filter(pl.col("period_kind") != KIND_YEAR).select(cols).sort(s.SUBJECT_ID, s.PERIOD)
    )
    return pl.concat([cadre_part, unit_part]).with_columns(pl.col(s.PERIOD).cast(pl.String))
