"""Training needs (培训补课) from weak competency tags (docs/rules.md §10)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.annual import subject_types
from kaohe.engine.common import RATIO_DIGITS, complete_periods, cut_size
from kaohe.engine.dataset import DataSet
from kaohe.engine.numbers import half_up_units
from kaohe.engine.plan import Plan, RatedItem


def _weak(plan: Plan, frame: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Mark tags below the threshold or in the bottom quarter of the peer group."""
    t = plan.training
    ach = half_up_units(pl.col(s.ACHIEVEMENT), RATIO_DIGITS)  # whole 1/10,000ths
    n = pl.len().over(group)
    asc = ach.rank("min").over(group)
    bottom = (n >= plan.ranking.min_group) & (asc <= cut_size(n, t.bottom_share))
    below = ach < round(t.threshold * 10**RATIO_DIGITS)
    reason = pl.concat_str(
        [pl.when(below).then(pl.lit("threshold")), pl.when(bottom).then(pl.lit("bottom"))],
        separator=",",
        ignore_nulls=True,
    )
    forms = plan.training.forms
    return (
        frame.with_columns(reason.alias(s.REASON))
        .filter(pl.col(s.REASON) != "")
        .with_columns(
            pl.col(s.TAG)
            .replace_strict(forms, default=t.default_form, return_dtype=pl.String)
            .alias(s.FORM)
        )
    )


def unit_needs(
    plan: Plan, data: DataSet, indicators: pl.DataFrame, unit_monthly: pl.DataFrame
) -> pl.DataFrame:
    """Units: per tag and scored month Σ w a / Σ w over included tagged indicators; mean over
    the period's months."""
    monthly = (
        indicators.filter(pl.col(s.INCLUDED))
        .join(unit_monthly.select(s.UNIT_ID, s.MONTH), on=[s.UNIT_ID, s.MONTH], how="semi")
        .select(s.UNIT_ID, s.CATEGORY, s.MONTH, s.WEIGHT, s.ACHIEVEMENT, s.TAGS)
        .explode(s.TAGS)
        .filter(pl.col(s.TAGS).is_not_null())
        .rename({s.TAGS: s.TAG})
        .group_by(s.UNIT_ID, s.CATEGORY, s.MONTH, s.TAG)
        .agg(
            ((pl.col(s.WEIGHT) * pl.col(s.ACHIEVEMENT)).sum() / pl.col(s.WEIGHT).sum()).alias("_a")
        )
    )
    periods = complete_periods(data.year, data.months).filter(pl.col("period_kind") != "half_year")
    frame = (
        monthly.join(periods, on=s.MONTH)
        .group_by(s.UNIT_ID, s.CATEGORY, s.PERIOD, s.TAG)
        .agg(pl.col("_a").mean().alias(s.ACHIEVEMENT))
        .rename({s.UNIT_ID: s.SUBJECT_ID})
        .with_columns(pl.lit(s.SUBJECT_UNIT).alias(s.SUBJECT_TYPE))
    )
    return _weak(plan, frame, [s.PERIOD, s.CATEGORY, s.TAG])


def _item_tags(items: tuple[RatedItem, ...], subject_type: str, kind: str) -> pl.DataFrame:
    rows = [
        {s.ITEM: i.name, s.TAG: tag, s.SUBJECT_TYPE: subject_type, s.KIND: kind}
        for i in items
        for tag in i.tags
    ]
    return pl.DataFrame(
        rows,
        schema={s.ITEM: pl.String, s.TAG: pl.String, s.SUBJECT_TYPE: pl.String, s.KIND: pl.String},
    )


def rated_needs(plan: Plan, data: DataSet, annual: pl.DataFrame) -> pl.DataFrame:
    """Teams and cadres: mean of score/100 over political and democratic rows of tagged items."""
    tags = pl.concat(
        [
            _item_tags(plan.political.items, s.SUBJECT_TEAM, s.EVAL_POLITICAL),
            _item_tags(plan.political.items, s.SUBJECT_CADRE, s.EVAL_POLITICAL),
            _item_tags(plan.annual.team_items, s.SUBJECT_TEAM, s.EVAL_DEMOCRATIC),
            _item_tags(plan.annual.cadre_items, s.SUBJECT_CADRE, s.EVAL_DEMOCRATIC),
        ]
    )
    rows = (
        data[s.EVALUATIONS]
        .filter(
            pl.col(s.KIND).is_in([s.EVAL_POLITICAL, s.EVAL_DEMOCRATIC])
            & (pl.col(s.PERIOD) == str(data.year))
        )
        .join(subject_types(data), on=s.SUBJECT_ID)
        .join(tags, on=[s.ITEM, s.SUBJECT_TYPE, s.KIND])
    )
    groups = annual.select(
        s.SUBJECT_ID,
        pl.when(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
        .then(pl.lit("category:") + pl.col(s.CATEGORY))
        .otherwise(pl.lit("role:") + pl.col(s.ROLE))
        .alias("_peer"),
    )
    frame = (
        rows.group_by(s.SUBJECT_ID, s.SUBJECT_TYPE, s.TAG)
        .agg((pl.col(s.SCORE) / 100.0).mean().alias(s.ACHIEVEMENT))
        .join(groups, on=s.SUBJECT_ID)
        .with_columns(pl.lit(str(data.year)).alias(s.PERIOD))
    )
    return _weak(plan, frame, [s.SUBJECT_TYPE, "_peer", s.TAG])
