"""Unit monthly scores: indicators, groups, coefficient and events (docs/rules.md §2–§5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from kaohe.engine import methods
from kaohe.engine import schema as s
from kaohe.engine.common import (
    competition_rank,
    events_total,
    level_value,
    tier_values,
)
from kaohe.engine.dataset import DataSet
from kaohe.engine.errors import DataError, Problem
from kaohe.engine.formula import compile_formula
from kaohe.engine.keys import Ids, in_key_order
from kaohe.engine.plan import FORMULA_BASE_NAMES, Plan

SRC = "_src_month"  # the month whose figure a row uses (quarterly figures carry forward)
INPUT_PREFIX = "in:"
UNIT_CODE = "_unit_code"
PAIR = "_pair"  # unit × indicator as one integer (see _pair)
CELL = "_cell"  # pair × 16 + month (see _cell)
SRC_CELL = "_src_cell"  # the cell of the row whose figure a row uses
ECONOMIC_FIGURES = (s.TARGET_VOLUME, s.ACTUAL_VOLUME, s.TARGET_GROWTH, s.ACTUAL_GROWTH, s.DRAGS)
ECONOMIC_SOURCE = "_economic"
RESULTS_SOURCE = "_results"
# what group_frame, unit_needs and the published table read of the indicator frame
INDICATOR_COLUMNS = (
    s.UNIT_ID,
    s.CATEGORY,
    s.MONTH,
    s.GROUP,
    s.INDICATOR,
    s.METHOD,
    s.WEIGHT,
    s.TAGS,
    s.INCLUDED,
    s.RV,
    s.RG,
    s.R,
    s.DRAGS,
    s.BONUS,
    s.PENALTY,
)
RESULT_FIGURES = (
    s.ACTUAL,
    s.TARGET,
    s.LEVEL,
    s.OCCURRENCES,
    s.MILESTONES_DUE,
    s.MILESTONES_DONE,
)


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


def _figures(
    rows: pl.DataFrame, ids: Ids, indicators: Mapping[str, int], source: str
) -> pl.DataFrame:
    """A table of units' rows (economic statistics or indicator results) keyed by cell (see
    :func:`_cell`) and sorted by it, with the row's pair and month as ``<source>_pair`` and
    ``<source>_month``; rows of other subjects (sections) are left out."""
    rows = ids.units.encode(rows, s.UNIT_ID)
    pair = _pair(pl.col(s.UNIT_ID), indicators)
    keyed = rows.select(
        _cell(pair, pl.col(s.MONTH)),
        pair.alias(f"{source}_pair"),
        pl.col(s.MONTH).alias(f"{source}_month"),
        pl.all().exclude(s.UNIT_ID, s.INDICATOR, s.MONTH),
    ).drop_nulls(CELL)
    return in_key_order(keyed, CELL)


def _pair(unit: pl.Expr, indicators: Mapping[str, int]) -> pl.Expr:
    """One integer per unit (its code) and indicator: unit × n + the indicator's index."""
    index = pl.col(s.INDICATOR).replace_strict(indicators, default=None, return_dtype=pl.UInt64)
    return unit.cast(pl.UInt64) * len(indicators) + index


def _cell(pair: pl.Expr, month: pl.Expr) -> pl.Expr:
    """One integer per unit, indicator and month: pair × 16 + month."""
    return (pair * 16 + month.cast(pl.UInt64)).alias(CELL)


def _formula_inputs(data: DataSet, ids: Ids, indicators: Mapping[str, int]) -> pl.DataFrame:
    """Formula inputs as columns ``in:<name>``, one row per cell of a figure (``_src_cell``)."""
    inputs = ids.units.encode(
        data[s.INPUTS].select(
            pl.col(s.SUBJECT_ID).alias(s.UNIT_ID),
            s.INDICATOR,
            s.MONTH,
            (pl.lit(INPUT_PREFIX) + pl.col(s.INPUT_NAME)).alias(s.INPUT_NAME),
            s.VALUE,
        ),
        s.UNIT_ID,
    )
    inputs = inputs.select(
        _cell(_pair(pl.col(s.UNIT_ID), indicators), pl.col(s.MONTH)).alias(SRC_CELL),
        s.INPUT_NAME,
        s.VALUE,
    ).drop_nulls(SRC_CELL)
    if inputs.is_empty():
        return inputs.select(SRC_CELL)
    return inputs.pivot(s.INPUT_NAME, index=SRC_CELL, values=s.VALUE)


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


