"""End to end on a phone (375 × 812, Debian's chromium through Playwright): the weekly goals.
A cadre logs in, adds this week's goals in one form and checks one off with a note; the
section chief confirms the week on the team view and marks the cadre late on one day of the
month grid (htmx); the cadre's month summary shows 1 of 2 goals met and the points of the
plan's rule (weekly 30 × 1/2 = 15.00, attendance 10 − 0.5 = 9.50). Screenshots go to
test-artifacts/.

Skipped when /usr/bin/chromium is missing (as the journey test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from kaohe.core.demo import demo_plan_text
from kaohe.cycle.models import Period
from kaohe.diary.calendar import month_working_days
from kaohe.diary.services import this_monday
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from tests.web.conftest import YEAR
from tests.web.diary_kit import PASSWORD, Team, team
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen

pytestmark = E2E
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def setup(live_server: LiveServer, plan: Plan) -> tuple[str, Team, dt.date]:
    """The demo district, a cadre and their section chief, this month's first working day; a
    plan for this year too (the summary's points follow the plan of the month's year). Read and
    written before the browser starts (Playwright's sync API runs an event loop)."""
    today = timezone.localdate()
    if today.year != YEAR:
        plan_save(yaml_text=demo_plan_text(today.year))
    made = team(plan)
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    Period.objects.create(  # last month is locked: the grid refuses a change there
        year=last_month.year,
        month=last_month.month,
        state=Period.State.LOCKED,
        submit_due=last_month,
        review_due=last_month,
        publish_due=last_month,
    )
    return live_server.url, made, month_working_days(today.year, today.month)[0]


@pytest.fixture
def phone(setup: Any, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE)) as page:
        yield page


def _log_in(page: Any, url: str, username: str, then: str) -> None:
    page.goto(f"{url}{then}")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{then}")


def _log_out(page: Any) -> None:
    page.click("header form button[type=submit]")
    page.wait_for_url("**/login/")


def _inside(page: Any, selector: str) -> None:
    """A touch target of at least 44 px high, reachable without scrolling sideways."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    assert box["x"] >= 0, selector
    assert box["x"] + box["width"] <= PHONE["width"], selector
    assert box["height"] >= 44, selector


def test_weekly_goals_on_a_phone_set_checked_confirmed_and_counted(
    setup: tuple[str, Team, dt.date], phone: Any
) -> None:
    url, t, first_day = setup
    page = phone
    _log_in(page, url, "diarist", "/diary/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _inside(page, "#goals-add")
    page.fill("#id_lines", "走访辖区企业三家\n整理本周台账")
    page.click("#goals-add")
    page.wait_for_selector("#messages .alert.ok")
    goals = page.locator("ul.goals li.goal")
    assert goals.count() == 2
    first = goals.nth(0)
    first.locator("input[name=note]").fill("已走访三家")
    _inside(page, "ul.goals li.goal button[type=submit]")
    first.locator("button[type=submit]").click()
    page.wait_for_selector("ul.goals li.goal.done")
    assert "已走访三家" in page.inner_text("ul.goals li.goal.done")
    assert page.inner_text("#sum-goals") == "0 / 2"  # counted once the week is confirmed
    page.screenshot(path=str(ARTIFACTS / "diary-01-goals-phone.png"), full_page=True)
    _log_out(page)

    monday = this_monday()
    _log_in(page, url, "chief", "/diary/team/")
    week = f"#week-{t.cadre.code}-{monday:%Y%m%d}"
    assert "走访辖区企业三家" in page.inner_text(week)
    page.screenshot(path=str(ARTIFACTS / "diary-02-team-phone.png"), full_page=True)
    page.click(f"{week} button[value=confirm]")
    page.wait_for_selector("#messages .alert.ok")
    assert "已确认" in page.inner_text(week)
    # one cell of the month grid, saved with htmx: the cadre was late on the month's first
    # working day
    cell = f'select[aria-label="{t.cadre.name} {first_day:%m-%d}"]'
    page.select_option(cell, "late")
    page.wait_for_selector(f"td.st-late >> {cell}")
    # last month is locked: the cell goes back to its saved status and the reason is shown
    page.click(".pager a >> nth=0")
    page.wait_for_selector("#attendance-grid")
    locked = page.locator(f'#attendance-grid tr:has-text("{t.cadre.name}") select.cell').first
    locked.select_option("absent")
    page.wait_for_selector("#grid-message:not([hidden])")
    assert "已锁定" in page.inner_text("#grid-message")
    assert locked.input_value() == ""  # nothing saved
    _log_out(page)

    _log_in(page, url, "diarist", "/diary/")
    assert page.inner_text("#week-state") == "已确认"
    assert page.inner_text("#sum-goals") == "1 / 2"
    assert page.inner_text("#sum-weekly") == "15.00 / 30.00"  # 30 × 1/2
    assert page.inner_text("#sum-lates") == "1"
    assert page.inner_text("#sum-attendance") == "9.50 / 10.00"  # 10 − 0.5 × 1
    page.screenshot(path=str(ARTIFACTS / "diary-03-summary-phone.png"), full_page=True)
