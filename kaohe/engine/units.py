"""Unit monthly scores: indicators, groups, coefficient and events (docs/rules.md §2–§5)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kaohe.engine import methods
from kaohe.engine import schema as s
from kaohe.engine.common import (
    competition_rank,
    events_total,
    level_values,
    tier_values,
)
from kaohe.engine.dataset import DataSet
from kaohe.engine.errors import DataError, Problem
from kaohe.engine.formula import compile_formula
from kaohe.engine.plan import FORMULA_BASE_NAMES, Plan

SRC = "_src_month"  # the month whose figure a row uses (quarterly figures carry forward)
INPUT_PREFIX = "in:"


@dataclass(frozen=True)
class UnitScores:
    indicators: pl.DataFrame  # unit_indicators, plus working columns
    groups: pl.DataFrame  # unit_groups
    monthly: pl.DataFrame  # unit_monthly (scored unit-months only)
    warnings: tuple[Problem, ...]


def plan_indicators(plan: Plan) -> pl.DataFrame:
    """One row per (category, indicator) with every per-indicator setting as a column."""
    rows: list[dict[str, object]] = []
    for cat_name, cat in plan.categories.items():
        for gi, group in enumerate(cat.groups):
            for ii, ind in enumerate(group.indicators):
                rows.append(
                    {
                        s.CATEGORY: cat_name,
                        s.GROUP: group.key,
                        "group_order": gi,
                        "indicator_order": ii,
                        s.INDICATOR: ind.key,
                        s.METHOD: ind.method,
                        "plan_weight": ind.weight,
                        s.DIRECTION: ind.direction,
                        "frequency": ind.frequency,
                        "k_bonus": plan.k_bonus(ind),
                        "k_penalty": plan.k_penalty(ind),
                        s.POINTS_PER_OCCURRENCE: ind.points_per_occurrence,
                        "floor_share": plan.floor_share(ind),
                        s.TAGS: list(ind.tags),
                    }
                )
    return pl.DataFrame(
        rows,
        schema={
            s.CATEGORY: pl.String,
            s.GROUP: pl.String,
            "group_order": pl.Int64,
            "indicator_order": pl.Int64,
            s.INDICATOR: pl.String,
            s.METHOD: pl.String,
            "plan_weight": pl.Float64,
            s.DIRECTION: pl.String,
            "frequency": pl.String,
            "k_bonus": pl.Float64,
            "k_penalty": pl.Float64,
            s.POINTS_PER_OCCURRENCE: pl.Float64,
            "floor_share": pl.Float64,
            s.TAGS: pl.List(pl.String),
        },
    )


def plan_groups(plan: Plan) -> pl.DataFrame:
    rows = [
        {s.CATEGORY: c, s.GROUP: g.key, "group_order": gi, s.POINTS: g.points}
        for c, cat in plan.categories.items()
        for gi, g in enumerate(cat.groups)
    ]
    return pl.DataFrame(
        rows,
        schema={
            s.CATEGORY: pl.String,
            s.GROUP: pl.String,
            "group_order": pl.Int64,
            s.POINTS: pl.Float64,
        },
    )


def _unit_weight_overrides(plan: Plan) -> pl.DataFrame:
    rows = [
        {s.UNIT_ID: u, s.INDICATOR: i, "override": w}
        for u, weights in plan.unit_weights.items()
        for i, w in weights.items()
    ]
    return pl.DataFrame(
        rows, schema={s.UNIT_ID: pl.String, s.INDICATOR: pl.String, "override": pl.Float64}
    )


def _facts(data: DataSet, units: pl.DataFrame) -> pl.DataFrame:
    """Economic statistics and indicator results of units, one row per unit/indicator/month."""
    economic = data[s.ECONOMIC].rename({s.ROW: "_eco_row"})
    results = (
        data[s.RESULTS]
        .rename({s.SUBJECT_ID: s.UNIT_ID, s.ROW: "_res_row"})
        .join(units.select(s.UNIT_ID), on=s.UNIT_ID, how="semi")
    )
    return pl.concat([economic, results], how="diagonal_relaxed")


def _formula_inputs(data: DataSet, units: pl.DataFrame) -> pl.DataFrame:
    inputs = (
        data[s.INPUTS]
        .rename({s.SUBJECT_ID: s.UNIT_ID})
        .join(units.select(s.UNIT_ID), on=s.UNIT_ID, how="semi")
        .select(
            s.UNIT_ID,
            s.INDICATOR,
            pl.col(s.MONTH).alias(SRC),
            (pl.lit(INPUT_PREFIX) + pl.col(s.INPUT_NAME)).alias(s.INPUT_NAME),
            s.VALUE,
        )
    )
    if inputs.is_empty():
        return inputs.select(s.UNIT_ID, s.INDICATOR, SRC)
    return inputs.pivot(s.INPUT_NAME, index=[s.UNIT_ID, s.INDICATOR, SRC], values=s.VALUE)


def _formula_columns(plan: Plan, frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """Value and invalid flag of every formula indicator, chosen by (category, indicator)."""
    value: pl.Expr = pl.lit(None, pl.Float64)
    invalid: pl.Expr = pl.lit(False)
    for cat_name, cat in plan.categories.items():
        for _, ind in cat.indicators():
            if ind.method != "formula" or ind.formula is None:
                continue
            f = compile_formula(ind.formula, FORMULA_BASE_NAMES + ind.inputs)
            env: dict[str, pl.Expr] = {}
            for name in f.names:
                col = name if name in FORMULA_BASE_NAMES else INPUT_PREFIX + name
                env[name] = pl.col(col) if col in frame.columns else pl.lit(None, pl.Float64)
            v, bad = f.to_expr(env)
            cond = (pl.col(s.CATEGORY) == cat_name) & (pl.col(s.INDICATOR) == ind.key)
            value = pl.when(cond).then(v).otherwise(value)
            invalid = pl.when(cond).then(bad).otherwise(invalid)
    return value, invalid


def unit_indicator_frame(plan: Plan, data: DataSet) -> pl.DataFrame:
    """Every indicator each unit carries, for every month, with its figure and achievement."""
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY, pl.col(s.TIER).fill_null(1).alias(s.TIER))
    facts = _facts(data, units)
    pairs = (
        units.join(plan_indicators(plan), on=s.CATEGORY, how="inner")
        .join(_unit_weight_overrides(plan), on=[s.UNIT_ID, s.INDICATOR], how="left")
        .with_columns(pl.coalesce("override", "plan_weight").alias(s.WEIGHT))
        .filter(pl.col(s.WEIGHT) > 0)
        .join(
            facts.select(s.UNIT_ID, s.INDICATOR).unique(), on=[s.UNIT_ID, s.INDICATOR], how="semi"
        )
        .drop("override", "plan_weight")
    )
    months = pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64})
    keys = [s.UNIT_ID, s.INDICATOR]
    grid = (
        pairs.join(months, how="cross")
        .join(
            facts.select(*keys, s.MONTH, pl.col(s.MONTH).alias(SRC)),
            on=[*keys, s.MONTH],
            how="left",
        )
        .with_columns(pl.col(SRC).forward_fill().over(keys, order_by=s.MONTH))
    )
    figures = facts.rename({s.MONTH: SRC})
    frame = (
        grid.join(figures, on=[*keys, SRC], how="left")
        .join(level_values(plan), on=s.LEVEL, how="left")
        .join(_formula_inputs(data, units), on=[*keys, SRC], how="left")
    )
    eco = methods.economic_ratios(plan.economic)
    is_eco = pl.col(s.METHOD) == "volume_growth"
    frame = frame.with_columns(
        **{k: pl.when(is_eco).then(v).otherwise(None) for k, v in eco.items()}
    )
    formula_value, formula_invalid = _formula_columns(plan, frame)
    has_figure = pl.col(SRC).is_not_null()
    included = has_figure & methods.basic_included()
    frame = frame.with_columns(
        included.alias(s.INCLUDED),
        pl.when(has_figure & (pl.col(s.METHOD) == "formula"))
        .then(formula_invalid)
        .otherwise(False)
        .alias("_invalid"),
        pl.when(pl.col(s.METHOD) == "formula")
        .then(formula_value.clip(0.0, 1.0))
        .when(is_eco)
        .then(pl.min_horizontal(pl.col(s.R), pl.lit(1.0)))
        .otherwise(methods.basic_achievement())
        .alias(s.ACHIEVEMENT),
    )
    _raise_invalid_formulas(frame, data)
    frame = _rank_method(frame)
    bp = methods.economic_bonus_penalty(plan.economic)
    frame = frame.with_columns(
        **{k: pl.when(is_eco & pl.col(s.INCLUDED)).then(v).otherwise(None) for k, v in bp.items()}
    )
    note = (
        pl.when(~has_figure)
        .then(pl.lit("no figure yet"))
        .when(~pl.col(s.INCLUDED))
        .then(pl.lit("not due"))
        .when(pl.col(SRC) < pl.col(s.MONTH))
        .then(pl.lit("carried forward from month ") + pl.col(SRC).cast(pl.String))
        .otherwise(pl.lit(""))
    )
    return frame.with_columns(
        pl.when(pl.col(s.INCLUDED)).then(pl.col(s.ACHIEVEMENT)).otherwise(None),
        note.alias(s.NOTE),
    )


def _raise_invalid_formulas(frame: pl.DataFrame, data: DataSet) -> None:
    bad = frame.filter(pl.col("_invalid") & pl.col(s.INCLUDED))
    if bad.is_empty():
        return
    raise DataError(
        Problem(
            data.source(s.RESULTS),
            row["_res_row"],
            s.INDICATOR,
            f"the formula of {row[s.INDICATOR]} has no finite value for {row[s.UNIT_ID]} "
            f"in month {row[s.MONTH]} (division by zero or overflow)",
        )
        for row in bad.select("_res_row", s.INDICATOR, s.UNIT_ID, s.MONTH).iter_rows(named=True)
    )


def _rank_method(frame: pl.DataFrame) -> pl.DataFrame:
    """§2 ``rank``: linear by competition rank among the category's units carrying it."""
    is_rank = (pl.col(s.METHOD) == "rank") & pl.col(s.INCLUDED)
    by = [s.CATEGORY, s.INDICATOR, s.MONTH]
    key = pl.when(is_rank).then(
        pl.when(methods.LOWER).then(-pl.col(s.ACTUAL)).otherwise(pl.col(s.ACTUAL))
    )
    rank = key.rank("min", descending=True).over(by).cast(pl.Float64)
    n = key.count().over(by).cast(pl.Float64)
    linear = 1.0 - (rank - 1.0) / (n - 1.0) * (1.0 - pl.col("floor_share"))
    value = pl.when(n == 1).then(1.0).otherwise(linear)
    return frame.with_columns(
        pl.when(is_rank).then(value).otherwise(pl.col(s.ACHIEVEMENT)).alias(s.ACHIEVEMENT)
    )


