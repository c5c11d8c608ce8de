"""Training needs (培训补课) from weak competency tags (docs/rules.md §10)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import RATIO_DIGITS, complete_periods, cut_size
from kaohe.engine.dataset import DataSet
from kaohe.engine.evaluations import SUBJECT, by_subject_and, evaluation_rows
from kaohe.engine.keys import Ids
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
        indicators.lazy()
        .filter(pl.col(s.INCLUDED))
        .select(s.UNIT_ID, s.CATEGORY, s.MONTH, s.WEIGHT, s.ACHIEVEMENT, s.TAGS)
        .join(unit_monthly.lazy().select(s.UNIT_ID, s.MONTH), on=[s.UNIT_ID, s.MONTH], how="semi")
        .explode(s.TAGS)
        .filter(pl.col(s.TAGS).is_not_null())
        .rename({s.TAGS: s.TAG})
        .group_by(s.UNIT_ID, s.CATEGORY, s.MONTH, s.TAG)
        .agg(
            ((pl.col(s.WEIGHT) * pl.col(s.ACHIEVEMENT)).sum() / pl.col(s.WEIGHT).sum()).alias("_a")
        )
        .collect()
    )
    periods = complete_periods(data.year, data.months).filter(pl.col("period_kind") != "half_year")
    frame = (
        monthly.join(periods, on=s.MONTH)
        .group_by(s.UNIT_ID, s.CATEGORY, s.PERIOD, s.TAG)
        .agg(pl.col("_a").mean().alias(s.ACHIEVEMENT))
        .rename({s.UNIT_ID: s.SUBJECT_ID})
        .with_columns(pl.lit(s.SUBJECT_UNIT).alias(s.SUBJECT_TYPE))
    )
    return _weak(plan, frame, [s.PERIOD, s.CATEGORY, s.TAG]).sort(s.SUBJECT_ID, s.PERIOD, s.TAG)


def _rated_items(plan: Plan) -> list[tuple[str, str, RatedItem]]:
    """(kind, subject type, item) of every rated item whose rows carry tags (§10)."""
    return [
        (kind, subject_type, item)
        for kind, subject_type, items in (
            (s.EVAL_POLITICAL, s.SUBJECT_TEAM, plan.political.items),
            (s.EVAL_POLITICAL, s.SUBJECT_CADRE, plan.political.items),
            (s.EVAL_DEMOCRATIC, s.SUBJECT_TEAM, plan.annual.team_items),
            (s.EVAL_DEMOCRATIC, s.SUBJECT_CADRE, plan.annual.cadre_items),
        )
        for item in items
    ]


def rated_needs(plan: Plan, data: DataSet, ids: Ids, annual: pl.DataFrame) -> pl.DataFrame:
    """Teams and cadres: mean of score/100 over political and democratic rows of tagged items.

    ``annual`` has the subjects' codes (``_subject``).
    """
    rated = _rated_items(plan)
    names = sorted({item.name for _, _, item in rated})
    # (kind, subject type, item) as one small integer: rows find their tags by it. Kind and
    # item are read with the rows (their text is never held), the subject's type after.
    democratic = (pl.col(s.KIND) == s.EVAL_DEMOCRATIC).cast(pl.UInt64)
    team = (pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM).cast(pl.UInt64)
    item_index = pl.col(s.ITEM).replace_strict(
        {name: i for i, name in enumerate(names)}, default=None, return_dtype=pl.UInt64
    )
    kind_item = democratic * 2 * len(names) + item_index
    item_key = team * len(names) + pl.col("_kind_item")
    tags = pl.DataFrame(
        [
            {s.KIND: kind, s.SUBJECT_TYPE: subject_type, s.ITEM: item.name, s.TAG: tag}
            for kind, subject_type, item in rated
            for tag in item.tags
        ],
        schema={s.KIND: pl.String, s.SUBJECT_TYPE: pl.String, s.ITEM: pl.String, s.TAG: pl.String},
    ).with_columns(kind_item.alias("_kind_item"))
    tags = tags.select(item_key.alias("_item_key"), s.TAG)
    rows = evaluation_rows(
        data,
        ids,
        [s.EVAL_POLITICAL, s.EVAL_DEMOCRATIC],
        [kind_item.alias("_kind_item"), s.SCORE],
        period=str(data.year),
    )
    tagged = rows.select(SUBJECT, s.SUBJECT_TYPE, s.SCORE, item_key.alias("_item_key")).join(
        tags, on="_item_key"
    )
    groups = annual.select(
        SUBJECT,
        pl.when(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
        .then(pl.lit("category:") + pl.col(s.CATEGORY))
        .otherwise(pl.lit("role:") + pl.col(s.ROLE))
        .alias("_peer"),
    )
    frame = (
        tagged.with_columns(by_subject_and(s.TAG, sorted(set(tags[s.TAG]))).alias("_subject_tag"))
        .group_by("_subject_tag")
        .agg(
            pl.col(SUBJECT).first(),
            pl.col(s.SUBJECT_TYPE).first(),
            pl.col(s.TAG).first(),
            (pl.col(s.SCORE) / 100.0).mean().alias(s.ACHIEVEMENT),
        )
        .join(groups, on=SUBJECT)
        .with_columns(
            pl.lit(str(data.year)).alias(s.PERIOD), ids.subjects.decode(SUBJECT).alias(s.SUBJECT_ID)
        )
    )
    needs = _weak(plan, frame, [s.SUBJECT_TYPE, "_peer", s.TAG])
    # the published order: cadres before teams, by id (codes sort like ids), then tag
    tag_names = sorted(set(tags[s.TAG]))
    tag = pl.col(s.TAG).replace_strict(
        {name: i for i, name in enumerate(tag_names)}, return_dtype=pl.UInt64
    )
    team = (pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM).cast(pl.UInt64)
    subject = team * len(ids.subjects) + pl.col(SUBJECT)
    return needs.sort(subject * len(tag_names) + tag)
