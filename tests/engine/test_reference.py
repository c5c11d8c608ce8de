"""Golden tests of the reference scorer: every number is hand-computed from docs/rules.md.

The arithmetic sits in a comment next to each expected value. Small worlds are built with
``make_dataset``/``make_plan``; the default plan has one category ``A`` whose one group ``duty``
(100 points) holds one ``rating`` indicator ``task``, so a unit rated 优 scores G = 100 and, with
the district on target, C = 1 + (c − 1) × 1 = 1.00 for tier 1 → S = 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from kaohe.engine import schema as s
from kaohe.engine.errors import DataError
from kaohe.engine.numbers import round_half_up
from kaohe.engine.output import score_to_csv
from kaohe.engine.plan import Plan
from kaohe.engine.reference import allocate_pool, reference_score
from tests.engine.factories import district, make_dataset, make_plan

Rows = list[dict[str, Any]]
Tables = dict[str, Rows]
Out = dict[str, list[dict[str, object]]]


# ---- small worlds --------------------------------------------------------------------------------


def units(levels: Mapping[str, str], months: int, *, category: str = "A") -> Tables:
    """Units rated ``level`` on the default plan's ``task`` every month, district on target."""
    return {
        s.UNITS: [{s.UNIT_ID: u, s.NAME: u, s.CATEGORY: category} for u in levels],
        s.RESULTS: [
            {s.SUBJECT_ID: u, s.INDICATOR: "task", s.MONTH: m, s.LEVEL: level}
            for u, level in levels.items()
            for m in range(1, months + 1)
        ],
        s.DISTRICT: district(months),
    }


def cadres(
    finals: Mapping[str, float],
    months: int,
    *,
    unit: str = "U1",
    role: str = s.ROLE_STAFF,
    personnel_type: str = "公务员",
) -> Tables:
    """Cadres at full own marks (10 + 30 + 60 = 100) in a unit scoring S = 100, so the three
    links give 100 whatever the role; a monthly event of ``final − 100`` points makes the final."""
    tables: Tables = {s.POSTS: [], s.CADRES: [], s.ASSIGNMENTS: [], s.RECORDS: [], s.EVENTS: []}
    for cid, final in finals.items():
        tables[s.POSTS].append(
            {s.POST_ID: f"P{cid}", s.UNIT_ID: unit, s.NAME: "岗位", s.ROLE: role}
        )
        tables[s.CADRES].append({s.CADRE_ID: cid, s.NAME: cid, s.PERSONNEL_TYPE: personnel_type})
        tables[s.ASSIGNMENTS].append({s.CADRE_ID: cid, s.POST_ID: f"P{cid}", s.START: "2026-01-01"})
        for m in range(1, months + 1):
            tables[s.RECORDS].append(full_marks(cid, m))
            if final != 100:
                tables[s.EVENTS].append(
                    {
                        s.EVENT_ID: f"E{cid}-{m}",
                        s.SUBJECT_ID: cid,
                        s.MONTH: m,
                        s.POINTS: final - 100,
                        s.REASON: "test",
                    }
                )
    return tables


def full_marks(cid: str, month: int, **changes: Any) -> dict[str, Any]:
    return {
        s.CADRE_ID: cid,
        s.MONTH: month,
        s.LATES: 0,
        s.ABSENCES: 0,
        s.GOALS_SET: 4,
        s.GOALS_MET: 4,
        s.LEVEL: "优",
        **changes,
    }


def merge(*parts: Tables) -> Tables:
    out: Tables = {}
    for part in parts:
        for name, rows in part.items():
            if name == s.DISTRICT and name in out:
                continue
            out.setdefault(name, []).extend(rows)
    return out


def score(plan: Plan, tables: Tables, months: int | None = None) -> Out:
    return reference_score(plan, make_dataset(2026, months, **tables))


def one(rows: Sequence[dict[str, object]], **match: object) -> dict[str, object]:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def category(*groups: dict[str, Any]) -> dict[str, Any]:
    return {"A": {"groups": list(groups)}}


def group(key: str, points: float, *indicators: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "name": key, "points": points, "indicators": list(indicators)}


def indicator(key: str, method: str, weight: float = 1, **more: Any) -> dict[str, Any]:
    return {"key": key, "name": key, "weight": weight, "method": method, **more}


def unit_row(uid: str, *, tier: int | None = None, cat: str = "A") -> dict[str, Any]:
    return {s.UNIT_ID: uid, s.NAME: uid, s.CATEGORY: cat, s.TIER: tier}


def result(uid: str, key: str, month: int, **values: Any) -> dict[str, Any]:
    return {s.SUBJECT_ID: uid, s.INDICATOR: key, s.MONTH: month, **values}


def achievement(out: Out, uid: str, key: str, month: int = 1) -> object:
    return one(out["unit_indicators"], unit_id=uid, indicator=key, month=month)[s.ACHIEVEMENT]


# ---- output shape --------------------------------------------------------------------------------


def test_every_table_has_exactly_the_schema_columns_and_key_order() -> None:
    tables = merge(units({"U2": "良", "U1": "优"}, 2), cadres({"C2": 90, "C1": 80}, 2))
    out = score(make_plan(), tables)
    assert set(out) == set(s.OUTPUTS)
    assert out["warnings"] == []
    for name, rows in out.items():
        columns = [c for c, _ in s.OUTPUTS[name]]
        for row in rows:
            assert list(row) == columns, name
        keys = [tuple(str(r[k]) for k in s.OUTPUT_KEYS[name]) for r in rows]
        assert keys == sorted(keys), name
    assert [r[s.UNIT_ID] for r in out["unit_monthly"]] == ["U1", "U1", "U2", "U2"]


# ---- §2, §3 the unit scorecard -------------------------------------------------------------------


def worked_example_plan() -> Plan:
    others = [("primary", 10), ("secondary", 15), ("tertiary", 15), ("retail", 15), ("revenue", 10)]
    economic = [
        indicator("gdp", "volume_growth", 20),
        indicator("fai", "volume_growth", 15),
        *(indicator(k, "volume_growth", w) for k, w in others),
    ]
    return make_plan(
        category(
            group("common", 50, indicator("political", "rating")),
            group("economic", 30, *economic),
            group("duty", 20, indicator("investment", "completion")),
        ),
        rating_levels={"优": 1.0, "甲": 0.92},
    )


def worked_example_data() -> Tables:
    def econ(key: str, tv: float, av: float, tg: float, ag: float) -> dict[str, Any]:
        return {
            s.UNIT_ID: "U1",
            s.INDICATOR: key,
            s.MONTH: 1,
            s.TARGET_VOLUME: tv,
            s.ACTUAL_VOLUME: av,
            s.TARGET_GROWTH: tg,
            s.ACTUAL_GROWTH: ag,
        }

    full = [
        econ(k, 10, 10, 5, 5) for k in ("primary", "secondary", "tertiary", "retail", "revenue")
    ]
    return {
        s.UNITS: [unit_row("U1", tier=4)],
        s.DISTRICT: district(1, growth=9.0, target=8.0),
        s.ECONOMIC: [econ("gdp", 100, 105, 8.0, 9.6), econ("fai", 50, 40, 10, 5), *full],
        s.RESULTS: [
            result("U1", "political", 1, level="甲"),
            result("U1", "investment", 1, actual=88, target=100),
        ],
        s.EVENTS: [
            {s.EVENT_ID: "E1", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: 0.5, s.REASON: "x"}
        ],
    }


