"""The reference scorer: docs/rules.md in plain Python, the oracle the engine is tested against.

It trades speed for legibility: the input frames are read once into lists of dicts, then every
rule is one small function over plain floats that cites its section of docs/rules.md, so a
reviewer can hold it against the text line by line. :func:`reference_score` walks the rules in
the document's order:

    §1      who holds which post on a month's last day            post_on
    §2, §3  unit indicators → groups → scorecard total G          score_indicators, score_groups
    §4, §5  events E, coefficient C, unit score S                 events_total, unit_score
    §6      sections, cadres (three links), monthly ranks         score_sections, score_cadres
    §6      quarters and halves                                   score_periods
    §7      the year: political, democratic, review, annual       score_year
    §8      grades under a strict quota                           assign_grades
    §9      bottom-rank follow-up                                 bottom_actions
    §10     performance pay                                       performance_pay, allocate_pool
    §10     training needs                                        unit_training_needs,
                                                                  rated_training_needs
    §11     always top / always bottom, rater statistics          persistence_flags, rater_stats

Numbers stay unrounded; ranks, thresholds, quotas, cuts and pay use published values (§0):

>>> published(98.4785)
98.48
>>> blend([(0.7, 80.0), (0.3, None)])  # a missing component renormalises (§0)
80.0
>>> allocate_pool(100, {"C1": 1, "C2": 1, "C3": 1})  # equal remainders to the lower id (§10)
{'C1': 34, 'C2': 33, 'C3': 33}
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet
from kaohe.engine.errors import DataError, Problem
from kaohe.engine.formula import Formula, FormulaValueError, compile_formula
from kaohe.engine.numbers import round_half_up
from kaohe.engine.plan import (
    COEFFICIENT_NAMES,
    FORMULA_BASE_NAMES,
    AnnualWeights,
    Group,
    Indicator,
    Plan,
    RatedItem,
)

__all__ = ["reference_score"]

Row = dict[str, Any]
OutRow = dict[str, object]
K = TypeVar("K", bound=Hashable)

NORMAL_KIND = "normal"  # §5: an event without a kind
NOT_DUE = "not due"  # §2 milestones: nothing due this month
NO_FIGURE_YET = "no figure yet"  # §2 quarterly: before the first figure
QUARTER, HALF_YEAR, YEAR_KIND = "quarter", "half_year", "year"  # ranking.actions / min_months
DEMOCRATIC_GROUP = "democratic_group"  # §11 rater statistics of democratic ballots by group
RECORDS_KIND, RESULTS_KIND = "records", "results"
NO_SCORED_CADRE, ALL_WEIGHTS_ZERO = "no scored cadre", "all weights zero"
TOP, SECOND, THIRD, FOURTH = 0, 1, 2, 3  # grade indexes into CADRE_GRADES / TEAM_GRADES
RESIDUE_DIGITS = 6  # floor(share × n) is taken on the decimal value, like rounding (§0)
TIER_DEFAULT = 1


# ==== §0 numbers, blends, ranks and cuts ==========================================================


def published(value: float) -> float:
    """§0: the published score, 2 decimals half up; ranks, cuts and quotas use it."""
    return round_half_up(value, 2)


def published_ratio(value: float) -> float:
    """§0: a published ratio (achievement), 4 decimals half up."""
    return round_half_up(value, 4)


def clamp(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


def mean(values: Sequence[float]) -> float | None:
    """The plain mean; ``None`` for no values (§0: missing is not zero)."""
    return sum(values) / len(values) if values else None


def blend(parts: Iterable[tuple[float, float | None]]) -> float | None:
    """§0 Missing is not zero: ``Σ w·x / Σ w`` over the components that exist.

    ``None`` when no component exists or the existing ones weigh nothing in total.

    >>> blend([(0.5, 80.0), (0.3, None), (0.5, 60.0)])  # (40 + 30) / 1.0
    70.0
    """
    present = [(w, x) for w, x in parts if x is not None]
    total = sum(w for w, _ in present)
    if not present or total <= 0:
        return None
    return sum(w * x for w, x in present) / total


def share_count(share: float, n: int) -> int:
    """``floor(share × n)`` on the decimal value: 0.29 × 100 is 29, not 28.999…"""
    return math.floor(round(share * n, RESIDUE_DIGITS))


def competition_ranks(values: Mapping[K, float], *, descending: bool = True) -> dict[K, int]:
    """§0: competition ranks (1, 2, 2, 4), highest first unless ``descending`` is false."""
    ordered = sorted(values.values(), reverse=descending)
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in values.items()}


def bottom_cut(values: Mapping[K, float], share: float, min_group: int) -> tuple[set[K], bool]:
    """§9 Bottom: the last ``max(1, floor(share × n))`` of a group of ``n ≥ min_group``.

    Everyone at or below the highest score inside the cut is in it; ``tied`` is true when that
    makes more subjects than the cut size. ``values`` are published scores.

    >>> sorted(bottom_cut({"a": 1.0, "b": 1.0, "c": 5.0, "d": 6.0, "e": 7.0}, 0.1, 5)[0])
    ['a', 'b']
    """
    n = len(values)
    if n < min_group or n == 0:
        return set(), False
    size = max(1, share_count(share, n))
    cut_score = sorted(values.values())[size - 1]
    members = {key for key, value in values.items() if value <= cut_score}
    return members, len(members) > size


def decile_thresholds(values: Sequence[float], share: float) -> tuple[float, float]:
    """§11: the ``max(1, floor(share × n))``-th highest and the same-numbered lowest value."""
    size = max(1, share_count(share, len(values)))
    ordered = sorted(values)
    return ordered[-size], ordered[size - 1]


# ==== the run's months and periods (§0) ===========================================================


@dataclass(frozen=True, slots=True)
class Period:
    """A complete quarter, half-year or year of the run (§0)."""

    label: str  # "2026-Q1", "2026-H2", "2026"
    kind: str  # QUARTER, HALF_YEAR or YEAR_KIND: the keys of ranking.actions and min_months
    months: tuple[int, ...]
    last_day: dt.date


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def complete_periods(year: int, run: Sequence[int]) -> list[Period]:
    """§0: quarters, halves and the year whose months are all in the run."""
    months = set(run)
    candidates = [
        *(
            Period(
                f"{year}-Q{q}", QUARTER, tuple(range(3 * q - 2, 3 * q + 1)), month_end(year, 3 * q)
            )
            for q in range(1, 5)
        ),
        *(
            Period(
                f"{year}-H{h}",
                HALF_YEAR,
                tuple(range(6 * h - 5, 6 * h + 1)),
                month_end(year, 6 * h),
            )
            for h in (1, 2)
        ),
        Period(str(year), YEAR_KIND, tuple(range(1, 13)), month_end(year, 12)),
    ]
    return [p for p in candidates if set(p.months) <= months]


# ==== the input, read once ========================================================================


class _InvalidValueError(Exception):
    """A rule met a value it cannot score: a data error on the row being scored."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class _Input:
    """The plan, the input tables as lists of dicts, and the data problems found so far."""

    plan: Plan
    data: DataSet
    year: int
    months: tuple[int, ...]
    tables: dict[str, list[Row]]
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def read(cls, plan: Plan, data: DataSet) -> _Input:
        tables = {name: data[name].to_dicts() for name in s.TABLES}
        return cls(plan=plan, data=data, year=plan.year, months=tuple(data.months), tables=tables)

    def rows(self, name: str) -> list[Row]:
        return self.tables[name]

    def fail(self, table: str, row: Row | None, column: str | None, message: str) -> None:
        number = None if row is None else int(row[s.ROW])
        self.problems.append(Problem(self.data.source(table), number, column, message))

    def check(self) -> None:
        """Raise every problem found so far together (errors.py: one pass to fix a workbook)."""
        if self.problems:
            raise DataError(self.problems)


def tier_value(plan: Plan, tier: int | None) -> float:
    """§1: the static coefficient of a tier (tier 1 when none is given)."""
    t = TIER_DEFAULT if tier is None else tier
    if not 1 <= t <= len(plan.coefficient.tiers):
        raise _InvalidValueError(s.TIER, f"tier {t} is not one of coefficient.tiers")
    return plan.coefficient.tiers[t - 1]


def level_value(plan: Plan, level: str | None) -> float:
    """§2 rating: the value of a level in ``rating_levels``."""
    if level is None:
        raise _InvalidValueError(s.LEVEL, "a rating level is required")
    if level not in plan.rating_levels:
        raise _InvalidValueError(s.LEVEL, f"level {level!r} is not one of rating_levels")
    return plan.rating_levels[level]


# ==== §1 who holds which post =====================================================================


def holds_on(assignment: Row, day: dt.date) -> bool:
    """§1: an assignment covers the days from its start to its end, both included."""
    end = assignment[s.END]
    return bool(assignment[s.START] <= day and (end is None or day <= end))


def post_on(assignments: Sequence[Row], day: dt.date) -> str | None:
    """§1: the post a cadre holds on ``day`` (the latest-starting assignment covering it)."""
    covering = [a for a in assignments if holds_on(a, day)]
    if not covering:
        return None
    post: str = max(covering, key=lambda a: a[s.START])[s.POST_ID]
    return post


# ==== §2 and §3: the unit scorecard ===============================================================


@dataclass(slots=True)
class IndicatorMonth:
    """One indicator a unit carries, in one month (a row of ``unit_indicators``)."""

    unit_id: str
    category: str
    month: int
    group: str
    indicator: Indicator
    weight: float
    row: Row | None  # the figure used (carried forward for quarterly indicators)
    note: str = ""
    achievement: float | None = None  # None: left out this month
    rv: float | None = None
    rg: float | None = None
    r: float | None = None
    drags: bool | None = None
    bonus: float | None = None
    penalty: float | None = None

    @property
    def included(self) -> bool:
        return self.achievement is not None


def indicator_weight(plan: Plan, unit_id: str, ind: Indicator) -> float:
    """§2 部门差异权重: the unit's own weight when the plan overrides it, else the plan's."""
    return plan.unit_weights.get(unit_id, {}).get(ind.key, ind.weight)


def figure_for_month(rows: Mapping[int, Row], month: int, frequency: str) -> Row | None:
    """§2 Frequency: a monthly indicator's row of the month; a quarterly one's latest row at or
    before the month (carried forward). ``None``: no row (an error for monthly indicators)."""
    if frequency == "monthly":
        return rows.get(month)
    earlier = [m for m in rows if m <= month]
    return rows[max(earlier)] if earlier else None


def completion_achievement(actual: float | None, target: float | None, direction: str) -> float:
    """§2 completion: ``clamp(actual / target, 0, 1)``, or ``clamp(target / actual, 0, 1)`` when
    lower is better (1 when actual is 0)."""
    if actual is None:
        raise _InvalidValueError(s.ACTUAL, "actual is required")
    if target is None:
        raise _InvalidValueError(s.TARGET, "target is required")
    if direction == "lower_is_better":
        if actual < 0:
            raise _InvalidValueError(s.ACTUAL, "actual must be ≥ 0")
        if target < 0:
            raise _InvalidValueError(s.TARGET, "target must be ≥ 0")
        return 1.0 if actual == 0 else clamp(target / actual, 0.0, 1.0)
    if target <= 0:
        raise _InvalidValueError(s.TARGET, "target must be > 0")
    return clamp(actual / target, 0.0, 1.0)


