"""The year: political quality, democratic evaluation, comprehensive and annual scores (§7)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import KIND_HALF, blend
from kaohe.engine.dataset import DataSet
from kaohe.engine.evaluations import SUBJECT, by_subject_and, evaluation_rows
from kaohe.engine.keys import Ids
from kaohe.engine.periods import PLACE
from kaohe.engine.plan import Plan


def political(plan: Plan, data: DataSet, ids: Ids) -> pl.DataFrame:
    """Rating = item-weighted mean of item means; evidence adjusts it within ± cap (§7, §11).

    One row per rated subject (its code as ``_subject``), sorted by subject type and subject.
    """
    items = plan.political.items
    names = [i.name for i in items]
    rows = evaluation_rows(
        data, ids, [s.EVAL_POLITICAL], [s.ITEM, s.SCORE], period=str(data.year)
    ).with_columns(by_subject_and(s.ITEM, names).alias("_subject_item"))
    per_item = (
        rows.drop_nulls("_subject_item")
        .group_by("_subject_item")
        .agg(pl.col(SUBJECT).first(), pl.col(s.SCORE).mean().alias("item_mean"))
        .with_columns(
            pl.lit(pl.Series([i.weight for i in items]))
            .gather(pl.col("_subject_item") % len(items))
            .alias("item_weight")
        )
    )
    rating = per_item.group_by(SUBJECT).agg(
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
    evidence = evidence.with_columns(ids.subjects.code(evidence, s.SUBJECT_ID).alias(SUBJECT))
    frame = (
        rating.join(evidence.drop(s.SUBJECT_ID).drop_nulls(SUBJECT), on=SUBJECT, how="left")
        .with_columns(pl.col(s.POSITIVE, s.NEGATIVE).fill_null(0))
        .with_columns(ids.subject_type(pl.col(SUBJECT)))
    )
    adjustment = (
        ev.points_positive * pl.col(s.POSITIVE) - ev.points_negative * pl.col(s.NEGATIVE)
    ).clip(-ev.cap, ev.cap)
    # the published order: cadres before teams, each by id (codes sort like the ids)
    order = (pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM).cast(pl.UInt64) * len(ids.subjects) + pl.col(
        SUBJECT
    )
    return (
        frame.with_columns(adjustment.cast(pl.Float64).alias(s.ADJUSTMENT))
        .with_columns((pl.col(s.RATING) + pl.col(s.ADJUSTMENT)).clip(0.0, 100.0).alias(s.SCORE))
        .sort(order)
        .with_columns(ids.subjects.decode(SUBJECT).alias(s.SUBJECT_ID))
    )


def democratic(plan: Plan, data: DataSet, ids: Ids) -> pl.DataFrame:
    """Per rater group the item-weighted mean; groups without ballots left out (§7).

    One row per subject with a ballot (its code as ``_subject``).
    """
    groups = plan.annual.rater_groups
    rows = evaluation_rows(
        data,
        ids,
        [s.EVAL_DEMOCRATIC],
        [s.ITEM, s.RATER_GROUP, s.SCORE, s.BALLOTS],
        period=str(data.year),
    )
    team_items = {i.name: i.weight for i in plan.annual.team_items}
    cadre_items = {i.name: i.weight for i in plan.annual.cadre_items}
    item_weight = (
        pl.when(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
        .then(pl.col(s.ITEM).replace_strict(team_items, default=None, return_dtype=pl.Float64))
        .otherwise(
            pl.col(s.ITEM).replace_strict(cadre_items, default=None, return_dtype=pl.Float64)
        )
        .fill_null(1.0)  # a row without item (or with another item) weighs 1
    )
    per_group = (
        rows.with_columns(
            by_subject_and(s.RATER_GROUP, list(groups)).alias("_subject_group"),
            item_weight.alias("item_weight"),
        )
        .drop_nulls("_subject_group")  # a rater group not in the plan counts for nothing
        .group_by("_subject_group")
        .agg(
            pl.col(SUBJECT).first(),
            ((pl.col(s.SCORE) * pl.col("item_weight")).sum() / pl.col("item_weight").sum()).alias(
                "group_score"
            ),
            (pl.col(s.BALLOTS).is_null() | (pl.col(s.BALLOTS) > 0)).any().alias("_voted"),
        )
        .filter("_voted")
        .with_columns(
            pl.lit(pl.Series(list(groups.values()), dtype=pl.Float64))
            .gather(pl.col("_subject_group") % len(groups))
            .alias("group_weight")
        )
    )
    return per_group.group_by(SUBJECT).agg(
        (
            (pl.col("group_score") * pl.col("group_weight")).sum() / pl.col("group_weight").sum()
        ).alias(s.DEMOCRATIC)
    )


def _components(plan: Plan, data: DataSet, ids: Ids, political_frame: pl.DataFrame) -> pl.DataFrame:
    """Political, democratic, review per subject code (outer-joined; missing is null)."""
    review = (
        evaluation_rows(data, ids, [s.EVAL_REVIEW], [s.SCORE], period=str(data.year))
        .group_by(SUBJECT)
        .agg(pl.col(s.SCORE).mean().alias(s.REVIEW))
    )
    return (
        political_frame.select(SUBJECT, pl.col(s.SCORE).alias(s.POLITICAL))
        .join(democratic(plan, data, ids), on=SUBJECT, how="full", coalesce=True)
        .join(review, on=SUBJECT, how="full", coalesce=True)
    )


def annual_scores(
    plan: Plan,
    data: DataSet,
    ids: Ids,
    *,
    unit_periods: pl.DataFrame,
    cadre_periods: pl.DataFrame,
    last_held: pl.DataFrame,
    political_frame: pl.DataFrame,
) -> pl.DataFrame:
    """One row per team and per cadre holding a post in the year, with the §7 score.

    ``cadre_periods`` and ``last_held`` (each cadre's last post held, from
    :func:`~kaohe.engine.cascade.last_posts`) are coded frames (:mod:`kaohe.engine.keys`); the
    result holds ids as text.
    """
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
    cadres = (
        last_held.select(
            pl.col(s.CADRE_ID).alias(s.SUBJECT_ID),
            *(pl.col(c).alias(f"_held_{c}") for c in PLACE),
        )
        .join(cadre_year, on=s.SUBJECT_ID, how="left")
        .with_columns(
            *(pl.coalesce(c, f"_held_{c}").alias(c) for c in PLACE),
            pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE),
        )
        .drop(*(f"_held_{c}" for c in PLACE))
        .join(cadre_h2, on=s.SUBJECT_ID, how="left")
        .with_columns(ids.cadres.decode(s.SUBJECT_ID))
    )
    cadres = ids.decode(cadres)
    frame = pl.concat([teams, cadres], how="diagonal_relaxed")
    frame = frame.with_columns(ids.subjects.code(frame, s.SUBJECT_ID).alias(SUBJECT)).join(
        _components(plan, data, ids, political_frame), on=SUBJECT, how="left"
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