def test_worked_example_of_rules_section_3() -> None:
    out = score(worked_example_plan(), worked_example_data())
    gdp = one(out["unit_indicators"], indicator="gdp")
    # r = 0.8 × 105/100 + 0.2 × min(9.6/8.0, 1.2) = 0.84 + 0.24 = 1.08; bonus 3 × 20 × 0.08 = 4.8
    assert gdp[s.R] == pytest.approx(1.08)
    assert gdp[s.ACHIEVEMENT] == 1.0
    assert gdp[s.BONUS] == pytest.approx(4.8)
    assert gdp[s.DRAGS] is False
    fai = one(out["unit_indicators"], indicator="fai")
    # r = 0.8 × 0.8 + 0.2 × 0.5 = 0.74 < 0.9 drags → penalty 5 × 15 × 0.26 = 19.5
    assert fai[s.R] == pytest.approx(0.74)
    assert fai[s.DRAGS] is True
    assert fai[s.PENALTY] == pytest.approx(19.5)
    economic = one(out["unit_groups"], group="economic")
    # base 20 + 15 × 0.74 + 65 = 96.1; (96.1 + 4.8 − 19.5) × 30 / 100 = 24.42
    assert economic[s.BASE] == pytest.approx(96.1)
    assert economic[s.CONTRIBUTION] == pytest.approx(24.42)
    assert one(out["unit_groups"], group="common")[s.CONTRIBUTION] == pytest.approx(46.0)
    assert one(out["unit_groups"], group="duty")[s.CONTRIBUTION] == pytest.approx(17.6)
    month = one(out["unit_monthly"], unit_id="U1")
    # G = 24.42 + 46 + 17.6 = 88.02; raw = 88.02 + 0.5 = 88.52
    assert month[s.GROUPS_TOTAL] == pytest.approx(88.02)
    assert month[s.RAW] == pytest.approx(88.52)
    # C = 1 + (1.10 − 1) × clamp(9.0 / 8.0, 0, 1.5) = 1.1125; S = 88.52 × 1.1125 = 98.4785
    assert month[s.COEFFICIENT] == pytest.approx(1.1125)
    assert month[s.SCORE] == pytest.approx(98.4785)
    assert round_half_up(float(month[s.SCORE]), 2) == 98.48  # type: ignore[arg-type]
    assert (month[s.TIER], month[s.RANK], month[s.RANK_N]) == (4, 1, 1)


def test_completion_higher_and_lower_is_better() -> None:
    plan = make_plan(
        category(
            group(
                "duty",
                100,
                indicator("up", "completion"),
                indicator("down", "completion", direction="lower_is_better"),
                indicator("zero", "completion", direction="lower_is_better"),
                indicator("over", "completion"),
            )
        )
    )
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(1),
        s.RESULTS: [
            result("U1", "up", 1, actual=45, target=60),  # 45 / 60 = 0.75
            result("U1", "down", 1, actual=8, target=6),  # 6 / 8 = 0.75
            result("U1", "zero", 1, actual=0, target=6),  # actual 0 → 1
            result("U1", "over", 1, actual=130, target=100),  # clamp(1.3, 0, 1) = 1
        ],
    }
    out = score(plan, tables)
    assert achievement(out, "U1", "up") == pytest.approx(0.75)
    assert achievement(out, "U1", "down") == pytest.approx(0.75)
    assert achievement(out, "U1", "zero") == 1.0
    assert achievement(out, "U1", "over") == 1.0
    # G = 100 × (0.75 + 0.75 + 1 + 1) / 4 = 87.5
    assert one(out["unit_monthly"])[s.GROUPS_TOTAL] == pytest.approx(87.5)


def test_completion_target_zero_is_a_data_error() -> None:
    plan = make_plan(category(group("duty", 100, indicator("up", "completion"))))
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(1),
        s.RESULTS: [result("U1", "up", 1, actual=1, target=0)],
    }
    with pytest.raises(DataError) as err:
        score(plan, tables)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, s.TARGET)]


def test_rating_deduction_and_unit_weights() -> None:
    plan = make_plan(
        category(
            group(
                "duty",
                100,
                indicator("rated", "rating", 10),
                indicator("ded", "deduction", 10, points_per_occurrence=2),
            )
        ),
        unit_weights={"U1": {"ded": 5}},
    )
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(1),
        s.RESULTS: [
            result("U1", "rated", 1, level="良"),  # 0.85
            result("U1", "ded", 1, occurrences=1),  # max(0, 5 − 1 × 2) / 5 = 0.6 (unit weight 5)
        ],
    }
    out = score(plan, tables)
    assert achievement(out, "U1", "rated") == pytest.approx(0.85)
    assert achievement(out, "U1", "ded") == pytest.approx(0.6)
    assert one(out["unit_indicators"], indicator="ded")[s.WEIGHT] == 5.0
    # G = 100 × (10 × 0.85 + 5 × 0.6) / 15 = 100 × 11.5 / 15 = 76.666…
    assert one(out["unit_monthly"])[s.GROUPS_TOTAL] == pytest.approx(100 * 11.5 / 15)


def test_milestones_with_none_due_are_left_out_and_the_group_renormalises() -> None:
    plan = make_plan(
        category(
            group("common", 40, indicator("rated", "rating")),
            group("duty", 60, indicator("ms", "milestones")),
        )
    )
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(2),
        s.RESULTS: [
            result("U1", "rated", 1, level="良"),
            result("U1", "rated", 2, level="良"),
            result("U1", "ms", 1, milestones_due=0, milestones_done=0),
            result("U1", "ms", 2, milestones_due=4, milestones_done=3),
        ],
    }
    out = score(plan, tables)
    ms1 = one(out["unit_indicators"], indicator="ms", month=1)
    assert (ms1[s.INCLUDED], ms1[s.ACHIEVEMENT], ms1[s.NOTE]) == (False, None, "not due")
    # month 1: duty is empty → common gets 40 × 100 / 40 = 100 points → G = 100 × 0.85 = 85
    duty1 = one(out["unit_groups"], group="duty", month=1)
    assert (duty1[s.EFFECTIVE_POINTS], duty1[s.CONTRIBUTION]) == (0.0, 0.0)
    assert one(out["unit_groups"], group="common", month=1)[s.EFFECTIVE_POINTS] == 100.0
    assert one(out["unit_monthly"], month=1)[s.GROUPS_TOTAL] == pytest.approx(85.0)
    # month 2: 3 / 4 = 0.75 → G = 40 × 0.85 + 60 × 0.75 = 34 + 45 = 79
    assert achievement(out, "U1", "ms", 2) == pytest.approx(0.75)
    assert one(out["unit_monthly"], month=2)[s.GROUPS_TOTAL] == pytest.approx(79.0)


def test_a_unit_month_with_no_nonempty_group_is_not_scored() -> None:
    plan = make_plan(category(group("duty", 100, indicator("ms", "milestones"))))
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(1),
        s.RESULTS: [result("U1", "ms", 1, milestones_due=0, milestones_done=0)],
    }
    out = score(plan, tables)
    assert out["unit_monthly"] == []
    assert out["unit_groups"] == []
    assert len(out["unit_indicators"]) == 1


def test_rank_method_with_ties_and_a_category_of_one() -> None:
    plan = make_plan(
        {
            "A": {"groups": [group("duty", 100, indicator("biz", "rank"))]},
            "B": {
                "groups": [
                    group("duty", 100, indicator("biz", "rank", direction="lower_is_better"))
                ]
            },
        }
    )
    tables = {
        s.UNITS: [unit_row("U1"), unit_row("U2"), unit_row("U3"), unit_row("U9", cat="B")],
        s.DISTRICT: district(1),
        s.RESULTS: [
            result("U1", "biz", 1, actual=30),
            result("U2", "biz", 1, actual=20),
            result("U3", "biz", 1, actual=20),
            result("U9", "biz", 1, actual=5),
        ],
    }
    out = score(plan, tables)
    # ranks 1, 2, 2 of n = 3: 1 − (2 − 1) / (3 − 1) × (1 − 0.6) = 0.8
    assert achievement(out, "U1", "biz") == 1.0
    assert achievement(out, "U2", "biz") == pytest.approx(0.8)
    assert achievement(out, "U3", "biz") == pytest.approx(0.8)
    assert achievement(out, "U9", "biz") == 1.0  # a category of one


def test_rank_lower_is_better_ranks_ascending() -> None:
    plan = make_plan(
        category(group("duty", 100, indicator("acc", "rank", direction="lower_is_better")))
    )
    tables = {
        s.UNITS: [unit_row("U1"), unit_row("U2")],
        s.DISTRICT: district(1),
        s.RESULTS: [result("U1", "acc", 1, actual=3), result("U2", "acc", 1, actual=1)],
    }
    out = score(plan, tables)
    # U2 has fewer accidents: rank 1 → 1.0; U1 rank 2 of 2 → 1 − 1 × 0.4 = 0.6
    assert achievement(out, "U2", "acc") == 1.0
    assert achievement(out, "U1", "acc") == pytest.approx(0.6)