def deduction_achievement(weight: float, occurrences: float | None, per_occurrence: float) -> float:
    """§2 deduction: ``max(0, w − occurrences × points_per_occurrence) / w``."""
    if occurrences is None:
        raise _InvalidValueError(s.OCCURRENCES, "occurrences is required")
    if occurrences < 0:
        raise _InvalidValueError(s.OCCURRENCES, "occurrences must be ≥ 0")
    return max(0.0, weight - occurrences * per_occurrence) / weight


def milestones_achievement(done: int | None, due: int | None) -> float | None:
    """§2 milestones: ``done / due``; nothing due → left out this month (``None``)."""
    if due is None:
        raise _InvalidValueError(s.MILESTONES_DUE, "milestones_due is required")
    if done is None:
        raise _InvalidValueError(s.MILESTONES_DONE, "milestones_done is required")
    if not 0 <= done <= due:
        raise _InvalidValueError(s.MILESTONES_DONE, "milestones must satisfy 0 ≤ done ≤ due")
    return None if due == 0 else done / due


def rank_achievement(rank: int, n: int, floor_share: float) -> float:
    """§2 rank: ``1 − (rank − 1)/(n − 1) × (1 − floor_share)``; 1.0 in a category of one."""
    if n == 1:
        return 1.0
    return 1 - (rank - 1) / (n - 1) * (1 - floor_share)


def formula_achievement(formula: Formula, env: Mapping[str, float]) -> float:
    """§2 formula: the administrator's formula, clamped to [0, 1]."""
    try:
        return clamp(formula.evaluate(env), 0.0, 1.0)
    except FormulaValueError as exc:
        raise _InvalidValueError(s.INDICATOR, f"the formula has no value: {exc}") from None


def economic_ratios(plan: Plan, row: Row) -> tuple[float, float, float]:
    """§3: ``(rv, rg, r)`` from the year-to-date volume and growth figures.

    ``rv = Av / Tv``; ``rg = Ag / Tg`` when ``Tg > 0``, else ``1 + (Ag − Tg) / 100``; each clamped
    to ``[0, cap]``; ``r = volume_share × rv + growth_share × rg``.
    """
    tv, av = row[s.TARGET_VOLUME], row[s.ACTUAL_VOLUME]
    tg, ag = row[s.TARGET_GROWTH], row[s.ACTUAL_GROWTH]
    if tv <= 0:
        raise _InvalidValueError(s.TARGET_VOLUME, "target volume must be > 0")
    cap = plan.economic.cap
    rv = clamp(av / tv, 0.0, cap)
    rg = clamp(ag / tg if tg > 0 else 1 + (ag - tg) / 100, 0.0, cap)
    return rv, rg, plan.economic.volume_share * rv + plan.economic.growth_share * rg


def economic_drags(plan: Plan, row: Row, r: float) -> bool:
    """§3: the bureau's ``drags`` flag when given, otherwise ``r < drag_below``."""
    flag = row[s.DRAGS]
    return bool(flag) if flag is not None else r < plan.economic.drag_below


def economic_bonus(plan: Plan, ind: Indicator, weight: float, r: float) -> float:
    """§3 bonus, when ``r ≥ excel_at``: ``k_bonus × w × max(0, r − 1)`` (basis gap) or
    ``k_bonus × w`` (basis points)."""
    if r < plan.economic.excel_at:
        return 0.0
    if plan.economic.basis == "points":
        return plan.k_bonus(ind) * weight
    return plan.k_bonus(ind) * weight * max(0.0, r - 1)


def economic_penalty(plan: Plan, ind: Indicator, weight: float, r: float, drags: bool) -> float:
    """§3 penalty, when the unit drags: ``k_penalty × w × max(0, 1 − r)`` (basis gap) or
    ``k_penalty × w`` (basis points)."""
    if not drags:
        return 0.0
    if plan.economic.basis == "points":
        return plan.k_penalty(ind) * weight
    return plan.k_penalty(ind) * weight * max(0.0, 1 - r)


def formula_env(
    formula: Formula, ind: Indicator, row: Row, inputs: Mapping[str, float]
) -> dict[str, float]:
    """§2 formula: ``actual``, ``target`` from the row and the declared inputs of its month."""
    env: dict[str, float] = {}
    for name in sorted(formula.names):
        if name in FORMULA_BASE_NAMES:
            value = row[name]
            if value is None:
                raise _InvalidValueError(name, f"{name} is required by the formula of {ind.key}")
        else:
            if name not in inputs:
                raise _InvalidValueError(s.INDICATOR, f"input {name!r} of {ind.key} is missing")
            value = inputs[name]
        env[name] = float(value)
    return env


def measure_indicator(
    plan: Plan, item: IndicatorMonth, formula: Formula | None, inputs: Mapping[str, float]
) -> None:
    """§2 achievement ``a`` by method (rank is done across units by :func:`rank_indicators`)."""
    ind, row = item.indicator, item.row
    assert row is not None
    match ind.method:
        case "volume_growth":
            rv, rg, r = economic_ratios(plan, row)
            drags = economic_drags(plan, row, r)
            item.rv, item.rg, item.r, item.drags = rv, rg, r, drags
            item.achievement = min(r, 1.0)
            item.bonus = economic_bonus(plan, ind, item.weight, r)
            item.penalty = economic_penalty(plan, ind, item.weight, r, drags)
        case "completion":
            item.achievement = completion_achievement(row[s.ACTUAL], row[s.TARGET], ind.direction)
        case "rating":
            item.achievement = level_value(plan, row[s.LEVEL])
        case "deduction":
            item.achievement = deduction_achievement(
                item.weight, row[s.OCCURRENCES], ind.points_per_occurrence
            )
        case "milestones":
            item.achievement = milestones_achievement(row[s.MILESTONES_DONE], row[s.MILESTONES_DUE])
            if item.achievement is None:
                item.note = NOT_DUE
        case "formula":
            assert formula is not None
            item.achievement = formula_achievement(formula, formula_env(formula, ind, row, inputs))
        case _:  # "rank": needs the whole category, see rank_indicators
            if row[s.ACTUAL] is None:
                raise _InvalidValueError(s.ACTUAL, "actual is required")


def rank_indicators(plan: Plan, items: Sequence[IndicatorMonth]) -> None:
    """§2 rank: competition rank of ``actual`` among the category's units that carry the
    indicator this month (descending; ascending when lower is better)."""
    groups: dict[tuple[str, str, int], list[IndicatorMonth]] = defaultdict(list)
    for item in items:
        if item.indicator.method == "rank" and item.row is not None:
            groups[(item.category, item.indicator.key, item.month)].append(item)
    for members in groups.values():
        ind = members[0].indicator
        actuals = {id(m): float(m.row[s.ACTUAL]) for m in members if m.row is not None}
        ranks = competition_ranks(actuals, descending=ind.direction != "lower_is_better")
        for m in members:
            m.achievement = rank_achievement(ranks[id(m)], len(members), plan.floor_share(ind))


def score_indicators(inp: _Input) -> list[IndicatorMonth]:
    """§2, §3: every indicator each unit carries, in every month of the run."""
    plan = inp.plan
    by_table: dict[str, dict[tuple[str, str], dict[int, Row]]] = {}
    for table, subject in ((s.ECONOMIC, s.UNIT_ID), (s.RESULTS, s.SUBJECT_ID)):
        index: dict[tuple[str, str], dict[int, Row]] = defaultdict(dict)
        for row in inp.rows(table):
            index[(row[subject], row[s.INDICATOR])][row[s.MONTH]] = row
        by_table[table] = index
    inputs: dict[tuple[str, str, int], dict[str, float]] = defaultdict(dict)
    for row in inp.rows(s.INPUTS):
        inputs[(row[s.SUBJECT_ID], row[s.INDICATOR], row[s.MONTH])][row[s.INPUT_NAME]] = row[
            s.VALUE
        ]
    formulas: dict[tuple[str, tuple[str, ...]], Formula] = {}

    items: list[IndicatorMonth] = []
    for unit in sorted(inp.rows(s.UNITS), key=lambda u: str(u[s.UNIT_ID])):
        uid, category = unit[s.UNIT_ID], unit[s.CATEGORY]
        for group, ind in plan.categories[category].indicators():
            weight = indicator_weight(plan, uid, ind)
            table = s.ECONOMIC if ind.method == "volume_growth" else s.RESULTS
            rows = by_table[table].get((uid, ind.key), {})
            if weight == 0 or not rows:
                continue  # §2: not carried
            formula = None
            if ind.method == "formula" and ind.formula is not None:
                source = (ind.formula, ind.inputs)
                if source not in formulas:
                    formulas[source] = compile_formula(ind.formula, FORMULA_BASE_NAMES + ind.inputs)
                formula = formulas[source]
            for month in inp.months:
                figure = figure_for_month(rows, month, ind.frequency)
                if figure is None and ind.frequency == "monthly":
                    inp.fail(table, None, s.MONTH, f"{uid} has no row of {ind.key} for {month:02d}")
                    continue
                item = IndicatorMonth(
                    uid,
                    category,
                    month,
                    group.key,
                    ind,
                    weight,
                    figure,
                    "" if figure is not None else NO_FIGURE_YET,
                )
                if figure is not None:
                    try:
                        measure_indicator(
                            plan, item, formula, inputs.get((uid, ind.key, figure[s.MONTH]), {})
                        )
                    except _InvalidValueError as exc:
                        inp.fail(table, figure, exc.column, f"{uid} {ind.key}: {exc.message}")
                        continue
                items.append(item)
    inp.check()
    rank_indicators(plan, items)
    return items


@dataclass(frozen=True, slots=True)
class GroupMonth:
    """One group of a unit's scorecard in one month (a row of ``unit_groups``)."""

    key: str
    points: float
    effective_points: float  # P_g; 0 for an empty group
    weight_sum: float  # W
    base: float
    bonus: float
    penalty: float
    contribution: float


def group_is_nonempty(group: Group, items: Sequence[IndicatorMonth]) -> bool:
    """§2: at least one included indicator and points > 0."""
    return group.points > 0 and any(i.included for i in items)


def effective_points(points: float, nonempty_points: float) -> float:
    """§2: ``P_g = points_g × 100 / Σ points of the non-empty groups``."""
    return points * 100 / nonempty_points


def group_contribution(
    p_g: float, weight_sum: float, base: float, bonus: float, penalty: float
) -> float:
    """§2: ``contribution_g = P_g × (base + bonus_g − penalty_g) / W``."""
    return p_g * (base + bonus - penalty) / weight_sum


