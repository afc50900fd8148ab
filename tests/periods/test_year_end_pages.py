"""The year end's pages: the branch signs (only with the box ticked), reports, the general
branch approves or returns, the branch publicizes; the notice's page, print and xlsx; the
member's own result with the way to object; the level above's overview; out of scope is 404."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.periods.models import Notice, Objection, Signature
from jifen.periods.year_end_models import YearEndStep
from tests.clock import Clock

from .test_year_end import golden

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def day(clock: Clock) -> Clock:
    clock.set(D(2027, 1, 6))  # a Wednesday after the year's end
    return clock


def _url(name: str, branch: SimpleNamespace) -> str:
    return reverse(f"periods:{name}", args=[branch.org.pk, 2026])


def test_the_whole_year_end_through_the_pages(branch: SimpleNamespace, day: Clock) -> None:
    golden(branch)
    secretary, general = _client(branch.secretary), _client(branch.general_admin)
    page = secretary.get(_url("year_end", branch)).content.decode()
    assert "88.58" in page
    assert "优秀" in page
    assert "未开始" in page
    # Irreversible: it asks first (how many members, who is unfinished); nothing is signed yet.
    response = secretary.post(_url("year_end_sign", branch))
    assert response.status_code == 200
    assert "确认签名" in response.content.decode()
    assert "年度汇总表" in response.content.decode()
    assert not Signature.objects.filter(quarter=0).exists()
    secretary.post(_url("year_end_sign", branch), {"confirm": "yes"})
    assert Signature.objects.filter(quarter=0).count() == 1
    secretary.post(_url("year_end_submit", branch), {"note": "请审核"})
    assert 'id="decide"' in general.get(_url("year_end", branch)).content.decode()
    assert 'id="decide"' not in secretary.get(_url("year_end", branch)).content.decode()
    # The member's page: not approved yet, so no figures.
    mine = _client(branch.member).get(reverse("periods:year_end_mine", args=[2026]))
    assert "尚未经上级党组织审核通过" in mine.content.decode()
    # The secretary cannot approve through the page either: a message, nothing written.
    secretary.post(_url("year_end_decide", branch), {"verdict": "approve", "confirm": "yes"})
    assert not YearEndStep.objects.filter(kind="approve").exists()
    general.post(_url("year_end_decide", branch), {"verdict": "return", "reason": ""})
    assert not YearEndStep.objects.filter(kind="return").exists()
    general.post(_url("year_end_decide", branch), {"verdict": "return", "reason": "请附特色分材料"})
    page = secretary.get(_url("year_end", branch)).content.decode()
    assert "已退回" in page
    assert "请附特色分材料" in page
    secretary.post(_url("year_end_submit", branch))
    asked = general.post(_url("year_end_decide", branch), {"verdict": "approve"})
    assert "确认审核通过" in asked.content.decode()
    assert not YearEndStep.objects.filter(kind="approve").exists()
    general.post(_url("year_end_decide", branch), {"verdict": "approve", "confirm": "yes"})
    assert YearEndStep.objects.filter(kind="approve", by=branch.general_admin).exists()
    asked = secretary.post(_url("year_end_notice", branch), {"how_to_object": ""})
    assert "确认开始公示" in asked.content.decode()
    assert not Notice.objects.exists()
    response = secretary.post(
        _url("year_end_notice", branch), {"how_to_object": "", "confirm": "yes"}
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("periods:notice", args=[notice.pk])
    shown = secretary.get(reverse("periods:notice", args=[notice.pk])).content.decode()
    assert "年度合计" in shown
    assert "88.58" in shown
    assert "全年" in shown
    book = load_workbook(
        io.BytesIO(secretary.get(reverse("periods:notice_xlsx", args=[notice.pk])).content)
    )
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "党员年度积分公示" in values
    assert "优秀" in values
    assert secretary.get(reverse("periods:notice_print", args=[notice.pk])).status_code == 200
    listed = secretary.get(reverse("periods:notices")).content.decode()
    assert "2026年度积分结果" in listed
    # The member sees the approved figures and, while the notice runs, the way to object.
    listed = _client(branch.member).get(reverse("periods:notices")).content.decode()
    assert reverse("periods:year_end_mine", args=[2026]) in listed
    mine = (
        _client(branch.member).get(reverse("periods:year_end_mine", args=[2026])).content.decode()
    )
    assert "88.58" in mine
    assert "优秀" in mine
    assert reverse("periods:objection_new", args=[notice.pk]) in mine
    _client(branch.member).post(
        reverse("periods:objection_new", args=[notice.pk]),
        {"text": "志愿服务漏记", "person": branch.zhao.pk},
    )
    objection = Objection.objects.get(notice=notice)
    # The branch committee reaches the year-end sheet from the objection, not a quarter.
    shown = secretary.get(reverse("periods:objection", args=[objection.pk])).content.decode()
    assert _url("year_end", branch) in shown
    assert "年度积分结果" in secretary.get(reverse("periods:index")).content.decode()
    day.set(D(2027, 1, 13))  # the notice ended on Tuesday the 12th
    mine = (
        _client(branch.member).get(reverse("periods:year_end_mine", args=[2026])).content.decode()
    )
    assert reverse("periods:objection_new", args=[notice.pk]) not in mine
    assert "已结束" in mine


def test_the_level_above_sees_the_status_of_each_organization(
    branch: SimpleNamespace, day: Clock, committee_admin: User
) -> None:
    golden(branch)
    secretary = _client(branch.secretary)
    secretary.post(_url("year_end_sign", branch), {"confirm": "yes"})
    secretary.post(_url("year_end_submit", branch))
    _client(branch.general_admin).post(
        _url("year_end_decide", branch), {"verdict": "return", "reason": "等次有误"}
    )
    page = (
        _client(committee_admin)
        .get(reverse("periods:year_end_reports", args=[branch.tree.c.pk, 2026]))
        .content.decode()
    )
    b1 = page.split('data-org="B1"')[1].split("</tr>")[0]
    assert "已退回" in b1
    assert "等次有误" in b1
    b2 = page.split('data-org="B2"')[1].split("</tr>")[0]
    assert "未开始" in b2
    # A branch secretary does not see the overview; another committee's admin gets 404 too.
    assert (
        secretary.get(
            reverse("periods:year_end_reports", args=[branch.tree.c.pk, 2026])
        ).status_code
        == 404
    )


def test_out_of_scope_is_not_found(branch: SimpleNamespace, day: Clock, outsider: User) -> None:
    golden(branch)
    client = _client(outsider)
    for name in ("year_end", "year_end_reports"):
        assert client.get(_url(name, branch)).status_code == 404
    for name in ("year_end_sign", "year_end_submit", "year_end_decide", "year_end_notice"):
        assert (
            client.post(_url(name, branch), {"confirm": "yes", "verdict": "approve"}).status_code
            == 404
        )
    assert not Signature.objects.exists()


def test_a_year_without_a_rulebook_or_a_membership_is_a_page_not_a_dead_link(
    branch: SimpleNamespace, day: Clock
) -> None:
    # The year-end tabs link every year; a year nothing applies to says so.
    page = _client(branch.secretary).get(reverse("periods:year_end", args=[branch.org.pk, 2019]))
    assert page.status_code == 200
    assert "还没有采用积分办法" in page.content.decode()
    # 赵磊 belongs to B1 from 2020 on: 2019 has no result, and the notices page links only the
    # years he belonged somewhere (2026 and 2027 on 6 January 2027).
    member = _client(branch.member)
    mine = member.get(reverse("periods:year_end_mine", args=[2019]))
    assert mine.status_code == 200
    assert "不在任何党组织中" in mine.content.decode()
    listed = member.get(reverse("periods:notices")).content.decode()
    links = [reverse("periods:year_end_mine", args=[y]) for y in (2026, 2027)]
    assert all(link in listed for link in links)
    assert "/me/year-end/2025/" not in listed
