"""Quarterly and half-year scores of units and cadres (docs/rules.md §6)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import KIND_HALF, KIND_QUARTER, KIND_YEAR, blend, complete_periods
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


def _with_periods(data: DataSet, monthly: pl.DataFrame) -> pl.DataFrame:
    return monthly.join(complete_periods(data.year, data.months), on=s.MONTH)


def unit_periods(data: DataSet, unit_monthly: pl.DataFrame) -> pl.DataFrame:
    """Mean of S over the scored months of each complete period, year included."""
    return (
        _with_periods(data, unit_monthly)
        .group_by(s.UNIT_ID, s.PERIOD, "period_kind", "end")
        .agg(
            pl.len().cast(pl.Int64).alias(s.MONTHS),
            pl.col(s.SCORE).mean().alias(s.MEAN_MONTHLY),
            pl.col(s.CATEGORY).first(),
        )
        .with_columns(
            pl.lit(None, pl.Float64).alias(s.RATING),
            pl.col(s.MEAN_MONTHLY).alias(s.SCORE),
            pl.lit(s.SUBJECT_UNIT).alias(s.SUBJECT_TYPE),
        )
        .rename({s.UNIT_ID: s.SUBJECT_ID})
    )


def cadre_periods(plan: Plan, data: DataSet, cadre_monthly: pl.DataFrame) -> pl.DataFrame:
    """Quarter and half-year: blend of the mean monthly final and the period's rating."""
    last = pl.col(s.MONTH).arg_max()
    agg = (
        _with_periods(data, cadre_monthly.select(s.CADRE_ID, s.MONTH, s.FINAL, *PLACE))
        .group_by(s.CADRE_ID, s.PERIOD, "period_kind", "end")
        .agg(
            pl.len().cast(pl.Int64).alias(s.MONTHS),
            pl.col(s.FINAL).mean().alias(s.MEAN_MONTHLY),
            *(pl.col(c).get(last) for c in PLACE),
        )
        .rename({s.CADRE_ID: s.SUBJECT_ID})
    )
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