def score_groups(
    groups: Sequence[Group], items: Sequence[IndicatorMonth]
) -> list[GroupMonth] | None:
    """§2 Groups of one unit-month; ``None`` when no group is non-empty (the month is unscored)."""
    by_group: dict[str, list[IndicatorMonth]] = defaultdict(list)
    for item in items:
        by_group[item.group].append(item)
    nonempty = [g for g in groups if group_is_nonempty(g, by_group[g.key])]
    if not nonempty:
        return None
    nonempty_points = sum(g.points for g in nonempty)
    out: list[GroupMonth] = []
    for g in groups:
        included = [i for i in by_group[g.key] if i.included]
        weight_sum = sum(i.weight for i in included)
        base = sum(i.weight * (i.achievement or 0.0) for i in included)
        bonus = sum(i.bonus or 0.0 for i in included)
        penalty = sum(i.penalty or 0.0 for i in included)
        if g in nonempty:
            p_g = effective_points(g.points, nonempty_points)
            contribution = group_contribution(p_g, weight_sum, base, bonus, penalty)
        else:
            p_g, contribution = 0.0, 0.0
        out.append(GroupMonth(g.key, g.points, p_g, weight_sum, base, bonus, penalty, contribution))
    return out


# ==== §4 and §5: coefficients, events, the unit score =============================================


def events_total(plan: Plan, events: Iterable[Row]) -> float:
    """§5: ``E = Σ_kind min(Σ positive, cap) + Σ negative`` (a null cap is uncapped)."""
    positive: dict[str, float] = defaultdict(float)
    negative = 0.0
    for event in events:
        points = float(event[s.POINTS])
        if points > 0:
            positive[event_kind(event)] += points
        else:
            negative += points
    total = 0.0
    for kind, points in positive.items():
        cap = plan.events.caps[kind]
        total += points if cap is None else min(points, cap)
    return total + negative


def event_kind(event: Row) -> str:
    """§5: an empty kind is ``normal``."""
    kind: str | None = event[s.KIND]
    return kind or NORMAL_KIND


def dynamic_coefficient(
    plan: Plan, formula: Formula, tier: float, growth: float, growth_target: float
) -> float:
    """§4: ``C = formula(c, g, g_target, lo, hi)``, default ``1 + (c − 1) × clamp(g / g_target,
    lo, hi)``."""
    if growth_target <= 0:
        raise _InvalidValueError(s.GDP_GROWTH_TARGET, "the district's growth target must be > 0")
    env = {
        "c": tier,
        "g": growth,
        "g_target": growth_target,
        "lo": plan.coefficient.lo,
        "hi": plan.coefficient.hi,
    }
    try:
        return formula.evaluate(env)
    except FormulaValueError as exc:
        raise _InvalidValueError(
            s.GDP_GROWTH, f"the coefficient formula has no value: {exc}"
        ) from None


def unit_score(plan: Plan, total: float, events: float, coefficient: float) -> float:
    """§4: ``S = max(0, (G + E) × C)``, or ``max(0, G × C + E)`` when it applies to indicators."""
    if plan.coefficient.applies_to == "indicators":
        return max(0.0, total * coefficient + events)
    return max(0.0, (total + events) * coefficient)


@dataclass(slots=True)
class UnitMonth:
    """A scored unit-month (a row of ``unit_monthly``)."""

    unit_id: str
    month: int
    category: str
    tier: int
    groups: list[GroupMonth]
    total: float  # G
    events: float  # E
    coefficient: float  # C
    score: float  # S
    rank: int = 0
    rank_n: int = 0


class _Coefficients:
    """§4: the dynamic coefficient of a tier value and a month, from the district table."""

    def __init__(self, inp: _Input) -> None:
        self.inp = inp
        self.formula = compile_formula(inp.plan.coefficient.formula, COEFFICIENT_NAMES)
        self.district = {row[s.MONTH]: row for row in inp.rows(s.DISTRICT)}
        self.cache: dict[tuple[float, int], float] = {}

    def of(self, tier: float, month: int) -> float | None:
        key = (tier, month)
        if key not in self.cache:
            row = self.district.get(month)
            if row is None:
                self.inp.fail(s.DISTRICT, None, s.MONTH, f"month {month:02d} is missing")
                return None
            try:
                self.cache[key] = dynamic_coefficient(
                    self.inp.plan, self.formula, tier, row[s.GDP_GROWTH], row[s.GDP_GROWTH_TARGET]
                )
            except _InvalidValueError as exc:
                self.inp.fail(s.DISTRICT, row, exc.column, exc.message)
                return None
        return self.cache[key]


def events_by_subject(inp: _Input) -> dict[tuple[str, int], list[Row]]:
    """§5: the events of each subject and month; checks kinds, veto types and sanctions."""
    plan = inp.plan
    units = {u[s.UNIT_ID] for u in inp.rows(s.UNITS)}
    cadres = {c[s.CADRE_ID] for c in inp.rows(s.CADRES)}
    out: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for event in inp.rows(s.EVENTS):
        subject = event[s.SUBJECT_ID]
        if event_kind(event) not in plan.events.caps:
            inp.fail(s.EVENTS, event, s.KIND, f"kind {event[s.KIND]!r} is not in events.caps")
        if (
            subject in units
            and event[s.VETO]
            and event[s.VETO_TYPE] not in plan.events.unit_veto_types
        ):
            inp.fail(
                s.EVENTS, event, s.VETO_TYPE, "a unit veto needs one of events.unit_veto_types"
            )
        sanction = event[s.SANCTION]
        if subject in cadres and sanction and sanction not in plan.events.sanctions:
            inp.fail(
                s.EVENTS, event, s.SANCTION, f"sanction {sanction!r} is not in events.sanctions"
            )
        out[(subject, event[s.MONTH])].append(event)
    inp.check()
    return out


def score_units(
    inp: _Input,
    indicators: Sequence[IndicatorMonth],
    events: Mapping[tuple[str, int], list[Row]],
    coefficients: _Coefficients,
) -> dict[tuple[str, int], UnitMonth]:
    """§2 groups, §5 events, §4 coefficient and S for every unit-month; ranks within category."""
    plan = inp.plan
    by_unit_month: dict[tuple[str, int], list[IndicatorMonth]] = defaultdict(list)
    for item in indicators:
        by_unit_month[(item.unit_id, item.month)].append(item)
    out: dict[tuple[str, int], UnitMonth] = {}
    for unit in inp.rows(s.UNITS):
        uid, category = unit[s.UNIT_ID], unit[s.CATEGORY]
        try:
            tier = tier_value(plan, unit[s.TIER])
        except _InvalidValueError as exc:
            inp.fail(s.UNITS, unit, exc.column, exc.message)
            continue
        for month in inp.months:
            groups = score_groups(plan.categories[category].groups, by_unit_month[(uid, month)])
            if groups is None:
                continue  # §2: no non-empty group → not scored
            total = sum(g.contribution for g in groups)
            e = events_total(plan, events.get((uid, month), []))
            c = coefficients.of(tier, month)
            if c is None:
                continue
            tier_number = unit[s.TIER] if unit[s.TIER] is not None else TIER_DEFAULT
            out[(uid, month)] = UnitMonth(
                uid,
                month,
                category,
                tier_number,
                groups,
                total,
                e,
                c,
                unit_score(plan, total, e, c),
            )
    inp.check()
    by_category_month: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for um in out.values():
        by_category_month[(um.category, um.month)][um.unit_id] = published(um.score)
    for (_, month), scores in by_category_month.items():
        ranks = competition_ranks(scores)
        for uid, rank in ranks.items():
            out[(uid, month)].rank, out[(uid, month)].rank_n = rank, len(scores)
    return out


# ==== §6 sections =================================================================================


@dataclass(slots=True)
class SectionMonth:
    """A scored section-month (a row of ``section_monthly``)."""

    section_id: str
    unit_id: str
    month: int
    own: float | None  # after the section coefficient; None: no included task
    coefficient: float
    unit_score: float | None
    events: float
    final: float


def task_achievement(plan: Plan, task: Row, row: Row) -> float | None:
    """§6 Section tasks: the §2 methods on the task's row; ``None``: left out this month."""
    weight, method = float(task[s.WEIGHT]), task[s.METHOD]
    direction = task[s.DIRECTION] or "higher_is_better"
    match method:
        case "completion":
            return completion_achievement(row[s.ACTUAL], row[s.TARGET], direction)
        case "rating":
            return level_value(plan, row[s.LEVEL])
        case "deduction":
            per = task[s.POINTS_PER_OCCURRENCE]
            return deduction_achievement(weight, row[s.OCCURRENCES], 1.0 if per is None else per)
        case "milestones":
            return milestones_achievement(row[s.MILESTONES_DONE], row[s.MILESTONES_DUE])
    raise _InvalidValueError(s.METHOD, f"method {method!r} is not a task method")


def section_own(achievements: Sequence[tuple[float, float]], coefficient: float) -> float | None:
    """§6 Section own: ``100 × Σ w a / Σ w`` over the included tasks, × the section coefficient."""
    weight_sum = sum(w for w, _ in achievements)
    if not achievements or weight_sum <= 0:
        return None
    return 100 * sum(w * a for w, a in achievements) / weight_sum * coefficient


def section_final(plan: Plan, own: float | None, unit: float | None, events: float) -> float | None:
    """§6 Section final: ``max(0, 0.7 × own + 0.3 × S_unit + E)``, renormalised (§0)."""
    link = plan.cascade.section
    value = blend([(link.own, own), (link.upper, unit)])
    return None if value is None else max(0.0, value + events)


def score_sections(
    inp: _Input,
    units: Mapping[tuple[str, int], UnitMonth],
    events: Mapping[tuple[str, int], list[Row]],
    coefficients: _Coefficients,
) -> dict[tuple[str, int], SectionMonth]:
    """§6: every section's own score and final in every month."""
    plan = inp.plan
    tasks: dict[str, list[Row]] = defaultdict(list)
    for task in inp.rows(s.TASKS):
        tasks[task[s.SECTION_ID]].append(task)
    results: dict[tuple[str, str, int], Row] = {
        (r[s.SUBJECT_ID], r[s.INDICATOR], r[s.MONTH]): r for r in inp.rows(s.RESULTS)
    }
    out: dict[tuple[str, int], SectionMonth] = {}
    for section in inp.rows(s.SECTIONS):
        sid, uid = section[s.SECTION_ID], section[s.UNIT_ID]
        try:
            tier = tier_value(plan, section[s.TIER])
        except _InvalidValueError as exc:
            inp.fail(s.SECTIONS, section, exc.column, exc.message)
            continue
        for month in inp.months:
            achievements: list[tuple[float, float]] = []
            for task in tasks[sid]:
                row = results.get((sid, task[s.TASK_ID], month))
                if row is None or task[s.WEIGHT] <= 0:
                    continue  # §6: a task with no row this month is left out
                try:
                    a = task_achievement(plan, task, row)
                except _InvalidValueError as exc:
                    inp.fail(s.RESULTS, row, exc.column, f"{sid} {task[s.TASK_ID]}: {exc.message}")
                    continue
                if a is not None:
                    achievements.append((float(task[s.WEIGHT]), a))
            c = coefficients.of(tier, month) if plan.coefficient.sections else 1.0
            if c is None:
                continue
            own = section_own(achievements, c)
            unit = units.get((uid, month))
            unit_s = None if unit is None else unit.score
            e = events_total(plan, events.get((sid, month), []))
            final = section_final(plan, own, unit_s, e)
            if final is not None:
                out[(sid, month)] = SectionMonth(sid, uid, month, own, c, unit_s, e, final)
    inp.check()
    return out


# ==== §6 cadres: own score, the three links, monthly ranks ========================================


