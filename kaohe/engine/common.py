"""Building blocks shared by the scoring steps: publication, blends, ranks, periods, events."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Final

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.numbers import half_up_units
from kaohe.engine.plan import Plan

KIND_QUARTER: Final = "quarter"
KIND_HALF: Final = "half_year"
KIND_YEAR: Final = "year"
RATIO_DIGITS: Final = 4


def cents(expr: pl.Expr) -> pl.Expr:
    """The published (2-decimal, half up) value in whole cents, which ranks, thresholds, quotas
    and cuts compare (rules §0)."""
    return half_up_units(expr, 2)


def cents_of(threshold: float) -> int:
    """A plan threshold such as 90 or 59.995 in whole cents, rounded like a published score."""
    return round(threshold * 100)


def blend(parts: Sequence[tuple[pl.Expr, float]]) -> pl.Expr:
    """``Σ w·x / Σ w`` over the parts that are present; null when none is (rules §0).

    >>> frame = pl.DataFrame({"a": [80.0, 80.0], "b": [90.0, None]})
    >>> frame.select(blend([(pl.col("a"), 0.7), (pl.col("b"), 0.3)]))["a"].to_list()
    [83.0, 80.0]
    """
    num: pl.Expr = pl.lit(0.0)
    den: pl.Expr = pl.lit(0.0)
    for x, w in parts:
        present = x.is_not_null()
        num = num + pl.when(present).then(x * w).otherwise(0.0)
        den = den + pl.when(present).then(pl.lit(w)).otherwise(0.0)
    return pl.when(den > 0).then(num / den).otherwise(None)


def competition_rank(score: str, by: Sequence[str], *, descending: bool = True) -> pl.Expr:
    """Competition rank (1, 2, 2, 4) of the published ``score`` within ``by``."""
    return cents(pl.col(score)).rank("min", descending=descending).over(by).cast(pl.Int64)


def cut_size(n: pl.Expr, share: float) -> pl.Expr:
    """``max(1, floor(share × n))``: how many make a bottom or top cut (rules §9, §11)."""
    return pl.max_horizontal(pl.lit(1, pl.Int64), (n * share + 1e-9).floor().cast(pl.Int64))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_ends(year: int, months: Sequence[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {s.MONTH: list(months), "month_end": [month_end(year, m) for m in months]},
        schema={s.MONTH: pl.Int64, "month_end": pl.Date},
    )


PERIOD_MONTHS: Final[tuple[tuple[str, str, tuple[int, ...]], ...]] = (
    ("Q1", KIND_QUARTER, (1, 2, 3)),
    ("Q2", KIND_QUARTER, (4, 5, 6)),
    ("Q3", KIND_QUARTER, (7, 8, 9)),
    ("Q4", KIND_QUARTER, (10, 11, 12)),
    ("H1", KIND_HALF, (1, 2, 3, 4, 5, 6)),
    ("H2", KIND_HALF, (7, 8, 9, 10, 11, 12)),
    ("", KIND_YEAR, tuple(range(1, 13))),
)


def period_label(year: int, suffix: str) -> str:
    return f"{year}-{suffix}" if suffix else str(year)


def period_enum(year: int) -> pl.Enum:
    """The labels of the year's periods as an enum whose order is the labels' text order."""
    return pl.Enum(sorted(period_label(year, suffix) for suffix, _, _ in PERIOD_MONTHS))


def complete_periods(year: int, months: Sequence[int]) -> pl.DataFrame:
    """One row per (period, month) of every period whose months are all in the run."""
    rows: dict[str, list[object]] = {s.PERIOD: [], "period_kind": [], s.MONTH: [], "end": []}
    have = set(months)
    for suffix, kind, ms in PERIOD_MONTHS:
        if not set(ms) <= have:
            continue
        for m in ms:
            rows[s.PERIOD].append(period_label(year, suffix))
            rows["period_kind"].append(kind)
            rows[s.MONTH].append(m)
            rows["end"].append(month_end(year, ms[-1]))
    return pl.DataFrame(
        rows,
        schema={s.PERIOD: pl.String, "period_kind": pl.String, s.MONTH: pl.Int64, "end": pl.Date},
    )


def events_total(plan: Plan, events: pl.DataFrame) -> pl.DataFrame:
    """``E`` per subject and month: positive points capped per kind, negatives uncapped (§5)."""
    caps = pl.DataFrame(
        {s.KIND: list(plan.events.caps), "cap": list(plan.events.caps.values())},
        schema={s.KIND: pl.String, "cap": pl.Float64},
    )
    per_kind = (
        events.with_columns(pl.col(s.KIND).fill_null("normal"))
        .group_by(s.SUBJECT_ID, s.MONTH, s.KIND)
        .agg(
            pos=pl.col(s.POINTS).clip(lower_bound=0).sum(),
            neg=pl.col(s.POINTS).clip(upper_bound=0).sum(),
        )
        .join(caps, on=s.KIND, how="left")
        .with_columns(
            pos=pl.when(pl.col("cap").is_null())
            .then("pos")
            .otherwise(pl.min_horizontal("pos", "cap"))
        )
    )
    return per_kind.group_by(s.SUBJECT_ID, s.MONTH).agg(
        (pl.col("pos") + pl.col("neg")).sum().alias(s.EVENTS_TOTAL)
    )


def tier_values(plan: Plan) -> pl.DataFrame:
    tiers = plan.coefficient.tiers
    return pl.DataFrame(
        {s.TIER: list(range(1, len(tiers) + 1)), "tier_value": list(tiers)},
        schema={s.TIER: pl.Int64, "tier_value": pl.Float64},
    )


def level_value(plan: Plan, level: pl.Expr) -> pl.Expr:
    """The value of a rating level (rules §2 ``rating_levels``); null when there is none.

    A chain of comparisons: with a handful of levels, faster than a lookup table or a join.
    """
    value: pl.Expr = pl.lit(None, pl.Float64)
    for name, v in reversed(plan.rating_levels.items()):
        value = pl.when(level == name).then(pl.lit(v, pl.Float64)).otherwise(value)
    return value


def level_values(plan: Plan) -> pl.DataFrame:
    return pl.DataFrame(
        {s.LEVEL: list(plan.rating_levels), "level_value": list(plan.rating_levels.values())},
        schema={s.LEVEL: pl.String, "level_value": pl.Float64},
    )
