"""The quarter's close in a real browser: the secretary signs and publicizes, a member objects,
the branch committee upholds it, the correction reopens the quarter, the secretary signs again
and publicizes again."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.periods.models import Notice, Signature
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_menu(page: Any, name: str) -> None:
    # A phone-sized page: the navigation is folded into the 菜单.
    page.locator(".nav-phone summary").click()
    page.locator(".nav-phone").get_by_role("link", name=name).click()


def test_sign_publicize_object_uphold_reopen_resign_republicize(
    page: Any,
    tree: SimpleNamespace,
    secretary: User,
    member: User,
    make_user: Any,
    clock: Clock,
) -> None:
    # Friday 9 October 2026, after National Day: the third quarter is over.
    clock.set(dt.date(2026, 10, 9))
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    committee = make_user("zhiwei", "孙丽")
    role_grant(user=committee, role=Role.BRANCH_COMMITTEE, organization=tree.b1)
    zhao = Person.objects.get(user=member)
    absent = entry_append(
        organization=tree.b1,
        person=zhao,
        date=dt.date(2026, 8, 12),
        item="party_day",
        value="absent",
        note="8月主题党日",
        origin=Origin.MANUAL,
        recorded_by=None,
    )
    quarter_url = f"/orgs/{tree.b1.pk}/periods/2026/3/"

    log_in(page, "shuji")
    open_menu(page, "季度考评")
    page.get_by_role("link", name="教工第一党支部").click()
    page.get_by_role("link", name="2026年第三季度").click()
    assert page.locator("#status").inner_text() == "未签名"
    page.locator("#sign").click()
    assert page.locator("#status").inner_text() == "已签名"
    page.locator("#open-notice").click()
    assert page.locator("#notice-state").inner_text() == "公示中"
    assert "2026年10月14日" in page.content()  # 10/9, 10/10 (调休上班), 10/12, 10/13, 10/14

    log_in(page, "dangyuan")
    open_menu(page, "公示与异议")
    page.get_by_role("link", name="教工第一党支部 2026年第3季度").click()
    page.locator("#object").click()
    page.get_by_label("涉及党员（可不选）").select_option(label="赵磊")
    page.get_by_label("异议内容").fill("8月12日主题党日我请过假，有请假条")
    page.get_by_role("button", name="提交异议").click()
    assert page.locator("#objection-state").inner_text() == "待支委会调查"
    objection_url = page.url

    log_in(page, "zhiwei")
    page.goto(objection_url)
    page.locator("#investigate").click()
    page.get_by_label("异议成立", exact=True).check()
    page.get_by_label("调查情况").fill("查请假条属实")
    page.get_by_label("异议成立时：更正哪一条记录").select_option(index=1)
    page.get_by_label("改为", exact=True).select_option(label="请假")  # the rulebook's words
    page.get_by_role("button", name="记录结论").click()
    assert page.locator("#objection-state").inner_text() == "支委会：异议成立"
    correction = Entry.objects.get(corrects=absent)
    assert correction.value == "excused"

    log_in(page, "shuji")
    page.goto(quarter_url)
    assert page.locator("#status").inner_text() == "已重开（需重新签名）"
    page.locator("#sign").click()
    assert page.locator("#status").inner_text() == "已签名"
    page.locator("#open-notice").click()
    assert page.locator("#notice-state").inner_text() == "公示中"
    assert Signature.objects.count() == 2
    assert Notice.objects.count() == 2
    latest = Signature.objects.order_by("pk").last()
    assert latest is not None
    zhao_row = next(m for m in latest.sheet["members"] if m["person"] == zhao.pk)
    assert zhao_row["total"] == "70.00"
