from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaohe.engine.errors import PlanError
from kaohe.engine.plan import (
    diff_plans,
    dump_plan,
    load_plan,
    parse_plan,
    plan_from_mapping,
    plan_warnings,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "plan-2026.yaml"


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def issues(data: dict[str, Any]) -> list[str]:
    with pytest.raises(PlanError) as exc:
        plan_from_mapping(data)
    return [str(i) for i in exc.value.issues]


def test_example_plan_is_valid_and_uses_the_defaults_of_the_rules() -> None:
    plan = load_plan(EXAMPLE)
    assert plan.year == 2026
    assert set(plan.categories) == {"经济发展类", "镇街", "社会事业类", "综合保障类"}
    assert plan.economic.volume_share == 0.8
    assert plan.economic.k_bonus == 3
    assert plan.coefficient.tiers == (1.00, 1.03, 1.06, 1.10, 1.14, 1.18)
    assert plan.annual.team.monthly == 0.4
    assert plan.annual.leader.monthly == 0.3
    assert plan.grades.quota.share == 0.2
    assert plan_warnings(plan) == []


def test_k_outside_3_to_10_names_the_exact_path() -> None:
    data = example()
    data["categories"]["经济发展类"]["groups"][1]["indicators"][3]["k_bonus"] = 12
    assert "categories.经济发展类.groups[1].indicators[3].k_bonus: 12 is outside 3–10" in issues(
        data
    )


def test_group_points_must_sum_to_exactly_100() -> None:
    data = example()
    data["categories"]["社会事业类"]["groups"][0]["points"] = 59.5
    assert issues(data) == ["categories.社会事业类: group points sum to 99.5, not exactly 100"]


def test_unknown_setting_and_missing_setting() -> None:
    data = example()
    data["grades"] = {"top": 90, "topp": 1}
    del data["name"]
    assert issues(data) == ["name: required setting is missing", "grades.topp: unknown setting"]


def test_formula_with_unknown_name_is_refused_at_plan_check() -> None:
    data = example()
    data["categories"]["经济发展类"]["groups"][2]["indicators"][3]["formula"] = "actual / tarket"
    (issue,) = issues(data)
    assert issue.startswith(
        "categories.经济发展类.groups[2].indicators[3]: formula: unknown name 'tarket'"
    )


def test_shares_must_sum_to_one() -> None:
    data = example()
    data["economic"] = {"volume_share": 0.7, "growth_share": 0.2}
    assert issues(data) == ["economic: volume and growth shares must sum to 1, not 0.9"]


def test_quota_above_25_percent_is_refused_and_above_20_warned() -> None:
    data = example()
    data["grades"] = {"quota": {"share": 0.3}}
    assert issues(data) == ["grades.quota.share: Input should be less than or equal to 0.25"]
    data["grades"] = {"quota": {"share": 0.25}}
    warnings = [str(w) for w in plan_warnings(plan_from_mapping(data))]
    assert warnings == ["grades.quota.share: above 20% needs the approving authority"]


def test_common_indicator_outside_10_to_15_points_is_a_warning() -> None:
    data = example()
    data["categories"]["镇街"]["groups"][0]["indicators"] = [
        {"key": "a", "name": "A", "weight": 1, "method": "rating"},
        {"key": "b", "name": "B", "weight": 4, "method": "rating"},
    ]
    warnings = [str(w) for w in plan_warnings(plan_from_mapping(data))]
    # a: 50 × 1/5 = 10 points, inside 10–15; b: 50 × 4/5 = 40 points, outside
    assert warnings == [
        "categories.镇街.groups[0].indicators[1]: common indicator b is worth 40 points, "
        "outside the seed's 10–15",
    ]


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(PlanError, match=r"line 3, column 1: not valid YAML"):
        parse_plan("year: 2026\nname: [unclosed\n")


def test_dump_spells_out_every_default_and_round_trips() -> None:
    plan = load_plan(EXAMPLE)
    text = dump_plan(plan)
    assert "drag_below: 0.9" in text
    assert parse_plan(text) == plan


def test_diff_lists_changed_settings_by_key() -> None:
    old = load_plan(EXAMPLE)
    data = example()
    data["categories"]["经济发展类"]["groups"][1]["indicators"][0]["weight"] = 25
    data["economic"] = {"k_penalty": 6}
    new = plan_from_mapping(data)
    changes = diff_plans(old, new)
    assert ("categories.经济发展类.groups[economic].indicators[gdp].weight", 20.0, 25.0) in changes
    # the example plan shares its economic indicators between two categories (a YAML alias)
    assert ("categories.镇街.groups[economic].indicators[gdp].weight", 20.0, 25.0) in changes
    assert ("economic.k_penalty", 5.0, 6.0) in changes
    assert len(changes) == 3
    assert diff_plans(old, old) == []