def test_formula_with_inputs_is_clamped() -> None:
    plan = make_plan(
        category(
            group(
                "duty",
                100,
                indicator(
                    "eff",
                    "formula",
                    formula="0.6 * actual / target + 0.4 * tax / tax_target",
                    inputs=["tax", "tax_target"],
                ),
            )
        )
    )
    tables = {
        s.UNITS: [unit_row("U1"), unit_row("U2")],
        s.DISTRICT: district(1),
        s.RESULTS: [
            result("U1", "eff", 1, actual=50, target=100),
            result("U2", "eff", 1, actual=300, target=100),
        ],
        s.INPUTS: [
            {s.SUBJECT_ID: u, s.INDICATOR: "eff", s.MONTH: 1, s.INPUT_NAME: n, s.VALUE: v}
            for u, n, v in [
                ("U1", "tax", 8),
                ("U1", "tax_target", 10),
                ("U2", "tax", 1),
                ("U2", "tax_target", 1),
            ]
        ],
    }
    out = score(plan, tables)
    assert achievement(out, "U1", "eff") == pytest.approx(0.62)  # 0.6 × 0.5 + 0.4 × 0.8
    assert achievement(out, "U2", "eff") == 1.0  # 0.6 × 3 + 0.4 = 2.2 → clamped to 1


def test_formula_without_a_finite_value_names_the_row() -> None:
    plan = make_plan(
        category(group("duty", 100, indicator("eff", "formula", formula="actual / target")))
    )
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(1),
        s.RESULTS: [result("U1", "eff", 1, actual=1, target=0)],
    }
    with pytest.raises(DataError) as err:
        score(plan, tables)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("results.csv", 2, s.INDICATOR)


def test_the_engine_writes_no_file_when_a_formula_has_no_finite_value(tmp_path: Path) -> None:
    """``score_to_csv`` writes each table as it is finished: the problem must come first."""
    plan = make_plan(
        category(group("duty", 100, indicator("eff", "formula", formula="actual / target")))
    )
    data = make_dataset(
        2026,
        None,
        **{
            s.UNITS: [unit_row("U1")],
            s.DISTRICT: district(1),
            s.RESULTS: [result("U1", "eff", 1, actual=1, target=0)],
        },
    )
    with pytest.raises(DataError) as err:
        score_to_csv(plan, data, tmp_path / "out")
    assert [p.file for p in err.value.problems] == ["results.csv"]
    assert not (tmp_path / "out").exists()


def test_quarterly_figures_carry_forward_and_wait_for_the_first() -> None:
    plan = make_plan(
        category(
            group(
                "duty",
                100,
                indicator("monthly", "rating"),
                indicator("quarterly", "rating", frequency="quarterly"),
            )
        )
    )
    tables = {
        s.UNITS: [unit_row("U1")],
        s.DISTRICT: district(4),
        s.RESULTS: [
            *(result("U1", "monthly", m, level="优") for m in range(1, 5)),
            result("U1", "quarterly", 2, level="中"),
            result("U1", "quarterly", 4, level="良"),
        ],
    }
    out = score(plan, tables)
    q1 = one(out["unit_indicators"], indicator="quarterly", month=1)
    assert (q1[s.INCLUDED], q1[s.NOTE]) == (False, "no figure yet")
    assert one(out["unit_monthly"], month=1)[s.GROUPS_TOTAL] == 100.0  # only 'monthly'
    # month 3 carries month 2's 中 (0.7) forward: G = 100 × (1 + 0.7) / 2 = 85
    assert achievement(out, "U1", "quarterly", 3) == pytest.approx(0.7)
    assert one(out["unit_monthly"], month=3)[s.GROUPS_TOTAL] == pytest.approx(85.0)
    assert achievement(out, "U1", "quarterly", 4) == pytest.approx(0.85)


def test_a_missing_month_of_a_monthly_indicator_is_a_data_error() -> None:
    tables = units({"U1": "优"}, 3)
    tables[s.RESULTS] = [r for r in tables[s.RESULTS] if r[s.MONTH] != 2]
    with pytest.raises(DataError, match="no row of task for 02"):
        score(make_plan(), tables)


def test_an_indicator_without_rows_or_with_weight_zero_is_not_carried() -> None:
    plan = make_plan(
        category(
            group("duty", 100, indicator("a", "rating"), indicator("b", "rating")),
        ),
        unit_weights={"U2": {"a": 0}},
    )
    tables = {
        s.UNITS: [unit_row("U1"), unit_row("U2")],
        s.DISTRICT: district(1),
        s.RESULTS: [
            result("U1", "a", 1, level="中"),
            result("U2", "a", 1, level="中"),
            result("U2", "b", 1, level="良"),
        ],
    }
    out = score(plan, tables)
    assert [(r[s.UNIT_ID], r[s.INDICATOR]) for r in out["unit_indicators"]] == [
        ("U1", "a"),
        ("U2", "b"),
    ]
    assert one(out["unit_monthly"], unit_id="U1")[s.GROUPS_TOTAL] == pytest.approx(70.0)
    assert one(out["unit_monthly"], unit_id="U2")[s.GROUPS_TOTAL] == pytest.approx(85.0)


def test_volume_growth_with_growth_target_at_or_below_zero_and_the_drags_flag() -> None:
    plan = make_plan(category(group("economic", 100, indicator("gdp", "volume_growth", 10))))
    row = {
        s.UNIT_ID: "U1",
        s.INDICATOR: "gdp",
        s.MONTH: 1,
        s.TARGET_VOLUME: 100,
        s.ACTUAL_VOLUME: 80,
        s.TARGET_GROWTH: -2.0,
        s.ACTUAL_GROWTH: 1.0,
        s.DRAGS: False,
    }
    out = score(plan, {s.UNITS: [unit_row("U1")], s.DISTRICT: district(1), s.ECONOMIC: [row]})
    gdp = one(out["unit_indicators"], indicator="gdp")
    # rg = 1 + (1 − (−2)) / 100 = 1.03; r = 0.8 × 0.8 + 0.2 × 1.03 = 0.846 < 0.9, but the bureau
    # says it does not drag → no penalty
    assert gdp[s.RG] == pytest.approx(1.03)
    assert gdp[s.R] == pytest.approx(0.846)
    assert (gdp[s.DRAGS], gdp[s.PENALTY], gdp[s.BONUS]) == (False, 0.0, 0.0)


def test_volume_growth_basis_points_gives_lump_sums() -> None:
    plan = make_plan(
        category(group("economic", 100, indicator("gdp", "volume_growth", 10, k_bonus=4))),
        economic={"basis": "points"},
    )
    rows = [
        {
            s.UNIT_ID: u,
            s.INDICATOR: "gdp",
            s.MONTH: 1,
            s.TARGET_VOLUME: 100,
            s.ACTUAL_VOLUME: av,
            s.TARGET_GROWTH: 5,
            s.ACTUAL_GROWTH: 5,
        }
        for u, av in (("U1", 110), ("U2", 50))
    ]
    units_ = [unit_row("U1"), unit_row("U2")]
    out = score(plan, {s.UNITS: units_, s.DISTRICT: district(1), s.ECONOMIC: rows})
    # U1: r = 0.8 × 1.1 + 0.2 = 1.08 ≥ 1 → bonus 4 × 10 = 40
    assert one(out["unit_indicators"], unit_id="U1")[s.BONUS] == 40.0
    # U2: r = 0.8 × 0.5 + 0.2 = 0.6 < 0.9 → penalty 5 × 10 = 50
    assert one(out["unit_indicators"], unit_id="U2")[s.PENALTY] == 50.0
    # U1: G = 100 × (10 × 1 + 40) / 10 = 500 (the bonus is scaled like the base)
    assert one(out["unit_monthly"], unit_id="U1")[s.GROUPS_TOTAL] == pytest.approx(500.0)


# ---- §4, §5 coefficients and events --------------------------------------------------------------


