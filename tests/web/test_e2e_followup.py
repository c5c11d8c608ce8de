"""End to end on a phone (390 × 844, Debian's chromium through Playwright): the head of a unit
logs in, opens a bottom-rank action of their unit from the follow-up list, records the reminder
talk with an attachment and closes it; the action shows the record and its state, and the
cadre's page shows the ladder. Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing (as the journey test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from kaohe.followup.models import FollowUpAction
from kaohe.followup.services.actions import actions_from_run
from tests.web.conftest import YEAR
from tests.web.conftest_followup import PASSWORD, District, district_setup
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen

pytestmark = E2E
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setup(
    live_server: LiveServer, settings: SettingsWrapper, tmp_path: Path
) -> tuple[str, District, FollowUpAction]:
    """The demo district computed, its actions created, the unit head's first open action.
    Written before the browser starts (Playwright's sync API runs an event loop here)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    district = district_setup()
    actions_from_run(run=district.run)
    action = (
        FollowUpAction.objects.filter(
            owner=district.head_unit, subject_code=district.cadre, period=f"{YEAR}-Q1"
        ).first()
        or FollowUpAction.objects.filter(owner=district.head_unit).order_by("pk").first()
    )
    assert action is not None
    return live_server.url, district, action


@pytest.fixture
def phone(setup: Any, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE)) as page:
        yield page


def test_a_unit_head_records_a_reminder_talk_on_a_phone(
    setup: tuple[str, District, FollowUpAction], phone: Any, tmp_path: Path
) -> None:
    url, _district, action = setup
    page = phone
    page.goto(f"{url}/followup/actions/?year={YEAR}")
    assert "/login/" in page.url
    page.fill("#id_username", "head")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/followup/actions/?year={YEAR}")
    page.screenshot(path=str(ARTIFACTS / "followup-01-actions-phone.png"), full_page=True)

    # open the action from the list, on the phone
    page.click(f'#followups a[href="/followup/actions/{action.pk}/"]')
    page.wait_for_selector("#record-form")
    assert action.action in page.inner_text("h1")
    attachment = tmp_path / "谈话记录.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.fill("#id_date", f"{YEAR}-04-20")
    page.fill("#id_participants", "单位负责人、本人")
    page.fill("#id_notes", "指出一季度月度任务完成滞后，约定四月底前整改。")
    page.set_input_files("#id_attachment", str(attachment))
    page.check("#id_completes")
    button = page.locator("#record-form button[type=submit]")
    box = button.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]  # reachable without scrolling sideways
    button.click()
    page.wait_for_selector("#messages .alert.ok")
    records = page.inner_text("#records")
    assert "指出一季度月度任务完成滞后" in records
    assert "谈话记录.pdf" in records
    assert "已办结" in page.inner_text("#action-state")
    page.screenshot(path=str(ARTIFACTS / "followup-02-recorded-phone.png"), full_page=True)

    # the cadre's page shows the ladder with this step done
    page.goto(f"{url}/cadres/{action.subject_code}/?year={YEAR}#ladder")
    ladder = page.inner_text("#ladder")
    assert f"{action.period} · {action.get_step_display()}" in ladder
    assert "已办结" in ladder
    page.screenshot(path=str(ARTIFACTS / "followup-03-cadre-ladder-phone.png"), full_page=True)
