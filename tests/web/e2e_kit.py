"""What the end-to-end tests share: Debian's chromium, its flags, where screenshots go, and one
browser page in a fresh profile with the Content-Security-Policy watched.

Playwright's sync API runs an event loop in the test's thread: a test writes to the database
before it opens the page.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pytest

CHROMIUM: Final = Path("/usr/bin/chromium")
ARTIFACTS: Final = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: Final[dict[str, Any]] = {"viewport": {"width": 1280, "height": 900}}


def phone_screen(viewport: dict[str, int]) -> dict[str, Any]:
    """Playwright's options of a phone's screen (touch, mobile) of ``viewport``'s size."""
    return {"viewport": viewport, "is_mobile": True, "has_touch": True}


E2E: Final = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def csp_blocked(page: Any) -> list[str]:
    """What chromium blocks under the Content-Security-Policy (it says so on the console): the
    list fills while ``page`` works; a test asserts it stays empty."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return blocked


@contextmanager
def chromium_page(tmp_path: Path, *, csp: bool = True, **options: Any) -> Iterator[Any]:
    """One page of a fresh headless chromium profile (zh-CN) with Playwright's ``options``
    (``**phone_screen(PHONE)``, ``**DESKTOP``, downloads…); with ``csp``, no Content-Security-Policy
    violation may happen while it is open."""
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="chromium-", dir=tmp_path),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            locale="zh-CN",
            **options,
        )
        context.set_default_timeout(30_000)
        try:
            page = context.new_page()
            blocked = csp_blocked(page)
            yield page
            if csp:
                assert blocked == [], "Content-Security-Policy violations"
        finally:
            context.close()
