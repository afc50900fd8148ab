"""Filling an assessment sheet on a phone: the secretary's self sheet (draft, submit, locked),
the assessor's committee sheet with the self score beside, and reading the published result."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.assessments.models import Sheet
from jifen.assessments.services import round_open
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILL_ALL = "els => els.forEach(el => { el.value = el.max; })"


def test_a_self_sheet_is_filled_submitted_and_locked_then_assessed_and_read(
    page: Any, tree: SimpleNamespace, committee_admin: User, secretary: User
) -> None:
    found = round_open(
        owner=tree.c,
        year=2026,
        period="H1",
        rulebook="seed000-branch",
        organizations=[tree.b1],
        self_deadline=dt.date(2026, 6, 20),
        committee_deadline=dt.date(2026, 7, 10),
        actor=committee_admin,
    )
    log_in(page, "shuji")
    page.locator(".nav-phone summary").click()
    page.locator(".nav-phone").get_by_role("link", name="党建考核").click()
    page.get_by_role("link", name=found.title).click()
    page.get_by_role("link", name="自评").click()

    page.locator("#score-political_lead").fill("2.5")
    page.locator("#note-political_lead").fill("每月集中学习")
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_role("status").inner_text() == "草稿已保存"
    assert page.locator("#score-political_lead").input_value() == "2.5"

    page.locator("#score-venue").fill("3.5")
    page.get_by_role("button", name="提交（提交后锁定）").click()
    assert "「阵地建设到位」的分数应在 0 到 3.00 之间" in page.get_by_role("status").inner_text()
    assert Sheet.objects.get(source="self").status == Sheet.Status.DRAFT

    page.locator("input[name^='score-']").evaluate_all(FILL_ALL)
    page.locator("#score-special_project").fill("")
    page.locator("#score-key_tasks").fill("")
    page.get_by_role("button", name="提交（提交后锁定）").click()
    page.locator("#confirm").click()  # submitting locks the sheet: it asks first
    assert page.get_by_role("status").inner_text() == "已提交，考核表已锁定"
    assert page.locator(".sheet-status").inner_text() == "已提交"
    assert page.get_by_role("button", name="保存草稿").count() == 0

    log_in(page, "admin")
    page.goto(f"/assessments/{found.pk}/")
    page.get_by_role("link", name="考评").click()
    beside = page.locator("#item-political_lead .beside").inner_text()
    assert beside == "自评：3"
    page.locator("input[name^='score-']").evaluate_all(FILL_ALL)
    page.locator("#score-special_project").fill("")
    page.locator("#score-key_tasks").fill("")
    page.locator("#score-venue").fill("2")
    page.get_by_role("button", name="提交（提交后锁定）").click()
    page.locator("#confirm").click()  # submitting locks the sheet: it asks first
    assert page.get_by_role("status").inner_text() == "已提交，考核表已锁定"
    page.goto(f"/assessments/{found.pk}/results/")
    page.get_by_role("button", name="公布结果").click()
    page.locator("#confirm").click()
    assert page.get_by_role("status").inner_text() == "考核结果已公布给参加考核的组织"

    log_in(page, "shuji")
    page.goto(f"/assessments/{found.pk}/results/")
    page.get_by_role("link", name="教工第一党支部").click()
    summary = page.locator(".score-summary").inner_text()
    assert "99.00" in summary
    assert "5 星" in summary
    page.get_by_text("基础保障 7.00", exact=True).click()
    assert (
        "上半年 考评 阵地建设到位: 得 2.00 / 3.00" in page.locator(".explain").nth(5).inner_text()
    )
