"""Sections and cadres: the three links (docs/rules.md §1, §6)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import methods
from kaohe.engine import schema as s
from kaohe.engine.common import (
    blend,
    cents,
    events_total,
    level_value,
    level_values,
    tier_values,
)
from kaohe.engine.dataset import DataSet
from kaohe.engine.groups import group_ranks
from kaohe.engine.keys import KEY, ROLE, Ids, Lookup, cadre_month, in_key_order
from kaohe.engine.plan import Plan

POST_TIER = "post_tier"
BY_CATEGORY = "by_category"  # the cadre's peer group is the category's (rules §6 fallback)


def _months(data: DataSet) -> pl.DataFrame:
    return pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64})


def posts_at_month_end(data: DataSet, ids: Ids) -> pl.DataFrame:
    """Which post each cadre holds on the last day of each run month (§1).

    A coded frame (:mod:`kaohe.engine.keys`) sorted by its key, one row per cadre-month held:
    cadre, month, post, unit, section, role, category and ``post_tier``. An assignment from
    ``start`` to ``end`` covers month m when start ≤ last day of m ≤ end.
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
    posts = ids.posts.encode(
        data[s.POSTS]
        .join(data[s.UNITS].select(s.UNIT_ID, s.CATEGORY), on=s.UNIT_ID)
        .select(
            s.POST_ID,
            s.UNIT_ID,
            s.SECTION_ID,
            pl.col(s.ROLE).cast(ROLE),
            pl.col(s.CATEGORY).cast(ids.category),
            pl.col(s.TIER).fill_null(1).alias(POST_TIER),
        ),
        s.POST_ID,
    )
    posts = ids.sections.encode(ids.units.encode(posts, s.UNIT_ID), s.SECTION_ID)
    # one row per post, in code order: a post's row is found by its code (a gather, no join)
    by_code = in_key_order(posts, s.POST_ID).drop(s.POST_ID)
    if by_code.height != len(ids.posts):
        raise ValueError("posts need unique ids and known units: validate the data first")
    assignments = data[s.ASSIGNMENTS].select(
        s.CADRE_ID, s.POST_ID, first.alias("_first"), last.alias("_last")
    )
    assignments = ids.posts.encode(ids.cadres.encode(assignments, s.CADRE_ID), s.POST_ID)
    assignments = assignments.filter(
        (pl.col("_last") >= pl.col("_first")) & pl.col(s.POST_ID).is_not_null()
    )
    assignments = pl.concat([assignments, by_code[assignments[s.POST_ID]]], how="horizontal")
    # A cadre's assignments do not overlap (validated): in order of their first month, their
    # months come out in order, so the exploded rows are sorted by cadre and month.
    held = (
        assignments.sort(cadre_month(pl.col(s.CADRE_ID), pl.col("_first")))
        .with_columns(pl.int_ranges("_first", pl.col("_last") + 1, dtype=pl.Int64).alias(s.MONTH))
        .explode(s.MONTH)
        .filter(pl.col(s.MONTH).is_in(list(data.months)))
        .drop("_first", "_last")
        .with_columns(cadre_month(pl.col(s.CADRE_ID), pl.col(s.MONTH)))
    )
    return in_key_order(held, KEY)


def last_posts(held: pl.DataFrame) -> pl.DataFrame:
    """Each cadre's row of :func:`posts_at_month_end` for the last month-end it holds a post.

    ``held`` is sorted by cadre and month: a cadre's last month is the last row of its run.
    """
    return held.filter((pl.col(s.CADRE_ID) != pl.col(s.CADRE_ID).shift(-1)).fill_null(True))


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
    monthly = o.monthly_points * level_value(plan, pl.col(s.LEVEL))
    return {
        s.ATTENDANCE: attendance.cast(pl.Float64),
        s.WEEKLY: weekly.cast(pl.Float64),
        s.MONTHLY: monthly,
        s.NO_GOALS: goals_set == 0,
    }


