"""The JSON API (/api/v1/): every endpoint's status, shape and numbers, on one computed district.

The district (6 units, 60 cadres, a whole year) is loaded and computed once for the module;
each test runs in its own transaction on top of it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, roles_ensure
from kaohe.api.main import api
from kaohe.api.models import ApiToken
from kaohe.api.services import api_token_create, api_token_revoke
from kaohe.collection.models import EconomicStat, ImportBatch
from kaohe.collection.services import data_load
from kaohe.core.demo import demo_plan_text
from kaohe.engine import round_half_up, write_tables
from kaohe.engine import schema as s
from kaohe.org.models import Cadre, Unit
from kaohe.plans.services import plan_save
from kaohe.results.models import (
    AnnualResult,
    BottomAction,
    CadreMonthly,
    PeriodScore,
    QuotaGroup,
    Run,
    TrainingNeed,
    UnitMonthly,
)
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, demo_frames

API = "/api/v1"
pytestmark = pytest.mark.django_db


class District:
    """What the module's fixture made: the run, the accounts and their tokens."""

    def __init__(self) -> None:
        groups = roles_ensure()
        plan = plan_save(yaml_text=demo_plan_text(YEAR))
        data_load(frames=demo_frames(plan), year=YEAR, reason="test")
        self.run = run_compute(year=YEAR)
        assert self.run.state == Run.State.DONE, self.run.error
        self.office = User.objects.create_user(username="office", password="x")
        self.office.groups.set([groups[OFFICE]])
        cadre = Cadre.objects.order_by("code").first()
        other = Cadre.objects.order_by("-code").first()
        assert cadre is not None
        assert other is not None
        self.cadre: Cadre = cadre
        self.other: Cadre = other
        self.me = User.objects.create_user(username="me", password="x", cadre=self.cadre)
        self.me.groups.set([groups[CADRE]])
        self.nobody = User.objects.create_user(username="nobody", password="x")
        self.office_token = api_token_create(user=self.office, name="tests").secret
        self.my_token = api_token_create(user=self.me, name="mine").secret
        self.nobody_token = api_token_create(user=self.nobody, name="theirs").secret


@pytest.fixture(scope="module")
def district(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[District]:
    with django_db_blocker.unblock():
        made = District()
        yield made
        call_command("flush", interactive=False, verbosity=0)


def _get(token: str, path: str, **params: Any) -> Any:
    return Client().get(f"{API}{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def _ok(token: str, path: str, **params: Any) -> Any:
    response = _get(token, path, **params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "problems"}
    assert isinstance(body["detail"], str)
    return body


# --- schema and docs


def test_the_openapi_schema_builds_and_lists_every_endpoint(district: District) -> None:
    schema = api.get_openapi_schema()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/runs",
        "/api/v1/runs/{run_id}",
        "/api/v1/units/scores",
        "/api/v1/units/rankings",
        "/api/v1/units/{unit_id}/card",
        "/api/v1/cadres/scores",
        "/api/v1/cadres/{cadre_id}",
        "/api/v1/periods",
        "/api/v1/annual",
        "/api/v1/annual/quota",
        "/api/v1/actions",
        "/api/v1/training",
        "/api/v1/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/attendance",
        "/api/v1/templates",
        "/api/v1/templates/{table}",
    ):
        assert path in paths, path
    served = _ok(district.office_token, "/openapi.json")
    assert served["info"]["title"] == "Kaohe API"
    schemes = served["components"]["securitySchemes"]
    assert {v["type"] for v in schemes.values()} == {"http", "apiKey"}


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(district: District) -> None:
    client = Client()
    assert client.get(f"{API}/docs").status_code == 302  # to the login page
    client.force_login(district.office)
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"https?://", html), "no outside URL on the page"
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in scripts
    assert "/static/vendor/swagger-ui/swagger-ui.css" in scripts
    for url in scripts:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
    assert '"validatorUrl": null' in html


# --- authentication


def test_a_valid_token_authenticates_and_is_marked_used(district: District) -> None:
    assert ApiToken.objects.get(user=district.office).last_used is None
    _ok(district.office_token, "/runs")
    assert ApiToken.objects.get(user=district.office).last_used is not None


