"""Reports and analytics end to end in Debian's chromium (Playwright): the analytics charts are
drawn, a unit's card downloads as a PDF, an export runs as a job and downloads. Screenshots go
to test-artifacts/. Skipped when /usr/bin/chromium is missing; .ci/run installs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer
from python_calamine import CalamineWorkbook

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE, roles_ensure
from kaohe.collection.services import data_load
from kaohe.core.demo import demo_plan_text
from kaohe.plans.services import plan_save
from kaohe.results.models import Persistence, Run
from kaohe.results.services import run_create, run_execute
from tests.web.conftest import YEAR, demo_frames
from tests.web.e2e_kit import ARTIFACTS, DESKTOP, E2E, chromium_page
from tests.web.test_e2e_journey import CANVAS_COLOURS

PASSWORD = "e2e-Passw0rd-not-secret"

pytestmark = E2E


@pytest.fixture
def site(live_server: LiveServer, settings: Any, tmp_path: Path) -> str:
    """A small computed demo district and an office account, written before the browser starts
    (Playwright's sync API runs an event loop in the test's thread)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plan_save(yaml_text=demo_plan_text(YEAR))
    data_load(frames=demo_frames(plan), year=YEAR, reason="e2e")
    run = run_execute(run_id=run_create(year=YEAR).pk)
    assert run.state == Run.State.DONE, run.error
    assert Persistence.objects.filter(run=run).exclude(flag="").exists()
    User.objects.create_user(username="office", password=PASSWORD).groups.set(
        [roles_ensure()[OFFICE]]
    )
    return live_server.url


@pytest.fixture
def page(site: str, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **DESKTOP, accept_downloads=True) as page:
        yield page


def _drawn(page: Any, selector: str, shot: str) -> None:
    chart = page.wait_for_selector(f'{selector}[data-rendered="1"]')
    drawn = chart.evaluate(CANVAS_COLOURS)
    assert drawn["width"] > 0, selector
    assert drawn["colours"] > 3, (selector, drawn)
    chart.screenshot(path=str(ARTIFACTS / shot))


def test_analytics_charts_downloads_and_exports_in_a_browser(
    site: str, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{site}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")

    page.goto(f"{site}/analytics/?year={YEAR}")
    _drawn(page, "#chart-dynamics", "11-analytics-dynamics.png")
    page.goto(f"{site}/analytics/units/?year={YEAR}")
    _drawn(page, "#chart-inflation", "12-analytics-inflation.png")
    _drawn(page, "#chart-calibration", "13-analytics-calibration.png")

    page.goto(f"{site}/units/U001/?year={YEAR}")
    with page.expect_download() as download:
        page.click("#unit-pdf")
    card = tmp_path / "card.pdf"
    download.value.save_as(card)
    assert card.read_bytes().startswith(b"%PDF")

    page.goto(f"{site}/reports/?year={YEAR}")
    page.select_option("#id_kind", "annual")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector('#jobs [data-state="done"]')
    page.screenshot(path=str(ARTIFACTS / "14-exports.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#jobs a[href*='/file/']")
    book = tmp_path / "annual.xlsx"
    download.value.save_as(book)
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("干部").to_python()
    assert sheet[0][0] == f"{YEAR}年 干部年度考核等次"
