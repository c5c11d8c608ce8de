from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine.numbers import format_fixed, round_half_up, round_half_up_expr
from kaohe.engine.output import fixed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (85.025, 85.03),  # binary 85.02499999…: the decimal value rounds up
        (85.024999, 85.02),
        (0.125, 0.13),
        (2.675, 2.68),  # binary 2.67499999…
        (-2.675, -2.68),  # half away from zero
        (98.4785, 98.48),
        (1.005, 1.01),
        (0.0, 0.0),
    ],
)
def test_round_half_up_on_the_decimal_value(value: float, expected: float) -> None:
    assert round_half_up(value) == expected


def test_expression_and_text_agree_with_the_scalar() -> None:
    values = [85.025, 2.675, -2.675, 98.4785, 1.005, 0.5, 100.0, None]
    frame = pl.DataFrame({"x": values}, schema={"x": pl.Float64})
    rounded = frame.select(round_half_up_expr(pl.col("x")))["x"].to_list()
    assert rounded == [None if v is None else round_half_up(v) for v in values]
    text = frame.select(fixed(pl.col("x"), 2).alias("x"))["x"].to_list()
    assert text == ["85.03", "2.68", "-2.68", "98.48", "1.01", "0.50", "100.00", ""]
    assert [format_fixed(v) for v in values] == text


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_every_exact_half_cent_rounds_away_from_zero(cents_times_ten: int) -> None:
    # x = k/1000 with k ending in 5 is exactly half a cent in decimal
    k = cents_times_ten * 10 + 5
    value = k / 1000
    expected_cents = (abs(k) + 5) // 10
    assert abs(round_half_up(value)) == pytest.approx(expected_cents / 100, abs=0)
