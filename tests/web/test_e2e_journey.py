"""End to end in a real browser (Debian's chromium driven by Playwright, never a downloaded
browser): log in, download a template, upload a statistics workbook with a bad row, fix it,
compute, read the worked example's 98.48 on the unit card, see the dashboard's charts drawn.
Screenshots go to test-artifacts/.

Skipped (and said so by scripts/test) when /usr/bin/chromium is missing; .ci/run installs it.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE, roles_ensure
from kaohe.collection.services import data_load
from kaohe.engine import dump_plan, write_tables
from kaohe.engine import schema as s
from kaohe.plans.services import plan_save
from tests.engine.worked_example import worked_data, worked_plan
from tests.web.conftest import YEAR, csv_to_workbook
from tests.web.e2e_kit import ARTIFACTS, DESKTOP, E2E, chromium_page

PASSWORD = "e2e-Passw0rd-not-secret"

pytestmark = E2E


@dataclass(frozen=True)
class Journey:
    url: str
    bad_book: Path
    good_book: Path
    economic_rows: int


@pytest.fixture
def journey(live_server: LiveServer, tmp_path: Path) -> Journey:
    """The year's plan and what the other offices sent (the worked example's unit, its
    indicator results and events), an office account, and the statistics workbooks to upload.

    Everything the test writes to the database is written here, before the browser starts:
    Playwright's sync API runs an event loop in the test's thread.
    """
    plan_save(yaml_text=dump_plan(worked_plan()))
    data = worked_data()
    data_load(frames={n: data[n] for n in (s.UNITS, s.RESULTS, s.EVENTS)}, year=YEAR, reason="e2e")
    user = User.objects.create_user(username="office", password=PASSWORD)
    user.groups.set([roles_ensure()[OFFICE]])
    bad_book, good_book = _statistics_workbooks(tmp_path)
    return Journey(live_server.url, bad_book, good_book, data[s.ECONOMIC].height)


@pytest.fixture
def browser_page(journey: Journey, tmp_path: Path) -> Iterator[Any]:
    """A fresh headless chromium profile (zh-CN) and one page of it."""
    with chromium_page(tmp_path, csp=False, **DESKTOP, accept_downloads=True) as page:
        yield page


def _statistics_workbooks(folder: Path) -> tuple[Path, Path]:
    """The worked example's district and economic sheets: one with a bad cell (economic row 3,
    target_volume 'abc'), one as it should be."""
    data = worked_data()
    write_tables({n: data[n] for n in (s.DISTRICT, s.ECONOMIC)}, folder, YEAR)
    good = folder / "economic.csv"
    with good.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][rows[0].index("target_volume")] = "abc"
    bad = folder / "economic-bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    district = folder / "district.csv"
    return (
        csv_to_workbook({"district": district, "economic": bad}, folder / "统计月报-有误.xlsx"),
        csv_to_workbook({"district": district, "economic": good}, folder / "统计月报.xlsx"),
    )


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


CANVAS_COLOURS = """(el) => {
  const canvas = el.querySelector("canvas");
  if (!canvas) return {width: 0, height: 0, colours: 0};
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const seen = new Set();
  for (let i = 0; i < pixels.length && seen.size < 50; i += 4 * 13) {
    seen.add(pixels.slice(i, i + 4).join(","));
  }
  return {width: canvas.width, height: canvas.height, colours: seen.size};
}"""


def test_data_in_scores_out_in_a_browser(
    journey: Journey, browser_page: Any, tmp_path: Path
) -> None:
    page, url = browser_page, journey.url
    bad_book, good_book = journey.bad_book, journey.good_book
    # the Content-Security-Policy is on: chromium reports what it blocks on the console
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # log in
    page.goto(f"{url}/")
    assert "/login/" in page.url
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    _shot(page, "01-login")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    assert "该年度尚无完成的计算" in page.inner_text("main")

    # download a template
    page.goto(f"{url}/imports/")
    with page.expect_download() as download:
        page.click("#template-all")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    with zipfile.ZipFile(template) as z:
        assert "xl/workbook.xml" in z.namelist()

    # a workbook with a bad row: the problem by sheet, row, column and reason; nothing written
    page.select_option("#id_year", str(YEAR))
    page.set_input_files("#id_file", str(bad_book))
    page.click("button.primary")
    page.wait_for_selector("#import-problems")
    assert "数据没有任何改动" in page.inner_text("#outcome")
    cells = page.locator("#import-problems tbody tr").first.locator("td").all_inner_texts()
    assert cells == [
        f"{bad_book.name}[economic]",
        "3",
        "target_volume",
        "'abc' is not a number",
    ]
    assert page.inner_text('[data-table="economic"]') == "0"
    assert page.inner_text('[data-table="district"]') == "0"
    _shot(page, "02-import-refused")

    # fixed: imported, with its counts
    page.set_input_files("#id_file", str(good_book))
    page.click("button.primary")
    page.wait_for_selector("#import-counts")
    economic = journey.economic_rows
    assert page.inner_text('[data-count="created"]') == str(economic + 1)  # + the district row
    assert page.inner_text('[data-table="economic"]') == str(economic)
    _shot(page, "03-import-done")

    # compute
    page.goto(f"{url}/compute/")
    page.select_option("#id_year", str(YEAR))
    page.click("button.primary")
    page.wait_for_selector('[data-state="done"]')
    _shot(page, "04-run-done")

    # the worked example on the unit card: S = 98.4785 → 98.48 (rules.md §3)
    page.goto(f"{url}/units/U1/?year={YEAR}&month=1")
    assert page.inner_text("#unit-score") == "98.48"
    assert "S = max(0, (G + E) × C) with raw G + E = 88.52 → 98.48" in page.inner_text("#explain")
    _shot(page, "05-unit-card")

    # the dashboard's charts are drawn: a canvas of non-zero size that is not one colour
    page.goto(f"{url}/?year={YEAR}")
    trend = page.wait_for_selector('#chart-trend[data-rendered="1"]')
    box = trend.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 100
    drawn = trend.evaluate(CANVAS_COLOURS)
    assert drawn["width"] > 0
    assert drawn["height"] > 0
    assert drawn["colours"] > 3, drawn
    trend.screenshot(path=str(ARTIFACTS / "06-dashboard-trend-chart.png"))
    _shot(page, "07-dashboard")

    # and on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{url}/units/U1/?year={YEAR}&month=1")
    assert page.inner_text("#unit-score") == "98.48"
    _shot(page, "08-unit-card-phone")

    # the year/month pickers submit themselves (a script file, not an inline handler)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/ranking/?year={YEAR}")
    page.select_option("select[name=month]", "1")
    page.wait_for_url("**month=1**")

    # the API's docs (Swagger UI from our static files) under the same policy
    page.goto(f"{url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert blocked == [], blocked
