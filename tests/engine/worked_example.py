"""The worked example of docs/rules.md §3 as a plan and a data set, shared by several tests."""

from __future__ import annotations

from typing import Any

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan
from tests.engine.factories import make_dataset, make_plan

OTHER_ECONOMIC = {"primary": 10, "secondary": 15, "tertiary": 15, "retail": 10, "revenue": 15}


def worked_plan() -> Plan:
    economic: list[dict[str, Any]] = [
        {"key": "gdp", "name": "地区生产总值", "weight": 20, "method": "volume_growth"},
        {"key": "fai", "name": "固定资产投资", "weight": 15, "method": "volume_growth"},
    ]
    economic += [
        {"key": k, "name": k, "weight": w, "method": "volume_growth"}
        for k, w in OTHER_ECONOMIC.items()
    ]
    return make_plan(
        {
            "经济发展类": {
                "groups": [
                    {
                        "key": "common",
                        "name": "共性指标",
                        "points": 50,
                        "indicators": [
                            {"key": "c1", "name": "共性", "weight": 10, "method": "completion"}
                        ],
                    },
                    {"key": "economic", "name": "经济", "points": 30, "indicators": economic},
                    {
                        "key": "duty",
                        "name": "履职",
                        "points": 20,
                        "indicators": [
                            {"key": "d1", "name": "履职", "weight": 10, "method": "completion"}
                        ],
                    },
                ]
            }
        }
    )


def worked_data(months: int = 1) -> DataSet:
    """Month 1 is the worked example; later months (if any) repeat it."""
    economic = []
    for m in range(1, months + 1):
        economic.append(
            {
                "unit_id": "U1",
                "indicator": "gdp",
                "month": m,
                "target_volume": 100,
                "actual_volume": 105,
                "target_growth": 8.0,
                "actual_growth": 9.6,
            }
        )
        economic.append(
            {
                "unit_id": "U1",
                "indicator": "fai",
                "month": m,
                "target_volume": 50,
                "actual_volume": 40,
                "target_growth": 10,
                "actual_growth": 5,
            }
        )
        economic += [
            {
                "unit_id": "U1",
                "indicator": k,
                "month": m,
                "target_volume": 10,
                "actual_volume": 10,
                "target_growth": 5,
                "actual_growth": 5,
            }
            for k in OTHER_ECONOMIC
        ]
    results = [
        row
        for m in range(1, months + 1)
        for row in (
            {s.SUBJECT_ID: "U1", s.INDICATOR: "c1", s.MONTH: m, s.ACTUAL: 92, s.TARGET: 100},
            {s.SUBJECT_ID: "U1", s.INDICATOR: "d1", s.MONTH: m, s.ACTUAL: 88, s.TARGET: 100},
        )
    ]
    return make_dataset(
        units=[{"unit_id": "U1", "name": "经发局", "category": "经济发展类", "tier": 4}],
        district=[
            {"month": m, "gdp_growth": 9.0, "gdp_growth_target": 8.0} for m in range(1, months + 1)
        ],
        economic=economic,
        results=results,
        events=[
            {"event_id": "E1", "subject_id": "U1", "month": 1, "points": 0.5, "reason": "表彰"}
        ],
    )
