"""Rounding for publication: half up (四舍五入) on the decimal value, rules.md "Numbers".

Binary floats hold 85.025 as 85.02499999…; the residue below 1e-6 of the last published digit
is rounded away first, so the decimal value is what gets rounded:

>>> round_half_up(85.025)
85.03
>>> round_half_up(-2.5, 0)
-3.0
"""

from __future__ import annotations

import math

import polars as pl

RESIDUE_DIGITS = 6  # digits below the last published digit that count as float residue


def round_half_up(value: float, decimals: int = 2) -> float:
    """Round half away from zero on the decimal value of ``value``."""
    if not math.isfinite(value):
        return value
    scale = 10.0**decimals
    scaled = round(abs(value) * scale, RESIDUE_DIGITS)
    return math.copysign(math.floor(scaled + 0.5) / scale, value)


def half_up_units(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """The published value as a whole number of its last digit (cents for 2 decimals), Int64.

    Ranks, thresholds and cuts compare these integers: equal published values are then equal
    whatever float arithmetic produced them (rules.md §0).
    """
    scale = 10.0**decimals
    units = ((expr.abs() * scale).round(RESIDUE_DIGITS) + 0.5).floor().cast(pl.Int64)
    return pl.when(expr < 0).then(-units).otherwise(units)


def round_half_up_expr(expr: pl.Expr, decimals: int = 2) -> pl.Expr:
    """The same rounding as :func:`round_half_up`, as a polars expression."""
    scale = 10.0**decimals
    scaled = (expr.abs() * scale).round(RESIDUE_DIGITS)
    magnitude = (scaled + 0.5).floor() / scale
    return magnitude * pl.when(expr < 0).then(-1.0).otherwise(1.0)


def format_fixed(value: float | None, decimals: int = 2) -> str:
    """A published number as text: rounded half up, fixed decimals, empty for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{round_half_up(value, decimals):.{decimals}f}"