def group_frame(plan: Plan, data: DataSet, indicators: pl.DataFrame) -> pl.DataFrame:
    """§2 groups: contribution = P_g × (base + bonus − penalty) / W, P_g renormalised."""
    inc = indicators.filter(pl.col(s.INCLUDED))
    agg = inc.group_by(s.UNIT_ID, s.MONTH, s.GROUP).agg(
        pl.col(s.WEIGHT).sum().alias(s.WEIGHT_SUM),
        (pl.col(s.WEIGHT) * pl.col(s.ACHIEVEMENT)).sum().alias(s.BASE),
        pl.col(s.BONUS).fill_null(0.0).sum().alias(s.BONUS),
        pl.col(s.PENALTY).fill_null(0.0).sum().alias(s.PENALTY),
    )
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY)
    months = pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64})
    grid = (
        units.join(plan_groups(plan), on=s.CATEGORY)
        .join(months, how="cross")
        .join(agg, on=[s.UNIT_ID, s.MONTH, s.GROUP], how="left")
        .with_columns(pl.col(s.WEIGHT_SUM, s.BASE, s.BONUS, s.PENALTY).fill_null(0.0))
    )
    non_empty = (pl.col(s.WEIGHT_SUM) > 0) & (pl.col(s.POINTS) > 0)
    p_total = (
        pl.when(non_empty).then(pl.col(s.POINTS)).otherwise(0.0).sum().over(s.UNIT_ID, s.MONTH)
    )
    grid = grid.with_columns(p_total.alias("_p_total"))
    effective = (
        pl.when(non_empty).then(pl.col(s.POINTS) * 100.0 / pl.col("_p_total")).otherwise(0.0)
    )
    grid = grid.with_columns(effective.alias(s.EFFECTIVE_POINTS))
    contribution = (
        pl.when(non_empty)
        .then(
            pl.col(s.EFFECTIVE_POINTS)
            * (pl.col(s.BASE) + pl.col(s.BONUS) - pl.col(s.PENALTY))
            / pl.col(s.WEIGHT_SUM)
        )
        .otherwise(0.0)
    )
    return grid.with_columns(contribution.alias(s.CONTRIBUTION)).filter(pl.col("_p_total") > 0)


