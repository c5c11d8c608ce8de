"""The year: political quality, democratic evaluation, comprehensive and annual scores (§7)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import KIND_HALF, blend
from kaohe.engine.dataset import DataSet
from kaohe.engine.periods import PLACE, rating_means
from kaohe.engine.plan import Plan, RatedItem


def _items(items: tuple[RatedItem, ...], subject_type: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            s.ITEM: [i.name for i in items],
            "item_weight": [i.weight for i in items],
            s.SUBJECT_TYPE: [subject_type] * len(items),
        },
        schema={s.ITEM: pl.String, "item_weight": pl.Float64, s.SUBJECT_TYPE: pl.String},
    )


def subject_types(data: DataSet) -> pl.DataFrame:
    """Team (a unit id) or cadre, for evaluation subjects."""
    return pl.concat(
        [
            data[s.UNITS].select(
                pl.col(s.UNIT_ID).alias(s.SUBJECT_ID), pl.lit(s.SUBJECT_TEAM).alias(s.SUBJECT_TYPE)
            ),
            data[s.CADRES].select(
                pl.col(s.CADRE_ID).alias(s.SUBJECT_ID),
                pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE),
            ),
        ]
    )


def _year_rows(data: DataSet, kind: str) -> pl.DataFrame:
    return data[s.EVALUATIONS].filter(
        (pl.col(s.KIND) == kind) & (pl.col(s.PERIOD) == str(data.year))
    )


def political(plan: Plan, data: DataSet) -> pl.DataFrame:
    """Rating = item-weighted mean of item means; evidence adjusts it within ± cap (§7, §11)."""
    items = _items(plan.political.items, "").drop(s.SUBJECT_TYPE)
    per_item = (
        _year_rows(data, s.EVAL_POLITICAL)
        .group_by(s.SUBJECT_ID, s.ITEM)
        .agg(pl.col(s.SCORE).mean().alias("item_mean"))
        .join(items, on=s.ITEM)
    )
    rating = per_item.group_by(s.SUBJECT_ID).agg(
        ((pl.col("item_mean") * pl.col("item_weight")).sum() / pl.col("item_weight").sum()).alias(
            s.RATING
        )
    )
    ev = plan.political.evidence
    evidence = (
        data[s.EVIDENCE_TABLE]
        .filter(pl.col(s.DATE).dt.year() == data.year)
        .group_by(s.SUBJECT_ID)
        .agg(
            (pl.col(s.DIRECTION) == s.DIRECTION_POSITIVE).sum().cast(pl.Int64).alias(s.POSITIVE),
            (pl.col(s.DIRECTION) == s.DIRECTION_NEGATIVE).sum().cast(pl.Int64).alias(s.NEGATIVE),
        )
    )
    frame = (
        rating.join(evidence, on=s.SUBJECT_ID, how="left")
        .with_columns(pl.col(s.POSITIVE, s.NEGATIVE).fill_null(0))
        .join(subject_types(data), on=s.SUBJECT_ID)
    )
    adjustment = (
        ev.points_positive * pl.col(s.POSITIVE) - ev.points_negative * pl.col(s.NEGATIVE)
    ).clip(-ev.cap, ev.cap)
    return frame.with_columns(adjustment.cast(pl.Float64).alias(s.ADJUSTMENT)).with_columns(
        (pl.col(s.RATING) + pl.col(s.ADJUSTMENT)).clip(0.0, 100.0).alias(s.SCORE)
    )


def democratic(plan: Plan, data: DataSet) -> pl.DataFrame:
    """Per rater group the item-weighted mean; groups without ballots left out (§7)."""
    items = pl.concat(
        [
            _items(plan.annual.team_items, s.SUBJECT_TEAM),
            _items(plan.annual.cadre_items, s.SUBJECT_CADRE),
        ]
    )
    groups = pl.DataFrame(
        {
            s.RATER_GROUP: list(plan.annual.rater_groups),
            "group_weight": list(plan.annual.rater_groups.values()),
        },
        schema={s.RATER_GROUP: pl.String, "group_weight": pl.Float64},
    )
    per_group = (
        _year_rows(data, s.EVAL_DEMOCRATIC)
        .join(subject_types(data), on=s.SUBJECT_ID)
        .join(items, on=[s.ITEM, s.SUBJECT_TYPE], how="left")
        .with_columns(pl.col("item_weight").fill_null(1.0))
        .group_by(s.SUBJECT_ID, s.RATER_GROUP)
        .agg(
            ((pl.col(s.SCORE) * pl.col("item_weight")).sum() / pl.col("item_weight").sum()).alias(
                "group_score"
            ),
            (pl.col(s.BALLOTS).is_null() | (pl.col(s.BALLOTS) > 0)).any().alias("_voted"),
        )
        .filter("_voted")
        .join(groups, on=s.RATER_GROUP)
    )
    return per_group.group_by(s.SUBJECT_ID).agg(
        (
            (pl.col("group_score") * pl.col("group_weight")).sum() / pl.col("group_weight").sum()
        ).alias(s.DEMOCRATIC)
    )


def _components(plan: Plan, data: DataSet, political_frame: pl.DataFrame) -> pl.DataFrame:
    """Political, democratic, review per subject (outer-joined; missing is null)."""
    review = (
        rating_means(data, s.EVAL_REVIEW)
        .filter(pl.col(s.PERIOD) == str(data.year))
        .select(s.SUBJECT_ID, pl.col(s.RATING).alias(s.REVIEW))
    )
    return (
        political_frame.select(s.SUBJECT_ID, pl.col(s.SCORE).alias(s.POLITICAL))
        .join(democratic(plan, data), on=s.SUBJECT_ID, how="full", coalesce=True)
        .join(review, on=s.SUBJECT_ID, how="full", coalesce=True)
    )


def annual_scores(
    plan: Plan,
    data: DataSet,
    *,
    unit_periods: pl.DataFrame,
    cadre_periods: pl.DataFrame,
    held: pl.DataFrame,
    political_frame: pl.DataFrame,
) -> pl.DataFrame:
    """One row per team and per cadre holding a post in the year, with the §7 score."""
    year = str(data.year)
    h2 = f"{data.year}-H2"
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY)
    unit_year = unit_periods.filter(pl.col(s.PERIOD) == year).select(
        s.SUBJECT_ID, s.MONTHS, s.MEAN_MONTHLY
    )
    unit_h2 = unit_periods.filter(pl.col(s.PERIOD) == h2).select(
        s.SUBJECT_ID, pl.col(s.SCORE).alias(s.SECOND_HALF)
    )
    teams = (
        units.select(
            pl.col(s.UNIT_ID).alias(s.SUBJECT_ID),
            pl.col(s.UNIT_ID),
            pl.lit(s.SUBJECT_TEAM).alias(s.SUBJECT_TYPE),
            pl.lit("team").alias(s.ROLE),
            s.CATEGORY,
        )
        .join(unit_year, on=s.SUBJECT_ID, how="left")
        .join(unit_h2, on=s.SUBJECT_ID, how="left")
    )
    cadre_year = cadre_periods.filter(pl.col(s.PERIOD) == year).select(
        s.SUBJECT_ID, s.MONTHS, s.MEAN_MONTHLY, *PLACE
    )
    cadre_h2 = cadre_periods.filter(
        (pl.col(s.PERIOD) == h2) & (pl.col("period_kind") == KIND_HALF)
    ).select(s.SUBJECT_ID, pl.col(s.SCORE).alias(s.SECOND_HALF))
    last_held = (
        held.sort(s.MONTH)
        .group_by(s.CADRE_ID)
        .agg(*(pl.col(c).last().alias(f"_held_{c}") for c in PLACE))
        .rename({s.CADRE_ID: s.SUBJECT_ID})
    )
    cadres = (
        last_held.join(cadre_year, on=s.SUBJECT_ID, how="left")
        .with_columns(
            *(pl.coalesce(c, f"_held_{c}").alias(c) for c in PLACE),
            pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE),
        )
        .drop(*(f"_held_{c}" for c in PLACE))
        .join(cadre_h2, on=s.SUBJECT_ID, how="left")
    )
    frame = pl.concat([teams, cadres], how="diagonal_relaxed").join(
        _components(plan, data, political_frame), on=s.SUBJECT_ID, how="left"
    )
    frame = frame.with_columns(pl.col(s.MONTHS).fill_null(0))
    comp = plan.annual.comprehensive
    frame = frame.with_columns(
        blend(
            [
                (pl.col(s.DEMOCRATIC), comp.democratic),
                (pl.col(s.REVIEW), comp.review),
                (pl.col(s.SECOND_HALF), comp.second_half),
            ]
        ).alias(s.COMPREHENSIVE)
    )
    score: pl.Expr = pl.lit(None, pl.Float64)
    for role in ("team", *s.ROLES):
        w = plan.annual.weights(role)
        blended = blend(
            [
                (pl.col(s.MEAN_MONTHLY), w.monthly),
                (pl.col(s.POLITICAL), w.political),
                (pl.col(s.COMPREHENSIVE), w.comprehensive),
            ]
        )
        score = pl.when(pl.col(s.ROLE) == role).then(blended).otherwise(score)
    scored = pl.col(s.MONTHS) > 0
    return frame.with_columns(pl.when(scored).then(score).otherwise(None).alias(s.SCORE))
