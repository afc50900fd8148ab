"""The to-do home in a real browser, on the demo (issue 17): a branch secretary, a member and
the committee admin each follow the home's link to their work, do it, and find the count
changed when they come back."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from jifen.accounts.demo import DEMO_PASSWORD
from jifen.demo.work import _evidence
from jifen.recording.declarations import declaration_review
from jifen.recording.models import Declaration
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.datetime(2026, 12, 7, 10, 0)


def _item(page: Any, title: str) -> Any:
    """The home's line whose title begins with ``title``."""
    return page.locator(".todo li", has=page.locator(".todo-title", has_text=title))


def _count(page: Any, title: str) -> int:
    """The count the home shows for ``title`` (0 when the line is not there)."""
    page.goto("/")
    line = _item(page, title)
    if line.count() == 0:
        return 0
    return int(line.locator(".todo-count").inner_text())


def test_each_role_follows_its_home_to_the_work_and_the_count_changes(
    page: Any, clock: Clock, tmp_path: Any
) -> None:
    clock.set(DAY.replace(tzinfo=clock.now.tzinfo))
    call_command("demo", stdout=io.StringIO())
    # An irreversible step may ask first (issue 17, confirmations): the test answers yes.
    page.on("dialog", lambda dialog: dialog.accept())

    # The committee admin reviews a declaration from the home's link.
    log_in(page, "admin", DEMO_PASSWORD)
    before = _count(page, "待审核的个人申报")
    assert before == 2
    _item(page, "待审核的个人申报").locator("a").click()
    page.wait_for_url(re.compile(r"/orgs/\d+/declarations/$"))
    page.locator("table a", has_text="刘洋").click()
    page.get_by_role("button", name="通过", exact=True).click()
    page.get_by_text("已保存").wait_for()
    assert _count(page, "待审核的个人申报") == before - 1
    # seed003's 特色分 wants the committee's approval: now the committee's own work.
    assert _count(page, "待党委审批的申报") == 1

    # The secretary signs the reopened quarter again from the home's link.
    log_in(page, "shuji", DEMO_PASSWORD)
    assert _count(page, "签名后有新的积分记录") == 1
    assert _count(page, "已签名、待开启公示的季度") == 0
    _item(page, "签名后有新的积分记录").locator("a").click()
    page.wait_for_url(re.compile(r"/periods/2026/3/$"))
    page.locator("#sign").click()
    page.locator("#confirm").click()  # what cannot be undone asks first
    page.wait_for_load_state()
    assert _count(page, "签名后有新的积分记录") == 0
    assert _count(page, "已签名、待开启公示的季度") == 1

    # The member's declaration comes back for more evidence; they resubmit from the home.
    waiting = Declaration.objects.get(
        person__user__username="dangyuan", status=Declaration.Status.SUBMITTED
    )
    declaration_review(
        declaration=waiting,
        decision="return",
        note="请补充献血证照片",
        actor=User.objects.get(username="jifenyuan"),
    )
    log_in(page, "dangyuan", DEMO_PASSWORD)
    assert _count(page, "退回补充材料的申报") == 1
    assert _count(page, "审核中的申报") == 0
    _item(page, "退回补充材料的申报").locator("a").click()
    page.wait_for_url("**/me/declarations/")
    page.locator(".declaration-card").first.click()
    photo = tmp_path / "献血证.png"
    photo.write_bytes(_evidence())
    page.locator("#resubmit-files").set_input_files(str(photo))
    page.get_by_role("button", name="重新提交").click()
    page.get_by_text("已保存").wait_for()
    assert _count(page, "退回补充材料的申报") == 0
    assert _count(page, "审核中的申报") == 1
