"""The printed forms in Chromium's own print engine: a 30-member branch's quarter sheet on as
few A4 pages as its rows need, with the header repeated; the monthly 考核表 on one page.

Pages are counted in the PDF Chromium prints (``page.pdf``, the CSS page size), the way an
office prints from the browser."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.orgs.models import Person
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"


def _pages(page: Any) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _thirty(tree: SimpleNamespace, make_person: Callable[..., Person]) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    for surname in SURNAMES[:30]:
        make_person(f"{surname}思远")


def test_a_thirty_member_quarter_prints_on_three_landscape_pages(
    page: Any,
    tree: SimpleNamespace,
    secretary: User,
    make_person: Callable[..., Person],
    clock: Clock,
) -> None:
    clock.set(dt.date(2026, 4, 8))
    _thirty(tree, make_person)
    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/periods/2026/1/print/")
    assert page.locator("tbody.member").count() == 30
    # 30 members × 4 rows (three months and the quarter): 120 rows, about 44 a page (it was
    # 6 pages before the dense print style: the page's line height doubled every row).
    assert _pages(page) == 3
    # No member's four rows are split across two pages.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('tbody.member')).breakInside")
        == "avoid"
    )


def test_a_thirty_member_month_prints_its_table_on_one_page(
    page: Any,
    tree: SimpleNamespace,
    secretary: User,
    make_person: Callable[..., Person],
    clock: Clock,
) -> None:
    clock.set(dt.date(2026, 4, 8))
    _thirty(tree, make_person)
    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/months/2026/3/print/")
    assert page.locator("table.month-sheet tbody tr").count() == 30
    # The table on the first page; the items' 说明 (the seed's own words) may follow.
    assert _pages(page) <= 2
    page.set_viewport_size({"width": 1047, "height": 718})  # 277 × 190 mm, the printed area
    height = page.evaluate(
        "document.querySelector('table.month-sheet').getBoundingClientRect().bottom"
        " - document.querySelector('.form-sheet').getBoundingClientRect().top"
    )
    assert height < 718
