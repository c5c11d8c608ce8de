"""The data pages: imports (problems by sheet, row and column, nothing written; counts on
success; templates; recent batches) and computations (start, progress polling, problems)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.test import Client

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, STATISTICS, roles_ensure
from kaohe.collection.models import DistrictStat
from kaohe.collection.selectors import table_counts
from kaohe.collection.services import import_file
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from kaohe.results.models import Run
from kaohe.results.services import run_create
from tests.web.conftest import YEAR, csv_to_workbook, upload


def _user_client(role: str) -> Client:
    user = User.objects.create_user(username=role, password="x")
    user.groups.set([roles_ensure()[role]])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office(plan: Plan) -> Client:
    return _user_client(OFFICE)


def _with_cell(path: Path, row: int, column: str, value: str, out: Path) -> Path:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def _import_all(demo_csv: Path, tmp_path: Path) -> None:
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book), year=YEAR).state == "done"


def _post(client: Client, path: Path) -> str:
    with path.open("rb") as f:
        response = client.post("/imports/", {"year": YEAR, "file": f}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_bad_row_is_listed_by_sheet_row_and_column_and_nothing_changes(
    office: Client, demo_csv: Path, tmp_path: Path
) -> None:
    _import_all(demo_csv, tmp_path)
    before = table_counts(year=YEAR)
    bad = _with_cell(demo_csv / "economic.csv", 4, "target_volume", "abc", tmp_path / "b/e.csv")
    book = csv_to_workbook(
        {"economic": bad, "district": demo_csv / "district.csv"}, tmp_path / "stats.xlsx"
    )
    page = _post(office, book)
    assert "未导入：数据没有任何改动。" in page
    assert (
        '<tr><td>stats.xlsx[economic]</td><td class="num">4</td><td>target_volume</td>'
        "<td>&#x27;abc&#x27; is not a number</td></tr>"
    ) in page
    assert table_counts(year=YEAR) == before
    assert f'<strong data-table="economic">{before[s.ECONOMIC]}</strong>' in page

    fixed = _with_cell(demo_csv / "economic.csv", 4, "target_volume", "999.5", tmp_path / "f/e.csv")
    book = csv_to_workbook(
        {"economic": fixed, "district": demo_csv / "district.csv"}, tmp_path / "stats2.xlsx"
    )
    page = _post(office, book)
    assert "已导入 stats2.xlsx" in page
    unchanged = before[s.ECONOMIC] - 1 + before[s.DISTRICT]
    assert '<dd data-count="created">0</dd>' in page
    assert '<dd data-count="updated">1</dd>' in page
    assert f'<dd data-count="unchanged">{unchanged}</dd>' in page
    assert page.count("stats") >= 2  # both batches are in the recent list


def test_the_import_page_offers_every_template(office: Client) -> None:
    page = office.get("/imports/").content.decode()
    assert 'href="/collection/template.xlsx"' in page
    for name in s.TABLES:
        assert f'href="/collection/template/{name}.xlsx"' in page
    assert office.get("/collection/template/economic.xlsx").status_code == 200


def test_an_import_without_a_file_is_refused_by_the_form(office: Client) -> None:
    response = office.post("/imports/", {"year": YEAR})
    assert response.status_code == 400


def test_the_economic_bureau_imports_but_does_not_compute(plan: Plan) -> None:
    stats = _user_client(STATISTICS)
    assert stats.get("/imports/").status_code == 200
    assert stats.get("/compute/").status_code == 403
    cadre = _user_client(CADRE)
    assert cadre.get("/imports/").status_code == 403
    assert "/imports/" not in cadre.get("/").content.decode()


def test_computing_from_the_page_runs_and_shows_the_run(
    office: Client, demo_csv: Path, tmp_path: Path
) -> None:
    _import_all(demo_csv, tmp_path)
    response = office.post("/compute/", {"year": YEAR, "through_month": "3"})
    assert response.status_code == 302
    run = Run.objects.get()
    assert response["Location"] == f"/compute/runs/{run.pk}/"
    assert run.state == Run.State.DONE  # a small district is computed in the request
    assert run.months == 3
    page = office.get(response["Location"]).content.decode()
    assert 'data-state="done"' in page
    assert run.input_checksum in page
    assert 'hx-trigger="every 1s"' not in page
    listing = office.get("/compute/").content.decode()
    assert f'href="/compute/runs/{run.pk}/"' in listing


def test_the_progress_is_polled_while_the_run_works(office: Client) -> None:
    run = run_create(year=YEAR)
    Run.objects.filter(pk=run.pk).update(state=Run.State.RUNNING, progress=30, stage="scoring")
    url = f"/compute/runs/{run.pk}/progress/"
    fragment = office.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert f'hx-get="{url}" hx-trigger="every 1s"' in text
    assert 'aria-valuenow="30"' in text
    assert "HX-Refresh" not in fragment
    Run.objects.filter(pk=run.pk).update(state=Run.State.DONE, progress=100)
    done = office.get(url, headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


def test_a_failed_run_lists_its_problems(office: Client, demo_csv: Path, tmp_path: Path) -> None:
    _import_all(demo_csv, tmp_path)
    DistrictStat.objects.filter(year=YEAR, month=2).delete()
    response = office.post("/compute/", {"year": YEAR}, follow=True)
    page = response.content.decode()
    assert 'data-state="failed"' in page
    assert "month 2026-02 is missing: the run needs every month from 2026-01 to 2026-12" in page


def test_a_year_without_a_plan_cannot_be_chosen(office: Client) -> None:
    response = office.post("/compute/", {"year": 2031})
    assert response.status_code == 400
    assert not Run.objects.exists()
