"""Achievement of an indicator or task by scoring method (docs/rules.md §2, §3, §4).

Expressions read the columns of a frame that has one row per subject, indicator and month.
"""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.formula import compile_formula
from kaohe.engine.plan import COEFFICIENT_NAMES, Economic, Plan

LOWER: pl.Expr = pl.col(s.DIRECTION) == "lower_is_better"


def completion() -> pl.Expr:
    """``clamp(actual/target, 0, 1)``; lower is better: ``clamp(target/actual, 0, 1)``, 1 at 0."""
    higher = (pl.col(s.ACTUAL) / pl.col(s.TARGET)).clip(0.0, 1.0)
    lower = (
        pl.when(pl.col(s.ACTUAL) == 0)
        .then(1.0)
        .otherwise((pl.col(s.TARGET) / pl.col(s.ACTUAL)).clip(0.0, 1.0))
    )
    return pl.when(LOWER).then(lower).otherwise(higher)


def deduction() -> pl.Expr:
    """``max(0, w − occurrences × points_per_occurrence) / w``."""
    w = pl.col(s.WEIGHT)
    lost = pl.col(s.OCCURRENCES) * pl.col(s.POINTS_PER_OCCURRENCE)
    return (w - lost).clip(lower_bound=0.0) / w


def milestones() -> pl.Expr:
    """Milestones done on time over milestones due (left out when none is due)."""
    return pl.col(s.MILESTONES_DONE).cast(pl.Float64) / pl.col(s.MILESTONES_DUE).cast(pl.Float64)


def basic_achievement() -> pl.Expr:
    """Achievement of the methods shared by unit indicators and section tasks."""
    method = pl.col(s.METHOD)
    return (
        pl.when(method == "completion")
        .then(completion())
        .when(method == "rating")
        .then(pl.col("level_value"))
        .when(method == "deduction")
        .then(deduction())
        .when(method == "milestones")
        .then(milestones())
        .otherwise(None)
    )


def basic_included() -> pl.Expr:
    """A milestones indicator with nothing due is left out this month."""
    return ~((pl.col(s.METHOD) == "milestones") & (pl.col(s.MILESTONES_DUE) == 0))


# ---- §3 economic --------------------------------------------------------------------------------


def economic_ratios(eco: Economic) -> dict[str, pl.Expr]:
    """``rv``, ``rg`` (each clamped to [0, cap]) and ``r = volume_share·rv + growth_share·rg``."""
    rv = (pl.col(s.ACTUAL_VOLUME) / pl.col(s.TARGET_VOLUME)).clip(0.0, eco.cap)
    tg, ag = pl.col(s.TARGET_GROWTH), pl.col(s.ACTUAL_GROWTH)
    rg = pl.when(tg > 0).then(ag / tg).otherwise(1.0 + (ag - tg) / 100.0).clip(0.0, eco.cap)
    return {s.RV: rv, s.RG: rg, s.R: eco.volume_share * rv + eco.growth_share * rg}


def economic_bonus_penalty(eco: Economic) -> dict[str, pl.Expr]:
    """Drag flag, bonus and penalty from ``r``, ``weight``, ``k_bonus``, ``k_penalty`` columns."""
    r, w = pl.col(s.R), pl.col(s.WEIGHT)
    drags = pl.coalesce(pl.col(s.DRAGS), r < eco.drag_below)
    excels = r >= eco.excel_at
    if eco.basis == "gap":
        bonus = pl.col("k_bonus") * w * (r - 1.0).clip(lower_bound=0.0)
        penalty = pl.col("k_penalty") * w * (1.0 - r).clip(lower_bound=0.0)
    else:
        bonus = pl.col("k_bonus") * w
        penalty = pl.col("k_penalty") * w
    return {
        s.DRAGS: drags,
        s.BONUS: pl.when(excels).then(bonus).otherwise(0.0),
        s.PENALTY: pl.when(drags).then(penalty).otherwise(0.0),
    }


# ---- §4 coefficient ---------------------------------------------------------------------------


def coefficient(plan: Plan, c: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(C, invalid)``: the plan's formula over ``c`` and the district's ``g``, ``g_target``."""
    formula = compile_formula(plan.coefficient.formula, COEFFICIENT_NAMES)
    env = {
        "c": c,
        "g": pl.col(s.GDP_GROWTH),
        "g_target": pl.col(s.GDP_GROWTH_TARGET),
        "lo": pl.lit(plan.coefficient.lo),
        "hi": pl.lit(plan.coefficient.hi),
    }
    return formula.to_expr(env)