@dataclass(slots=True)
class CadreMonth:
    """A scored cadre-month (a row of ``cadre_monthly``)."""

    cadre_id: str
    month: int
    unit_id: str
    category: str
    section_id: str | None
    post_id: str
    role: str
    attendance: float
    weekly: float
    monthly: float
    upper: float | None
    events: float
    final: float
    no_goals: bool
    post_coefficient: float
    peer_group: str = ""
    rank: int = 0
    rank_n: int = 0
    shown: float = field(init=False)  # the published final (§0)

    def __post_init__(self) -> None:
        self.shown = published(self.final)

    @property
    def own(self) -> float:
        return self.attendance + self.weekly + self.monthly


def attendance_points(plan: Plan, lates: int | None, absences: float | None) -> float:
    """§6 日考勤: ``max(0, 10 − 0.5 × lates − 2 × absences)``."""
    own = plan.cascade.own_score
    return max(
        0.0, own.attendance_points - own.per_late * (lates or 0) - own.per_absence * (absences or 0)
    )


def weekly_points(plan: Plan, goals_set: int | None, goals_met: int | None) -> tuple[float, bool]:
    """§6 周记录: ``30 × met / set``; no goals set → 30 and the month is flagged ``no_goals``."""
    points = plan.cascade.own_score.weekly_points
    if not goals_set:
        return points, True
    met = goals_met or 0
    if met > goals_set:
        raise _InvalidValueError(s.GOALS_MET, "goals met exceed goals set")
    return points * met / goals_set, False


def monthly_points(plan: Plan, level: str | None) -> float:
    """§6 月对账: ``60 × level value`` of the month's rating."""
    return plan.cascade.own_score.monthly_points * level_value(plan, level)


def cadre_final(
    plan: Plan, role: str, own: float, upper: float | None, events: float
) -> float | None:
    """§6 Cadre final: ``max(0, own_w × own + upper_w × upper + E)``; no upper → own (§0)."""
    link = plan.cascade.link(role)
    value = blend([(link.own, own), (link.upper, upper)])
    return None if value is None else max(0.0, value + events)


def cadre_upper(
    role: str,
    section_id: str | None,
    unit: UnitMonth | None,
    section: SectionMonth | None,
) -> float | None:
    """§6: the section's final for staff in a scored section, else the unit's ``S``."""
    if role == s.ROLE_STAFF and section_id is not None and section is not None:
        return section.final
    return None if unit is None else unit.score


@dataclass(frozen=True, slots=True)
class Holding:
    """§1: the post a cadre holds on a month's last day, with its unit, section and role."""

    post_id: str
    unit_id: str
    category: str
    section_id: str | None
    role: str
    tier: int | None


def holdings(inp: _Input) -> dict[tuple[str, int], Holding]:
    """§1: who holds which post on each month's last day."""
    posts = {p[s.POST_ID]: p for p in inp.rows(s.POSTS)}
    categories = {u[s.UNIT_ID]: u[s.CATEGORY] for u in inp.rows(s.UNITS)}
    by_cadre: dict[str, list[Row]] = defaultdict(list)
    for a in inp.rows(s.ASSIGNMENTS):
        by_cadre[a[s.CADRE_ID]].append(a)
    ends = {month: month_end(inp.year, month) for month in inp.months}
    out: dict[tuple[str, int], Holding] = {}
    for cadre, assignments in by_cadre.items():
        for month, day in ends.items():
            post_id = post_on(assignments, day)
            if post_id is not None:
                p = posts[post_id]
                out[(cadre, month)] = Holding(
                    post_id,
                    p[s.UNIT_ID],
                    categories[p[s.UNIT_ID]],
                    p[s.SECTION_ID],
                    p[s.ROLE],
                    p[s.TIER],
                )
    return out


def score_cadres(
    inp: _Input,
    held: Mapping[tuple[str, int], Holding],
    units: Mapping[tuple[str, int], UnitMonth],
    sections: Mapping[tuple[str, int], SectionMonth],
    events: Mapping[tuple[str, int], list[Row]],
) -> dict[tuple[str, int], CadreMonth]:
    """§1, §6: the scored cadre-months (a post on the last day and a record not on leave)."""
    plan = inp.plan
    out: dict[tuple[str, int], CadreMonth] = {}
    run = set(inp.months)
    for record in inp.rows(s.RECORDS):
        cid, month = record[s.CADRE_ID], record[s.MONTH]
        if month not in run:
            continue
        holding = held.get((cid, month))
        if holding is None:
            inp.fail(
                s.RECORDS, record, s.CADRE_ID, f"{cid} holds no post on {month:02d}'s last day"
            )
            continue
        if record[s.ON_LEAVE]:
            continue
        try:
            attendance = attendance_points(plan, record[s.LATES], record[s.ABSENCES])
            weekly, no_goals = weekly_points(plan, record[s.GOALS_SET], record[s.GOALS_MET])
            monthly = monthly_points(plan, record[s.LEVEL])
        except _InvalidValueError as exc:
            inp.fail(s.RECORDS, record, exc.column, exc.message)
            continue
        try:
            post_coefficient = tier_value(plan, holding.tier)
        except _InvalidValueError as exc:
            inp.fail(s.POSTS, None, exc.column, f"post {holding.post_id}: {exc.message}")
            continue
        section = None if holding.section_id is None else sections.get((holding.section_id, month))
        upper = cadre_upper(
            holding.role, holding.section_id, units.get((holding.unit_id, month)), section
        )
        e = events_total(plan, events.get((cid, month), []))
        final = cadre_final(plan, holding.role, attendance + weekly + monthly, upper, e)
        if final is None:
            continue
        out[(cid, month)] = CadreMonth(
            cid,
            month,
            holding.unit_id,
            holding.category,
            holding.section_id,
            holding.post_id,
            holding.role,
            attendance,
            weekly,
            monthly,
            upper,
            e,
            final,
            no_goals,
            post_coefficient,
        )
    inp.check()
    rank_cadre_months(inp.plan, out.values())
    return out


@dataclass(frozen=True, slots=True)
class Standing:
    """A subject's score in a peer-group comparison, with its unit, category and role."""

    subject_id: str
    unit_id: str
    category: str
    role: str
    score: float
    shown: float = math.nan  # the published score, for ranks and cuts (§0); nan → computed

    def __post_init__(self) -> None:
        if math.isnan(self.shown):
            object.__setattr__(self, "shown", published(self.score))


def unit_group_label(unit_id: str, role: str) -> str:
    """The label of a unit-and-role peer group (``cadre_monthly.peer_group``)."""
    return f"unit:{unit_id}:{role}"


def category_group_label(category: str, role: str) -> str:
    """The label of the category-and-role fallback peer group."""
    return f"category:{category}:{role}"


def cadre_peer_groups(
    members: Sequence[Standing], min_group: int
) -> dict[str, tuple[str, list[Standing]]]:
    """§6 Monthly cadre ranks, §9 Peer groups: the cadres of the same unit and role; when fewer
    than ``min_group``, the same role across the unit's category. Returns, per subject, the
    group's label and its members."""
    by_unit: dict[tuple[str, str], list[Standing]] = defaultdict(list)
    by_category: dict[tuple[str, str], list[Standing]] = defaultdict(list)
    for m in members:
        by_unit[(m.unit_id, m.role)].append(m)
        by_category[(m.category, m.role)].append(m)
    out: dict[str, tuple[str, list[Standing]]] = {}
    for m in members:
        unit_group = by_unit[(m.unit_id, m.role)]
        if len(unit_group) >= min_group:
            out[m.subject_id] = (unit_group_label(m.unit_id, m.role), unit_group)
        else:
            label = category_group_label(m.category, m.role)
            out[m.subject_id] = (label, by_category[(m.category, m.role)])
    return out


def ranks_in_groups(groups: Mapping[str, tuple[str, list[Standing]]]) -> dict[str, tuple[int, int]]:
    """Competition rank on published scores within each subject's group: ``(rank, n)``."""
    cache: dict[str, dict[str, int]] = {}
    out: dict[str, tuple[int, int]] = {}
    for subject, (label, members) in groups.items():
        if label not in cache:
            cache[label] = competition_ranks({m.subject_id: m.shown for m in members})
        out[subject] = (cache[label][subject], len(members))
    return out


def rank_cadre_months(plan: Plan, months: Iterable[CadreMonth]) -> None:
    """§6 Monthly cadre ranks within the peer group of the month."""
    by_month: dict[int, list[CadreMonth]] = defaultdict(list)
    for cm in months:
        by_month[cm.month].append(cm)
    for members in by_month.values():
        standings = [
            Standing(c.cadre_id, c.unit_id, c.category, c.role, c.final, c.shown) for c in members
        ]
        groups = cadre_peer_groups(standings, plan.ranking.min_group)
        ranks = ranks_in_groups(groups)
        for cm in members:
            cm.peer_group = groups[cm.cadre_id][0]
            cm.rank, cm.rank_n = ranks[cm.cadre_id]


# ==== §6 periods ==================================================================================


@dataclass(frozen=True, slots=True)
class PeriodScore:
    """A subject's score for one period (a row of ``periods``)."""

    subject_id: str
    subject_type: str
    period: Period
    months: int
    mean_monthly: float
    rating: float | None
    score: float
    unit_id: str  # unit, category and role of the period's last scored month
    category: str
    role: str


def evaluation_rating(rows: Sequence[Row]) -> float | None:
    """§6: a period rating is the mean of its evaluation rows."""
    return mean([float(r[s.SCORE]) for r in rows])


def period_blend(plan: Plan, kind: str, mean_finals: float, rating: float | None) -> float | None:
    """§6: ``0.7 × mean(finals) + 0.3 × rating`` (quarterly or half-year weights), renormalised."""
    weights = plan.periods.quarterly if kind == QUARTER else plan.periods.half_year
    return blend([(weights.monthly, mean_finals), (weights.rating, rating)])


def score_periods(
    inp: _Input,
    periods: Sequence[Period],
    units: Mapping[tuple[str, int], UnitMonth],
    cadres: Mapping[tuple[str, int], CadreMonth],
) -> list[PeriodScore]:
    """§6 Periods: units the mean of ``S``; cadres the mean of finals blended with the rating."""
    plan = inp.plan
    ratings: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in inp.rows(s.EVALUATIONS):
        ratings[(row[s.SUBJECT_ID], row[s.KIND], row[s.PERIOD])].append(row)
    unit_months: dict[str, list[UnitMonth]] = defaultdict(list)
    for um in units.values():
        unit_months[um.unit_id].append(um)
    cadre_months: dict[str, list[CadreMonth]] = defaultdict(list)
    for cm in cadres.values():
        cadre_months[cm.cadre_id].append(cm)
    for ums in unit_months.values():
        ums.sort(key=lambda u: u.month)
    for cms in cadre_months.values():
        cms.sort(key=lambda c: c.month)
    out: list[PeriodScore] = []
    for period in periods:
        if period.kind == YEAR_KIND:
            continue
        for uid, ums in unit_months.items():
            inside = [u for u in ums if u.month in period.months]
            value = mean([u.score for u in inside])
            if value is not None:
                last = inside[-1]
                out.append(
                    PeriodScore(
                        uid,
                        s.SUBJECT_UNIT,
                        period,
                        len(inside),
                        value,
                        None,
                        value,
                        uid,
                        last.category,
                        "",
                    )
                )
        evaluation_kind = s.EVAL_QUARTERLY if period.kind == QUARTER else s.EVAL_HALF_YEAR
        for cid, cms in cadre_months.items():
            inside_c = [c for c in cms if c.month in period.months]
            finals = mean([c.final for c in inside_c])
            if finals is None:
                continue  # §6: no scored month → no period score
            rating = evaluation_rating(ratings[(cid, evaluation_kind, period.label)])
            score = period_blend(plan, period.kind, finals, rating)
            if score is not None:
                last_c = inside_c[-1]
                out.append(
                    PeriodScore(
                        cid,
                        s.SUBJECT_CADRE,
                        period,
                        len(inside_c),
                        finals,
                        rating,
                        score,
                        last_c.unit_id,
                        last_c.category,
                        last_c.role,
                    )
                )
    return out


