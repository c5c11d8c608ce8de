"""End to end on a small phone (375 × 812, Debian's chromium through Playwright): a unit head
opens a cadre's page, follows the political line to the evidence ledger, records a work-circle
entry in a few taps with big touch targets, and reads it back with its effect. Screenshots go to
test-artifacts/. Skipped when /usr/bin/chromium is missing (as the journey test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from kaohe.collection.models import Evidence
from tests.web.conftest import YEAR
from tests.web.conftest_followup import PASSWORD, District, district_setup
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen

pytestmark = E2E
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def setup(live_server: LiveServer) -> tuple[str, District]:
    """The demo district computed, written before the browser starts."""
    district = district_setup()
    Evidence.objects.filter(year=YEAR, subject_code=district.cadre).delete()
    return live_server.url, district


@pytest.fixture
def phone(setup: Any, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE)) as page:
        yield page


def _inside(box: dict[str, float] | None, min_height: float = 40) -> None:
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]  # no sideways scrolling to reach it
    assert box["height"] >= min_height  # a thumb's target


def test_a_unit_head_records_evidence_on_a_phone(setup: tuple[str, District], phone: Any) -> None:
    url, district = setup
    page = phone
    page.goto(f"{url}/cadres/{district.cadre}/?year={YEAR}")
    page.fill("#id_username", "head")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#political-link")
    page.click("#political-link")
    page.wait_for_selector("#evidence-form")
    # the head records only the work circle and field visits: two choices, no life circle
    sources = page.locator("#field-source label")
    assert sources.count() == 2
    assert "生活圈" not in page.inner_text("#evidence-form")
    work = page.locator("#field-source label", has_text="工作圈")
    _inside(work.bounding_box())
    work.tap()
    positive = page.locator("#field-direction label", has_text="正面")
    _inside(positive.bounding_box())
    positive.tap()
    page.fill("#id_date", f"{YEAR}-06-15")
    page.fill("#id_note", "主动承担防汛值守，群众评价好。")
    button = page.locator("#evidence-form button[type=submit]")
    _inside(button.bounding_box())
    page.screenshot(path=str(ARTIFACTS / "political-01-form-phone.png"), full_page=True)
    button.tap()
    page.wait_for_selector("#messages .alert.ok")
    ledger = page.inner_text("#ledger")
    assert "主动承担防汛值守" in ledger
    assert "+2.00" in ledger
    assert "head" in ledger  # the recorder, recorded automatically
    page.screenshot(path=str(ARTIFACTS / "political-02-recorded-phone.png"), full_page=True)
    # the export holds the entry as recorded (the ORM is not reachable from Playwright's loop)
    csv = page.request.get(f"{url}/political/cadres/{district.cadre}/ledger.csv?year={YEAR}")
    assert ",work,positive," in csv.text()
    assert ",head," in csv.text()
