"""Grades under a strict quota (docs/rules.md §7 不定等次, §5 caps, §8)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import cents, cents_of
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan

MISSING_KEY = -(2**62)  # a missing tie-breaker sorts last
TOP, SECOND, THIRD, FOURTH = 0, 1, 2, 3


def _notes(*parts: tuple[pl.Expr, str]) -> pl.Expr:
    """``;``-joined short codes of the conditions that hold."""
    return pl.concat_str(
        [pl.when(cond).then(pl.lit(code)) for cond, code in parts], separator=";", ignore_nulls=True
    )


def _base_index(plan: Plan) -> pl.Expr:
    p = cents(pl.col(s.SCORE))
    g = plan.grades
    return (
        pl.when(p >= cents_of(g.top))
        .then(TOP)
        .when(p >= cents_of(g.second))
        .then(SECOND)
        .when(p >= cents_of(g.third))
        .then(THIRD)
        .otherwise(FOURTH)
    )


def _vetoes(plan: Plan, data: DataSet) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(subjects with a veto in the year, cadres' worst sanction effect)."""
    events = data[s.EVENTS]
    vetoed = events.filter(pl.col(s.VETO).fill_null(False)).select(s.SUBJECT_ID).unique()
    sanctions = pl.DataFrame(
        {s.SANCTION: list(plan.events.sanctions), "effect": list(plan.events.sanctions.values())},
        schema={s.SANCTION: pl.String, "effect": pl.String},
    )
    sanctioned = (
        events.filter(pl.col(s.SANCTION).is_not_null())
        .join(sanctions, on=s.SANCTION)
        .group_by(s.SUBJECT_ID)
        .agg(
            pl.when((pl.col("effect") == "max_basic").any())
            .then(THIRD)
            .otherwise(SECOND)
            .alias("_sanction_cap")
        )
    )
    return vetoed, sanctioned


def _reviews(data: DataSet) -> pl.DataFrame:
    return (
        data[s.REVIEWS]
        .filter(pl.col(s.YEAR) == data.year)
        .select(s.SUBJECT_ID, pl.col(s.OUTCOME).alias("_review"))
    )


def _apply_quota(plan: Plan, frame: pl.DataFrame) -> pl.DataFrame:
    """Top grade for candidates whose count of candidates at or above them fits the quota."""
    q = plan.grades.quota
    graded = pl.col("_undetermined").not_()
    n = graded.sum().over(s.QUOTA_GROUP).cast(pl.Int64)
    quota = (n * q.share + 1e-9).floor().cast(pl.Int64)
    if q.min_one:
        quota = pl.when((quota == 0) & (n >= 1)).then(1).otherwise(quota)
    frame = frame.with_columns(n.alias("_n"), quota.alias("_quota"))
    is_cand = graded & (pl.col("_index") == TOP)
    key = pl.struct(
        cents(pl.col(s.SCORE)).alias("a"),
        cents(pl.col(s.MEAN_MONTHLY)).fill_null(MISSING_KEY).alias("b"),
        cents(pl.col(s.POLITICAL)).fill_null(MISSING_KEY).alias("c"),
    )
    at_or_above = pl.when(is_cand).then(key).rank("max", descending=True).over(s.QUOTA_GROUP)
    frame = frame.with_columns(
        is_cand.alias("_candidate"), at_or_above.cast(pl.Int64).alias("_at_or_above")
    )
    granted = pl.col("_candidate") & (pl.col("_at_or_above") <= pl.col("_quota"))
    return frame.with_columns(
        granted.alias("_granted"),
        pl.when(pl.col("_candidate") & ~granted)
        .then(SECOND)
        .otherwise(pl.col("_index"))
        .alias("_index"),
    )


def _scope(scope: str, unit: pl.Expr, category: pl.Expr) -> pl.Expr:
    if scope == "unit":
        return pl.lit("unit:") + unit
    if scope == "category":
        return pl.lit("category:") + category
    return pl.lit("district")