# ==== §7 the year =================================================================================


@dataclass(slots=True)
class Political:
    """§7 Political quality of a team or cadre (a row of ``political``)."""

    subject_id: str
    subject_type: str
    rating: float
    positive: int
    negative: int
    adjustment: float
    score: float


def political_rating(items: Sequence[RatedItem], rows: Sequence[Row]) -> float | None:
    """§7: ``Σ_item weight × mean(scores of the item) / Σ weight of rated items``."""
    scores: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        scores[row[s.ITEM]].append(float(row[s.SCORE]))
    return blend([(item.weight, mean(scores.get(item.name, []))) for item in items])


def evidence_adjustment(plan: Plan, positive: int, negative: int) -> float:
    """§7: ``clamp(2 × positive − 4 × negative, −10, 10)`` (``political.evidence``)."""
    ev = plan.political.evidence
    return clamp(ev.points_positive * positive - ev.points_negative * negative, -ev.cap, ev.cap)


def political_score(rating: float, adjustment: float) -> float:
    """§7: ``political = clamp(rating + adjustment, 0, 100)``."""
    return clamp(rating + adjustment, 0.0, 100.0)


def democratic_score(plan: Plan, items: Sequence[RatedItem], rows: Sequence[Row]) -> float | None:
    """§7 Democratic evaluation: per rater group the item-weighted mean of its rows (a row
    without item weighs 1); a group whose rows all say 0 ballots is left out; the groups that
    remain are blended with their weights renormalised."""
    weight_of = {item.name: item.weight for item in items}
    by_group: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_group[row[s.RATER_GROUP]].append(row)
    parts: list[tuple[float, float | None]] = []
    for group, group_weight in plan.annual.rater_groups.items():
        members = by_group.get(group, [])
        if not members or all(r[s.BALLOTS] == 0 for r in members):
            continue
        weighted = [
            (1.0 if r[s.ITEM] is None else weight_of[r[s.ITEM]], float(r[s.SCORE])) for r in members
        ]
        parts.append((group_weight, blend(weighted)))
    return blend(parts)


def comprehensive_score(
    plan: Plan, democratic: float | None, review: float | None, second_half: float | None
) -> float | None:
    """§7: ``0.4 × democratic + 0.4 × review + 0.2 × second half``, renormalised."""
    w = plan.annual.comprehensive
    return blend([(w.democratic, democratic), (w.review, review), (w.second_half, second_half)])


def annual_score(
    weights: AnnualWeights,
    monthly: float | None,
    political: float | None,
    comprehensive: float | None,
) -> float | None:
    """§7 Annual score: ``monthly / political / comprehensive`` with the subject's weights."""
    return blend(
        [
            (weights.monthly, monthly),
            (weights.political, political),
            (weights.comprehensive, comprehensive),
        ]
    )


@dataclass(slots=True)
class Annual:
    """A team's or cadre's year (a row of ``annual``), with what grading needs."""

    subject_id: str
    subject_type: str
    role: str | None  # None for teams
    unit_id: str  # teams: the unit; cadres: the unit of the last scored month
    category: str
    months: int = 0
    mean_monthly: float | None = None
    political: float | None = None
    democratic: float | None = None
    review: float | None = None
    second_half: float | None = None
    comprehensive: float | None = None
    score: float | None = None
    undetermined: bool = False
    notes: list[str] = field(default_factory=list)
    personnel_type: str = ""
    home_unit_id: str | None = None
    cap: int = TOP
    grade_index: int | None = None
    top_status: str = ""
    quota_group: str = ""
    rank: int | None = None
    rank_n: int | None = None

    @classmethod
    def blank(
        cls, subject_id: str, subject_type: str, role: str | None, unit_id: str, category: str
    ) -> Annual:
        return cls(subject_id, subject_type, role, unit_id, category)


def undetermined_reasons(
    plan: Plan, year: int, *, months: int, cadre: Row | None, leave_months: int
) -> list[str]:
    """§7 不定等次: no scored month; probation ending on or after 31 December; more than
    ``max_leave_months`` months on leave."""
    reasons = []
    if months == 0:
        reasons.append("no_months")
    if cadre is not None:
        end = cadre[s.PROBATION_END]
        if plan.annual.probation_undetermined and end is not None and end >= dt.date(year, 12, 31):
            reasons.append("probation")
        if leave_months > plan.annual.max_leave_months:
            reasons.append("leave")
    return reasons


def score_political(
    inp: _Input, kind_rows: Mapping[tuple[str, str], list[Row]]
) -> dict[str, Political]:
    """§7 Political quality of every unit (team) and cadre with a rating in the year."""
    plan = inp.plan
    items = {item.name for item in plan.political.items}
    for (_, kind), rows in kind_rows.items():
        if kind == s.EVAL_POLITICAL:
            for row in rows:
                if row[s.ITEM] not in items:
                    inp.fail(s.EVALUATIONS, row, s.ITEM, f"{row[s.ITEM]!r} is not a political item")
    inp.check()
    positive: dict[str, int] = defaultdict(int)
    negative: dict[str, int] = defaultdict(int)
    for ev in inp.rows(s.EVIDENCE_TABLE):
        if ev[s.DATE].year != inp.year:
            continue
        if ev[s.DIRECTION] == s.DIRECTION_POSITIVE:
            positive[ev[s.SUBJECT_ID]] += 1
        elif ev[s.DIRECTION] == s.DIRECTION_NEGATIVE:
            negative[ev[s.SUBJECT_ID]] += 1
    units = {u[s.UNIT_ID] for u in inp.rows(s.UNITS)}
    cadres = {c[s.CADRE_ID] for c in inp.rows(s.CADRES)}
    out: dict[str, Political] = {}
    for (subject, kind), rows in kind_rows.items():
        if kind != s.EVAL_POLITICAL or (subject not in units and subject not in cadres):
            continue
        rating = political_rating(plan.political.items, rows)
        if rating is None:
            continue
        adjustment = evidence_adjustment(plan, positive[subject], negative[subject])
        subject_type = s.SUBJECT_TEAM if subject in units else s.SUBJECT_CADRE
        out[subject] = Political(
            subject,
            subject_type,
            rating,
            positive[subject],
            negative[subject],
            adjustment,
            political_score(rating, adjustment),
        )
    return out


def check_democratic(inp: _Input, kind_rows: Mapping[tuple[str, str], list[Row]]) -> None:
    """§7: democratic rows need a plan rater group and, when they have one, a plan item."""
    plan = inp.plan
    units = {u[s.UNIT_ID] for u in inp.rows(s.UNITS)}
    team_items = {i.name for i in plan.annual.team_items}
    cadre_items = {i.name for i in plan.annual.cadre_items}
    for (subject, kind), rows in kind_rows.items():
        if kind != s.EVAL_DEMOCRATIC:
            continue
        items = team_items if subject in units else cadre_items
        for row in rows:
            if row[s.RATER_GROUP] not in plan.annual.rater_groups:
                inp.fail(s.EVALUATIONS, row, s.RATER_GROUP, "not one of annual.rater_groups")
            if row[s.ITEM] is not None and row[s.ITEM] not in items:
                inp.fail(s.EVALUATIONS, row, s.ITEM, f"{row[s.ITEM]!r} is not a democratic item")
    inp.check()


def year_rows(inp: _Input) -> dict[tuple[str, str], list[Row]]:
    """The evaluation rows of the year (period ``YYYY``) by subject and kind."""
    out: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in inp.rows(s.EVALUATIONS):
        if row[s.PERIOD] == str(inp.year):
            out[(row[s.SUBJECT_ID], row[s.KIND])].append(row)
    return out


def score_year(
    inp: _Input,
    *,
    held: Mapping[tuple[str, int], Holding],
    units: Mapping[tuple[str, int], UnitMonth],
    cadres: Mapping[tuple[str, int], CadreMonth],
    periods: Sequence[PeriodScore],
    political: Mapping[str, Political],
    kind_rows: Mapping[tuple[str, str], list[Row]],
) -> list[Annual]:
    """§7: the year of every team and of every cadre holding a post at a run month's end."""
    plan = inp.plan
    h2 = {
        (p.subject_type, p.subject_id): p.score
        for p in periods
        if p.period.label == f"{inp.year}-H2"
    }
    leave: dict[str, int] = defaultdict(int)
    for record in inp.rows(s.RECORDS):
        if record[s.ON_LEAVE] and record[s.MONTH] in inp.months:
            leave[record[s.CADRE_ID]] += 1
    out: list[Annual] = []

    unit_months: dict[str, list[UnitMonth]] = defaultdict(list)
    for um in units.values():
        unit_months[um.unit_id].append(um)
    for unit in inp.rows(s.UNITS):
        uid = unit[s.UNIT_ID]
        out.append(
            _annual(
                plan,
                Annual.blank(uid, s.SUBJECT_TEAM, None, uid, unit[s.CATEGORY]),
                monthly_scores=[u.score for u in unit_months[uid]],
                political=political.get(uid),
                democratic=democratic_score(
                    plan, plan.annual.team_items, kind_rows.get((uid, s.EVAL_DEMOCRATIC), [])
                ),
                review_rows=kind_rows.get((uid, s.EVAL_REVIEW), []),
                second_half=h2.get((s.SUBJECT_UNIT, uid)),
                weights=plan.annual.team,
                reasons=undetermined_reasons(
                    plan, inp.year, months=len(unit_months[uid]), cadre=None, leave_months=0
                ),
            )
        )

    cadre_months: dict[str, list[CadreMonth]] = defaultdict(list)
    for cm in cadres.values():
        cadre_months[cm.cadre_id].append(cm)
    last_held: dict[str, Holding] = {}
    for (cid, _month), holding in sorted(held.items(), key=lambda kv: kv[0][1]):
        last_held[cid] = holding
    for cadre in inp.rows(s.CADRES):
        cid = cadre[s.CADRE_ID]
        if cid not in last_held:
            continue  # §7: only cadres holding a post at a run month's end
        months = sorted(cadre_months[cid], key=lambda c: c.month)
        last = months[-1] if months else last_held[cid]  # §7: the role of the last scored month
        a = Annual.blank(cid, s.SUBJECT_CADRE, last.role, last.unit_id, last.category)
        a.personnel_type = cadre[s.PERSONNEL_TYPE]
        a.home_unit_id = cadre[s.HOME_UNIT_ID]
        out.append(
            _annual(
                plan,
                a,
                monthly_scores=[c.final for c in months],
                political=political.get(cid),
                democratic=democratic_score(
                    plan, plan.annual.cadre_items, kind_rows.get((cid, s.EVAL_DEMOCRATIC), [])
                ),
                review_rows=kind_rows.get((cid, s.EVAL_REVIEW), []),
                second_half=h2.get((s.SUBJECT_CADRE, cid)),
                weights=plan.annual.weights(last.role),
                reasons=undetermined_reasons(
                    plan, inp.year, months=len(months), cadre=cadre, leave_months=leave[cid]
                ),
            )
        )
    return out


