"""The rules' worked example on the pages: 98.48 on the unit card, rank changes by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kaohe.collection.services import data_load
from kaohe.engine import dump_plan
from kaohe.engine import schema as s
from kaohe.plans.services import plan_save
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.engine.factories import make_dataset
from tests.engine.worked_example import worked_data, worked_plan
from tests.web.conftest import YEAR

CATEGORY = "经济发展类"


def _rows(name: str, unit: str, **changes: Any) -> list[dict[str, Any]]:
    """Rows of the two-month worked example as unit ``unit`` (columns in ``changes`` replaced
    by month: ``{column: {month: value}}``)."""
    rows = worked_data(months=2)[name].drop(s.ROW).to_dicts()
    key = s.UNIT_ID if name in (s.UNITS, s.ECONOMIC) else s.SUBJECT_ID
    out = []
    for original in rows:
        row = {**original, key: unit}
        for column, by_month in changes.items():
            if row.get(s.INDICATOR) == "c1" and row[s.MONTH] in by_month:
                row[column] = by_month[row[s.MONTH]]
        out.append(row)
    return out


@pytest.fixture
def two_units(db: None) -> Run:
    """U1 is the worked example (both months; its +0.5 event in month 1 only). U2 is the same
    unit except the common indicator c1: actual 100 in month 1, 80 in month 2 (U1: 92).

    Month 1: U1 S = 98.4785 → 98.48 (rules.md §3). U2 G = 88.02 − 46 + 50 = 92.02,
    S = 92.02 × 1.1125 = 102.37225 → U2 1st, U1 2nd.
    Month 2: U1 S = 88.02 × 1.1125 = 97.92225; U2 G = 88.02 − 46 + 40 = 82.02,
    S = 91.24725 → U1 1st (▲1), U2 2nd (▼1).
    """
    plan_save(yaml_text=dump_plan(worked_plan()))
    base = worked_data(months=2)
    unit_rows = base[s.UNITS].drop(s.ROW).to_dicts()
    data = make_dataset(
        units=[*unit_rows, {**unit_rows[0], s.UNIT_ID: "U2", s.NAME: "对照单位"}],
        district=base[s.DISTRICT].drop(s.ROW).to_dicts(),
        economic=_rows(s.ECONOMIC, "U1") + _rows(s.ECONOMIC, "U2"),
        results=_rows(s.RESULTS, "U1") + _rows(s.RESULTS, "U2", actual={1: 100.0, 2: 80.0}),
        events=base[s.EVENTS].drop(s.ROW).to_dicts(),
    )
    data_load(frames=dict(data.tables), year=YEAR, reason="test")
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, list(run.problems.all())
    return run


def test_the_worked_example_shows_98_48_on_the_unit_card(
    two_units: Run, admin_client: Client
) -> None:
    page = admin_client.get(f"/units/U1/?year={YEAR}&month=1").content.decode()
    assert '<span class="value" id="unit-score">98.48</span>' in page
    assert "S = max(0, (G + E) × C) with raw G + E = 88.52 → 98.48" in page
    assert "1.1125" in page  # the coefficient, 4 decimals
    assert '<td class="num">19.50</td>' in page  # fixed-asset investment's penalty


def test_the_rank_change_since_last_month_is_shown(two_units: Run, admin_client: Client) -> None:
    url = f"/ranking/?year={YEAR}&category={CATEGORY}"
    second = admin_client.get(f"{url}&month=2").content.decode()
    u1, u2 = second.index("/units/U1/"), second.index("/units/U2/")
    assert u1 < u2  # U1 first in month 2
    assert '<span class="chg up" title="上升">▲1</span>' in second[:u1]
    assert '<span class="chg down" title="下降">▼1</span>' in second[u1:u2]
    assert "97.92" in second
    assert "91.25" in second
    first = admin_client.get(f"{url}&month=1").content.decode()
    assert first.count('<span class="chg none" title="上月未排名">—</span>') == 2
    assert first.index("/units/U2/") < first.index("/units/U1/")
    assert "102.37" in first
