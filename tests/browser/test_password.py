"""A member changes their own password from the header, in a real browser (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "a-new-horse-battery-7"


def test_a_member_changes_the_password_and_logs_in_with_the_new_one(
    page: Any, member: User
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "dangyuan")
    page.locator(".nav-wide").get_by_role("link", name="修改密码").click()
    page.wait_for_url("**/accounts/password/")
    page.get_by_label("当前密码").fill("not-the-password")
    page.get_by_label("新密码", exact=True).fill(NEW)
    page.get_by_label("再输入一次新密码").fill(NEW)
    page.get_by_role("button", name="修改密码").click()
    assert "当前密码不正确" in page.locator("main").inner_text()

    page.get_by_label("当前密码").fill("correct-horse-battery")
    page.get_by_label("新密码", exact=True).fill(NEW)
    page.get_by_label("再输入一次新密码").fill(NEW)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/")
    assert page.get_by_role("status").inner_text() == "密码已修改"
    log_in(page, "dangyuan", NEW)
    assert "赵磊" in page.get_by_role("heading", level=1).inner_text()
