"""The leaders' rating sheet and the political radio cards on a 375px phone, in a real browser
(Debian's chromium driven by Playwright): a unit head rates two people and submits, the office
taps an anchored level per item; finger-sized targets, no sideways scrolling, no
Content-Security-Policy violation. Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing, like the journey test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from kaohe.ratings.models import Rating
from tests.web.conftest import YEAR
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen
from tests.web.test_e2e_ballot import _db
from tests.web.test_ratings import Org, org  # noqa: F401  # the fixture

pytestmark = E2E

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(live_server: LiveServer, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE), device_scale_factor=2) as page:
        yield page


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "x")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_a_unit_head_rates_on_a_phone_and_the_office_taps_anchored_levels(
    org: Org,  # noqa: F811
    live_server: LiveServer,
    phone: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    day = dt.date(YEAR, 4, 2)  # within Q1's window (1–14 April)
    monkeypatch.setattr(timezone, "localdate", lambda *_a, **_k: day)
    page, base = phone, live_server.url
    x, y = org.staff[0], org.staff[1]
    _login(page, base, "head")
    page.goto(f"{base}/ratings/{YEAR}-Q1/{org.unit.code}/")
    page.wait_for_selector("form#sheet")
    _fits(page)
    box = page.locator(f"input[name='score-{x}']").bounding_box()
    assert box is not None
    assert box["height"] >= 44
    page.fill(f"input[name='score-{x}']", "88")
    page.select_option(f"select[name='level-{y}']", "良")
    page.screenshot(path=str(ARTIFACTS / "ratings-01-sheet-phone.png"), full_page=True)
    page.locator("button[value=submit]").tap()
    page.wait_for_selector("#messages")
    scores = _db(
        lambda: dict(
            Rating.objects.filter(rater__username="head", state="submitted").values_list(
                "subject_code", "score"
            )
        )
    )
    assert scores == {x: 88.0, y: 85.0}

    # the office, in the year's window, taps one anchored level per political item
    monkeypatch.setattr(timezone, "localdate", lambda *_a, **_k: dt.date(YEAR + 1, 1, 5))
    page.context.clear_cookies()
    _login(page, base, "office")
    page.goto(f"{base}/ratings/political/{YEAR}/{org.unit.code}/{x}/")
    page.wait_for_selector("form#political")
    _fits(page)
    cards = page.locator(".anchor-card")
    assert cards.count() == 3 * 5
    card = cards.first.bounding_box()
    assert card is not None
    assert card["height"] >= 44
    for item, level in enumerate((1, 2, 0)):  # 较好 85, 一般 75, 好 95
        page.locator(".anchors").nth(item).locator(".anchor-card").nth(level).tap()
    page.screenshot(path=str(ARTIFACTS / "ratings-02-political-phone.png"), full_page=True)
    page.locator("button[value=submit]").tap()
    page.wait_for_selector("#messages")
    levels = _db(
        lambda: dict(
            Rating.objects.filter(kind="political", subject_code=x).values_list("item", "score")
        )
    )
    assert levels == {"政治判断力": 85.0, "政治领悟力": 75.0, "政治执行力": 95.0}