def monthly_frame(
    plan: Plan, data: DataSet, groups: pl.DataFrame, district: pl.DataFrame
) -> pl.DataFrame:
    """§4: ``S = max(0, (G + E) × C)`` (or ``G × C + E``), ranked per category and month."""
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY, pl.col(s.TIER).fill_null(1).alias(s.TIER))
    totals = groups.group_by(s.UNIT_ID, s.MONTH).agg(
        pl.col(s.CONTRIBUTION).sum().alias(s.GROUPS_TOTAL)
    )
    events = events_total(plan, data[s.EVENTS]).rename({s.SUBJECT_ID: s.UNIT_ID})
    frame = (
        totals.join(units, on=s.UNIT_ID)
        .join(tier_values(plan), on=s.TIER, how="left")
        .join(district, on=s.MONTH, how="left")
        .join(events, on=[s.UNIT_ID, s.MONTH], how="left")
        .with_columns(pl.col(s.EVENTS_TOTAL).fill_null(0.0))
    )
    c_value, c_invalid = methods.coefficient(plan, pl.col("tier_value"))
    frame = frame.with_columns(c_value.alias(s.COEFFICIENT), c_invalid.alias("_invalid"))
    bad = frame.filter("_invalid").select(s.MONTH, "_district_row").unique().sort(s.MONTH)
    if not bad.is_empty():
        raise DataError(
            Problem(
                data.source(s.DISTRICT),
                row["_district_row"],
                None,
                f"the coefficient formula has no finite value in month {row[s.MONTH]}",
            )
            for row in bad.iter_rows(named=True)
        )
    g, e, c = pl.col(s.GROUPS_TOTAL), pl.col(s.EVENTS_TOTAL), pl.col(s.COEFFICIENT)
    score = (g + e) * c if plan.coefficient.applies_to == "total" else g * c + e
    frame = frame.with_columns((g + e).alias(s.RAW), score.clip(lower_bound=0.0).alias(s.SCORE))
    by = [s.CATEGORY, s.MONTH]
    return frame.with_columns(
        competition_rank(s.SCORE, by).alias(s.RANK),
        competition_rank(s.SCORE, by, descending=False).alias("rank_asc"),
        pl.len().over(by).cast(pl.Int64).alias(s.RANK_N),
    )


def district_frame(data: DataSet) -> pl.DataFrame:
    return data[s.DISTRICT].select(
        s.MONTH, s.GDP_GROWTH, s.GDP_GROWTH_TARGET, pl.col(s.ROW).alias("_district_row")
    )


def score_units(plan: Plan, data: DataSet) -> UnitScores:
    indicators = unit_indicator_frame(plan, data)
    groups = group_frame(plan, data, indicators)
    monthly = monthly_frame(plan, data, groups, district_frame(data))
    scored = monthly.select(s.UNIT_ID, s.MONTH)
    unscored = (
        data[s.UNITS]
        .select(s.UNIT_ID)
        .join(pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64}), how="cross")
        .join(scored, on=[s.UNIT_ID, s.MONTH], how="anti")
        .sort(s.UNIT_ID, s.MONTH)
    )
    warnings = tuple(
        Problem(s.UNITS, None, None, f"{u} month {m} is not scored: no indicator to score")
        for u, m in unscored.iter_rows()
    )
    return UnitScores(indicators, groups, monthly, warnings)