def _annual(
    plan: Plan,
    a: Annual,
    *,
    monthly_scores: Sequence[float],
    political: Political | None,
    democratic: float | None,
    review_rows: Sequence[Row],
    second_half: float | None,
    weights: AnnualWeights,
    reasons: list[str],
) -> Annual:
    """§7 for one subject: monthly part, comprehensive, annual score, 不定等次."""
    a.months = len(monthly_scores)
    a.mean_monthly = mean(monthly_scores)
    a.political = None if political is None else political.score
    a.democratic = democratic
    a.review = evaluation_rating(review_rows)
    a.second_half = second_half
    a.comprehensive = comprehensive_score(plan, democratic, a.review, second_half)
    if monthly_scores:  # §7: no scored month → no score either
        a.score = annual_score(weights, a.mean_monthly, a.political, a.comprehensive)
    a.undetermined = bool(reasons) or a.score is None
    a.notes.extend(reasons)
    return a


def rank_annual(plan: Plan, subjects: Sequence[Annual]) -> None:
    """§7 ranks: teams within category; cadres within the §6/§9 peer group; scored ones only."""
    teams: dict[str, dict[str, float]] = defaultdict(dict)
    standings: list[Standing] = []
    by_id: dict[tuple[str, str], Annual] = {}
    for a in subjects:
        by_id[(a.subject_type, a.subject_id)] = a
        if a.score is None:
            continue
        if a.subject_type == s.SUBJECT_TEAM:
            teams[a.category][a.subject_id] = published(a.score)
        elif a.role is not None:
            standings.append(Standing(a.subject_id, a.unit_id, a.category, a.role, a.score))
    for scores in teams.values():
        for uid, rank in competition_ranks(scores).items():
            by_id[(s.SUBJECT_TEAM, uid)].rank, by_id[(s.SUBJECT_TEAM, uid)].rank_n = (
                rank,
                len(scores),
            )
    for cid, (rank, n) in ranks_in_groups(
        cadre_peer_groups(standings, plan.ranking.min_group)
    ).items():
        by_id[(s.SUBJECT_CADRE, cid)].rank, by_id[(s.SUBJECT_CADRE, cid)].rank_n = rank, n


# ==== §8 grades under a strict quota ==============================================================


def threshold_grade(plan: Plan, score: float) -> int:
    """§8: on the published score, ≥ top, ≥ second, ≥ third, else the fourth grade."""
    ps = published(score)
    if ps >= plan.grades.top:
        return TOP
    if ps >= plan.grades.second:
        return SECOND
    if ps >= plan.grades.third:
        return THIRD
    return FOURTH


def quota_size(plan: Plan, n: int) -> int:
    """§8: ``floor(share × n)``; ``min_one`` gives a group of at least one subject one place."""
    quota = share_count(plan.grades.quota.share, n)
    if plan.grades.quota.min_one and n > 0:
        quota = max(1, quota)
    return quota


def quota_group(plan: Plan, a: Annual, categories: Mapping[str, str]) -> str:
    """§8 Quota groups: role (or team), scope, and personnel type for cadres."""
    q = plan.grades.quota
    if a.subject_type == s.SUBJECT_TEAM:
        scope = f"category:{a.category}" if q.team_scope == "category" else "district"
        return f"team|{scope}"
    assert a.role is not None
    setting = q.staff_scope if a.role == s.ROLE_STAFF else q.leader_scope
    unit = a.home_unit_id or a.unit_id  # §7: seconded cadres are graded in their home unit
    match setting:
        case "unit":
            scope = f"unit:{unit}"
        case "category":
            scope = f"category:{categories[unit]}"
        case _:
            scope = "district"
    parts = [a.role, scope]
    if q.by_personnel_type:
        parts.append(a.personnel_type)
    return "|".join(parts)


def candidate_order(a: Annual) -> tuple[float, float, float]:
    """§8: published annual score, then published mean monthly, then political (missing last)."""
    assert a.score is not None
    assert a.mean_monthly is not None
    political = -math.inf if a.political is None else published(a.political)
    return published(a.score), published(a.mean_monthly), political


def grant_top(candidates: Sequence[Annual], quota: int) -> set[str]:
    """§8 Quota: a candidate gets the top grade when the candidates ordered at or above it
    (ties included) are within the quota; a tie at the boundary gives it to none of the tied."""
    keys = sorted((candidate_order(c) for c in candidates), reverse=True)
    at_or_above: dict[tuple[float, float, float], int] = {}
    for position, key in enumerate(keys, start=1):
        at_or_above[key] = position  # the last position of equal keys
    return {c.subject_id for c in candidates if at_or_above[candidate_order(c)] <= quota}


def grade_group(
    plan: Plan, members: Sequence[Annual], reviews: Mapping[str, str]
) -> tuple[int, int, int]:
    """§8 one quota group: thresholds and caps, candidates after review, the quota.

    Returns ``(quota, candidates, granted)``.
    """
    quota = quota_size(plan, len(members))
    candidates: list[Annual] = []
    for a in members:
        assert a.score is not None
        natural = threshold_grade(plan, a.score)
        a.grade_index = max(natural, a.cap)
        if natural != TOP or a.cap != TOP:
            continue
        if plan.grades.require_review and reviews.get(a.subject_id) == s.OUTCOME_REJECT:
            a.grade_index = SECOND
            a.notes.append("review_reject")
            continue
        candidates.append(a)
    granted = grant_top(candidates, quota)
    for a in candidates:
        if a.subject_id in granted:
            a.grade_index = TOP
            confirmed = (
                not plan.grades.require_review or reviews.get(a.subject_id) == s.OUTCOME_CONFIRM
            )
            a.top_status = s.TOP_CONFIRMED if confirmed else s.TOP_CANDIDATE
        else:
            a.grade_index = SECOND
            a.notes.append("beyond_quota")
    return quota, len(candidates), len(granted)


def cadre_caps(plan: Plan, inp: _Input) -> dict[str, tuple[int, list[str]]]:
    """§5, §8 caps of each cadre: veto and sanctions from its events of the year."""
    cadres = {c[s.CADRE_ID] for c in inp.rows(s.CADRES)}
    out: dict[str, tuple[int, list[str]]] = {}
    for event in inp.rows(s.EVENTS):
        cid = event[s.SUBJECT_ID]
        if cid not in cadres:
            continue
        cap, notes = out.get(cid, (TOP, []))
        if event[s.VETO]:
            cap = max(cap, THIRD)
            notes.append("veto")
        sanction = event[s.SANCTION]
        if sanction:
            limit = plan.events.sanctions[sanction]
            cap = max(cap, SECOND if limit == "no_top" else THIRD)
            notes.append(f"sanction:{sanction}")
        out[cid] = (cap, notes)
    return out


def assign_grades(inp: _Input, subjects: Sequence[Annual]) -> list[OutRow]:
    """§8: teams first (their grade bars their principal), then cadres; returns ``quota`` rows."""
    plan = inp.plan
    reviews = {r[s.SUBJECT_ID]: r[s.OUTCOME] for r in inp.rows(s.REVIEWS) if r[s.YEAR] == inp.year}
    units = {u[s.UNIT_ID] for u in inp.rows(s.UNITS)}
    categories = {u[s.UNIT_ID]: u[s.CATEGORY] for u in inp.rows(s.UNITS)}
    unit_vetoes = {
        e[s.SUBJECT_ID] for e in inp.rows(s.EVENTS) if e[s.SUBJECT_ID] in units and e[s.VETO]
    }
    quota_rows: list[OutRow] = []

    def grade(subject_type: str) -> None:
        groups: dict[str, list[Annual]] = defaultdict(list)
        for a in subjects:
            if a.subject_type != subject_type or a.undetermined:
                continue
            a.quota_group = quota_group(plan, a, categories)
            groups[a.quota_group].append(a)
        for label, members in groups.items():
            quota, n_candidates, granted = grade_group(plan, members, reviews)
            quota_rows.append(
                {
                    s.QUOTA_GROUP: label,
                    s.SUBJECT_TYPE: subject_type,
                    s.N: len(members),
                    s.QUOTA: quota,
                    s.CANDIDATES: n_candidates,
                    s.GRANTED: granted,
                }
            )

    for a in subjects:
        if a.subject_type == s.SUBJECT_TEAM and a.subject_id in unit_vetoes:
            a.cap = THIRD  # §5 unit veto: the team is capped at 一般
            a.notes.append("unit_veto")
    grade(s.SUBJECT_TEAM)
    team_grades = {
        a.subject_id: a.grade_index
        for a in subjects
        if a.subject_type == s.SUBJECT_TEAM and a.grade_index is not None
    }
    caps = cadre_caps(plan, inp)
    for a in subjects:
        if a.subject_type != s.SUBJECT_CADRE:
            continue
        cap, notes = caps.get(a.subject_id, (TOP, []))
        if a.role == s.ROLE_PRINCIPAL:
            if a.unit_id in unit_vetoes:  # §5: the unit's principal cannot be 优秀
                cap = max(cap, SECOND)
                notes = [*notes, "unit_veto"]
            if team_grades.get(a.unit_id, TOP) >= THIRD:  # §8: a team 一般/较差 bars its principal
                cap = max(cap, SECOND)
                notes = [*notes, "team_grade"]
        a.cap = cap
        a.notes.extend(notes)
    grade(s.SUBJECT_CADRE)
    return quota_rows


# ==== §9 bottom-rank follow-up ====================================================================


@dataclass(frozen=True, slots=True)
class PeriodStanding:
    """A subject eligible for §9 in one period."""

    subject_type: str
    standing: Standing
    months: int


