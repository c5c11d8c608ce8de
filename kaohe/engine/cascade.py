"""Sections and cadres: the three links (docs/rules.md §1, §6)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import methods
from kaohe.engine import schema as s
from kaohe.engine.common import (
    blend,
    cents,
    cut_size,
    events_total,
    level_values,
    tier_values,
)
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan


def _months(data: DataSet) -> pl.DataFrame:
    return pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64})


def posts_at_month_end(data: DataSet) -> pl.DataFrame:
    """Which post each cadre holds on the last day of each run month (§1).

    An assignment from ``start`` to ``end`` covers month m when start ≤ last day of m ≤ end.
    """
    year = data.year
    start, end = pl.col(s.START), pl.col(s.END)
    first = (
        pl.when(start.dt.year() < year)
        .then(1)
        .when(start.dt.year() > year)
        .then(13)
        .otherwise(start.dt.month().cast(pl.Int64))
    )
    end_month = end.dt.month().cast(pl.Int64)
    last = (
        pl.when(end.is_null() | (end.dt.year() > year))
        .then(12)
        .when(end.dt.year() < year)
        .then(0)
        .when(end == end.dt.month_end())
        .then(end_month)
        .otherwise(end_month - 1)
    )
    held = (
        data[s.ASSIGNMENTS]
        .select(s.CADRE_ID, s.POST_ID, first.alias("_first"), last.alias("_last"))
        .filter(pl.col("_last") >= pl.col("_first"))
        .with_columns(pl.int_ranges("_first", pl.col("_last") + 1, dtype=pl.Int64).alias(s.MONTH))
        .explode(s.MONTH)
        .join(_months(data), on=s.MONTH, how="semi")
        .drop("_first", "_last")
    )
    posts = data[s.POSTS].select(
        s.POST_ID,
        s.UNIT_ID,
        s.SECTION_ID,
        s.ROLE,
        pl.col(s.TIER).fill_null(1).alias("post_tier"),
    )
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY)
    return held.join(posts, on=s.POST_ID).join(units, on=s.UNIT_ID)


def score_sections(
    plan: Plan, data: DataSet, unit_monthly: pl.DataFrame, district: pl.DataFrame
) -> pl.DataFrame:
    """§6: section own score from its tasks, × its coefficient, linked with the unit's S."""
    tasks = data[s.TASKS].select(
        s.TASK_ID,
        s.SECTION_ID,
        s.WEIGHT,
        s.METHOD,
        pl.col(s.DIRECTION).fill_null("higher_is_better"),
        pl.col(s.POINTS_PER_OCCURRENCE).fill_null(1.0),
    )
    results = data[s.RESULTS].rename({s.SUBJECT_ID: s.SECTION_ID, s.INDICATOR: s.TASK_ID})
    rows = (
        results.join(tasks, on=[s.SECTION_ID, s.TASK_ID], how="inner")
        .join(level_values(plan), on=s.LEVEL, how="left")
        .filter(methods.basic_included())
        .with_columns(methods.basic_achievement().alias(s.ACHIEVEMENT))
    )
    own = rows.group_by(s.SECTION_ID, s.MONTH).agg(
        (100.0 * (pl.col(s.WEIGHT) * pl.col(s.ACHIEVEMENT)).sum() / pl.col(s.WEIGHT).sum()).alias(
            "own_raw"
        )
    )
    sections = data[s.SECTIONS].select(
        s.SECTION_ID, s.UNIT_ID, pl.col(s.TIER).fill_null(1).alias(s.TIER)
    )
    events = events_total(plan, data[s.EVENTS]).rename({s.SUBJECT_ID: s.SECTION_ID})
    frame = (
        sections.join(_months(data), how="cross")
        .join(own, on=[s.SECTION_ID, s.MONTH], how="left")
        .join(
            unit_monthly.select(s.UNIT_ID, s.MONTH, pl.col(s.SCORE).alias(s.UNIT_SCORE)),
            on=[s.UNIT_ID, s.MONTH],
            how="left",
        )
        .join(tier_values(plan), on=s.TIER, how="left")
        .join(district, on=s.MONTH, how="left")
        .join(events, on=[s.SECTION_ID, s.MONTH], how="left")
        .with_columns(pl.col(s.EVENTS_TOTAL).fill_null(0.0))
    )
    if plan.coefficient.sections:
        c_value, _ = methods.coefficient(plan, pl.col("tier_value"))
    else:
        c_value = pl.lit(1.0)
    frame = frame.with_columns(c_value.alias(s.COEFFICIENT))
    frame = frame.with_columns(
        (pl.col("own_raw") * pl.col(s.COEFFICIENT)).alias(s.OWN),
        pl.col("own_raw").is_null().alias(s.NO_TASKS),
    )
    link = plan.cascade.section
    linked = blend([(pl.col(s.OWN), link.own), (pl.col(s.UNIT_SCORE), link.upper)])
    return frame.with_columns(
        (linked + pl.col(s.EVENTS_TOTAL)).clip(lower_bound=0.0).alias(s.FINAL)
    ).filter(pl.col(s.OWN).is_not_null() | pl.col(s.UNIT_SCORE).is_not_null())


def own_score(plan: Plan) -> dict[str, pl.Expr]:
    """§6 the cadre's own score: attendance, weekly goals and the monthly reconciliation."""
    o = plan.cascade.own_score
    attendance = (
        o.attendance_points
        - o.per_late * pl.col(s.LATES).fill_null(0)
        - o.per_absence * pl.col(s.ABSENCES).fill_null(0.0)
    ).clip(lower_bound=0.0)
    goals_set = pl.col(s.GOALS_SET).fill_null(0)
    weekly = (
        pl.when(goals_set > 0)
        .then(o.weekly_points * pl.col(s.GOALS_MET).fill_null(0) / goals_set)
        .otherwise(o.weekly_points)
    )
    monthly = o.monthly_points * pl.col("level_value")
    return {
        s.ATTENDANCE: attendance.cast(pl.Float64),
        s.WEEKLY: weekly.cast(pl.Float64),
        s.MONTHLY: monthly,
        s.NO_GOALS: goals_set == 0,
    }