def test_negative_totals_are_floored_at_zero() -> None:
    tables = units({"U1": "差"}, 1)
    tables[s.EVENTS] = [
        {s.EVENT_ID: "E", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: -60.0, s.REASON: "x"}
    ]
    month = one(score(make_plan(), tables)["unit_monthly"])
    # raw = 50 − 60 = −10; S = max(0, −10 × 1.0) = 0
    assert month[s.RAW] == pytest.approx(-10.0)
    assert month[s.SCORE] == 0.0


def test_event_caps_by_kind() -> None:
    tables = units({"U1": "优"}, 1)
    points = [
        (8.0, None),
        (5.0, "normal"),
        (3.0, "special"),
        (12.0, "frontline"),
        (-4.0, "normal"),
        (-30.0, "special"),
    ]
    tables[s.EVENTS] = [
        {s.EVENT_ID: f"E{i}", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: p, s.KIND: k, "reason": "x"}
        for i, (p, k) in enumerate(points)
    ]
    month = one(score(make_plan(), tables)["unit_monthly"])
    # normal min(13, 10) + special min(3, 10) + frontline min(12, 10) − 4 − 30 = −11
    assert month[s.EVENTS_TOTAL] == pytest.approx(-11.0)
    uncapped = make_plan(events={"caps": {"normal": None, "special": 10, "frontline": 10}})
    # normal uncapped: 13 + 3 + 10 − 34 = −8
    assert one(score(uncapped, tables)["unit_monthly"])[s.EVENTS_TOTAL] == pytest.approx(-8.0)


def test_an_unknown_event_kind_is_a_data_error() -> None:
    tables = units({"U1": "优"}, 1)
    tables[s.EVENTS] = [
        {s.EVENT_ID: "E", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: 1, s.KIND: "odd", "reason": "x"}
    ]
    with pytest.raises(DataError, match=r"events\.caps"):
        score(make_plan(), tables)


def test_coefficient_applies_to_total_or_to_indicators() -> None:
    tables = units({"U1": "优"}, 1)
    tables[s.UNITS][0][s.TIER] = 4
    tables[s.RESULTS][0][s.LEVEL] = "良"
    tables[s.EVENTS] = [
        {s.EVENT_ID: "E", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: 2.0, s.REASON: "x"}
    ]
    total = one(score(make_plan(), tables)["unit_monthly"])
    # C = 1 + 0.10 × clamp(8 / 8, 0, 1.5) = 1.10; S = (85 + 2) × 1.1 = 95.7
    assert total[s.COEFFICIENT] == pytest.approx(1.1)
    assert total[s.SCORE] == pytest.approx(95.7)
    plan = make_plan(coefficient={"applies_to": "indicators"})
    indicators = one(score(plan, tables)["unit_monthly"])
    # S = 85 × 1.1 + 2 = 95.5; raw is G + E = 87 in both cases
    assert indicators[s.SCORE] == pytest.approx(95.5)
    assert indicators[s.RAW] == pytest.approx(87.0)


def test_dynamic_coefficient_is_clamped() -> None:
    tables = units({"U1": "优"}, 1)
    tables[s.UNITS][0][s.TIER] = 6
    tables[s.DISTRICT] = district(1, growth=20.0, target=8.0)
    month = one(score(make_plan(), tables)["unit_monthly"])
    # 1 + 0.18 × clamp(2.5, 0, 1.5) = 1.27
    assert month[s.COEFFICIENT] == pytest.approx(1.27)


def test_units_rank_by_published_score_within_category_and_month() -> None:
    tables = units({"U1": "良", "U2": "优", "U3": "良"}, 1)
    out = score(make_plan(), tables)
    ranks = {r[s.UNIT_ID]: (r[s.RANK], r[s.RANK_N]) for r in out["unit_monthly"]}
    assert ranks == {"U1": (2, 3), "U2": (1, 3), "U3": (2, 3)}


# ---- §6 sections and cadres ----------------------------------------------------------------------


def test_cadre_own_score_components() -> None:
    tables = merge(units({"U1": "优"}, 1), cadres({"C1": 100, "C2": 100, "C3": 100}, 1))
    tables[s.RECORDS] = [
        full_marks("C1", 1, lates=3, absences=1, goals_set=4, goals_met=3, level="良"),
        full_marks("C2", 1, lates=30, absences=0, goals_set=0, goals_met=0),
        full_marks("C3", 1, goals_set=None, goals_met=None),
    ]
    out = score(make_plan(), tables)
    c1 = one(out["cadre_monthly"], cadre_id="C1")
    # 10 − 0.5 × 3 − 2 × 1 = 6.5; 30 × 3 / 4 = 22.5; 60 × 0.85 = 51 → own 80
    assert (c1[s.ATTENDANCE], c1[s.WEEKLY], c1[s.MONTHLY]) == pytest.approx((6.5, 22.5, 51.0))
    assert c1[s.OWN] == pytest.approx(80.0)
    assert c1[s.NO_GOALS] is False
    # staff without section: 0.7 × 80 + 0.3 × 100 = 86
    assert c1[s.FINAL] == pytest.approx(86.0)
    c2 = one(out["cadre_monthly"], cadre_id="C2")
    # attendance max(0, 10 − 15) = 0; no goals set → 30 and flagged
    assert (c2[s.ATTENDANCE], c2[s.WEEKLY], c2[s.NO_GOALS]) == (0.0, 30.0, True)
    assert one(out["cadre_monthly"], cadre_id="C3")[s.NO_GOALS] is True


def test_goals_met_above_goals_set_is_a_data_error() -> None:
    tables = merge(units({"U1": "优"}, 1), cadres({"C1": 100}, 1))
    tables[s.RECORDS] = [full_marks("C1", 1, goals_set=2, goals_met=3)]
    with pytest.raises(DataError) as err:
        score(make_plan(), tables)
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [
        ("records.csv", 2, s.GOALS_MET)
    ]


def test_a_record_without_a_post_is_a_data_error_and_leave_is_unscored() -> None:
    tables = merge(units({"U1": "优"}, 2), cadres({"C1": 100}, 2))
    tables[s.RECORDS][1][s.ON_LEAVE] = True
    out = score(make_plan(), tables)
    assert [r[s.MONTH] for r in out["cadre_monthly"]] == [1]
    tables[s.ASSIGNMENTS][0]["end"] = "2026-01-31"
    with pytest.raises(DataError, match="holds no post"):
        score(make_plan(), tables)


def test_three_links_for_staff_leader_and_principal() -> None:
    tables = merge(
        units({"U1": "良"}, 1),  # S = 85
        cadres({"S1": 100, "S2": 100}, 1),
        cadres({"L1": 100}, 1, role=s.ROLE_LEADER),
        cadres({"P1": 100}, 1, role=s.ROLE_PRINCIPAL),
    )
    tables[s.SECTIONS] = [{s.SECTION_ID: "K1", s.UNIT_ID: "U1", s.NAME: "科"}]
    tables[s.POSTS][0][s.SECTION_ID] = "K1"  # S1 works in section K1
    tables[s.TASKS] = [
        {s.TASK_ID: "T1", s.SECTION_ID: "K1", s.NAME: "t", s.WEIGHT: 2, s.METHOD: "completion"},
        {s.TASK_ID: "T2", s.SECTION_ID: "K1", s.NAME: "t", s.WEIGHT: 1, s.METHOD: "rating"},
        {s.TASK_ID: "T3", s.SECTION_ID: "K1", s.NAME: "t", s.WEIGHT: 5, s.METHOD: "rating"},
    ]
    tables[s.RESULTS] += [
        result("K1", "T1", 1, actual=5, target=10),  # 0.5
        result("K1", "T2", 1, level="优"),  # 1.0; T3 has no row → left out
    ]
    out = score(make_plan(), tables)
    section = one(out["section_monthly"], section_id="K1")
    # own = 100 × (2 × 0.5 + 1 × 1) / 3 = 66.67; final = 0.7 × 66.67 + 0.3 × 85 = 72.1667
    own = 100 * 2 / 3
    assert section[s.OWN] == pytest.approx(own)
    assert section[s.COEFFICIENT] == 1.0
    assert section[s.FINAL] == pytest.approx(0.7 * own + 25.5)
    assert section[s.NO_TASKS] is False
    finals = {r[s.CADRE_ID]: r[s.FINAL] for r in out["cadre_monthly"]}
    assert finals["S1"] == pytest.approx(70 + 0.3 * (0.7 * own + 25.5))  # 0.7 × 100 + 0.3 × K1
    assert finals["S2"] == pytest.approx(70 + 0.3 * 85)  # no section → unit S: 95.5
    assert finals["L1"] == pytest.approx(60 + 0.4 * 85)  # 94
    assert finals["P1"] == pytest.approx(50 + 0.5 * 85)  # 92.5
    assert one(out["cadre_monthly"], cadre_id="S1")[s.UPPER] == pytest.approx(0.7 * own + 25.5)


