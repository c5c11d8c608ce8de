"""Bottom-rank follow-up (末尾督考, docs/rules.md §9) and persistence flags (§11)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.cascade import rank_cadres
from kaohe.engine.common import KIND_HALF, KIND_QUARTER, KIND_YEAR, competition_rank, cut_size
from kaohe.engine.keys import Ids
from kaohe.engine.plan import Plan


def _bottom(plan: Plan, n_col: str, asc_col: str) -> pl.Expr:
    """In the subject's peer group of n ≥ min_group: at or below the cut's highest score."""
    cut = cut_size(pl.col(n_col), plan.ranking.bottom_share)
    return (pl.col(n_col) >= plan.ranking.min_group) & (pl.col(asc_col) <= cut)


def _tied(by: list[str], in_cut: pl.Expr, n_col: str, plan: Plan) -> pl.Expr:
    cut = cut_size(pl.col(n_col), plan.ranking.bottom_share)
    return in_cut.sum().over(by) > cut


def bottom_actions(
    plan: Plan, ids: Ids, unit_periods: pl.DataFrame, cadre_scores: pl.DataFrame
) -> pl.DataFrame:
    """Actions for the bottom of every complete period's peer groups.

    ``unit_periods``: subject_id, period, period_kind, end, months, score, category.
    ``cadre_scores``: the same for cadres, with unit_id, role and category of the period's end
    (quarters and halves from §6, the year from §7), coded (:mod:`kaohe.engine.keys`).
    """
    r = plan.ranking
    need = {
        KIND_QUARTER: r.min_months.quarter,
        KIND_HALF: r.min_months.half_year,
        KIND_YEAR: r.min_months.year,
    }
    label = {
        KIND_QUARTER: r.actions["quarter"],
        KIND_HALF: r.actions["half_year"],
        KIND_YEAR: r.actions["year"],
    }
    eligible = pl.col(s.SCORE).is_not_null() & (
        pl.col(s.MONTHS) >= pl.col("period_kind").replace_strict(need, return_dtype=pl.Int64)
    )
    units = unit_periods.filter(eligible)
    by = [s.PERIOD, s.CATEGORY]
    units = units.with_columns(
        competition_rank(s.SCORE, by).alias(s.RANK),
        competition_rank(s.SCORE, by, descending=False).alias("rank_asc"),
        pl.len().over(by).cast(pl.Int64).alias(s.N),
    )
    in_cut_u = _bottom(plan, s.N, "rank_asc")
    units = units.with_columns(
        in_cut_u.alias("_bottom"),
        _tied(by, in_cut_u, s.N, plan).alias(s.TIED),
        pl.lit(s.OFFICE).alias(s.OWNER),
        pl.lit(s.SUBJECT_UNIT).alias(s.SUBJECT_TYPE),
    )
    cadres = rank_cadres(
        cadre_scores.filter(eligible), s.SCORE, [s.PERIOD], r.min_group, cut_share=r.bottom_share
    ).rename({s.RANK_N: s.N})
    cadres = ids.decode(cadres.filter(_bottom(plan, s.N, "rank_asc"))).with_columns(
        ids.cadres.decode(s.SUBJECT_ID),
        pl.lit(True).alias("_bottom"),
        # a fallback group counts every cadre of the role in the category, not only fallbacks
        (pl.col("in_cut") > cut_size(pl.col(s.N), r.bottom_share)).alias(s.TIED),
        pl.when(pl.col(s.ROLE) == s.ROLE_PRINCIPAL)
        .then(pl.lit(s.OFFICE))
        .otherwise(pl.col(s.UNIT_ID))
        .alias(s.OWNER),
        pl.lit(s.SUBJECT_CADRE).alias(s.SUBJECT_TYPE),
    )
    cols = [
        s.SUBJECT_ID,
        s.SUBJECT_TYPE,
        s.PERIOD,
        "period_kind",
        s.SCORE,
        s.RANK,
        s.N,
        s.TIED,
        s.OWNER,
        "end",
        "_bottom",
    ]
    both = pl.concat([units.select(cols), cadres.select(cols)]).filter("_bottom")
    # the published order: period (its enum sorts like the text), cadres before units, id
    subject = ids.subjects.code(both, s.SUBJECT_ID).cast(pl.UInt64)
    kind = (pl.col(s.PERIOD).to_physical().cast(pl.UInt64) * 2) + (
        pl.col(s.SUBJECT_TYPE) == s.SUBJECT_UNIT
    ).cast(pl.UInt64)
    both = both.sort(kind * len(ids.subjects) + subject)
    return both.with_columns(
        pl.col(s.PERIOD).cast(pl.String),
        pl.col("period_kind").replace_strict(label, return_dtype=pl.String).alias(s.ACTION),
        (pl.col("end") + dt.timedelta(days=r.due_days)).dt.to_string("%Y-%m-%d").alias(s.DUE),
    ).drop("_bottom", "period_kind", "end")


def persistence(plan: Plan, monthly: pl.DataFrame, subject_type: str, id_col: str) -> pl.DataFrame:
    """Months in the top and bottom decile over the last ``window`` scored months (§11).

    ``monthly`` has one row per scored subject-month with ``rank``, ``rank_asc`` and ``rank_n``.
    """
    p = plan.persistence
    cut = cut_size(pl.col(s.RANK_N), p.share)
    counted = pl.col(s.RANK_N) >= plan.ranking.min_group
    window = monthly.select(id_col, s.MONTH, s.RANK, "rank_asc", s.RANK_N)
    if p.window < monthly.select(pl.col(s.MONTH).n_unique()).item():
        # a subject has one row per scored month: a window as long as the run keeps them all
        window = window.with_columns(
            pl.col(s.MONTH).rank("ordinal", descending=True).over(id_col).alias("_recent")
        ).filter(pl.col("_recent") <= p.window)
    # in the subjects' order (``monthly`` comes sorted by subject)
    agg = window.group_by(id_col, maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias(s.MONTHS),
        counted.sum().alias("_counted"),
        (counted & (pl.col(s.RANK) <= cut)).sum().cast(pl.Int64).alias(s.TOP_MONTHS),
        (counted & (pl.col("rank_asc") <= cut)).sum().cast(pl.Int64).alias(s.BOTTOM_MONTHS),
    )
    flag = pl.concat_str(
        [
            pl.when(pl.col(s.TOP_MONTHS) >= p.months).then(pl.lit("top")),
            pl.when(pl.col(s.BOTTOM_MONTHS) >= p.months).then(pl.lit("bottom")),
        ],
        separator=",",
        ignore_nulls=True,
    )
    return (
        agg.filter(pl.col("_counted") > 0)
        .with_columns(flag.alias(s.FLAG), pl.lit(subject_type).alias(s.SUBJECT_TYPE))
        .rename({id_col: s.SUBJECT_ID})
        .drop("_counted")
    )
