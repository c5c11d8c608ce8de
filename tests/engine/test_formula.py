from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.engine.formula import FormulaError, FormulaValueError, compile_formula

NAMES = ("a", "b", "c")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os')", "unknown function '__import__'"),
        ("a.real", "Attribute is not allowed"),
        ("a[0]", "Subscript is not allowed"),
        ("x + 1", "unknown name 'x'"),
        ("'text'", "only numbers are allowed"),
        ("lambda: 1", "Lambda is not allowed"),
        ("min(a)", "min() takes at least 2 arguments"),
        ("clamp(a, b)", "clamp() takes 3 arguments"),
        ("max(a=1, b=2)", "takes no keyword arguments"),
        ("a if", "syntax error"),
        ("[a for a in b]", "ListComp is not allowed"),
        ("a @ b", "operator MatMult is not allowed"),
        ("a is b", "comparison Is is not allowed"),
        ("True", "only numbers are allowed"),
        ("(" * 50 + "a" + ")" * 50 + " + " + "-" * 60 + "a", "nested too deeply"),
    ],
)
def test_refused_formulas_say_why(source: str, reason: str) -> None:
    with pytest.raises(FormulaError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        compile_formula(source, NAMES)


def test_used_names_are_reported() -> None:
    assert compile_formula("clamp(a / b, 0, 1)", NAMES).names == {"a", "b"}


@pytest.mark.parametrize(
    ("source", "env", "expected"),
    [
        ("clamp(a / b, 0, 1)", {"a": 3.0, "b": 4.0}, 0.75),
        ("a / b if b != 0 else 1", {"a": 3.0, "b": 0.0}, 1.0),  # the guarded branch is not taken
        ("max(a, b, c)", {"a": 1.0, "b": 5.0, "c": 2.0}, 5.0),
        ("-a ** 2", {"a": 3.0}, -9.0),
        ("a % b", {"a": -7.0, "b": 3.0}, 2.0),  # floored modulo, like Python
        ("1 < a < 3", {"a": 2.0}, 1.0),
        ("not a and b", {"a": 0.0, "b": 2.0}, 1.0),
        ("floor(a) + ceil(b) + abs(c) + sqrt(4)", {"a": 1.5, "b": 1.2, "c": -1.0}, 6.0),
    ],
)
def test_evaluate_and_expression_agree(source: str, env: dict[str, float], expected: float) -> None:
    formula = compile_formula(source, NAMES)
    assert formula.evaluate(env) == pytest.approx(expected)
    frame = pl.DataFrame({k: [v] for k, v in env.items()}, schema=dict.fromkeys(env, pl.Float64))
    value, invalid = formula.to_expr({n: pl.col(n) for n in formula.names})
    got = frame.select(value.alias("v"), invalid.alias("bad")).row(0)
    assert got == (pytest.approx(expected), False)


@pytest.mark.parametrize(
    ("source", "env"),
    [
        ("a / b", {"a": 1.0, "b": 0.0}),
        ("sqrt(a)", {"a": -1.0}),
        ("a ** b", {"a": 10.0, "b": 400.0}),
        ("a ** b", {"a": -8.0, "b": 0.5}),
        ("a % b", {"a": 1.0, "b": 0.0}),
        ("min(a / b, 1)", {"a": 1.0, "b": 0.0}),
        ("b != 0 or a / b", {"a": 1.0, "b": 0.0}),
    ],
)
def test_values_that_are_not_finite_are_invalid_both_ways(
    source: str, env: dict[str, float]
) -> None:
    formula = compile_formula(source, NAMES)
    with pytest.raises(FormulaValueError):
        formula.evaluate(env)
    frame = pl.DataFrame({k: [v] for k, v in env.items()}, schema=dict.fromkeys(env, pl.Float64))
    _, invalid = formula.to_expr({n: pl.col(n) for n in formula.names})
    assert frame.select(invalid).item() is True


_LEAVES = st.sampled_from(["a", "b", "c", "0", "1", "2.5", "0.5"])
_EXPR = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.tuples(
            inner,
            st.sampled_from(["+", "-", "*", "/", "**", "%", "<", ">=", "==", "and", "or"]),
            inner,
        ).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(st.sampled_from(["abs", "floor", "ceil", "sqrt", "-", "not "]), inner).map(
            lambda t: f"({t[0]}({t[1]}))"
        ),
    ),
    max_leaves=8,
)
_VALUES = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


@given(_EXPR, _VALUES, _VALUES, _VALUES)
def test_polars_compilation_matches_the_tree_walk(
    source: str, a: float, b: float, c: float
) -> None:
    formula = compile_formula(source, NAMES)
    env = {"a": a, "b": b, "c": c}
    frame = pl.DataFrame({k: [v] for k, v in env.items()}, schema=dict.fromkeys(env, pl.Float64))
    value, invalid = formula.to_expr({n: pl.col(n) for n in NAMES})
    got_value, got_invalid = frame.select(value.alias("v"), invalid.alias("bad")).row(0)
    try:
        expected = formula.evaluate(env)
    except FormulaValueError:
        assert got_invalid is True
        return
    assert got_invalid is False
    assert math.isclose(got_value, expected, rel_tol=1e-9, abs_tol=1e-9)