def test_section_without_tasks_takes_the_unit_score_and_is_flagged() -> None:
    tables = units({"U1": "良"}, 1)
    tables[s.SECTIONS] = [{s.SECTION_ID: "K1", s.UNIT_ID: "U1", s.NAME: "科", s.TIER: 4}]
    section = one(score(make_plan(), tables)["section_monthly"])
    # own missing → final renormalises to S = 85; the tier-4 coefficient 1.10 is reported
    assert (section[s.OWN], section[s.NO_TASKS]) == (None, True)
    assert section[s.FINAL] == pytest.approx(85.0)
    assert section[s.COEFFICIENT] == pytest.approx(1.1)


def test_section_coefficient_applies_to_its_own_score() -> None:
    tables = units({"U1": "良"}, 1)
    tables[s.SECTIONS] = [{s.SECTION_ID: "K1", s.UNIT_ID: "U1", s.NAME: "科", s.TIER: 4}]
    tables[s.TASKS] = [
        {s.TASK_ID: "T1", s.SECTION_ID: "K1", s.NAME: "t", s.WEIGHT: 1, s.METHOD: "rating"}
    ]
    tables[s.RESULTS].append(result("K1", "T1", 1, level="中"))
    on = one(score(make_plan(), tables)["section_monthly"])
    # own = 100 × 0.7 × 1.10 = 77
    assert on[s.OWN] == pytest.approx(77.0)
    off = one(score(make_plan(coefficient={"sections": False}), tables)["section_monthly"])
    assert (off[s.OWN], off[s.COEFFICIENT]) == (pytest.approx(70.0), 1.0)


def test_monthly_cadre_peer_group_falls_back_to_the_category() -> None:
    five = {f"C{i}": 100 - i for i in range(1, 6)}
    tables = merge(
        units({"U1": "优", "U2": "优"}, 1),
        cadres(five, 1),
        cadres({"D1": 97}, 1, unit="U2"),
    )
    out = score(make_plan(), tables)
    c1 = one(out["cadre_monthly"], cadre_id="C1")
    assert (c1[s.PEER_GROUP], c1[s.RANK], c1[s.RANK_N]) == ("unit:U1:staff", 1, 5)
    d1 = one(out["cadre_monthly"], cadre_id="D1")
    # U2 has one staff (< 5): the staff of the whole category A, 6 of them; 97 ties C3
    assert (d1[s.PEER_GROUP], d1[s.RANK], d1[s.RANK_N]) == ("category:A:staff", 3, 6)


# ---- §6 periods ----------------------------------------------------------------------------------


def test_period_blending_with_and_without_a_rating() -> None:
    tables = merge(units({"U1": "良"}, 3), cadres({"C1": 90, "C2": 80}, 3))
    tables[s.EVALUATIONS] = [
        {
            s.SUBJECT_ID: "C1",
            s.PERIOD: "2026-Q1",
            s.KIND: "quarterly",
            s.SCORE: 80,
            s.RATER_ID: "a",
        },
        {
            s.SUBJECT_ID: "C1",
            s.PERIOD: "2026-Q1",
            s.KIND: "quarterly",
            s.SCORE: 90,
            s.RATER_ID: "b",
        },
    ]
    tables[s.RECORDS] = [r for r in tables[s.RECORDS] if (r[s.CADRE_ID], r[s.MONTH]) != ("C2", 2)]
    out = score(make_plan(), tables)
    # C1 finals: 0.7 × 100 + 0.3 × 85 − 10 = 85.5 each month; rating (80 + 90) / 2 = 85
    # → 0.7 × 85.5 + 0.3 × 85 = 85.35
    c1 = one(out["periods"], subject_id="C1", period="2026-Q1")
    assert (c1[s.MEAN_MONTHLY], c1[s.RATING]) == pytest.approx((85.5, 85.0))
    assert c1[s.SCORE] == pytest.approx(85.35)
    # C2: two scored months of 75.5, no rating → renormalised to the mean
    c2 = one(out["periods"], subject_id="C2", period="2026-Q1")
    assert (c2[s.MONTHS], c2[s.RATING], c2[s.SCORE]) == (2, None, pytest.approx(75.5))
    unit = one(out["periods"], subject_id="U1", period="2026-Q1")
    assert (unit[s.SUBJECT_TYPE], unit[s.SCORE], unit[s.MONTHS]) == ("unit", 85.0, 3)
    assert [r[s.PERIOD] for r in out["periods"] if r[s.SUBJECT_ID] == "U1"] == ["2026-Q1"]


# ---- §7 the year ---------------------------------------------------------------------------------


def evaluation(subject: str, kind: str, score_: float, **more: Any) -> dict[str, Any]:
    return {s.SUBJECT_ID: subject, s.PERIOD: "2026", s.KIND: kind, s.SCORE: score_, **more}


def test_political_quality_rating_and_evidence() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 90, "C2": 90}, 12))
    tables[s.EVALUATIONS] = [
        evaluation("C1", "political", 90, item="政治判断力", rater_id="a"),
        evaluation("C1", "political", 80, item="政治判断力", rater_id="b"),
        evaluation("C1", "political", 80, item="政治领悟力", rater_id="a"),
        evaluation("C2", "political", 97, item="政治执行力", rater_id="a"),
    ]
    tables[s.EVIDENCE_TABLE] = [
        {
            s.EVIDENCE_ID: f"V{i}",
            s.SUBJECT_ID: subject,
            s.DATE: "2026-05-01",
            s.SOURCE: "work",
            s.DIRECTION: direction,
            s.RECORDED_BY: "x",
        }
        for i, (subject, direction) in enumerate(
            [("C1", "positive"), ("C1", "positive"), ("C1", "negative")] + [("C2", "positive")] * 6
        )
    ]
    out = score(make_plan(), tables)
    c1 = one(out["political"], subject_id="C1")
    # items: 判断力 mean 85, 领悟力 80, 执行力 unrated → (85 + 80) / 2 = 82.5; 2 × 2 − 4 × 1 = 0
    assert (c1[s.RATING], c1[s.POSITIVE], c1[s.NEGATIVE]) == (82.5, 2, 1)
    assert (c1[s.ADJUSTMENT], c1[s.SCORE]) == (0.0, 82.5)
    c2 = one(out["political"], subject_id="C2")
    # 2 × 6 = 12 → clamped to 10; 97 + 10 → clamped to 100
    assert (c2[s.ADJUSTMENT], c2[s.SCORE]) == (10.0, 100.0)


def test_an_unknown_political_item_is_a_data_error() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 90}, 12))
    tables[s.EVALUATIONS] = [evaluation("C1", "political", 90, item="德")]
    with pytest.raises(DataError, match="not a political item"):
        score(make_plan(), tables)


