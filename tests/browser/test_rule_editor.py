"""The rule editor in a real browser: a committee admin writes its own rulebook without YAML."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_committee_admin_bases_a_draft_on_seed003_and_changes_party_days_points(
    page: Any, committee_admin: User, tree: SimpleNamespace
) -> None:
    log_in(page, "admin")
    page.goto("/rulebooks/")
    page.get_by_role("link", name="新建自定积分办法").click()
    page.get_by_label("名称").fill("我院党员积分办法")
    page.get_by_label("所属组织").select_option(label=tree.c.name)
    page.get_by_label("基于").select_option(value="builtin:seed003")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rulebooks/drafts/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "我院党员积分办法"
    row = page.get_by_role("row").filter(has_text="主题党日(每月两次)")
    assert "每月 10.00 分" in row.inner_text()

    page.get_by_role("link", name="修改 主题党日(每月两次)").click()
    assert "基础办法：10" in page.locator("form.form").inner_text()
    page.get_by_label("每期分值（分）").fill("8")
    page.get_by_label("修改理由").fill("党日活动每次改为 4 分")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rulebooks/drafts/*/")

    row = page.get_by_role("row").filter(has_text="主题党日(每月两次)")
    assert "每月 8.00 分" in row.inner_text()
    assert "已改" in row.inner_text()
    assert "第 2 版" in page.locator("#version").inner_text()
    assert "党日活动每次改为 4 分" in page.locator("#versions").inner_text()