def bottom_actions(plan: Plan, period: Period, standings: Sequence[PeriodStanding]) -> list[OutRow]:
    """§9: the bottom of each peer group of eligible subjects becomes an action."""
    min_months = getattr(plan.ranking.min_months, period.kind)
    eligible = [p for p in standings if p.months >= min_months]
    groups: dict[tuple[str, str], tuple[str, list[Standing]]] = {}
    by_category: dict[str, list[Standing]] = defaultdict(list)
    for p in eligible:
        if p.subject_type == s.SUBJECT_UNIT:
            by_category[p.standing.category].append(p.standing)
    for p in eligible:
        if p.subject_type == s.SUBJECT_UNIT:
            cat = p.standing.category
            groups[(s.SUBJECT_UNIT, p.standing.subject_id)] = (f"category:{cat}", by_category[cat])
    cadre_groups = cadre_peer_groups(
        [p.standing for p in eligible if p.subject_type == s.SUBJECT_CADRE], plan.ranking.min_group
    )
    for cid, group in cadre_groups.items():
        groups[(s.SUBJECT_CADRE, cid)] = group
    due = (period.last_day + dt.timedelta(days=plan.ranking.due_days)).isoformat()
    cuts: dict[tuple[str, str], tuple[dict[str, int], set[str], bool]] = {}
    out: list[OutRow] = []
    for p in eligible:
        subject_type, st = p.subject_type, p.standing
        label, members = groups[(subject_type, st.subject_id)]
        if (subject_type, label) not in cuts:
            scores = {m.subject_id: m.shown for m in members}
            bottom, tied = bottom_cut(scores, plan.ranking.bottom_share, plan.ranking.min_group)
            cuts[(subject_type, label)] = (competition_ranks(scores), bottom, tied)
        ranks, bottom, tied = cuts[(subject_type, label)]
        if st.subject_id not in bottom:
            continue
        office = subject_type == s.SUBJECT_UNIT or st.role == s.ROLE_PRINCIPAL
        out.append(
            {
                s.SUBJECT_ID: st.subject_id,
                s.SUBJECT_TYPE: subject_type,
                s.PERIOD: period.label,
                s.ACTION: plan.ranking.actions[period.kind],
                s.SCORE: st.score,
                s.RANK: ranks[st.subject_id],
                s.N: len(members),
                s.TIED: tied,
                s.OWNER: s.OFFICE if office else st.unit_id,
                s.DUE: due,
            }
        )
    return out


def period_standings(
    period: Period,
    period_scores: Sequence[PeriodScore],
    subjects: Sequence[Annual],
) -> list[PeriodStanding]:
    """§9 Scores: units the mean of S; cadres the §6 period score or the §7 annual score.

    ``period_scores`` are the scores of ``period``.
    """
    out: list[PeriodStanding] = []
    if period.kind == YEAR_KIND:
        for a in subjects:
            if a.subject_type == s.SUBJECT_TEAM and a.mean_monthly is not None:
                st = Standing(a.subject_id, a.unit_id, a.category, "", a.mean_monthly)
                out.append(PeriodStanding(s.SUBJECT_UNIT, st, a.months))
            elif a.subject_type == s.SUBJECT_CADRE and a.score is not None and a.role is not None:
                st = Standing(a.subject_id, a.unit_id, a.category, a.role, a.score)
                out.append(PeriodStanding(s.SUBJECT_CADRE, st, a.months))
        return out
    for p in period_scores:
        st = Standing(p.subject_id, p.unit_id, p.category, p.role, p.score)
        out.append(PeriodStanding(p.subject_type, st, p.months))
    return out


# ==== §10 performance pay =========================================================================


def pay_weight(published_final: float, post_coefficient: float) -> int:
    """§10: published final in cents × post coefficient to 4 decimals × 10⁴, as an integer."""
    cents = round(published_final * 100)
    coefficient = round(round_half_up(post_coefficient, 4) * 10_000)
    return cents * coefficient