def test_annual_with_missing_components_renormalised() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 90, "C2": 90}, 12))
    tables[s.EVALUATIONS] = [
        evaluation("C1", "review", 80, rater_id="r"),
        evaluation("C2", "democratic", 80, item="德", rater_group="leaders"),
        evaluation("C2", "democratic", 90, item="能", rater_group="peers"),
        evaluation("C2", "democratic", 20, item="勤", rater_group="subordinates", ballots=0),
        evaluation("C2", "political", 70, item="政治判断力"),
        evaluation("C2", "review", 60),
        evaluation("C2", "review", 80),
    ]
    out = score(make_plan(), tables)
    c1 = one(out["annual"], subject_id="C1")
    # comprehensive = (0.4 × 80 + 0.2 × 90) / 0.6 = 83.33 (no democratic)
    # annual = (0.5 × 90 + 0.4 × 83.33) / 0.9 = 87.037 (no political)
    assert c1[s.COMPREHENSIVE] == pytest.approx(50 / 0.6)
    assert c1[s.SCORE] == pytest.approx((45 + 0.4 * 50 / 0.6) / 0.9)
    assert (c1[s.ROLE], c1[s.MONTHS], c1[s.SECOND_HALF]) == ("staff", 12, pytest.approx(90.0))
    c2 = one(out["annual"], subject_id="C2")
    # democratic: subordinates all 0 ballots → left out: (0.3 × 80 + 0.4 × 90) / 0.7 = 85.714
    democratic = 60 / 0.7
    assert c2[s.DEMOCRATIC] == pytest.approx(democratic)
    # comprehensive = 0.4 × 85.714 + 0.4 × 70 + 0.2 × 90; annual = 0.5 × 90 + 0.1 × 70 + 0.4 × it
    comprehensive = 0.4 * democratic + 0.4 * 70 + 0.2 * 90
    assert c2[s.COMPREHENSIVE] == pytest.approx(comprehensive)
    assert c2[s.SCORE] == pytest.approx(45 + 7 + 0.4 * comprehensive)
    team = one(out["annual"], subject_id="U1")
    # team: monthly 100, H2 100, nothing else → 100
    assert (team[s.SUBJECT_TYPE], team[s.ROLE], team[s.SCORE]) == ("team", None, 100.0)


def test_democratic_items_weigh_the_group_mean() -> None:
    plan = make_plan(
        annual={"cadre_items": [{"name": "德", "weight": 3}, {"name": "能", "weight": 1}]}
    )
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 90}, 12))
    tables[s.EVALUATIONS] = [
        evaluation("C1", "democratic", 80, item="德", rater_group="peers"),
        evaluation("C1", "democratic", 60, item="能", rater_group="peers"),
        evaluation("C1", "democratic", 50, rater_group="peers", rater_id="x"),
    ]
    # peers: (3 × 80 + 1 × 60 + 1 × 50) / 5 = 70; the only group → 70
    assert one(score(plan, tables)["annual"], subject_id="C1")[s.DEMOCRATIC] == pytest.approx(70)


def test_undetermined_cadres() -> None:
    tables = merge(
        units({"U1": "优"}, 12),
        cadres({"C1": 95, "C2": 95, "C3": 95, "C4": 80}, 12),
    )
    tables[s.CADRES][0][s.PROBATION_END] = "2026-12-31"  # C1: probation to the year's end
    for record in tables[s.RECORDS]:
        if record[s.CADRE_ID] == "C2" and record[s.MONTH] <= 7:
            record[s.ON_LEAVE] = True  # C2: 7 months on leave > 6
    tables[s.RECORDS] = [r for r in tables[s.RECORDS] if r[s.CADRE_ID] != "C3"]  # C3: no month
    out = score(make_plan(), tables)
    grades = {r[s.SUBJECT_ID]: (r[s.GRADE], r[s.QUOTA_GROUP]) for r in out["annual"]}
    assert grades["C1"] == ("不定等次", "")
    assert grades["C2"] == ("不定等次", "")
    assert grades["C3"] == ("不定等次", "")
    assert grades["C4"] == ("称职", "staff|unit:U1|公务员")
    assert one(out["annual"], subject_id="C1")[s.SCORE] == pytest.approx(95.0)
    c3 = one(out["annual"], subject_id="C3")
    assert (c3[s.SCORE], c3[s.MONTHS], c3[s.RANK]) == (None, 0, None)
    # only C4 is graded: n = 1
    assert one(out["quota"], quota_group="staff|unit:U1|公务员")[s.N] == 1


def test_no_annual_tables_without_december() -> None:
    out = score(make_plan(), merge(units({"U1": "优"}, 11), cadres({"C1": 90}, 11)))
    assert out["annual"] == []
    assert out["quota"] == []
    assert out["political"] == []
    assert not [a for a in out["actions"] if a[s.PERIOD] == "2026"]


# ---- §8 grades under a strict quota --------------------------------------------------------------


def grades(out: Out) -> dict[object, object]:
    return {r[s.SUBJECT_ID]: r[s.GRADE] for r in out["annual"] if r[s.SUBJECT_TYPE] == "cadre"}


def test_a_tie_at_the_quota_boundary_gets_the_top_grade_for_none() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 95, "C2": 95, "C3": 92, "C4": 80}, 12))
    tables = merge(tables, cadres({"C5": 60}, 12))
    out = score(make_plan(), tables)
    # n = 5 → quota floor(0.2 × 5) = 1; C1 and C2 tie on 95 / 95 / no political → 2 > 1
    assert grades(out) == {"C1": "称职", "C2": "称职", "C3": "称职", "C4": "称职", "C5": "基本称职"}
    quota = one(out["quota"], quota_group="staff|unit:U1|公务员")
    assert (quota[s.N], quota[s.QUOTA], quota[s.CANDIDATES], quota[s.GRANTED]) == (5, 1, 3, 0)


def test_the_quota_goes_down_the_order_and_political_breaks_ties() -> None:
    tables = merge(
        units({"U1": "优"}, 12),
        cadres({f"C{i}": 90 for i in range(1, 5)}, 12),
        cadres({"C5": 91, **{f"C{i}": 70 for i in range(6, 11)}}, 12),
    )
    tables[s.EVALUATIONS] = [
        evaluation("C1", "political", 90, item="政治判断力"),
        evaluation("C2", "political", 89.994, item="政治判断力"),
    ]
    tables[s.REVIEWS] = [
        {
            s.SUBJECT_ID: "C1",
            s.YEAR: 2026,
            s.OUTCOME: "confirm",
            s.REVIEWER: "x",
            s.DATE: "2026-12-31",
        }
    ]
    out = score(make_plan(), tables)
    # n = 10 → quota 2. C5 (91) first; C1 and C2: annual (0.5 × 90 + 0.1 × 90 + 0.4 × 90) = 90,
    # C2's political publishes as 89.99 (annual 89.9994 → 90.00) → C1 second; C3, C4 (no
    # political) third. So C5 and C1 get 优秀.
    got = grades(out)
    assert (got["C5"], got["C1"], got["C2"], got["C3"]) == ("优秀", "优秀", "称职", "称职")
    status = {r[s.SUBJECT_ID]: r[s.TOP_STATUS] for r in out["annual"]}
    assert (status["C1"], status["C5"], status["C2"]) == ("confirmed", "candidate", "")


def test_min_one_gives_a_small_group_one_place() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 95, "C2": 93}, 12))
    assert grades(score(make_plan(), tables)) == {"C1": "称职", "C2": "称职"}  # floor(0.4) = 0
    plan = make_plan(grades={"quota": {"min_one": True}})
    assert grades(score(plan, tables)) == {"C1": "优秀", "C2": "称职"}


def test_review_reject_removes_a_candidate() -> None:
    plan = make_plan(grades={"quota": {"min_one": True}})
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 95, "C2": 93}, 12))
    tables[s.REVIEWS] = [
        {
            s.SUBJECT_ID: "C1",
            s.YEAR: 2026,
            s.OUTCOME: "reject",
            s.REVIEWER: "x",
            s.DATE: "2026-12-31",
        },
        {
            s.SUBJECT_ID: "C2",
            s.YEAR: 2026,
            s.OUTCOME: "confirm",
            s.REVIEWER: "x",
            s.DATE: "2026-12-31",
        },
    ]
    out = score(plan, tables)
    assert grades(out) == {"C1": "称职", "C2": "优秀"}
    assert one(out["annual"], subject_id="C2")[s.TOP_STATUS] == "confirmed"
    assert one(out["quota"], subject_type="cadre")[s.CANDIDATES] == 1


