"""Quarterly and half-year scores of units and cadres (docs/rules.md §6)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import KIND_HALF, KIND_QUARTER, KIND_YEAR, blend
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan

# Where a subject stood at the end of a period: its last scored month's unit, role, category.
PLACE = (s.UNIT_ID, s.ROLE, s.CATEGORY)


def rating_means(data: DataSet, kind: str) -> pl.DataFrame:
    """Mean score of the evaluation rows of ``kind`` per subject and period."""
    return (
        data[s.EVALUATIONS]
        .filter(pl.col(s.KIND) == kind)
        .group_by(s.SUBJECT_ID, s.PERIOD)
        .agg(pl.col(s.SCORE).mean().alias(s.RATING))
    )


def rollup(
    data: DataSet, monthly: pl.DataFrame, id_col: str, value: str, place: tuple[str, ...]
) -> pl.DataFrame:
    """Scored months, their mean and the place of the last one, per subject and complete period.

    Quarters are aggregated from the months, halves from the quarters and the year from the
    halves, so no row is repeated per period.
    """
    last_run = max(data.months)
    last = pl.col(s.MONTH).arg_max()
    quarters = (
        monthly.select(id_col, s.MONTH, value, *place)
        .with_columns(((pl.col(s.MONTH) - 1) // 3 + 1).alias("_q"))
        .group_by(id_col, "_q")
        .agg(
            pl.len().cast(pl.Int64).alias(s.MONTHS),
            pl.col(value).sum().alias("_total"),
            pl.col(s.MONTH).max(),
            *(pl.col(c).get(last) for c in place),
        )
    )
    halves = (
        quarters.with_columns(((pl.col("_q") + 1) // 2).alias("_h"))
        .group_by(id_col, "_h")
        .agg(
            pl.col(s.MONTHS).sum(),
            pl.col("_total").sum(),
            pl.col(s.MONTH).max(),
            *(pl.col(c).get(last) for c in place),
        )
    )
    year = halves.group_by(id_col).agg(
        pl.col(s.MONTHS).sum(),
        pl.col("_total").sum(),
        pl.col(s.MONTH).max(),
        *(pl.col(c).get(last) for c in place),
    )
    y = data.year
    parts = [
        quarters.filter(pl.col("_q") * 3 <= last_run).with_columns(
            (pl.lit(f"{y}-Q") + pl.col("_q").cast(pl.String)).alias(s.PERIOD),
            pl.lit(KIND_QUARTER).alias("period_kind"),
            pl.date(y, pl.col("_q") * 3, 1).dt.month_end().alias("end"),
        ),
        halves.filter(pl.col("_h") * 6 <= last_run).with_columns(
            (pl.lit(f"{y}-H") + pl.col("_h").cast(pl.String)).alias(s.PERIOD),
            pl.lit(KIND_HALF).alias("period_kind"),
            pl.date(y, pl.col("_h") * 6, 1).dt.month_end().alias("end"),
        ),
    ]
    if last_run == 12:
        parts.append(
            year.with_columns(
                pl.lit(str(y)).alias(s.PERIOD),
                pl.lit(KIND_YEAR).alias("period_kind"),
                pl.lit(dt.date(y, 12, 31)).alias("end"),
            )
        )
    columns = [id_col, s.PERIOD, "period_kind", "end", s.MONTHS, "_total", *place]
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


def cadre_periods(plan: Plan, data: DataSet, cadre_monthly: pl.DataFrame) -> pl.DataFrame:
    """Quarter and half-year: blend of the mean monthly final and the period's rating."""
    agg = rollup(data, cadre_monthly, s.CADRE_ID, s.FINAL, PLACE).rename({s.CADRE_ID: s.SUBJECT_ID})
    ratings = pl.concat(
        [
            rating_means(data, s.EVAL_QUARTERLY).with_columns(
                pl.lit(KIND_QUARTER).alias("period_kind")
            ),
            rating_means(data, s.EVAL_HALF_YEAR).with_columns(
                pl.lit(KIND_HALF).alias("period_kind")
            ),
        ]
    )
    agg = agg.join(ratings, on=[s.SUBJECT_ID, s.PERIOD, "period_kind"], how="left")
    quarterly, half = plan.periods.quarterly, plan.periods.half_year
    mean, rating = pl.col(s.MEAN_MONTHLY), pl.col(s.RATING)
    score = (
        pl.when(pl.col("period_kind") == KIND_QUARTER)
        .then(blend([(mean, quarterly.monthly), (rating, quarterly.rating)]))
        .when(pl.col("period_kind") == KIND_HALF)
        .then(blend([(mean, half.monthly), (rating, half.rating)]))
        .otherwise(mean)
    )
    return agg.with_columns(score.alias(s.SCORE), pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE))


def periods_table(units: pl.DataFrame, cadres: pl.DataFrame) -> pl.DataFrame:
    """The published ``periods`` table: quarters and halves of units and cadres."""
    cols = [s.SUBJECT_ID, s.SUBJECT_TYPE, s.PERIOD, s.MONTHS, s.MEAN_MONTHLY, s.RATING, s.SCORE]
    return (
        pl.concat([units.select([*cols, "period_kind"]), cadres.select([*cols, "period_kind"])])
        .filter(pl.col("period_kind") != KIND_YEAR)
        .drop("period_kind")
    )