def _labels(frame: pl.DataFrame, labels: tuple[str, ...], require_review: bool) -> pl.DataFrame:
    label = pl.lit(None, pl.String)
    for i in reversed(range(len(labels))):
        label = pl.when(pl.col("_index") == i).then(pl.lit(labels[i])).otherwise(label)
    status = (
        pl.when(~pl.col("_granted"))
        .then(pl.lit(""))
        .when(pl.lit(not require_review) | (pl.col("_review") == s.OUTCOME_CONFIRM))
        .then(pl.lit(s.TOP_CONFIRMED))
        .otherwise(pl.lit(s.TOP_CANDIDATE))
    )
    return frame.with_columns(
        pl.when(pl.col("_undetermined"))
        .then(pl.lit(s.UNDETERMINED))
        .otherwise(label)
        .alias(s.GRADE),
        pl.when(pl.col("_undetermined")).then(pl.lit("")).otherwise(status).alias(s.TOP_STATUS),
        pl.when(pl.col("_undetermined"))
        .then(pl.lit(""))
        .otherwise(pl.col(s.QUOTA_GROUP))
        .alias(s.QUOTA_GROUP),
    )


def _review_filter(plan: Plan, frame: pl.DataFrame) -> pl.DataFrame:
    """A rejected evidence review takes a subject out of the candidates (§8)."""
    if not plan.grades.require_review:
        return frame.with_columns(pl.lit(False).alias("_rejected"))
    rejected = (pl.col("_index") == TOP) & (pl.col("_review") == s.OUTCOME_REJECT)
    return frame.with_columns(
        rejected.fill_null(False).alias("_rejected"),
        pl.when(rejected.fill_null(False)).then(SECOND).otherwise(pl.col("_index")).alias("_index"),
    )


def grade_teams(plan: Plan, data: DataSet, teams: pl.DataFrame) -> pl.DataFrame:
    vetoed, _ = _vetoes(plan, data)
    frame = (
        teams.join(vetoed.with_columns(pl.lit(True).alias("_veto")), on=s.SUBJECT_ID, how="left")
        .join(_reviews(data), on=s.SUBJECT_ID, how="left")
        .with_columns(
            pl.col("_veto").fill_null(False), pl.col(s.SCORE).is_null().alias("_undetermined")
        )
    )
    cap = pl.when(pl.col("_veto")).then(THIRD).otherwise(TOP)
    frame = frame.with_columns(pl.max_horizontal(_base_index(plan), cap).alias("_index"))
    frame = _review_filter(plan, frame)
    scope = _scope(plan.grades.quota.team_scope, pl.col(s.UNIT_ID), pl.col(s.CATEGORY))
    frame = frame.with_columns((pl.lit("team|") + scope).alias(s.QUOTA_GROUP))
    frame = _apply_quota(plan, frame)
    frame = frame.with_columns(
        _notes(
            (pl.col("_undetermined"), "no_scored_month"),
            (pl.col("_veto"), "unit_veto"),
            (pl.col("_rejected"), "review_rejected"),
            (pl.col("_candidate") & ~pl.col("_granted"), "quota"),
        ).alias(s.NOTES)
    )
    return _labels(frame, s.TEAM_GRADES, plan.grades.require_review)