def allocate_pool(pool: int, weights: Mapping[str, int]) -> dict[str, int] | None:
    """§10: shares of ``pool`` in proportion to ``weights`` by largest remainder (equal
    remainders to the lower id), summing to the pool exactly; ``None`` when all weights are 0."""
    total = sum(weights.values())
    if total == 0:
        return None
    shares = {cid: pool * w // total for cid, w in weights.items()}
    left = pool - sum(shares.values())
    by_remainder = sorted(weights, key=lambda cid: (-(pool * weights[cid] % total), cid))
    for cid in by_remainder[:left]:
        shares[cid] += 1
    return shares


def amount_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def performance_pay(
    inp: _Input, cadres: Mapping[tuple[str, int], CadreMonth]
) -> tuple[list[OutRow], list[OutRow]]:
    """§10 全员绩效工资: every pool split among the cadres scored in its unit that month."""
    scored: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for cm in cadres.values():
        scored[(cm.unit_id, cm.month)][cm.cadre_id] = pay_weight(cm.shown, cm.post_coefficient)
    pay: list[OutRow] = []
    unallocated: list[OutRow] = []
    for pool in inp.rows(s.POOLS):
        uid, month, cents = pool[s.UNIT_ID], pool[s.MONTH], int(pool[s.POOL_CENTS])
        if month not in inp.months:
            continue
        weights = scored.get((uid, month), {})
        shares = allocate_pool(cents, weights) if weights else None
        if shares is None:
            reason = ALL_WEIGHTS_ZERO if weights else NO_SCORED_CADRE
            unallocated.append(
                {s.UNIT_ID: uid, s.MONTH: month, s.POOL_CENTS: cents, s.REASON: reason}
            )
            continue
        for cid, share in shares.items():
            pay.append(
                {
                    s.CADRE_ID: cid,
                    s.UNIT_ID: uid,
                    s.MONTH: month,
                    s.CENTS: share,
                    s.AMOUNT: amount_text(share),
                }
            )
    return pay, unallocated


# ==== §10 training needs ==========================================================================


def tag_achievement(items: Sequence[IndicatorMonth], tag: str) -> float | None:
    """§10: ``Σ w a / Σ w`` over a month's included indicators carrying ``tag``."""
    tagged = [(i.weight, i.achievement) for i in items if i.included and tag in i.indicator.tags]
    return blend(tagged)


def weak_reason(plan: Plan, achievement: float, bottom: bool) -> str:
    """§10: weak below ``training.threshold`` (4 decimals) and/or in the bottom quarter."""
    reasons = []
    if published_ratio(achievement) < plan.training.threshold:
        reasons.append("threshold")
    if bottom:
        reasons.append("bottom")
    return ",".join(reasons)


def training_rows(
    plan: Plan,
    subject_type: str,
    period: str,
    values: Mapping[tuple[str, str], float],
    peer: Mapping[str, str],
) -> list[OutRow]:
    """§10: the weak tags of one subject type and period; ``values`` by (subject, tag), ``peer``
    the peer group of each subject."""
    groups: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (subject, tag), value in values.items():
        groups[(peer[subject], tag)][subject] = published_ratio(value)
    bottoms: dict[tuple[str, str], set[str]] = {
        key: bottom_cut(scores, plan.training.bottom_share, plan.ranking.min_group)[0]
        for key, scores in groups.items()
    }
    out: list[OutRow] = []
    for (subject, tag), value in values.items():
        reason = weak_reason(plan, value, subject in bottoms[(peer[subject], tag)])
        if reason:
            out.append(
                {
                    s.SUBJECT_ID: subject,
                    s.SUBJECT_TYPE: subject_type,
                    s.PERIOD: period,
                    s.TAG: tag,
                    s.ACHIEVEMENT: value,
                    s.REASON: reason,
                    s.FORM: plan.training.forms.get(tag, plan.training.default_form),
                }
            )
    return out


def unit_training_needs(
    plan: Plan,
    periods: Sequence[Period],
    indicators: Sequence[IndicatorMonth],
    units: Mapping[tuple[str, int], UnitMonth],
) -> list[OutRow]:
    """§10 培训补课, units, for each quarter and the year: a tag's achievement is the mean over
    the period's scored months of ``Σ w a / Σ w`` over the month's included tagged indicators."""
    by_unit_month: dict[tuple[str, int], list[IndicatorMonth]] = defaultdict(list)
    category: dict[str, str] = {}
    for item in indicators:
        if (item.unit_id, item.month) in units:
            by_unit_month[(item.unit_id, item.month)].append(item)
            category[item.unit_id] = item.category
    out: list[OutRow] = []
    for period in periods:
        if period.kind == HALF_YEAR:
            continue
        monthly: dict[tuple[str, str], list[float]] = defaultdict(list)
        for (uid, month), month_items in by_unit_month.items():
            if month not in period.months:
                continue
            tags = {t for i in month_items if i.included for t in i.indicator.tags}
            for tag in sorted(tags):
                value = tag_achievement(month_items, tag)
                if value is not None:
                    monthly[(uid, tag)].append(value)
        values = {key: sum(v) / len(v) for key, v in monthly.items()}
        out += training_rows(plan, s.SUBJECT_UNIT, period.label, values, category)
    return out


def rated_training_needs(
    plan: Plan,
    year: int,
    subjects: Sequence[Annual],
    kind_rows: Mapping[tuple[str, str], list[Row]],
) -> list[OutRow]:
    """§10 培训补课, teams and cadres, for the year: the mean of ``score / 100`` over the
    political and democratic rows whose item carries the tag; peers are teams by category and
    cadres by role district-wide."""
    political_tags = {i.name: i.tags for i in plan.political.items}
    out: list[OutRow] = []
    for subject_type, rated_items in (
        (s.SUBJECT_TEAM, plan.annual.team_items),
        (s.SUBJECT_CADRE, plan.annual.cadre_items),
    ):
        democratic_tags = {i.name: i.tags for i in rated_items}
        peer: dict[str, str] = {}
        values: dict[tuple[str, str], float] = {}
        for a in subjects:
            if a.subject_type != subject_type:
                continue
            team = subject_type == s.SUBJECT_TEAM
            peer[a.subject_id] = (a.category if team else a.role) or ""
            by_tag: dict[str, list[float]] = defaultdict(list)
            for kind, tags_of in (
                (s.EVAL_POLITICAL, political_tags),
                (s.EVAL_DEMOCRATIC, democratic_tags),
            ):
                for row in kind_rows.get((a.subject_id, kind), []):
                    for tag in tags_of.get(row[s.ITEM], ()):
                        by_tag[tag].append(float(row[s.SCORE]) / 100)
            for tag, scores in by_tag.items():
                values[(a.subject_id, tag)] = sum(scores) / len(scores)
        out += training_rows(plan, subject_type, str(year), values, peer)
    return out


# ==== §11 always top, always bottom; rater statistics =============================================


def persistence_flags(
    plan: Plan,
    units: Mapping[tuple[str, int], UnitMonth],
    cadres: Mapping[tuple[str, int], CadreMonth],
) -> list[OutRow]:
    """§11 2: over the last ``window`` scored months, ``months`` or more in the top (bottom)
    decile of the monthly peer group (groups of n ≥ ``ranking.min_group``) flag a subject."""
    p = plan.persistence
    group_scores: dict[tuple[str, int, str], list[float]] = defaultdict(list)
    months_of: dict[tuple[str, str], list[tuple[int, str, float]]] = defaultdict(list)
    for um in units.values():
        label = f"category:{um.category}"
        group_scores[(s.SUBJECT_UNIT, um.month, label)].append(published(um.score))
        months_of[(s.SUBJECT_UNIT, um.unit_id)].append((um.month, label, published(um.score)))
    for cm in cadres.values():
        months_of[(s.SUBJECT_CADRE, cm.cadre_id)].append((cm.month, cm.peer_group, cm.shown))
        # the two candidate peer groups of §6 (see cadre_peer_groups), by their labels
        for label in (
            unit_group_label(cm.unit_id, cm.role),
            category_group_label(cm.category, cm.role),
        ):
            group_scores[(s.SUBJECT_CADRE, cm.month, label)].append(cm.shown)
    thresholds = {
        key: decile_thresholds(scores, p.share)
        for key, scores in group_scores.items()
        if len(scores) >= plan.ranking.min_group
    }
    out: list[OutRow] = []
    for (subject_type, subject), entries in months_of.items():
        window = sorted(entries)[-p.window :]
        counted = top = bottom = 0
        for month, label, score in window:
            limits = thresholds.get((subject_type, month, label))
            if limits is None:
                continue
            counted += 1
            top += score >= limits[0]
            bottom += score <= limits[1]
        if counted == 0:
            continue
        flags = [name for name, n in (("top", top), ("bottom", bottom)) if n >= p.months]
        out.append(
            {
                s.SUBJECT_ID: subject,
                s.SUBJECT_TYPE: subject_type,
                s.MONTHS: len(window),
                s.TOP_MONTHS: top,
                s.BOTTOM_MONTHS: bottom,
                s.FLAG: ",".join(flags),
            }
        )
    return out


def population_std(values: Sequence[float], centre: float) -> float:
    return math.sqrt(sum((v - centre) ** 2 for v in values) / len(values))


def rater_stats(inp: _Input) -> list[OutRow]:
    """§11 Rater statistics per kind: count, mean, population std and leniency (rater mean −
    mean of all values of that kind)."""
    plan = inp.plan
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for table, rater_column, kind in (
        (s.RECORDS, s.RATER_ID, RECORDS_KIND),
        (s.RESULTS, s.SCORER_ID, RESULTS_KIND),
    ):
        for row in inp.rows(table):
            if row[rater_column] is None or row[s.LEVEL] is None:
                continue
            try:
                values[kind][row[rater_column]].append(level_value(plan, row[s.LEVEL]) * 100)
            except _InvalidValueError as exc:
                inp.fail(table, row, exc.column, exc.message)
    for row in inp.rows(s.EVALUATIONS):
        if row[s.RATER_ID] is not None:
            values[row[s.KIND]][row[s.RATER_ID]].append(float(row[s.SCORE]))
        if row[s.KIND] == s.EVAL_DEMOCRATIC and row[s.RATER_GROUP] is not None:
            values[DEMOCRATIC_GROUP][row[s.RATER_GROUP]].append(float(row[s.SCORE]))
    inp.check()
    out: list[OutRow] = []
    for kind, raters in values.items():
        everything = [v for vs in raters.values() for v in vs]
        kind_mean = sum(everything) / len(everything)
        for rater, vs in raters.items():
            m = sum(vs) / len(vs)
            out.append(
                {
                    s.KIND: kind,
                    s.RATER: rater,
                    s.N: len(vs),
                    s.MEAN: m,
                    s.STD: population_std(vs, m),
                    s.LENIENCY: m - kind_mean,
                }
            )
    return out


# ==== output tables ===============================================================================


def _unit_monthly_rows(units: Mapping[tuple[str, int], UnitMonth]) -> list[OutRow]:
    return [
        {
            s.UNIT_ID: u.unit_id,
            s.MONTH: u.month,
            s.CATEGORY: u.category,
            s.TIER: u.tier,
            s.GROUPS_TOTAL: u.total,
            s.EVENTS_TOTAL: u.events,
            s.RAW: u.total + u.events,
            s.COEFFICIENT: u.coefficient,
            s.SCORE: u.score,
            s.RANK: u.rank,
            s.RANK_N: u.rank_n,
        }
        for u in units.values()
    ]


def _unit_group_rows(units: Mapping[tuple[str, int], UnitMonth]) -> list[OutRow]:
    return [
        {
            s.UNIT_ID: u.unit_id,
            s.MONTH: u.month,
            s.GROUP: g.key,
            s.POINTS: g.points,
            s.EFFECTIVE_POINTS: g.effective_points,
            s.WEIGHT_SUM: g.weight_sum,
            s.BASE: g.base,
            s.BONUS: g.bonus,
            s.PENALTY: g.penalty,
            s.CONTRIBUTION: g.contribution,
        }
        for u in units.values()
        for g in u.groups
    ]


def _unit_indicator_rows(items: Sequence[IndicatorMonth]) -> list[OutRow]:
    return [
        {
            s.UNIT_ID: i.unit_id,
            s.MONTH: i.month,
            s.GROUP: i.group,
            s.INDICATOR: i.indicator.key,
            s.METHOD: i.indicator.method,
            s.WEIGHT: i.weight,
            s.INCLUDED: i.included,
            s.ACHIEVEMENT: i.achievement,
            s.RV: i.rv,
            s.RG: i.rg,
            s.R: i.r,
            s.DRAGS: i.drags,
            s.BONUS: i.bonus,
            s.PENALTY: i.penalty,
            s.NOTE: i.note,
        }
        for i in items
    ]


def _section_rows(sections: Mapping[tuple[str, int], SectionMonth]) -> list[OutRow]:
    return [
        {
            s.SECTION_ID: x.section_id,
            s.UNIT_ID: x.unit_id,
            s.MONTH: x.month,
            s.OWN: x.own,
            s.COEFFICIENT: x.coefficient,
            s.UNIT_SCORE: x.unit_score,
            s.EVENTS_TOTAL: x.events,
            s.FINAL: x.final,
            s.NO_TASKS: x.own is None,
        }
        for x in sections.values()
    ]


def _cadre_rows(cadres: Mapping[tuple[str, int], CadreMonth]) -> list[OutRow]:
    return [
        {
            s.CADRE_ID: c.cadre_id,
            s.MONTH: c.month,
            s.UNIT_ID: c.unit_id,
            s.SECTION_ID: c.section_id,
            s.POST_ID: c.post_id,
            s.ROLE: c.role,
            s.ATTENDANCE: c.attendance,
            s.WEEKLY: c.weekly,
            s.MONTHLY: c.monthly,
            s.OWN: c.own,
            s.UPPER: c.upper,
            s.EVENTS_TOTAL: c.events,
            s.FINAL: c.final,
            s.RANK: c.rank,
            s.RANK_N: c.rank_n,
            s.PEER_GROUP: c.peer_group,
            s.NO_GOALS: c.no_goals,
        }
        for c in cadres.values()
    ]


def _period_rows(periods: Sequence[PeriodScore]) -> list[OutRow]:
    return [
        {
            s.SUBJECT_ID: p.subject_id,
            s.SUBJECT_TYPE: p.subject_type,
            s.PERIOD: p.period.label,
            s.MONTHS: p.months,
            s.MEAN_MONTHLY: p.mean_monthly,
            s.RATING: p.rating,
            s.SCORE: p.score,
        }
        for p in periods
    ]


def _political_rows(political: Mapping[str, Political]) -> list[OutRow]:
    return [
        {
            s.SUBJECT_ID: p.subject_id,
            s.SUBJECT_TYPE: p.subject_type,
            s.RATING: p.rating,
            s.POSITIVE: p.positive,
            s.NEGATIVE: p.negative,
            s.ADJUSTMENT: p.adjustment,
            s.SCORE: p.score,
        }
        for p in political.values()
    ]


def _grade_label(a: Annual) -> str:
    if a.undetermined or a.grade_index is None:
        return s.UNDETERMINED
    labels = s.TEAM_GRADES if a.subject_type == s.SUBJECT_TEAM else s.CADRE_GRADES
    return labels[a.grade_index]


def _annual_rows(subjects: Sequence[Annual]) -> list[OutRow]:
    return [
        {
            s.SUBJECT_ID: a.subject_id,
            s.SUBJECT_TYPE: a.subject_type,
            s.ROLE: a.role,
            s.MONTHS: a.months,
            s.MEAN_MONTHLY: a.mean_monthly,
            s.POLITICAL: a.political,
            s.DEMOCRATIC: a.democratic,
            s.REVIEW: a.review,
            s.SECOND_HALF: a.second_half,
            s.COMPREHENSIVE: a.comprehensive,
            s.SCORE: a.score,
            s.GRADE: _grade_label(a),
            s.TOP_STATUS: a.top_status,
            s.RANK: a.rank,
            s.RANK_N: a.rank_n,
            s.QUOTA_GROUP: a.quota_group,
            s.NOTES: ";".join(a.notes),
        }
        for a in subjects
    ]


def _sorted(name: str, rows: list[OutRow]) -> list[OutRow]:
    """Rows in the order of ``OUTPUT_KEYS[name]`` (the keys are unique in every table)."""
    keys = s.OUTPUT_KEYS[name]

    def key(row: OutRow) -> tuple[Any, ...]:
        return tuple(row[k] for k in keys)

    return sorted(rows, key=key)


# ==== the run =====================================================================================


def reference_score(plan: Plan, data: DataSet) -> dict[str, list[dict[str, object]]]:
    """Score ``data`` under ``plan`` by docs/rules.md; every table of ``OUTPUTS`` (no warnings).

    Raises :class:`~kaohe.engine.errors.DataError` for the data errors the rules name.
    """
    inp = _Input.read(plan, data)
    periods = complete_periods(inp.year, inp.months)
    coefficients = _Coefficients(inp)
    for row in inp.rows(s.DISTRICT):  # §4: g_target > 0 in every month of the run
        if row[s.MONTH] in inp.months and row[s.GDP_GROWTH_TARGET] <= 0:
            inp.fail(s.DISTRICT, row, s.GDP_GROWTH_TARGET, "the growth target must be > 0")
    inp.check()

    events = events_by_subject(inp)
    indicators = score_indicators(inp)
    units = score_units(inp, indicators, events, coefficients)
    sections = score_sections(inp, units, events, coefficients)
    held = holdings(inp)
    cadres = score_cadres(inp, held, units, sections, events)
    period_scores = score_periods(inp, periods, units, cadres)

    tables: dict[str, list[OutRow]] = {name: [] for name in s.OUTPUTS}
    year = next((p for p in periods if p.kind == YEAR_KIND), None)
    subjects: list[Annual] = []
    political: dict[str, Political] = {}
    kind_rows = year_rows(inp)
    if year is not None:
        political = score_political(inp, kind_rows)
        check_democratic(inp, kind_rows)
        subjects = score_year(
            inp,
            held=held,
            units=units,
            cadres=cadres,
            periods=period_scores,
            political=political,
            kind_rows=kind_rows,
        )
        rank_annual(plan, subjects)
        tables["quota"] = assign_grades(inp, subjects)

    by_period: dict[str, list[PeriodScore]] = defaultdict(list)
    for p in period_scores:
        by_period[p.period.label].append(p)
    for period in periods:
        standings = period_standings(period, by_period[period.label], subjects)
        tables["actions"] += bottom_actions(plan, period, standings)
    tables["pay"], tables["pay_unallocated"] = performance_pay(inp, cadres)
    tables["training"] = unit_training_needs(plan, periods, indicators, units)
    if year is not None:
        tables["training"] += rated_training_needs(plan, inp.year, subjects, kind_rows)
    tables["persistence"] = persistence_flags(plan, units, cadres)
    tables["rater_stats"] = rater_stats(inp)
    tables["unit_monthly"] = _unit_monthly_rows(units)
    tables["unit_groups"] = _unit_group_rows(units)
    tables["unit_indicators"] = _unit_indicator_rows(indicators)
    tables["section_monthly"] = _section_rows(sections)
    tables["cadre_monthly"] = _cadre_rows(cadres)
    tables["periods"] = _period_rows(period_scores)
    tables["political"] = _political_rows(political)
    tables["annual"] = _annual_rows(subjects)
    return {name: _sorted(name, rows) for name, rows in tables.items()}
