"""The pages that matter on a 390 × 844 phone (issue 17): the quarter sheet a card a member with
the total in view and the signing at the top; the notice with each score in view and 所在支部
said once; the login page's demo accounts and the check-in link inside the screen. The
quarter is signed through its confirmation, which says how many members have confirmed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.orgs.models import Person
from jifen.periods.models import Signature
from jifen.recording.checkin import checkin_open, checkin_token
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 390, 844  # the `page` fixture's viewport
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"  # 20 surnames
# 20 members' cards and the page around them. The table was about 6,000 px on a phone.
MOST_HEIGHT = 3_000


def _width(page: Any) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def _in_view(page: Any, selector: str) -> bool:
    """Whether the element lies inside the phone's width (its box, not its scrolled table)."""
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


@pytest.fixture
def twenty(
    tree: SimpleNamespace, secretary: User, make_person: Callable[..., Person], clock: Clock
) -> SimpleNamespace:
    clock.set(dt.date(2026, 10, 9))  # the third quarter is over
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    for surname in NAMES:
        make_person(f"{surname}思远")
    return tree


def test_the_quarter_sheet_fits_a_phone_and_is_signed_through_its_confirmation(
    page: Any, twenty: SimpleNamespace
) -> None:
    log_in(page, "shuji")
    page.goto(f"/orgs/{twenty.b1.pk}/periods/2026/3/")
    assert page.locator("tbody.member").count() == 20
    assert _width(page) <= WIDTH
    # The first member's 季度合计 is on the screen, not beyond a wide table's edge.
    first_total = "tbody.member >> nth=0 >> td.total"
    assert page.locator(first_total).is_visible()
    assert _in_view(page, first_total)
    height = page.evaluate("document.scrollingElement.scrollHeight")
    assert height < MOST_HEIGHT, f"the quarter page is {height}px tall"
    # The signing is within the first two screens, not under 6,000 px of table.
    sign = page.locator("#sign").bounding_box()
    assert sign is not None
    assert sign["y"] + sign["height"] < 2 * HEIGHT
    # The whole table is a tap away and scrolls inside the page.
    page.locator("#whole-table").click()
    assert page.locator("table.phone-cards").count() == 0
    assert _width(page) <= WIDTH
    # Measured 2026-12-07: 2,679 px as cards, 4,514 px as the table.
    assert height < 0.7 * page.evaluate("document.scrollingElement.scrollHeight")
    page.go_back()

    page.locator("#sign").click()
    asked = page.locator("#confirmation").inner_text()
    assert "党员已确认 0/20 人" in asked
    assert "未确认 20 人" in asked
    assert not Signature.objects.exists()
    assert _width(page) <= WIDTH
    page.locator("#confirm").click()
    assert page.locator("#status").inner_text() == "已签名"
    assert Signature.objects.count() == 1

    page.locator("#open-notice").click()
    page.locator("#confirm").click()
    assert page.locator("#notice-state").inner_text() == "公示中"
    assert _width(page) <= WIDTH
    totals = page.locator("tr.member td.total")
    assert totals.count() == 20
    for index in range(20):
        assert _in_view(page, f"tr.member >> nth={index} >> td.total")
    assert page.locator("main").inner_text().count("所在支部") == 1
    assert page.locator("#notice-branch").inner_text() == "所在支部：教工第一党支部"
    assert "教工第一党支部" not in page.locator("table").inner_text()


def test_the_login_page_with_the_demo_accounts_fits_a_phone(page: Any, settings: Any) -> None:
    settings.JIFEN_DEMO = True
    page.goto("/accounts/login/")
    assert page.locator(".demo tr.member").count() >= 5
    assert _width(page) <= WIDTH


def test_the_check_in_qr_and_its_link_fit_a_phone(
    page: Any, twenty: SimpleNamespace, scorekeeper: User, member: User, clock: Clock
) -> None:
    activity = activity_create(
        organization=twenty.b1, item="party_day", title="主题党日", date=clock.today
    )
    checkin_open(activity=activity, now=clock.now, minutes=30, actor=scorekeeper)
    log_in(page, "jifenyuan")
    page.goto(f"/activities/{activity.pk}/")
    assert page.locator("#checkin-url").is_visible()
    assert _width(page) <= WIDTH
    assert _in_view(page, "#checkin-url")
    log_in(page, "dangyuan")
    page.goto(f"/checkin/{checkin_token(activity)}/")
    assert _width(page) <= WIDTH
