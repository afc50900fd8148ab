"""A committee admin opens an account for a member, the member must change the shown password,
and a locked account no longer logs in; another general branch's and another committee's
accounts are not found — in a real browser (issue 16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.orgs.models import Person
from jifen.orgs.services import organization_create, role_grant
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OWN = "zhangwei-own-pass-2026"


def _log_in_refused(page: Any, username: str, password: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/login/")
    assert page.get_by_role("alert").is_visible()


def test_an_account_is_opened_its_password_changed_then_it_is_locked(
    page: Any, committee_admin: User, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张伟")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "admin")
    page.goto(f"/people/{zhang.pk}/")
    page.get_by_role("link", name="开通账号").click()
    assert page.get_by_label("用户名").input_value() == "zhangwei"
    assert page.get_by_label("角色").input_value() == "member"
    page.get_by_role("button", name="开通账号").click()
    password = page.locator("#issued-password").inner_text().strip()
    assert len(password) == 14

    log_in(page, "zhangwei", password)
    page.wait_for_url("**/accounts/password/")
    assert "请先修改密码" in page.get_by_role("status").inner_text()
    page.get_by_label("当前密码").fill(password)
    page.get_by_label("新密码", exact=True).fill(OWN)
    page.get_by_label("再输入一次新密码").fill(OWN)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/")
    assert page.get_by_role("status").inner_text() == "密码已修改"
    page.goto("/")  # no longer sent to the password page
    assert not page.url.endswith("/accounts/password/")

    log_in(page, "admin")
    page.locator(".nav-wide").get_by_role("link", name="账号").click()
    page.get_by_label("搜索").fill("zw")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="zhangwei").click()
    page.get_by_role("link", name="停用账号").click()
    page.get_by_role("button", name="停用账号").click()  # not yet confirmed: asked again
    assert "请先勾选确认框" in page.locator("main").inner_text()
    page.get_by_label("我已确认").check()
    page.get_by_role("button", name="停用账号").click()
    assert page.get_by_role("status").inner_text() == "账号 zhangwei 已停用"

    _log_in_refused(page, "zhangwei", OWN)


def test_another_general_branch_and_another_committee_are_not_found(
    page: Any,
    general_admin: User,
    outsider: User,
    tree: Any,
    make_user: Callable[..., User],
) -> None:
    g2 = organization_create(code="G2", name="机械学院党总支", kind="general_branch", parent=tree.c)
    theirs = make_user("qita", "其他")
    role_grant(user=theirs, role=Role.BRANCH_SECRETARY, organization=g2)
    ours = make_user("women", "我们")
    role_grant(user=ours, role=Role.SCOREKEEPER, organization=tree.b1)

    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, "zongzhi")
    page.locator(".nav-wide").get_by_role("link", name="账号").click()
    listed = page.locator("main").inner_text()
    assert "women" in listed
    assert "qita" not in listed
    assert page.goto(f"/accounts/manage/{theirs.pk}/").status == 404
    assert page.goto(f"/accounts/manage/{theirs.pk}/lock/").status == 404
    refused = AuditEvent.objects.filter(action="access.denied", actor=general_admin)
    assert set(refused.values_list("target", flat=True)) == {f"auth.User:{theirs.pk}"}

    log_in(page, "waibu")  # the other committee's admin
    assert page.goto(f"/accounts/manage/{ours.pk}/").status == 404
    assert page.goto(f"/accounts/manage/{general_admin.pk}/password/").status == 404