def score_cadres(
    plan: Plan,
    data: DataSet,
    ids: Ids,
    *,
    unit_monthly: pl.DataFrame,
    section_monthly: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """§6: cadre monthly final = own × own weight + upper × upper weight + events, ranked.

    A coded frame sorted by its key, one row per scored cadre-month: the posts held
    (:func:`posts_at_month_end`) with the own score, upper, events, final and ranks; and each
    cadre's last post (:func:`last_posts`). The posts held are released once joined.
    """
    held = posts_at_month_end(data, ids)
    last_held = last_posts(held)
    # One query from the records to the own score: the filtered records (text ids, levels)
    # are never held, only the key and the score's parts.
    records = data[s.RECORDS]
    own = (
        records.lazy()
        .with_columns(ids.cadres.code(records, s.CADRE_ID))
        .filter(~pl.col(s.ON_LEAVE).fill_null(False))
        .select(cadre_month(pl.col(s.CADRE_ID), pl.col(s.MONTH)), **own_score(plan))
        .with_columns((pl.col(s.ATTENDANCE) + pl.col(s.WEEKLY) + pl.col(s.MONTHLY)).alias(s.OWN))
        .collect()
    )
    own = in_key_order(own, KEY)  # records usually come by cadre and month: no sort then
    frame = held.join(own, on=KEY, how="inner")  # both sorted by the key: a merge
    del held, own
    unit_s = Lookup.monthly(
        ids.units.encode(unit_monthly.select(s.UNIT_ID, s.MONTH, s.SCORE), s.UNIT_ID),
        s.UNIT_ID,
        s.SCORE,
        len(ids.units),
    )
    section_f = Lookup.monthly(
        ids.sections.encode(section_monthly.select(s.SECTION_ID, s.MONTH, s.FINAL), s.SECTION_ID),
        s.SECTION_ID,
        s.FINAL,
        len(ids.sections),
    )
    section_final = section_f.get_monthly(pl.col(s.SECTION_ID))
    upper = (
        pl.when((pl.col(s.ROLE) == s.ROLE_STAFF) & section_final.is_not_null())
        .then(section_final)
        .otherwise(unit_s.get_monthly(pl.col(s.UNIT_ID)))
    )
    frame = frame.with_columns(upper.alias(s.UPPER)).join(
        cadre_events(plan, data, ids), on=KEY, how="left"
    )
    final: pl.Expr = pl.lit(None, pl.Float64)
    for role in s.ROLES:
        link = plan.cascade.link(role)
        linked = blend([(pl.col(s.OWN), link.own), (pl.col(s.UPPER), link.upper)])
        final = pl.when(pl.col(s.ROLE) == role).then(linked).otherwise(final)
    frame = frame.with_columns(pl.col(s.EVENTS_TOTAL).fill_null(0.0)).with_columns(
        (final + pl.col(s.EVENTS_TOTAL)).clip(lower_bound=0.0).alias(s.FINAL)
    )
    ranked = rank_cadres(frame, s.FINAL, [s.MONTH], plan.ranking.min_group)
    return in_key_order(ranked, KEY), last_held


def cadre_events(plan: Plan, data: DataSet, ids: Ids) -> pl.DataFrame:
    """``E`` of each cadre-month with events (§5): the key and ``events``, sorted by the key."""
    events = events_total(plan, data[s.EVENTS]).rename({s.SUBJECT_ID: s.CADRE_ID})
    return (
        ids.cadres.encode(events, s.CADRE_ID)  # units' and sections' events have no code
        .filter(pl.col(s.CADRE_ID).is_not_null())
        .select(cadre_month(pl.col(s.CADRE_ID), pl.col(s.MONTH)), s.EVENTS_TOTAL)
        .sort(KEY)
    )


def rank_cadres(
    frame: pl.DataFrame,
    score: str,
    by: list[str],
    min_group: int,
    *,
    cut_share: float | None = None,
) -> pl.DataFrame:
    """Rank cadres by unit and role, or by category and role when the unit group is small (§6).

    Adds ``rank``, ``rank_n``, ``rank_asc`` (ascending competition rank, for the bottom cuts)
    and ``by_category`` (the peer group is the category's; see :func:`peer_group`). The category
    group holds every cadre of the role in the category. With ``cut_share``, ``in_cut`` counts
    the members of the subject's peer group at or below its bottom cut (§9), whichever group it
    uses. ``score`` must not be missing.
    """
    published = cents(pl.col(score))
    unit = group_ranks(frame, [*by, s.UNIT_ID, s.ROLE], published, cut_share=cut_share)
    small = unit[s.RANK_N] < min_group
    by_category = small.alias(BY_CATEGORY)
    if not small.any():
        return frame.with_columns(*unit.get_columns(), by_category)
    # Only the category groups that hold a small unit group are ranked: in a district most
    # staff groups are large, so most rows need no second ranking.
    category_group = [*by, s.CATEGORY, s.ROLE]
    groups = frame.select(category_group).filter(small).unique()
    needed = frame.select(
        pl.struct(category_group).is_in(
            groups.select(pl.struct(category_group)).to_series().implode()
        )
    ).to_series()
    at = needed.arg_true()
    ranked = frame.select(*category_group, score).filter(needed)
    category = group_ranks(ranked, category_group, published, cut_share=cut_share)
    use = small.gather(at)  # of the ranked rows, those whose peer group is the category's
    rows = at.filter(use).to_numpy()
    chosen: list[pl.Series] = []
    for name in unit.columns:
        column = unit[name].to_numpy().copy()
        column[rows] = category[name].filter(use).to_numpy()
        chosen.append(pl.Series(name, column, dtype=unit.schema[name]))
    return frame.with_columns(*chosen, by_category)


def peer_group(ids: Ids) -> pl.Expr:
    """A coded ranked frame's peer group as text (§6): ``unit:<unit>:<role>``, or
    ``category:<category>:<role>`` for the fallback.

    A province has some sixty thousand peer groups and millions of cadre-months: each group's
    text is written once and the rows take theirs by position (``unit × 3 + role``, then the
    category groups after the unit groups).
    """
    roles = ROLE.categories.to_list()
    names = [f"unit:{unit}:{role}" for unit in ids.units.ids for role in roles]
    names += [f"category:{c}:{role}" for c in ids.category.categories for role in roles]
    role = pl.col(s.ROLE).to_physical().cast(pl.Int64)
    unit_group = pl.col(s.UNIT_ID).cast(pl.Int64) * len(roles) + role
    category = pl.col(s.CATEGORY).to_physical().cast(pl.Int64)
    category_group = (len(ids.units) + category) * len(roles) + role
    index = pl.when(pl.col(BY_CATEGORY)).then(category_group).otherwise(unit_group)
    return pl.lit(pl.Series(names, dtype=pl.String)).gather(index).alias(s.PEER_GROUP)
