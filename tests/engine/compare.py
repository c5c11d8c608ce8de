"""Compare the engine's result tables with the reference scorer's, table by table."""

from __future__ import annotations

import math
from typing import Any

from kaohe.engine import schema as s
from kaohe.engine.dataset import Results

NOT_COMPARED = {"warnings"}
FREE_TEXT = {"note", "notes"}  # explanatory text, not part of the rules
TOLERANCE = 1e-9


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return bool(a == b)


def differences(
    engine: Results, reference: dict[str, list[dict[str, Any]]], limit: int = 20
) -> list[str]:
    """Human-readable differences; empty when both agree on every compared cell."""
    out: list[str] = []
    for name, columns in s.OUTPUTS.items():
        if name in NOT_COMPARED:
            continue
        keys = s.OUTPUT_KEYS[name]
        mine = {tuple(r[k] for k in keys): r for r in engine[name].to_dicts()}
        theirs = {tuple(r[k] for k in keys): r for r in reference[name]}
        for key in sorted(set(mine) - set(theirs), key=str)[:limit]:
            out.append(f"{name} {key}: only in the engine")
        for key in sorted(set(theirs) - set(mine), key=str)[:limit]:
            out.append(f"{name} {key}: only in the reference")
        for key in sorted(set(mine) & set(theirs), key=str):
            for column, _ in columns:
                if column in FREE_TEXT:
                    continue
                a, b = mine[key].get(column), theirs[key].get(column)
                if not _same(a, b):
                    out.append(f"{name} {key} {column}: engine {a!r} reference {b!r}")
                    if len(out) >= limit * 5:
                        return out
    return out