def score_cadres(
    plan: Plan,
    data: DataSet,
    held: pl.DataFrame,
    unit_monthly: pl.DataFrame,
    section_monthly: pl.DataFrame,
) -> pl.DataFrame:
    """§6: cadre monthly final = own × own weight + upper × upper weight + events, ranked."""
    own = (
        data[s.RECORDS]
        .lazy()
        .filter(~pl.col(s.ON_LEAVE).fill_null(False))
        .join(level_values(plan).lazy(), on=s.LEVEL, how="left")
        .select(s.CADRE_ID, s.MONTH, **own_score(plan))
        .with_columns((pl.col(s.ATTENDANCE) + pl.col(s.WEEKLY) + pl.col(s.MONTHLY)).alias(s.OWN))
    )
    unit_s = unit_monthly.lazy().select(s.UNIT_ID, s.MONTH, pl.col(s.SCORE).alias("_unit_s"))
    section_f = section_monthly.lazy().select(
        s.SECTION_ID, s.MONTH, pl.col(s.FINAL).alias("_section_f")
    )
    events = events_total(plan, data[s.EVENTS]).lazy().rename({s.SUBJECT_ID: s.CADRE_ID})
    frame = (
        held.lazy()
        .join(own, on=[s.CADRE_ID, s.MONTH], how="inner")
        .join(unit_s, on=[s.UNIT_ID, s.MONTH], how="left")
        .join(section_f, on=[s.SECTION_ID, s.MONTH], how="left")
        .join(events, on=[s.CADRE_ID, s.MONTH], how="left")
        .with_columns(pl.col(s.EVENTS_TOTAL).fill_null(0.0))
    )
    upper = (
        pl.when((pl.col(s.ROLE) == s.ROLE_STAFF) & pl.col("_section_f").is_not_null())
        .then(pl.col("_section_f"))
        .otherwise(pl.col("_unit_s"))
    )
    frame = frame.with_columns(upper.alias(s.UPPER))
    final: pl.Expr = pl.lit(None, pl.Float64)
    for role in s.ROLES:
        link = plan.cascade.link(role)
        linked = blend([(pl.col(s.OWN), link.own), (pl.col(s.UPPER), link.upper)])
        final = pl.when(pl.col(s.ROLE) == role).then(linked).otherwise(final)
    frame = frame.with_columns(
        (final + pl.col(s.EVENTS_TOTAL)).clip(lower_bound=0.0).alias(s.FINAL)
    ).drop("_unit_s", "_section_f")
    return rank_cadres(frame.collect(), s.FINAL, [s.MONTH], plan.ranking.min_group)


def rank_cadres(
    frame: pl.DataFrame,
    score: str,
    by: list[str],
    min_group: int,
    *,
    cut_share: float | None = None,
) -> pl.DataFrame:
    """Rank cadres by unit and role, or by category and role when the unit group is small (§6).

    The category group holds every cadre of the role in the category; ``rank_asc`` (ascending
    competition rank) serves the bottom cuts. With ``cut_share``, ``in_cut`` counts the members
    of the subject's peer group at or below its bottom cut (§9), whichever group it uses.
    """
    unit_group = [*by, s.UNIT_ID, s.ROLE]
    cat_group = [*by, s.CATEGORY, s.ROLE]
    pub = pl.col("_pub")
    frame = frame.with_columns(cents(pl.col(score)).alias("_pub")).with_columns(
        pl.len().over(unit_group).cast(pl.Int64).alias("_n_unit"),
        pl.len().over(cat_group).cast(pl.Int64).alias("_n_cat"),
        pub.rank("min", descending=True).over(unit_group).cast(pl.Int64).alias("_rank_unit"),
        pub.rank("min", descending=True).over(cat_group).cast(pl.Int64).alias("_rank_cat"),
        pub.rank("min").over(unit_group).cast(pl.Int64).alias("_asc_unit"),
        pub.rank("min").over(cat_group).cast(pl.Int64).alias("_asc_cat"),
    )
    small = pl.col("_n_unit") < min_group
    if cut_share is not None:
        frame = frame.with_columns(
            pl.when(small)
            .then(
                (pl.col("_asc_cat") <= cut_size(pl.col("_n_cat"), cut_share)).sum().over(cat_group)
            )
            .otherwise(
                (pl.col("_asc_unit") <= cut_size(pl.col("_n_unit"), cut_share))
                .sum()
                .over(unit_group)
            )
            .cast(pl.Int64)
            .alias("in_cut")
        )
    return frame.with_columns(
        pl.when(small).then("_rank_cat").otherwise("_rank_unit").alias(s.RANK),
        pl.when(small).then("_n_cat").otherwise("_n_unit").alias(s.RANK_N),
        pl.when(small).then("_asc_cat").otherwise("_asc_unit").alias("rank_asc"),
        pl.when(small)
        .then(pl.lit("category:") + pl.col(s.CATEGORY) + ":" + pl.col(s.ROLE))
        .otherwise(pl.lit("unit:") + pl.col(s.UNIT_ID) + ":" + pl.col(s.ROLE))
        .alias(s.PEER_GROUP),
    ).drop("_pub", "_n_unit", "_n_cat", "_rank_unit", "_rank_cat", "_asc_unit", "_asc_cat")