def test_missing_malformed_unknown_revoked_and_expired_tokens_are_refused(
    district: District,
) -> None:
    body = _error(Client().get(f"{API}/runs"), 401)
    assert body["problems"] == []
    for header in (
        "Bearer",
        "Basic abc",
        "Bearer kh_not-a-token",
        "Token " + district.office_token,
    ):
        _error(Client().get(f"{API}/runs", HTTP_AUTHORIZATION=header), 401)
    revoked = api_token_create(user=district.office, name="revoked")
    api_token_revoke(token=revoked.token)
    _error(_get(revoked.secret, "/runs"), 401)
    expired = api_token_create(user=district.office, name="expired", days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires=timezone.now() - dt.timedelta(seconds=1)
    )
    _error(_get(expired.secret, "/runs"), 401)
    district.office.is_active = False
    district.office.save()
    _error(_get(district.office_token, "/runs"), 401)


def test_tokens_are_stored_hashed(district: District) -> None:
    token = ApiToken.objects.get(user=district.office)
    assert district.office_token not in (token.digest, token.prefix, token.name)
    assert len(token.digest) == 64
    assert district.office_token.startswith("kh_" + token.prefix)


def test_a_session_reads_and_its_posts_need_the_csrf_token(district: District) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.office)
    assert client.get(f"{API}/runs").status_code == 200
    body = _error(client.post(f"{API}/runs", {"year": YEAR}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]
    docs = client.get(f"{API}/docs").content.decode()  # as the docs page sends it
    match = re.search(r'data-csrf-token="([^"]+)"', docs)
    assert match is not None
    csrf = match.group(1)
    response = client.post(
        f"{API}/runs", {"year": YEAR}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 202


# --- runs


def test_runs_are_listed_and_read_with_their_problems(district: District) -> None:
    listed = _ok(district.office_token, "/runs", year=YEAR)
    assert listed["count"] == 1
    (item,) = listed["items"]
    assert item["id"] == district.run.pk
    assert item["state"] == "done"
    assert item["progress"] == 100
    assert item["counts"]["unit_monthly"] == 6 * 12
    detail = _ok(district.office_token, f"/runs/{district.run.pk}")
    assert detail["problems"] == []
    assert detail["input_checksum"] == district.run.input_checksum
    _error(_get(district.office_token, "/runs/999999"), 404)
    _error(_get(district.my_token, "/runs"), 403)


def test_a_run_is_started_with_202_and_followed_by_its_id(district: District) -> None:
    response = Client().post(
        f"{API}/runs",
        {"year": YEAR, "through_month": 3},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {district.office_token}",
    )
    assert response.status_code == 202
    started = response.json()
    assert started["year"] == YEAR
    assert started["through_month"] == 3
    followed = _ok(district.office_token, f"/runs/{started['id']}")
    assert followed["state"] == "done"  # a small district is computed in the request
    assert followed["months"] == 3


def test_a_run_of_a_year_without_a_plan_is_refused(district: District) -> None:
    response = Client().post(
        f"{API}/runs",
        {"year": 2031},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {district.office_token}",
    )
    body = _error(response, 422)
    assert body["problems"][0]["column"] == "year"
    forbidden = Client().post(
        f"{API}/runs",
        {"year": YEAR},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {district.my_token}",
    )
    _error(forbidden, 403)


# --- units


def test_unit_scores_are_the_stored_scores_as_published(district: District) -> None:
    page = _ok(district.office_token, "/units/scores", year=YEAR, month=3, limit=4)
    assert page["count"] == 6
    assert page["run_id"] == district.run.pk
    assert len(page["items"]) == 4
    first = page["items"][0]
    stored = UnitMonthly.objects.get(run=district.run, unit_code=first["unit_id"], month=3)
    assert first["score"] == round_half_up(stored.score or 0.0, 2)
    assert first["coefficient"] == round_half_up(stored.coefficient or 0.0, 4)
    assert first["name"] == Unit.objects.get(code=first["unit_id"]).name
    rest = _ok(district.office_token, "/units/scores", year=YEAR, month=3, limit=4, offset=4)
    codes = UnitMonthly.objects.filter(run=district.run, month=3).values_list("unit_code")
    assert [i["unit_id"] for i in page["items"] + rest["items"]] == sorted(str(c) for (c,) in codes)
    everything = _ok(district.office_token, "/units/scores")  # the latest run, every month
    assert everything["count"] == 6 * 12


def test_rankings_per_category_with_the_rank_change_since_last_month(district: District) -> None:
    body = _ok(district.office_token, "/units/rankings", year=YEAR, month=5)
    assert body["month"] == 5
    before = dict(
        UnitMonthly.objects.filter(run=district.run, month=4).values_list("unit_code", "rank")
    )
    seen = 0
    for category in body["categories"]:
        ranks = [u["rank"] for u in category["units"]]
        assert ranks == sorted(ranks)
        for u in category["units"]:
            assert u["category"] == category["category"]
            assert u["previous_rank"] == before[u["unit_id"]]
            assert u["rank_change"] == before[u["unit_id"]] - u["rank"]
            seen += 1
    assert seen == 6
    january = _ok(district.office_token, "/units/rankings", year=YEAR, month=1)
    assert {u["rank_change"] for c in january["categories"] for u in c["units"]} == {None}
    one = body["categories"][0]["category"]
    only = _ok(district.office_token, "/units/rankings", year=YEAR, month=5, category=one)
    assert [c["category"] for c in only["categories"]] == [one]
    _error(_get(district.office_token, "/units/rankings", year=YEAR, month=13), 422)


def test_a_unit_card_holds_groups_indicators_events_and_the_explanation(
    district: District,
) -> None:
    unit = Unit.objects.order_by("code").first()
    assert unit is not None
    card = _ok(district.office_token, f"/units/{unit.code}/card", year=YEAR, month=2)
    stored = UnitMonthly.objects.get(run=district.run, unit_code=unit.code, month=2)
    assert (card["unit_id"], card["name"], card["month"]) == (unit.code, unit.name, 2)
    assert card["score"] == round_half_up(stored.score or 0.0, 2)
    assert card["rank"] == stored.rank
    contributions = sum(g["contribution"] or 0 for g in card["groups"])
    assert contributions == pytest.approx(card["groups_total"], abs=0.03)
    assert all(g["indicators"] for g in card["groups"] if g["weight_sum"])
    assert card["explanation"][0].startswith(f"Unit {unit.code} {unit.name}, {YEAR}-02")
    assert any(line.startswith("S = max(0") for line in card["explanation"])
    assert card["inputs_changed"] is False
    _error(_get(district.office_token, "/units/NOPE/card", year=YEAR), 404)
    # a cadre reads their own unit's card only (kaohe.accounts.scope)
    mine = Unit.objects.filter(posts__assignments__cadre=district.cadre).values_list("code")
    other = Unit.objects.exclude(code__in=mine).order_by("code").first()
    assert other is not None
    _error(_get(district.my_token, f"/units/{other.code}/card"), 403)


# --- cadres and the other result tables


def test_cadre_scores_with_their_components(district: District) -> None:
    page = _ok(district.office_token, "/cadres/scores", year=YEAR, month=6, limit=1000)
    stored = CadreMonthly.objects.filter(run=district.run, month=6)
    assert page["count"] == stored.count()
    row = page["items"][0]
    one = stored.get(cadre_code=row["cadre_id"])
    for key in ("attendance", "weekly", "monthly", "own", "upper", "final"):
        assert row[key] == round_half_up(getattr(one, key), 2), key
    year = _ok(district.office_token, f"/cadres/{district.cadre.code}", year=YEAR)
    assert year["cadre_id"] == district.cadre.code
    assert (
        len(year["monthly"])
        == CadreMonthly.objects.filter(run=district.run, cadre_code=district.cadre.code).count()
    )
    assert {p["period"] for p in year["periods"]} >= {f"{YEAR}-Q1", f"{YEAR}-H2"}
    assert year["annual"]["subject_id"] == district.cadre.code
    assert year["annual"]["grade"]
    _error(_get(district.office_token, "/cadres/NOPE", year=YEAR), 404)


def test_a_cadre_reads_their_own_records_only(district: District) -> None:
    mine, other = district.cadre.code, district.other.code
    own = _ok(district.my_token, "/cadres/scores", year=YEAR)
    assert {r["cadre_id"] for r in own["items"]} == {mine}
    assert _ok(district.my_token, f"/cadres/{mine}")["cadre_id"] == mine
    _error(_get(district.my_token, f"/cadres/{other}"), 403)
    _error(_get(district.my_token, "/cadres/scores", cadre=other), 403)
    for path in ("/periods", "/annual", "/actions", "/training"):
        rows = _ok(district.my_token, path, year=YEAR)["items"]
        assert {(r["subject_type"], r["subject_id"]) for r in rows} <= {("cadre", mine)}, path
    _error(_get(district.my_token, "/annual/quota"), 403)
    _error(_get(district.nobody_token, "/cadres/scores"), 403)
    _error(_get(district.nobody_token, "/annual"), 403)


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/periods", PeriodScore),
        ("/annual", AnnualResult),
        ("/actions", BottomAction),
        ("/training", TrainingNeed),
    ],
)
def test_subject_tables_are_paginated_and_filtered(
    district: District, path: str, model: type[PeriodScore]
) -> None:
    page = _ok(district.office_token, path, year=YEAR, limit=5)
    stored = model.objects.filter(run=district.run)
    assert page["count"] == stored.count() > 0
    assert len(page["items"]) == min(5, page["count"])
    cadres = _ok(district.office_token, path, year=YEAR, subject_type="cadre", limit=1)
    assert cadres["count"] == stored.filter(subject_type="cadre").count()


