"""Rater statistics: leniency and spread per rater and kind (docs/rules.md §11)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import level_values
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan


def rater_stats(plan: Plan, data: DataSet) -> pl.DataFrame:
    levels = level_values(plan)
    records = (
        data[s.RECORDS]
        .filter(pl.col(s.RATER_ID).is_not_null() & pl.col(s.LEVEL).is_not_null())
        .join(levels, on=s.LEVEL)
        .select(
            pl.lit("records").alias(s.KIND),
            pl.col(s.RATER_ID).alias(s.RATER),
            (pl.col("level_value") * 100).alias(s.VALUE),
        )
    )
    results = (
        data[s.RESULTS]
        .filter(pl.col(s.SCORER_ID).is_not_null() & pl.col(s.LEVEL).is_not_null())
        .join(levels, on=s.LEVEL)
        .select(
            pl.lit("results").alias(s.KIND),
            pl.col(s.SCORER_ID).alias(s.RATER),
            (pl.col("level_value") * 100).alias(s.VALUE),
        )
    )
    evaluations = data[s.EVALUATIONS]
    rated = evaluations.filter(pl.col(s.RATER_ID).is_not_null()).select(
        s.KIND, pl.col(s.RATER_ID).alias(s.RATER), pl.col(s.SCORE).alias(s.VALUE)
    )
    groups = evaluations.filter(pl.col(s.KIND) == s.EVAL_DEMOCRATIC).select(
        pl.lit("democratic_group").alias(s.KIND),
        pl.col(s.RATER_GROUP).alias(s.RATER),
        pl.col(s.SCORE).alias(s.VALUE),
    )
    values = pl.concat([records, results, rated, groups])
    return (
        values.with_columns(pl.col(s.VALUE).mean().over(s.KIND).alias("_kind_mean"))
        .group_by(s.KIND, s.RATER)
        .agg(
            pl.len().cast(pl.Int64).alias(s.N),
            pl.col(s.VALUE).mean().alias(s.MEAN),
            pl.col(s.VALUE).std(ddof=0).alias(s.STD),
            pl.col("_kind_mean").first(),
        )
        .with_columns((pl.col(s.MEAN) - pl.col("_kind_mean")).alias(s.LENIENCY))
        .drop("_kind_mean")
    )
