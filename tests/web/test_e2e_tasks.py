"""End to end on a small phone (375 × 667, Debian's chromium through Playwright): a cadre opens
the month's reconciliation, taps a status for each post task, writes a note, attaches a photo
of the evidence and submits; the section chief then rates the month on the same size of screen
and the cadre reads the rating. Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing (as the journey test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from kaohe.core.demo import demo_plan_text
from kaohe.plans.services import plan_save
from kaohe.tasks import services
from tests.web.conftest import YEAR
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen
from tests.web.test_tasks import make_org

pytestmark = E2E
PHONE = {"width": 375, "height": 667}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TOUCH = 44  # px: the smallest comfortable touch target


@pytest.fixture
def setup(live_server: LiveServer, settings: SettingsWrapper, tmp_path: Path) -> str:
    """The small unit of test_tasks with two post tasks of March for the staff cadre (C4),
    written before the browser starts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    org = make_org(plan_save(yaml_text=demo_plan_text(YEAR)))
    for name in ("信息报送", "会议纪要"):
        services.post_task_add(post=org.posts["P4"], year=YEAR, months=[3], name=name)
    return live_server.url


@pytest.fixture
def phone(setup: str, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE)) as page:
        yield page


def _login(page: Any, url: str, name: str, then: str) -> None:
    page.goto(f"{url}{then}")
    page.fill("#id_username", name)
    page.fill("#id_password", "x")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{then}")


def _within_screen(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]  # no sideways scrolling to reach it
    return box  # type: ignore[no-any-return]


def test_a_cadre_reconciles_on_a_small_phone_and_reads_the_rating(
    setup: str, phone: Any, tmp_path: Path
) -> None:
    url, page = setup, phone
    month = f"/tasks/report/?year={YEAR}&month=3"
    _login(page, url, "staff", month)
    page.screenshot(path=str(ARTIFACTS / "tasks-01-report-phone.png"), full_page=True)
    assert "信息报送" in page.inner_text("#report-form")
    for status in ("done", "partly"):
        choice = f'#report-form label.choice:has(input[value="{status}"])'
        assert _within_screen(page, choice)["height"] >= TOUCH
    fieldsets = page.locator("#report-form fieldset.task-line")
    assert fieldsets.count() == 2
    fieldsets.nth(0).locator('label.choice:has(input[value="done"])').tap()
    fieldsets.nth(1).locator('label.choice:has(input[value="partly"])').tap()
    fieldsets.nth(1).locator("textarea").fill("缺一篇纪要，下周补齐")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(JPEG)
    page.set_input_files('#report-form input[type="file"]', str(photo))
    submit = "#report-form button.primary"
    assert _within_screen(page, submit)["height"] >= TOUCH
    page.locator(submit).tap()
    page.wait_for_selector("#messages .alert.ok")
    assert "现场照片.jpg" in page.inner_text("#report-form")
    page.screenshot(path=str(ARTIFACTS / "tasks-02-submitted-phone.png"), full_page=True)
    page.context.clear_cookies()

    ratings = f"/tasks/ratings/?year={YEAR}&month=3"
    _login(page, url, "chief", ratings)
    card = page.locator("section.card", has_text="干部4")
    assert "缺一篇纪要" in card.inner_text()
    card.locator('label.choice:has(input[value="良"])').tap()
    card.locator("textarea").fill("按时报送，纪要需及时")
    card.locator("button.primary").tap()
    page.wait_for_selector("#messages .alert.ok")
    page.screenshot(path=str(ARTIFACTS / "tasks-03-rated-phone.png"), full_page=True)
    page.context.clear_cookies()

    _login(page, url, "staff", month)
    assert page.inner_text("#rated-level") == "良"
    assert "纪要需及时" in page.inner_text("#rated-comment")