def grade_cadres(
    plan: Plan, data: DataSet, cadres: pl.DataFrame, teams: pl.DataFrame
) -> pl.DataFrame:
    vetoed, sanctioned = _vetoes(plan, data)
    year_end = dt.date(data.year, 12, 31)
    people = data[s.CADRES].select(
        pl.col(s.CADRE_ID).alias(s.SUBJECT_ID), s.PERSONNEL_TYPE, s.HOME_UNIT_ID, s.PROBATION_END
    )
    leave = (
        data[s.RECORDS]
        .lazy()
        .filter(pl.col(s.ON_LEAVE).fill_null(False))
        .group_by(s.CADRE_ID)
        .agg(pl.len().cast(pl.Int64).alias("_leave_months"))
        .rename({s.CADRE_ID: s.SUBJECT_ID})
        .collect()
    )
    unit_veto = vetoed.join(
        data[s.UNITS].select(pl.col(s.UNIT_ID).alias(s.SUBJECT_ID)), on=s.SUBJECT_ID
    )
    team_index = teams.select(
        pl.col(s.SUBJECT_ID).alias(s.UNIT_ID),
        pl.col("_index").alias("_team_index"),
        pl.col("_undetermined").alias("_team_undetermined"),
    )
    unit_category = data[s.UNITS].select(
        pl.col(s.UNIT_ID).alias("_quota_unit"), pl.col(s.CATEGORY).alias("_quota_category")
    )
    frame = (
        cadres.join(people, on=s.SUBJECT_ID, how="left")
        .join(leave, on=s.SUBJECT_ID, how="left")
        .join(vetoed.with_columns(pl.lit(True).alias("_veto")), on=s.SUBJECT_ID, how="left")
        .join(sanctioned, on=s.SUBJECT_ID, how="left")
        .join(
            unit_veto.select(
                pl.col(s.SUBJECT_ID).alias(s.UNIT_ID), pl.lit(True).alias("_unit_veto")
            ),
            on=s.UNIT_ID,
            how="left",
        )
        .join(team_index, on=s.UNIT_ID, how="left")
        .join(_reviews(data), on=s.SUBJECT_ID, how="left")
        .with_columns(
            pl.col("_veto", "_unit_veto").fill_null(False),
            pl.col("_leave_months").fill_null(0),
            pl.coalesce(s.HOME_UNIT_ID, s.UNIT_ID).alias("_quota_unit"),
        )
        .join(unit_category, on="_quota_unit", how="left")
    )
    probation = pl.lit(plan.annual.probation_undetermined) & (
        pl.col(s.PROBATION_END).fill_null(dt.date(1, 1, 1)) >= year_end
    )
    on_leave = pl.col("_leave_months") > plan.annual.max_leave_months
    no_month = pl.col(s.SCORE).is_null()
    is_principal = pl.col(s.ROLE) == s.ROLE_PRINCIPAL
    team_bar = (
        is_principal
        & pl.col("_team_undetermined").not_().fill_null(False)
        & (pl.col("_team_index") >= THIRD).fill_null(False)
    )
    principal_bar = is_principal & pl.col("_unit_veto")
    cap = pl.max_horizontal(
        pl.when(pl.col("_veto")).then(THIRD).otherwise(TOP),
        pl.col("_sanction_cap").fill_null(TOP),
        pl.when(principal_bar | team_bar).then(SECOND).otherwise(TOP),
    )
    frame = frame.with_columns(
        (no_month | probation | on_leave).alias("_undetermined"),
        pl.max_horizontal(_base_index(plan), cap).alias("_index"),
    )
    frame = _review_filter(plan, frame)
    q = plan.grades.quota
    unit, category = pl.col("_quota_unit"), pl.col("_quota_category")
    group = (
        pl.when(pl.col(s.ROLE) == s.ROLE_STAFF)
        .then(_scope(q.staff_scope, unit, category))
        .otherwise(_scope(q.leader_scope, unit, category))
    )
    group = pl.col(s.ROLE) + "|" + group
    if q.by_personnel_type:
        group = group + "|" + pl.col(s.PERSONNEL_TYPE)
    frame = frame.with_columns(group.alias(s.QUOTA_GROUP))
    frame = _apply_quota(plan, frame)
    frame = frame.with_columns(
        _notes(
            (no_month, "no_scored_month"),
            (probation, "probation"),
            (on_leave, "leave"),
            (pl.col("_veto"), "veto"),
            (pl.col("_sanction_cap").is_not_null(), "sanction"),
            (principal_bar, "unit_veto"),
            (team_bar, "team_grade"),
            (pl.col("_rejected"), "review_rejected"),
            (pl.col("_candidate") & ~pl.col("_granted"), "quota"),
        ).alias(s.NOTES)
    )
    return _labels(frame, s.CADRE_GRADES, plan.grades.require_review)


def quota_table(graded: pl.DataFrame) -> pl.DataFrame:
    """Quota use per group: graded subjects, places, candidates and places granted."""
    return (
        graded.lazy()
        .filter(~pl.col("_undetermined"))
        .group_by(s.QUOTA_GROUP, s.SUBJECT_TYPE)
        .agg(
            pl.len().cast(pl.Int64).alias(s.N),
            pl.col("_quota").first().cast(pl.Int64).alias(s.QUOTA),
            pl.col("_candidate").sum().cast(pl.Int64).alias(s.CANDIDATES),
            pl.col("_granted").sum().cast(pl.Int64).alias(s.GRANTED),
        )
        .collect()
    )