def test_annual_grades_and_quota_use(district: District) -> None:
    grades = _ok(
        district.office_token, "/annual", year=YEAR, subject_type="cadre", grade="称职", limit=1
    )
    assert (
        grades["count"]
        == AnnualResult.objects.filter(run=district.run, subject_type="cadre", grade="称职").count()
    )
    quota = _ok(district.office_token, "/annual/quota", year=YEAR)
    stored = QuotaGroup.objects.filter(run=district.run)
    assert len(quota["items"]) == stored.count() > 0
    for item in quota["items"]:
        assert item["granted"] <= item["quota"]
        assert item["remaining"] == item["quota"] - item["granted"]


def test_an_unknown_run_or_an_empty_year_is_not_found(district: District) -> None:
    _error(_get(district.office_token, "/units/scores", run=999999), 404)
    body = _error(_get(district.office_token, "/annual", year=2030), 404)
    assert "2030" in body["detail"]


def test_invalid_parameters_are_problems_of_the_request(district: District) -> None:
    body = _error(_get(district.office_token, "/units/scores", month=13, limit=0), 422)
    columns = {p["column"] for p in body["problems"]}
    assert {"query.month", "query.limit"} <= columns
    assert {p["file"] for p in body["problems"]} == {"request"}


# --- imports and templates


