"""Rater statistics: leniency and spread per rater and kind (docs/rules.md §11)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import level_value
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan

KIND_MEAN = "_kind_mean"


def rater_stats(plan: Plan, data: DataSet) -> pl.DataFrame:
    """Per kind and rater: count, mean, population standard deviation and leniency (the rater's
    mean minus the mean of all ratings of that kind).

    Each source (records, results, evaluations, democratic ballots by group) holds kinds of its
    own, so each is summarised apart: nothing is concatenated, and the kind means come from a
    group-by over a few kinds rather than a window over every rating. One lazy query: the
    filtered sources are never held whole (the evaluations alone are a dozen million rows).
    """
    records = (
        data[s.RECORDS]
        .lazy()
        .filter(pl.col(s.RATER_ID).is_not_null())
        .select(
            pl.lit("records").alias(s.KIND),
            pl.col(s.RATER_ID).alias(s.RATER),
            (level_value(plan, pl.col(s.LEVEL)) * 100).alias(s.VALUE),
        )
    )
    results = (
        data[s.RESULTS]
        .lazy()
        .filter(pl.col(s.SCORER_ID).is_not_null())
        .select(
            pl.lit("results").alias(s.KIND),
            pl.col(s.SCORER_ID).alias(s.RATER),
            (level_value(plan, pl.col(s.LEVEL)) * 100).alias(s.VALUE),
        )
    )
    evaluations = data[s.EVALUATIONS].lazy()
    rated = evaluations.filter(pl.col(s.RATER_ID).is_not_null()).select(
        s.KIND, pl.col(s.RATER_ID).alias(s.RATER), pl.col(s.SCORE).alias(s.VALUE)
    )
    groups = evaluations.filter(pl.col(s.KIND) == s.EVAL_DEMOCRATIC).select(
        pl.lit("democratic_group").alias(s.KIND),
        pl.col(s.RATER_GROUP).alias(s.RATER),
        pl.col(s.SCORE).alias(s.VALUE),
    )
    parts = [_summary(values.drop_nulls(s.VALUE)) for values in (records, results, rated, groups)]
    return (
        pl.concat(parts)
        .with_columns((pl.col(s.MEAN) - pl.col(KIND_MEAN)).alias(s.LENIENCY))
        .drop(KIND_MEAN)
        .collect()
    )


def _summary(values: pl.LazyFrame) -> pl.LazyFrame:
    """Count, mean and spread per kind and rater, with the kind's mean."""
    kinds = values.group_by(s.KIND).agg(pl.col(s.VALUE).mean().alias(KIND_MEAN))
    return (
        values.group_by(s.KIND, s.RATER)
        .agg(
            pl.len().cast(pl.Int64).alias(s.N),
            pl.col(s.VALUE).mean().alias(s.MEAN),
            pl.col(s.VALUE).std(ddof=0).alias(s.STD),
        )
        .join(kinds, on=s.KIND)
    )
