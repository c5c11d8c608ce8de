"""The worked example of docs/rules.md §3, computed by the engine and by the reference scorer."""

from __future__ import annotations

import pytest

from kaohe.engine import schema as s
from kaohe.engine.output import publish
from kaohe.engine.score import score
from tests.engine.worked_example import worked_data, worked_plan


def test_worked_example_scores_98_48() -> None:
    results = score(worked_plan(), worked_data())
    row = results["unit_monthly"].row(0, named=True)
    # common  50 × 0.92                              = 46.00
    # economic (96.1 + 4.8 − 19.5) × 30 / 100       = 24.42
    #   base 96.1 = 20 × 1 (GDP, r 1.08 capped at a = 1) + 15 × 0.74 (FAI) + 65 at full marks
    #   bonus 3 × 20 × (1.08 − 1) = 4.8; FAI drags (0.74 < 0.9): penalty 5 × 15 × 0.26 = 19.5
    # duty    20 × 0.88                              = 17.60
    # G = 88.02, events +0.5 → raw 88.52
    # C = 1 + (1.10 − 1) × clamp(9.0 / 8.0, 0, 1.5) = 1.1125
    # S = 88.52 × 1.1125 = 98.4785 → 98.48
    assert row[s.GROUPS_TOTAL] == pytest.approx(88.02, abs=1e-9)
    assert row[s.RAW] == pytest.approx(88.52, abs=1e-9)
    assert row[s.COEFFICIENT] == pytest.approx(1.1125, abs=1e-12)
    assert row[s.SCORE] == pytest.approx(98.4785, abs=1e-9)
    published = publish("unit_monthly", results["unit_monthly"], 2026).row(0, named=True)
    assert published[s.SCORE] == "98.48"
    assert published[s.MONTH] == "2026-01"


def test_worked_example_indicator_breakdown() -> None:
    results = score(worked_plan(), worked_data())
    rows = {r[s.INDICATOR]: r for r in results["unit_indicators"].to_dicts()}
    gdp, fai = rows["gdp"], rows["fai"]
    # GDP: rv = 105/100 = 1.05, rg = 9.6/8.0 = 1.2 (= cap), r = 0.8×1.05 + 0.2×1.2 = 1.08
    assert (gdp[s.RV], gdp[s.RG], gdp[s.R]) == pytest.approx((1.05, 1.2, 1.08))
    assert gdp[s.BONUS] == pytest.approx(4.8)
    assert gdp[s.PENALTY] == 0.0
    assert gdp[s.DRAGS] is False
    # FAI: rv = 40/50 = 0.8, rg = 5/10 = 0.5, r = 0.64 + 0.10 = 0.74
    assert (fai[s.RV], fai[s.RG], fai[s.R]) == pytest.approx((0.8, 0.5, 0.74))
    assert fai[s.ACHIEVEMENT] == pytest.approx(0.74)
    assert fai[s.PENALTY] == pytest.approx(19.5)
    assert fai[s.DRAGS] is True
    groups = {g[s.GROUP]: g for g in results["unit_groups"].to_dicts()}
    assert groups["economic"][s.BASE] == pytest.approx(96.1)
    assert groups["economic"][s.CONTRIBUTION] == pytest.approx(24.42)
    assert groups["common"][s.CONTRIBUTION] == pytest.approx(46.0)
    assert groups["duty"][s.CONTRIBUTION] == pytest.approx(17.6)
