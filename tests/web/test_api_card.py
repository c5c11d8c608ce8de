"""The rules' worked example (docs/rules.md §3) through the report-card endpoint: S = 98.48."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE
from kaohe.accounts.services import role_assign
from kaohe.api.services import api_token_create
from kaohe.collection.services import import_file
from kaohe.engine import dump_plan, write_tables
from kaohe.plans.services import plan_save
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.engine.worked_example import worked_data, worked_plan
from tests.web.conftest import YEAR, upload


@pytest.mark.django_db
def test_the_worked_example_card_publishes_98_48(tmp_path: Path) -> None:
    plan_save(yaml_text=dump_plan(worked_plan()))
    (book,) = write_tables(worked_data().tables, tmp_path, YEAR, xlsx=True)
    assert import_file(upload=upload(book), year=YEAR).state == "done"
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE
    office = User.objects.create_user(username="o", password="x")
    role_assign(user=office, role=OFFICE)
    token = api_token_create(user=office, name="t").secret

    response = Client().get(
        "/api/v1/units/U1/card", {"year": YEAR, "month": 1}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 200
    card = response.json()
    # G = 46.00 + 24.42 + 17.60 = 88.02; E = 0.50; raw = 88.52
    # C = 1 + (1.10 − 1) × clamp(9.0 / 8.0, 0, 1.5) = 1.1125; S = 88.52 × 1.1125 = 98.4785 → 98.48
    assert card["groups_total"] == 88.02
    assert card["events_total"] == 0.5
    assert card["raw"] == 88.52
    assert card["coefficient"] == 1.1125
    assert card["score"] == 98.48
    assert (card["rank"], card["rank_n"]) == (1, 1)
    assert [g["group"] for g in card["groups"]] == ["common", "economic", "duty"]
    assert [g["contribution"] for g in card["groups"]] == [46.0, 24.42, 17.6]
    economic = card["groups"][1]["indicators"]
    assert [i["indicator"] for i in economic][:2] == ["gdp", "fai"]
    assert economic[0]["name"] == "地区生产总值"
    assert len(card["events"]) == 1
    assert card["events"][0]["points"] == 0.5
    assert "S = max(0, (G + E) × C) with raw G + E = 88.52 → 98.48" in card["explanation"]
