"""The forms in a real browser: a member's 登记表 and a general branch's bulletin render their
charts as inline SVG, print on A4 by the print stylesheet, and call nothing outside the app."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser.helpers import log_in
from tests.reports.conftest import YEAR, branch  # noqa: F401 - the hand-worked branch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SIZE = """() => {
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule.type === CSSRule.PAGE_RULE && !rule.selectorText) return rule.style.size;
    }
  }
  return null;
}"""


ONE_LINE = """() => {
  const found = {};
  for (const cell of document.querySelectorAll('table.bulletin td.branch-name')) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    if (cell.textContent.trim()) found[cell.textContent.trim()] = range.getClientRects().length;
  }
  return found;
}"""


def _prints_on_a4(page: Any) -> None:
    assert page.evaluate(PAGE_SIZE).lower().startswith("a4")  # Chromium writes "a4"
    page.emulate_media(media="print")
    # the wide forms print on the named landscape A4 page
    sheet = page.locator(".form-sheet")
    assert sheet.evaluate("e => getComputedStyle(e).page") == "landscape"
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".form-toolbar").is_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")


def test_a_member_prints_the_register_and_the_general_branch_its_bulletin(
    page: Any,
    branch: SimpleNamespace,  # noqa: F811
    make_user: Any,
    general_admin: User,
) -> None:
    user = make_user("jia", "甲")
    branch.jia.user = user
    branch.jia.save(update_fields=["user"])
    log_in(page, "jia")
    page.goto(f"/people/{branch.jia.pk}/points/{YEAR}/")
    page.get_by_role("link", name="登记表（打印）").click()
    page.wait_for_url(f"**/people/{branch.jia.pk}/points/{YEAR}/register/")
    assert page.get_by_role("heading", name="党员积分量化登记表").is_visible()
    assert page.locator(".form-sheet .chart svg").count() == 1
    assert page.locator(".form-sheet .chart svg").bounding_box()["width"] > 200
    assert page.locator("script", has_text="pygal").count() == 0
    for line in ("党员本人签名", "记分员签名", "支部书记签名"):
        assert page.locator(".signatures", has_text=line).is_visible()
    assert page.locator("tr.sum", has_text="年度积分合计").inner_text().strip().endswith("82.92")
    _prints_on_a4(page)

    log_in(page, "zongzhi")
    page.goto(f"/orgs/{branch.tree.g.pk}/bulletin/{YEAR}/4/")
    assert page.get_by_role("heading", name=f"{YEAR}年第4季度党员积分情况通报").is_visible()
    assert page.locator(".form-sheet .chart svg").count() >= 1
    assert page.locator("table.bulletin tbody tr").count() == 3  # B1, B2, 合计
    assert page.locator(".signatures", has_text="党总支书记签名").is_visible()
    # Each branch's name on one line, on the phone and in print: a name that wraps is drawn
    # as more than one rectangle.
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        lines = page.evaluate(ONE_LINE)
        assert set(lines) == {"教工第一党支部", "学生第一党支部"}
        assert all(count == 1 for count in lines.values()), lines
    page.emulate_media(media="screen")
    _prints_on_a4(page)
