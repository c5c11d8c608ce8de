"""Voting by token on a phone, in a real browser (Debian's chromium driven by Playwright): the
printed QR code's link opens the ballot without login, every item is tapped, the ballot is
stored once; the same link then says the token has voted. Screenshots go to test-artifacts/.

Skipped when /usr/bin/chromium is missing, like the journey test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.evaluations.models import Ballot, BallotToken, Mark, Round
from kaohe.plans.models import Plan
from tests.web.e2e_kit import ARTIFACTS, E2E, chromium_page, phone_screen
from tests.web.evaluations_kit import group_raters, open_with_tokens, org, team_round

pytestmark = E2E
T = TypeVar("T")

PHONE = {"width": 390, "height": 844}


def _db(read: Callable[[], T]) -> T:
    """Run a database read in another thread: Playwright's sync API keeps an event loop in the
    test's thread, where Django refuses synchronous queries."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_closing, read).result()


def _closing(read: Callable[[], T]) -> T:
    try:
        return read()
    finally:
        connection.close()


@dataclass(frozen=True)
class Voting:
    url: str
    token: str


@pytest.fixture
def voting(live_server: LiveServer, plan: Plan) -> Voting:
    """A team round of U1 and U2, open, with one outside peer's token (written before the
    browser starts: Playwright's sync API runs an event loop in the test's thread)."""
    org()
    round_ = team_round(outside_peers=1)
    tokens = open_with_tokens(round_)
    (rater,) = group_raters(round_, "peers")
    return Voting(live_server.url, tokens[rater.pk])


@pytest.fixture
def phone(voting: Voting, tmp_path: Path) -> Iterator[Any]:
    with chromium_page(tmp_path, **phone_screen(PHONE), device_scale_factor=2) as page:
        yield page


def test_a_voter_votes_by_token_on_a_phone(voting: Voting, phone: Any) -> None:
    page = phone
    # the QR code's link: the token after "#" never reaches the server; the page posts it
    page.goto(f"{voting.url}/vote/#{voting.token}")
    page.wait_for_selector("form#ballot")
    assert "#" not in page.url  # the fragment is wiped from the address bar and history
    subjects = page.locator("fieldset.subject")
    assert subjects.count() == 2
    radios = page.locator("form#ballot .levels")
    assert radios.count() == 2 * 5  # two teams × five items
    box = page.locator("label.level span").first.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a finger-sized tap target
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "ballot-01-phone.png"), full_page=True)

    # submitting with a missing item: the browser asks for it, nothing is stored
    page.locator("#cast").tap()
    assert _db(Ballot.objects.count) == 0

    for i in range(radios.count()):
        radios.nth(i).locator("label.level").nth(i % 4).tap()
    page.locator("#cast").tap()
    page.wait_for_selector("#voted")
    page.screenshot(path=str(ARTIFACTS / "ballot-02-voted.png"), full_page=True)
    assert _db(Ballot.objects.count) == 1
    # taps: item i of the 10 took level i % 4 of 优 1.0, 良 0.85, 中 0.7, 差 0.5
    assert sorted(_db(lambda: list(Mark.objects.values_list("score", flat=True)))) == sorted(
        [100.0, 85.0, 70.0, 50.0] * 2 + [100.0, 85.0]
    )
    assert _db(lambda: BallotToken.objects.get().used)

    # the same link again (scanned anew): refused, with the reason
    page.goto("about:blank")
    page.goto(f"{voting.url}/vote/#{voting.token}")
    page.wait_for_selector("#vote-error")
    assert "已投票" in page.inner_text("#vote-error")
    assert _db(Ballot.objects.count) == 1


def _office() -> int:
    user = User.objects.create_user(username="office", password="office-password-16")
    role_assign(user=user, role=Role.OFFICE)
    return Round.objects.get().pk


def test_the_office_prints_token_cards_and_closes_a_round_once_confirmed(
    voting: Voting, phone: Any
) -> None:
    """The round page's behaviour without inline script (kaohe.js): the close form asks first
    (data-confirm), the token cards print (data-print)."""
    page = phone
    round_id = _db(_office)
    page.goto(f"{voting.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "office-password-16")
    page.click("button[type=submit]")
    page.wait_for_url(f"{voting.url}/")
    page.goto(f"{voting.url}/evaluations/rounds/{round_id}/")

    blocked: list[str] = []  # of the cards' page too, which opens in a new tab
    page.context.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    with page.context.expect_page() as opened:
        page.click("#issue-tokens")
    cards = opened.value
    cards.wait_for_load_state()
    cards.evaluate("window.print = () => { window.printed = true; }")
    cards.click("button[data-print]")
    assert cards.evaluate("window.printed === true")
    cards.close()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#close-round")
    page.wait_for_timeout(300)
    assert _db(lambda: Round.objects.get().state) == Round.State.OPEN  # not confirmed
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#close-round")
    page.wait_for_load_state()
    page.wait_for_selector("#issue-tokens", state="detached")
    assert _db(lambda: Round.objects.get().state) == Round.State.CLOSED
    assert blocked == []
