"""Administrator formulas, compiled through a whitelisted AST (never ``eval``).

A formula is a Python-like arithmetic expression over declared names::

    clamp(actual / target, 0, 1) if target > 0 else 1

Allowed: numbers, declared names, ``+ - * / ** %``, comparisons (chains too), ``and or not``,
``x if cond else y`` and the functions ``min max clamp abs floor ceil sqrt``. Anything else —
attributes, subscripts, strings, lambdas, unknown names or functions, keyword arguments — is a
:class:`FormulaError` at plan check, naming what was refused.

One parsed formula compiles two ways that agree: :meth:`Formula.to_expr` builds a polars
expression for the engine, :meth:`Formula.evaluate` walks the tree for the reference scorer.
A value that is not a finite number (division by zero, square root of a negative, overflow) is
invalid; the engine turns it into a data error naming the subject and month. A guarded branch that
is not taken is never invalid (``x / y if y != 0 else 0`` is fine when ``y`` is 0).

>>> f = compile_formula("clamp(actual / target, 0, 1)", ["actual", "target"])
>>> f.evaluate({"actual": 3.0, "target": 4.0})
0.75
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from kaohe.engine.errors import EngineError

MAX_SOURCE = 2000
MAX_DEPTH = 40


class FormulaError(EngineError, ValueError):
    """The formula text is not an allowed expression."""


class FormulaValueError(EngineError, ArithmeticError):
    """The formula has no finite value for these inputs."""


FUNCTIONS: dict[str, tuple[int, int | None]] = {
    # name: (minimum, maximum) number of arguments
    "min": (2, None),
    "max": (2, None),
    "clamp": (3, 3),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "sqrt": (1, 1),
}

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.Mod: "%",
}
_CMPOPS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _check(node: ast.AST, names: frozenset[str], depth: int) -> None:
    """Refuse every node outside the whitelist, with a reason a planner understands."""
    if depth > MAX_DEPTH:
        raise FormulaError("the formula is nested too deeply")
    match node:
        case ast.Expression(body=body):
            _check(body, names, depth + 1)
        case ast.Constant(value=value):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FormulaError(f"only numbers are allowed, not {value!r}")
        case ast.Name(id=name):
            if name not in names:
                known = ", ".join(sorted(names)) or "none"
                raise FormulaError(f"unknown name {name!r} (known: {known})")
        case ast.BinOp(left=left, op=bop, right=right):
            if type(bop) not in _BINOPS:
                raise FormulaError(f"operator {type(bop).__name__} is not allowed")
            _check(left, names, depth + 1)
            _check(right, names, depth + 1)
        case ast.UnaryOp(op=uop, operand=operand):
            if not isinstance(uop, ast.USub | ast.UAdd | ast.Not):
                raise FormulaError(f"operator {type(uop).__name__} is not allowed")
            _check(operand, names, depth + 1)
        case ast.BoolOp(values=values):
            for v in values:
                _check(v, names, depth + 1)
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            for cop in ops:
                if type(cop) not in _CMPOPS:
                    raise FormulaError(f"comparison {type(cop).__name__} is not allowed")
            for v in (left, *comparators):
                _check(v, names, depth + 1)
        case ast.IfExp(test=test, body=body, orelse=orelse):
            for v in (test, body, orelse):
                _check(v, names, depth + 1)
        case ast.Call(func=func, args=args, keywords=keywords):
            if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
                shown = func.id if isinstance(func, ast.Name) else ast.unparse(func)
                allowed = ", ".join(FUNCTIONS)
                raise FormulaError(f"unknown function {shown!r} (allowed: {allowed})")
            if keywords:
                raise FormulaError(f"{func.id}() takes no keyword arguments")
            lo, hi = FUNCTIONS[func.id]
            if len(args) < lo or (hi is not None and len(args) > hi):
                want = f"{lo}" if lo == hi else f"at least {lo}"
                raise FormulaError(f"{func.id}() takes {want} arguments, not {len(args)}")
            for a in args:
                if isinstance(a, ast.Starred):
                    raise FormulaError("starred arguments are not allowed")
                _check(a, names, depth + 1)
        case _:
            raise FormulaError(f"{type(node).__name__} is not allowed in a formula")


def compile_formula(source: str, names: Sequence[str]) -> Formula:
    """Parse and whitelist ``source``; ``names`` are the names it may use."""
    if len(source) > MAX_SOURCE:
        raise FormulaError(f"the formula is longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"syntax error at column {exc.offset or 0}: {exc.msg}") from None
    allowed = frozenset(names)
    _check(tree, allowed, 0)
    used = frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)) - set(FUNCTIONS)
    return Formula(source=source, tree=tree.body, names=used)


# ---- the reference evaluation: plain Python floats ----------------------------------------------


def _finite(x: float) -> float:
    if not math.isfinite(x):
        raise FormulaValueError("the value is not a finite number")
    return x


def _arith(op: str, a: float, b: float) -> float:
    try:
        match op:
            case "+":
                return _finite(a + b)
            case "-":
                return _finite(a - b)
            case "*":
                return _finite(a * b)
            case "/":
                if b == 0:
                    raise FormulaValueError("division by zero")
                return _finite(a / b)
            case "%":
                if b == 0:
                    raise FormulaValueError("modulo by zero")
                return _finite(a - b * math.floor(a / b))
            case _:
                if a == 0 and b < 0:
                    raise FormulaValueError("zero to a negative power")
                if a < 0 and b != math.floor(b):
                    raise FormulaValueError("a negative number to a fractional power")
                return _finite(math.pow(a, b))
    except OverflowError:
        raise FormulaValueError("the value overflows") from None


def _call(name: str, args: list[float]) -> float:
    match name:
        case "min":
            return min(args)
        case "max":
            return max(args)
        case "clamp":
            x, lo, hi = args
            return min(max(x, lo), hi)
        case "abs":
            return abs(args[0])
        case "floor":
            return float(math.floor(args[0]))
        case "ceil":
            return float(math.ceil(args[0]))
        case _:
            if args[0] < 0:
                raise FormulaValueError("square root of a negative number")
            return math.sqrt(args[0])


def _eval(node: ast.expr, env: Mapping[str, float]) -> float:
    match node:
        case ast.Constant(value=int() | float() as number):
            return float(number)
        case ast.Name(id=name):
            return float(env[name])
        case ast.BinOp(left=left, op=bop, right=right):
            return _arith(_BINOPS[type(bop)], _eval(left, env), _eval(right, env))
        case ast.UnaryOp(op=uop, operand=operand):
            v = _eval(operand, env)
            if isinstance(uop, ast.Not):
                return float(v == 0)
            return -v if isinstance(uop, ast.USub) else v
        case ast.BoolOp(op=boolop, values=values):
            if isinstance(boolop, ast.And):
                return float(all(_eval(v, env) != 0 for v in values))
            return float(any(_eval(v, env) != 0 for v in values))
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            a = _eval(left, env)
            for cop, comp in zip(ops, comparators, strict=True):
                b = _eval(comp, env)
                if not _CMPOPS[type(cop)](a, b):
                    return 0.0
                a = b
            return 1.0
        case ast.IfExp(test=test, body=body, orelse=orelse):
            return _eval(body, env) if _eval(test, env) != 0 else _eval(orelse, env)
        case ast.Call(func=ast.Name(id=fname), args=args):
            return _call(fname, [_eval(a, env) for a in args])
    raise FormulaError(f"{type(node).__name__} is not allowed")  # pragma: no cover - whitelisted


# ---- the engine's compilation: polars expressions ---------------------------------------------
# Each node compiles to (value, invalid): ``invalid`` is true where this node, or a node it
# evaluates on that row, has no finite value. Branches not taken do not count.


_Compiled = tuple[pl.Expr, pl.Expr]
_PL_CMPOPS: dict[type[ast.cmpop], Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}
_FALSE = pl.lit(False)


def _not_finite(e: pl.Expr) -> pl.Expr:
    return e.is_finite().not_()


def _bool(e: pl.Expr) -> pl.Expr:
    return e != 0


def _polars_arith(op: str, a: pl.Expr, b: pl.Expr) -> _Compiled:
    match op:
        case "+":
            v = a + b
            bad = _not_finite(v)
        case "-":
            v = a - b
            bad = _not_finite(v)
        case "*":
            v = a * b
            bad = _not_finite(v)
        case "/":
            v = a / b
            bad = (b == 0) | _not_finite(v)
        case "%":
            v = a - b * (a / b).floor()
            bad = (b == 0) | _not_finite(v)
        case _:
            v = a.pow(b)
            bad = ((a == 0) & (b < 0)) | ((a < 0) & (b != b.floor())) | _not_finite(v)
    return v, bad


def _compile(node: ast.expr, env: Mapping[str, pl.Expr]) -> _Compiled:
    match node:
        case ast.Constant(value=int() | float() as number):
            return pl.lit(float(number), dtype=pl.Float64), _FALSE
        case ast.Name(id=name):
            return env[name].cast(pl.Float64), _FALSE
        case ast.BinOp(left=left, op=bop, right=right):
            (a, ia), (b, ib) = _compile(left, env), _compile(right, env)
            v, bad = _polars_arith(_BINOPS[type(bop)], a, b)
            return v, ia | ib | bad
        case ast.UnaryOp(op=uop, operand=operand):
            v, bad = _compile(operand, env)
            if isinstance(uop, ast.Not):
                return (v == 0).cast(pl.Float64), bad
            return (-v if isinstance(uop, ast.USub) else v), bad
        case ast.BoolOp(op=boolop, values=values):
            # Short-circuit like Python: a later operand counts only where it is evaluated.
            first, *rest = (_compile(v, env) for v in values)
            acc, bad = _bool(first[0]), first[1]
            is_and = isinstance(boolop, ast.And)
            for v, vbad in rest:
                evaluated = acc if is_and else acc.not_()
                bad = bad | (evaluated & vbad)
                acc = (acc & _bool(v)) if is_and else (acc | _bool(v))
            return acc.cast(pl.Float64), bad
        case ast.Compare(left=left, ops=ops, comparators=comparators):
            a, bad = _compile(left, env)
            result: pl.Expr | None = None
            for cop, comp in zip(ops, comparators, strict=True):
                b, ib = _compile(comp, env)
                # a chain stops at the first false comparison, as in Python
                evaluated = pl.lit(True) if result is None else result
                bad = bad | (evaluated & ib)
                test = _PL_CMPOPS[type(cop)](a, b)
                result = test if result is None else (result & test)
                a = b
            assert result is not None
            return result.cast(pl.Float64), bad
        case ast.IfExp(test=test_node, body=body, orelse=orelse):
            (t, it), (v1, i1), (v2, i2) = (
                _compile(test_node, env),
                _compile(body, env),
                _compile(orelse, env),
            )
            cond = _bool(t)
            chosen = pl.when(cond).then(v1).otherwise(v2)
            return chosen, it | pl.when(cond).then(i1).otherwise(i2)
        case ast.Call(func=ast.Name(id=fname), args=args):
            parts = [_compile(a, env) for a in args]
            vals = [p[0] for p in parts]
            bad = pl.any_horizontal(*(p[1] for p in parts)) if len(parts) > 1 else parts[0][1]
            match fname:
                case "min":
                    return pl.min_horizontal(*vals), bad
                case "max":
                    return pl.max_horizontal(*vals), bad
                case "clamp":
                    x, lo, hi = vals
                    return pl.min_horizontal(pl.max_horizontal(x, lo), hi), bad
                case "abs":
                    return vals[0].abs(), bad
                case "floor":
                    return vals[0].floor(), bad
                case "ceil":
                    return vals[0].ceil(), bad
                case _:
                    return vals[0].sqrt(), bad | (vals[0] < 0)
    raise FormulaError(f"{type(node).__name__} is not allowed")  # pragma: no cover - whitelisted


@dataclass(frozen=True, slots=True)
class Formula:
    """A whitelisted formula; ``names`` are the names it actually uses."""

    source: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, env: Mapping[str, float]) -> float:
        """Evaluate on plain floats; raise :class:`FormulaValueError` for a non-finite value."""
        return _finite(_eval(self.tree, env))

    def to_expr(self, env: Mapping[str, pl.Expr]) -> tuple[pl.Expr, pl.Expr]:
        """``(value, invalid)`` polars expressions; ``env`` maps each used name to a column."""
        value, bad = _compile(self.tree, env)
        return value, bad | _not_finite(value)