def _post_file(token: str, path: Path, year: int = YEAR) -> Any:
    with path.open("rb") as f:
        return Client().post(
            f"{API}/imports",
            {"file": f, "year": year},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )


def test_an_upload_is_imported_and_the_same_file_again_changes_nothing(
    district: District, tmp_path: Path
) -> None:
    frames = demo_frames(plan_save(yaml_text=demo_plan_text(YEAR)))
    write_tables({s.DISTRICT: frames[s.DISTRICT]}, tmp_path, YEAR)
    first = _post_file(district.office_token, tmp_path / "district.csv")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["state"] == "done"
    assert body["counts"]["district"] == {"created": 0, "updated": 0, "unchanged": 12}
    listed = _ok(district.office_token, "/imports", year=YEAR)
    assert listed["items"][0]["id"] == body["id"]
    assert _ok(district.office_token, f"/imports/{body['id']}")["sha256"] == body["sha256"]


def test_an_upload_with_a_bad_row_is_422_with_its_problems_and_changes_nothing(
    district: District, tmp_path: Path
) -> None:
    frames = demo_frames(plan_save(yaml_text=demo_plan_text(YEAR)))
    write_tables({s.ECONOMIC: frames[s.ECONOMIC]}, tmp_path, YEAR)
    path = tmp_path / "economic.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    cells = lines[4].split(",")
    cells[header.index("actual_volume")] = "lots"
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = list(EconomicStat.objects.order_by("id").values_list("id", "actual_volume"))
    history = EconomicStat.history.count()
    body = _error(_post_file(district.office_token, path), 422)
    assert body["problems"] == [
        {
            "file": "economic.csv",
            "row": 5,
            "column": "actual_volume",
            "message": "'lots' is not a number",
        }
    ]
    assert "nothing was changed" in body["detail"]
    assert list(EconomicStat.objects.order_by("id").values_list("id", "actual_volume")) == before
    assert EconomicStat.history.count() == history
    assert ImportBatch.objects.latest("created").state == ImportBatch.State.REFUSED


def test_an_upload_needs_the_import_permission(district: District, tmp_path: Path) -> None:
    path = tmp_path / "district.csv"
    path.write_text("month,gdp_growth,gdp_growth_target\n", encoding="utf-8")
    _error(_post_file(district.my_token, path), 403)
    _error(_post_file(district.office_token, path, year=2031), 422)  # no plan for 2031


def test_templates_are_listed_and_downloaded(district: District) -> None:
    listed = _ok(district.office_token, "/templates")
    assert [t["table"] for t in listed] == ["all", *s.TABLES]
    for table in ("all", "economic"):
        url = next(t["url"] for t in listed if t["table"] == table)
        response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {district.office_token}")
        assert response.status_code == 200
        assert response.content[:2] == b"PK"
        assert response["Content-Disposition"].endswith('.xlsx"')
    _error(_get(district.office_token, "/templates/nonsense"), 404)