def test_veto_and_sanctions_cap_the_grade() -> None:
    plan = make_plan(grades={"quota": {"share": 0.25}})
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 95, "C2": 95, "C3": 95, "C4": 75}, 12))
    tables[s.EVENTS] += [
        {
            s.EVENT_ID: "V1",
            s.SUBJECT_ID: "C1",
            s.MONTH: 3,
            s.POINTS: 0,
            s.REASON: "x",
            s.VETO: True,
        },
        {
            s.EVENT_ID: "V2",
            s.SUBJECT_ID: "C2",
            s.MONTH: 3,
            s.POINTS: 0,
            s.REASON: "x",
            s.SANCTION: "警告",
        },
        {
            s.EVENT_ID: "V3",
            s.SUBJECT_ID: "C4",
            s.MONTH: 3,
            s.POINTS: 0,
            s.REASON: "x",
            s.SANCTION: "记过",
        },
    ]
    out = score(plan, tables)
    # quota floor(0.25 × 4) = 1: C1 (veto) → 基本称职, C2 (警告) → 称职, C3 the only candidate →
    # 优秀; C4 (75, 记过) → at most 基本称职
    assert grades(out) == {"C1": "基本称职", "C2": "称职", "C3": "优秀", "C4": "基本称职"}


def test_a_team_graded_yiban_bars_its_principal_and_a_unit_veto_caps_the_team() -> None:
    plan = make_plan(grades={"quota": {"min_one": True}}, rating_levels={"优": 1.0, "中下": 0.65})
    tables = merge(
        units({"U1": "中下", "U2": "优"}, 12),  # S = 65 and 100
        cadres({"P1": 100}, 12, role=s.ROLE_PRINCIPAL),
        cadres({"P2": 95}, 12, role=s.ROLE_PRINCIPAL, unit="U2"),
    )
    # P1: 0.5 × 100 + 0.5 × 65 = 82.5, + normal 10 + special 2.5 = 95 every month
    tables[s.EVENTS] += [
        {
            s.EVENT_ID: f"B{m}{k}",
            s.SUBJECT_ID: "P1",
            s.MONTH: m,
            s.POINTS: p,
            s.KIND: k,
            "reason": "x",
        }
        for m in range(1, 13)
        for k, p in (("normal", 10.0), ("special", 2.5))
    ]
    out = score(plan, tables)
    team = {r[s.SUBJECT_ID]: r[s.GRADE] for r in out["annual"] if r[s.SUBJECT_TYPE] == "team"}
    # teams: U1 65 → 一般; U2 100 → the one place of min_one (both in category A, n = 2)
    assert team == {"U1": "一般", "U2": "好"}
    p1 = one(out["annual"], subject_id="P1")
    assert p1[s.SCORE] == pytest.approx(95.0)
    assert p1[s.GRADE] == "称职"  # 一般 team bars its principal; P2 takes the place
    assert one(out["annual"], subject_id="P2")[s.GRADE] == "优秀"
    assert p1[s.QUOTA_GROUP] == "principal|district|公务员"
    tables[s.EVENTS].append(
        {
            s.EVENT_ID: "UV",
            s.SUBJECT_ID: "U2",
            s.MONTH: 5,
            s.POINTS: 0,
            s.REASON: "x",
            s.VETO: True,
            s.VETO_TYPE: "安全生产",
        }
    )
    vetoed = score(plan, tables)
    team = {r[s.SUBJECT_ID]: r[s.GRADE] for r in vetoed["annual"] if r[s.SUBJECT_TYPE] == "team"}
    # unit veto caps U2 at 一般 and bars P2 from 优秀
    assert team == {"U1": "一般", "U2": "一般"}
    assert grades(vetoed)["P2"] == "称职"


def test_a_unit_veto_needs_a_listed_veto_type() -> None:
    tables = units({"U1": "优"}, 1)
    tables[s.EVENTS] = [
        {s.EVENT_ID: "UV", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: 0, s.REASON: "x", s.VETO: True}
    ]
    with pytest.raises(DataError, match="unit_veto_types"):
        score(make_plan(), tables)


def test_seconded_staff_are_graded_in_their_home_unit() -> None:
    tables = merge(units({"U1": "优", "U2": "优"}, 12), cadres({"C1": 90}, 12, unit="U2"))
    tables[s.CADRES][0][s.HOME_UNIT_ID] = "U1"
    plan = make_plan(grades={"quota": {"by_personnel_type": False}})
    row = one(score(plan, tables)["annual"], subject_id="C1")
    assert row[s.QUOTA_GROUP] == "staff|unit:U1"


# ---- §9 bottom-rank follow-up --------------------------------------------------------------------


def test_bottom_cut_with_ties_is_flagged() -> None:
    levels = {"U1": "优", "U2": "优", "U3": "良", "U4": "良", "U5": "差", "U6": "差"}
    out = score(make_plan(), units(levels, 3))
    # n = 6 → cut max(1, floor(0.6)) = 1; the cut score 50 is shared by U5 and U6 → both, tied
    actions = out["actions"]
    assert [a[s.SUBJECT_ID] for a in actions] == ["U5", "U6"]
    u5 = actions[0]
    assert (u5[s.PERIOD], u5[s.ACTION], u5[s.SUBJECT_TYPE]) == ("2026-Q1", "谈话提醒", "unit")
    assert (u5[s.RANK], u5[s.N], u5[s.TIED], u5[s.SCORE]) == (5, 6, True, 50.0)
    assert (u5[s.OWNER], u5[s.DUE]) == ("office", "2026-04-30")  # 31 March + 30 days


