from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_logs_in_and_reads_the_chinese_home_page(page: Any, member: User) -> None:
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.get_by_label("用户名").fill("dangyuan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "赵磊，您好"
    assert page.get_by_role("status").inner_text() == "欢迎，赵磊！"
    assert "党员" in page.locator(".tags").inner_text()
    # The stylesheet came from the application itself: the header is painted Jifen red.
    header_colour = page.locator(".site-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(179, 38, 30)"

    # On a phone the menu folds; opening it offers the way out.
    page.locator(".nav-phone summary").click()
    page.locator(".nav-phone").get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "登录"


def test_on_a_wide_screen_the_navigation_is_open_and_follows_roles(
    page: Any, committee_admin: User
) -> None:
    committee_admin.is_staff = True
    committee_admin.save()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    assert page.locator(".nav-phone").is_hidden()
    wide = page.locator(".nav-wide")
    # A committee admin, even one who is staff, is no platform operator (issue 16).
    assert wide.get_by_role("link", name="平台运维后台").count() == 0
    assert wide.get_by_role("link", name="修改密码").is_visible()
    assert wide.get_by_role("link", name="组织").is_visible()
    assert wide.get_by_role("button", name="退出登录").is_visible()