def unit_indicator_frame(plan: Plan, data: DataSet, ids: Ids) -> pl.DataFrame:
    """Every indicator each unit carries, for every month, with its figure and achievement.

    Sorted by unit, month and indicator (the published order). A month's figure is the unit's
    row for the indicator in the latest month at or before it (§2: quarterly figures carry
    forward). With the rows of the grid and of the data sorted by one integer per cell,
    ``(unit, indicator) × 16 + month``, an as-of join finds it in one merge.
    """
    units = data[s.UNITS].select(s.UNIT_ID, s.CATEGORY, pl.col(s.TIER).fill_null(1).alias(s.TIER))
    catalogue = plan_indicators(plan)
    names = sorted(set(catalogue[s.INDICATOR]))  # by text: cells sort like the ids
    indicators = {name: i for i, name in enumerate(names)}
    economic = _figures(
        data[s.ECONOMIC].select(s.UNIT_ID, s.INDICATOR, s.MONTH, *ECONOMIC_FIGURES),
        ids,
        indicators,
        ECONOMIC_SOURCE,
    )
    results = _figures(
        data[s.RESULTS].select(
            pl.col(s.SUBJECT_ID).alias(s.UNIT_ID),
            s.INDICATOR,
            s.MONTH,
            *RESULT_FIGURES,
            pl.col(s.ROW).alias("_res_row"),
        ),
        ids,
        indicators,
        RESULTS_SOURCE,
    )
    pairs = (
        units.join(catalogue, on=s.CATEGORY, how="inner")
        .join(_unit_weight_overrides(plan), on=[s.UNIT_ID, s.INDICATOR], how="left")
        .with_columns(pl.coalesce("override", "plan_weight").alias(s.WEIGHT))
        .filter(pl.col(s.WEIGHT) > 0)
        .drop("override", "plan_weight")
    )
    pairs = pairs.with_columns(ids.units.code(pairs, s.UNIT_ID).alias(UNIT_CODE))
    pairs = pairs.with_columns(_pair(pl.col(UNIT_CODE), indicators).alias(PAIR)).sort(PAIR)
    # an indicator with no row for the unit in the whole run is not carried (§2)
    with_data = pl.concat([economic[f"{ECONOMIC_SOURCE}_pair"], results[f"{RESULTS_SOURCE}_pair"]])
    pairs = pairs.filter(pl.col(PAIR).is_in(with_data.unique().implode()))
    months = pl.DataFrame({s.MONTH: list(data.months)}, schema={s.MONTH: pl.Int64})
    grid = in_key_order(
        pairs.join(months, how="cross").with_columns(_cell(pl.col(PAIR), pl.col(s.MONTH))), CELL
    )
    frame = grid.join_asof(economic, on=CELL, strategy="backward").join_asof(
        results, on=CELL, strategy="backward"
    )
    del economic, results
    # The latest row at or before the cell may be another pair's: then it is not this one's.
    sources = (
        (ECONOMIC_SOURCE, ECONOMIC_FIGURES),
        (RESULTS_SOURCE, (*RESULT_FIGURES, "_res_row")),
    )
    src: pl.Expr = pl.lit(None, pl.Int64)
    for source, columns in reversed(sources):
        own = pl.col(f"{source}_pair") == pl.col(PAIR)
        src = pl.when(own).then(pl.col(f"{source}_month")).otherwise(src)
        frame = frame.with_columns(pl.when(own).then(pl.col(c)).alias(c) for c in columns)
    frame = frame.with_columns(src.alias(SRC)).with_columns(
        _cell(pl.col(PAIR), pl.col(SRC)).alias(SRC_CELL),
        level_value(plan, pl.col(s.LEVEL)).alias("level_value"),
    )
    frame = frame.join(_formula_inputs(data, ids, indicators), on=SRC_CELL, how="left")
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
    n = len(indicators)
    published_order = (pl.col(UNIT_CODE) * 16 + pl.col(s.MONTH)) * n + pl.col(PAIR) % n
    return (
        frame.select(
            *INDICATOR_COLUMNS,
            pl.when(pl.col(s.INCLUDED)).then(pl.col(s.ACHIEVEMENT)).otherwise(None),
            note.alias(s.NOTE),
            published_order.alias("_order"),
        )
        .sort("_order")
        .drop("_order")
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
    """§2 ``rank``: linear by competition rank among the category's units carrying it.

    Only the rows of ``rank`` indicators are ranked; their achievements are put back in place.
    """
    is_rank = (pl.col(s.METHOD) == "rank") & pl.col(s.INCLUDED)
    rows = frame.select(
        s.CATEGORY, s.INDICATOR, s.MONTH, s.ACTUAL, s.DIRECTION, "floor_share"
    ).with_row_index("_at")
    rows = rows.filter(frame.select(is_rank).to_series())
    if rows.is_empty():
        return frame
    by = [s.CATEGORY, s.INDICATOR, s.MONTH]
    key = pl.when(methods.LOWER).then(-pl.col(s.ACTUAL)).otherwise(pl.col(s.ACTUAL))
    rank = key.rank("min", descending=True).over(by).cast(pl.Float64)
    n = key.count().over(by).cast(pl.Float64)
    linear = 1.0 - (rank - 1.0) / (n - 1.0) * (1.0 - pl.col("floor_share"))
    value = rows.select(pl.when(n == 1).then(1.0).otherwise(linear)).to_series()
    achievement = frame[s.ACHIEVEMENT].clone().scatter(rows["_at"], value)
    return frame.with_columns(achievement)


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
    """§4: ``S = max(0, (G + E) × C)`` (or ``G × C + E``), ranked per category and month.

    Sorted by unit and month (the published order, which the periods' rollup reads).
    """
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
    ).sort(s.UNIT_ID, s.MONTH)


def district_frame(data: DataSet) -> pl.DataFrame:
    return data[s.DISTRICT].select(
        s.MONTH, s.GDP_GROWTH, s.GDP_GROWTH_TARGET, pl.col(s.ROW).alias("_district_row")
    )


def score_units(plan: Plan, data: DataSet, ids: Ids) -> UnitScores:
    indicators = unit_indicator_frame(plan, data, ids)
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
