"""The browser harness: Playwright driving the system's Chromium (Debian's ``chromium``).

Playwright's own browser download cannot run on the isolated machines Jifen targets, so the
tests launch ``/usr/bin/chromium`` (or ``JIFEN_CHROMIUM``). Where no Chromium exists the tests
skip and say why; with ``JIFEN_REQUIRE_BROWSER=1`` (CI) a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no outside network: keep Chromium from calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    candidates = [os.environ.get("JIFEN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _missing(reason: str) -> None:
    if os.environ.get("JIFEN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required here but {reason}", pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped (install Debian's chromium package)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        _missing("no Chromium at /usr/bin/chromium or on PATH")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (make install)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
    # set up data are still plain synchronous calls, so Django's async guard must stand aside
    # while the browser runs (and only then: `check --deploy` rightly refuses this variable).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def policy_complaint(text: str) -> bool:
    """A console line in which Chromium refuses something under a policy header."""
    return "Content Security Policy" in text or "Permissions-Policy" in text


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh phone-sized page; every request it makes must go to the live server only."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else outside.append(request.url)
        ),
    )
    # Every page of every browser test runs under the Content-Security-Policy and the
    # Permissions-Policy: Chromium reports what either refuses (or cannot read) on the console.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if policy_complaint(message.text) else None,
    )
    page.policy_complaints = refused  # a test that breaks the policy on purpose clears it
    yield page
    context.close()
    assert not outside, f"the page called outside the application: {outside}"
    assert not refused, f"the page broke its security policy: {refused}"
