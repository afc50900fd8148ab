"""Every page of the demo, as each demo account sees it on a phone: each link a reader is shown
opens (no 404 behind a link), and no page is wider than the phone (wide tables scroll inside
the page instead).

The walk follows the links on each page from the home page, breadth first, opening one page per
shape of address (/orgs/8/sheet/2026/10/ and /orgs/9/sheet/2026/3/ are the same page to read),
so it covers every kind of page a role reaches without loading hundreds of them.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from jifen.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390  # the `page` fixture's viewport
PAGES_PER_ACCOUNT = 45
# Files and actions, not pages: spreadsheets, uploads, sign-in templates, logging out.
NOT_PAGES = re.compile(
    r"xlsx|/template|/export|/evidence/|/attachments/|/fact-files/|-files/|logout|/i18n/|/admin/"
)


def _shape(href: str) -> str:
    return re.sub(r"\d+", "N", href.split("#", maxsplit=1)[0])


def _walk(page: Any) -> list[str]:
    """Open the pages reachable from home; return what is wrong with them."""
    problems: list[str] = []
    queue, shapes = ["/"], set()
    opened = 0
    while queue and opened < PAGES_PER_ACCOUNT:
        href = queue.pop(0)
        if _shape(href) in shapes:
            continue
        shapes.add(_shape(href))
        response = page.goto(href)
        opened += 1
        if response is None or response.status != 200:
            problems.append(f"{href} answered {response and response.status}")
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            problems.append(f"{href} is {width}px wide")
        links = page.eval_on_selector_all(
            "a[href^='/']:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        queue += [link for link in links if not NOT_PAGES.search(link)]
    return problems


# Slow (SQLite only): a minute of Chromium laying out every page of the demo, the same on any
# engine; the pages' queries are covered on PostgreSQL by the other browser tests.
@pytest.mark.slow
def test_every_page_a_demo_account_reaches_fits_a_phone_and_every_link_opens(page: Any) -> None:
    call_command("demo", stdout=io.StringIO())
    problems = []
    for account in DEMO_ACCOUNTS:
        log_in(page, account.username, DEMO_PASSWORD)
        problems += [f"{account.username}: {problem}" for problem in _walk(page)]
    assert not problems, "\n".join(problems)