def test_bottom_needs_five_eligible_with_min_months() -> None:
    plan = make_plan(category(group("duty", 100, indicator("ms", "milestones"))))
    done = {"U1": 4, "U2": 4, "U3": 3, "U4": 3, "U5": 2}  # of 4 due: 1, 1, 0.75, 0.75, 0.5

    def tables(u1_due_later: int) -> Tables:
        return {
            s.UNITS: [unit_row(u) for u in done],
            s.DISTRICT: district(3),
            s.RESULTS: [
                result(u, "ms", m, milestones_due=due, milestones_done=d * due // 4)
                for u, d in done.items()
                for m in (1, 2, 3)
                for due in [4 if u != "U1" or m == 1 else u1_due_later]
            ],
        }

    out = score(plan, tables(4))
    assert [(a[s.SUBJECT_ID], a[s.TIED], a[s.RANK]) for a in out["actions"]] == [("U5", False, 5)]
    # U1 has nothing due in months 2 and 3: 1 scored month < 2 → 4 eligible < 5 → no bottom
    assert score(plan, tables(0))["actions"] == []


def test_staff_bottom_action_is_owned_by_the_unit() -> None:
    finals = {"C1": 90, "C2": 85, "C3": 80, "C4": 75, "C5": 70}
    out = score(make_plan(), merge(units({"U1": "优"}, 6), cadres(finals, 6)))
    actions = [(a[s.SUBJECT_ID], a[s.PERIOD], a[s.ACTION], a[s.OWNER]) for a in out["actions"]]
    assert ("C5", "2026-Q1", "谈话提醒", "U1") in actions
    assert ("C5", "2026-H1", "岗位调整", "U1") in actions
    h1 = one(out["actions"], subject_id="C5", period="2026-H1")
    assert (h1[s.RANK], h1[s.N], h1[s.DUE]) == (5, 5, "2026-07-30")


# ---- §10 pay and training ------------------------------------------------------------------------


def test_largest_remainder_with_equal_remainders_to_the_lower_id() -> None:
    # 100 / 3 = 33 r 1 each → the one cent left goes to the lowest id
    assert allocate_pool(100, {"C2": 1, "C1": 1, "C3": 1}) == {"C2": 33, "C1": 34, "C3": 33}
    # 100 × 2 / 3 = 66 r 2, 100 × 1 / 3 = 33 r 1 → the larger remainder wins
    assert allocate_pool(100, {"A": 1, "B": 2}) == {"A": 33, "B": 67}
    assert allocate_pool(5, {"A": 0, "B": 0}) is None


def test_pay_splits_the_pool_by_final_times_post_coefficient() -> None:
    tables = merge(units({"U1": "优"}, 1), cadres({"C1": 100, "C2": 50, "C3": 50}, 1))
    tables[s.POSTS][0][s.TIER] = 2  # C1's post coefficient 1.03
    tables[s.POOLS] = [{s.UNIT_ID: "U1", s.MONTH: 1, s.POOL_CENTS: 1_000_001}]
    out = score(make_plan(), tables)
    cents = {r[s.CADRE_ID]: r[s.CENTS] for r in out["pay"]}
    # weights 10000 × 10300, 5000 × 10000, 5000 × 10000 → 103 : 50 : 50 of 203
    # C1 1000001 × 103 / 203 = 507389 r 136; C2, C3 1000001 × 50 / 203 = 246305 r 135 each
    # 1000001 − 507389 − 2 × 246305 = 2 cents left → C1 (136), then C2 (135, lower id than C3)
    assert cents == {"C1": 507390, "C2": 246306, "C3": 246305}
    assert sum(cents.values()) == 1_000_001  # type: ignore[arg-type]
    assert one(out["pay"], cadre_id="C1")[s.AMOUNT] == "5073.90"


def test_a_pool_with_all_weights_zero_or_nobody_scored_is_not_allocated() -> None:
    tables = merge(units({"U1": "优", "U2": "优"}, 1), cadres({"C1": 0}, 1))
    tables[s.EVENTS][0][s.POINTS] = -200.0  # final max(0, 100 − 200) = 0
    tables[s.POOLS] = [
        {s.UNIT_ID: "U1", s.MONTH: 1, s.POOL_CENTS: 500},
        {s.UNIT_ID: "U2", s.MONTH: 1, s.POOL_CENTS: 700},
    ]
    out = score(make_plan(), tables)
    assert out["pay"] == []
    assert [(r[s.UNIT_ID], r[s.REASON]) for r in out["pay_unallocated"]] == [
        ("U1", "all weights zero"),
        ("U2", "no scored cadre"),
    ]


def test_training_threshold_and_bottom_quarter() -> None:
    plan = make_plan(
        category(group("duty", 100, indicator("task", "rating", tags=["经济发展"]))),
        rating_levels={"优": 1.0, "甲": 0.95, "乙": 0.9, "差": 0.5},
        training={"forms": {"经济发展": "offline"}},
    )
    levels = {"U1": "优", "U2": "优", "U3": "甲", "U4": "乙", "U5": "优"}
    out = score(plan, units(levels, 3))
    # n = 5 → bottom floor(0.25 × 5) = 1: U4 (0.9), above 0.8 → "bottom" only
    rows = [(r[s.SUBJECT_ID], r[s.PERIOD], r[s.REASON], r[s.FORM]) for r in out["training"]]
    assert rows == [("U4", "2026-Q1", "bottom", "offline")]
    levels["U4"] = "差"
    levels["U3"] = "差"
    out = score(plan, units(levels, 3))
    # two at 0.5: both under 0.8 and tied at the bottom
    reasons = [(r[s.SUBJECT_ID], r[s.REASON]) for r in out["training"]]
    assert reasons == [("U3", "threshold,bottom"), ("U4", "threshold,bottom")]
    assert one(out["training"], subject_id="U3")[s.ACHIEVEMENT] == 0.5


def test_training_for_cadres_from_rated_items() -> None:
    tables = merge(units({"U1": "优"}, 12), cadres({"C1": 90}, 12))
    tables[s.EVALUATIONS] = [
        evaluation("C1", "political", 70, item="政治判断力"),  # 意识形态
        evaluation("C1", "democratic", 80, item="德", rater_group="peers"),  # 意识形态
        evaluation("C1", "democratic", 90, item="能", rater_group="peers"),  # 执政能力
    ]
    out = score(make_plan(), tables)
    cadre = [r for r in out["training"] if r[s.SUBJECT_TYPE] == "cadre"]
    # 意识形态: (0.7 + 0.8) / 2 = 0.75 < 0.8; 执政能力 0.9 is fine
    assert [(r[s.TAG], r[s.PERIOD], r[s.REASON]) for r in cadre] == [
        ("意识形态", "2026", "threshold")
    ]
    assert cadre[0][s.ACHIEVEMENT] == pytest.approx(0.75)


# ---- §11 persistence and rater statistics --------------------------------------------------------


def test_persistence_flags_always_top_and_always_bottom() -> None:
    levels = {"U1": "优", "U2": "良", "U3": "良", "U4": "中", "U5": "差"}
    out = score(make_plan(), units(levels, 9))
    flags = {
        r[s.SUBJECT_ID]: (r[s.MONTHS], r[s.TOP_MONTHS], r[s.BOTTOM_MONTHS], r[s.FLAG])
        for r in out["persistence"]
    }
    # n = 5 → the 1st highest and the 1st lowest; 9 of 9 months ≥ 9
    assert flags["U1"] == (9, 9, 0, "top")
    assert flags["U5"] == (9, 0, 9, "bottom")
    assert flags["U2"] == (9, 0, 0, "")
    out = score(make_plan(), units(levels, 8))
    assert one(out["persistence"], subject_id="U1")[s.FLAG] == ""  # 8 < 9


def test_persistence_needs_a_group_of_five() -> None:
    out = score(make_plan(), units({"U1": "优", "U2": "差"}, 9))
    assert out["persistence"] == []


def test_rater_statistics() -> None:
    tables = merge(units({"U1": "优"}, 2), cadres({"C1": 90, "C2": 90}, 2))
    tables[s.RECORDS] = [
        full_marks("C1", 1, level="优", rater_id="R1"),
        full_marks("C1", 2, level="良", rater_id="R1"),
        full_marks("C2", 1, level="中", rater_id="R2"),
        full_marks("C2", 2, level="中"),
    ]
    tables[s.EVALUATIONS] = [
        {
            s.SUBJECT_ID: "C1",
            s.PERIOD: "2026",
            s.KIND: "democratic",
            s.RATER_GROUP: "peers",
            s.SCORE: 80,
        },
        {
            s.SUBJECT_ID: "C2",
            s.PERIOD: "2026",
            s.KIND: "democratic",
            s.RATER_GROUP: "leaders",
            s.SCORE: 90,
            s.RATER_ID: "R9",
        },
    ]
    out = score(make_plan(), tables)
    r1 = one(out["rater_stats"], kind="records", rater="R1")
    # values 100, 85, 70 → kind mean 85; R1 mean 92.5, std 7.5, leniency +7.5
    assert (r1[s.N], r1[s.MEAN], r1[s.STD], r1[s.LENIENCY]) == (2, 92.5, 7.5, 7.5)
    r2 = one(out["rater_stats"], kind="records", rater="R2")
    assert (r2[s.MEAN], r2[s.STD], r2[s.LENIENCY]) == (70.0, 0.0, -15.0)
    # results: unit levels 优 (no scorer) are not counted
    assert not [r for r in out["rater_stats"] if r[s.KIND] == "results"]
    group = {
        r[s.RATER]: r[s.LENIENCY] for r in out["rater_stats"] if r[s.KIND] == "democratic_group"
    }
    assert group == {"leaders": 5.0, "peers": -5.0}
    assert one(out["rater_stats"], kind="democratic", rater="R9")[s.N] == 1


def test_persistence_of_cadres_uses_the_monthly_peer_group() -> None:
    finals = {"C1": 95, "C2": 90, "C3": 85, "C4": 80, "C5": 75}
    out = score(make_plan(), merge(units({"U1": "优"}, 9), cadres(finals, 9)))
    flags = {r[s.SUBJECT_ID]: r[s.FLAG] for r in out["persistence"] if r[s.SUBJECT_TYPE] == "cadre"}
    assert flags == {"C1": "top", "C2": "", "C3": "", "C4": "", "C5": "bottom"}


def test_the_year_bottom_uses_the_annual_score() -> None:
    finals = {"C1": 95, "C2": 90, "C3": 85, "C4": 80, "C5": 75}
    out = score(make_plan(), merge(units({"U1": "优"}, 12), cadres(finals, 12)))
    year = [a for a in out["actions"] if a[s.PERIOD] == "2026"]
    # annual = (0.5 × 75 + 0.4 × 75) / 0.9 = 75 for C5, last of 5; due 31 Dec + 30 days
    assert [(a[s.SUBJECT_ID], a[s.ACTION], a[s.OWNER], a[s.DUE]) for a in year] == [
        ("C5", "严肃处理", "U1", "2027-01-30")
    ]
    assert year[0][s.SCORE] == pytest.approx(75.0)
