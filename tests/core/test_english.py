"""The pages of every area in English when the reader chooses English: the headings are
translated and the Chinese ones are gone. The printed forms stay Chinese (docs/decisions.md).

Built on the periods tests' seed003 branch (tests/periods/conftest.py) and the recording and
assessments tests' helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jifen.assessments.services import round_open
from jifen.periods.models import Notice, Objection
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock
from tests.periods import conftest as periods
from tests.recording.test_declarations import submit as declaration_submit

pytestmark = pytest.mark.django_db
D = dt.date

branch = periods.branch  # the fixture: B1 on seed003 in 2026, its member, secretary, committee


@pytest.fixture(autouse=True)
def _chinese_again() -> Iterator[None]:
    yield
    translation.activate("zh-hans")


def english(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def page(client: Client, name: str, *args: object) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


def says(html: str, english_words: tuple[str, ...], chinese_words: tuple[str, ...]) -> None:
    for words in english_words:
        assert words in html
    for words in chinese_words:
        assert words not in html


def test_the_member_year_and_the_month_sheet_speak_english(branch: SimpleNamespace) -> None:
    periods.add(branch, branch.zhao, D(2026, 3, 14), "party_day", "absent")
    year = page(english(branch.member), "ledger:member_year", branch.zhao.pk, 2026)
    says(
        year,
        ("Confirm quarterly scores", "Where every point comes from", "Register (print)"),
        ("季度得分确认", "每一分的来历", "登记表（打印）", "· 逐月"),
    )
    sheet = page(english(branch.secretary), "ledger:month_sheet", branch.org.pk, 2026, 3)
    says(sheet, ("Previous month", "Year to date"), ("上月", "全年至今", "姓名"))


def test_the_quarter_notice_and_objection_pages_speak_english(
    branch: SimpleNamespace, clock: Clock
) -> None:
    clock.set(D(2026, 10, 9))
    secretary = english(branch.secretary)
    quarter = (branch.org.pk, 2026, 3)
    says(
        page(secretary, "periods:quarter", *quarter),
        ("Quarterly review sheet", "Branch secretary's signature", "Not signed", "Q3 2026"),
        ("季度考评表", "支部书记签名确认", "未签名", "第三季度"),
    )
    secretary.post(reverse("periods:sign", args=quarter), {"confirm": "yes"})
    secretary.post(
        reverse("periods:notice_open", args=quarter), {"how_to_object": "", "confirm": "yes"}
    )
    notice = Notice.objects.get()
    says(
        page(secretary, "periods:quarter", *quarter),
        ("Signed by", "(5 working days)", ">Open<"),
        ("签名确认 ·", "个工作日", "公示中"),
    )

    member = english(branch.member)
    says(
        page(member, "periods:notices"),
        ("Notices and objections", "My objections", "9 Oct 2026 to 14 Oct 2026"),
        ("公示与异议", "我提出的异议", "2026年10月9日"),
    )
    says(
        page(member, "periods:notice", notice.pk),
        ("Quarterly points notice", "How to object", "Quarter total", "Raise an objection"),
        ("党员季度积分公示", "季度合计", ">提出异议<"),
    )
    # The printed notice is the Chinese document whatever the page's language; only its toolbar
    # follows the reader.
    printed = page(member, "periods:notice_print", notice.pk)
    says(printed, ("Print", "党员季度积分公示", "支部书记签名", "季度合计"), ("Quarter total",))

    member.post(
        reverse("periods:objection_new", args=[notice.pk]),
        {"person": branch.zhao.pk, "text": "8月请过假"},
    )
    objection = Objection.objects.get()
    says(
        page(member, "periods:objection", objection.pk),
        ("Objection No.", "Filed by", "Awaiting the branch committee"),
        ("号异议", "提出人", "待支委会调查"),
    )
    # A refusal from the services is in English too.
    clock.set(D(2026, 10, 16))
    member = english(branch.member)  # a week later: a new session
    late = member.post(reverse("periods:objection_new", args=[notice.pk]), {"text": "晚了"})
    assert late.status_code == 400
    says(late.content.decode(), ("The notice ran from 9 Oct 2026 to 14 Oct 2026",), ("公示期为",))
    says(
        page(english(branch.committee), "periods:index"),
        ("Quarterly review and notices", "Objections awaiting action"),
        ("季度考评与公示", "待处理的异议"),
    )


def test_the_activity_and_declaration_pages_speak_english(
    branch: SimpleNamespace, scorekeeper: User, settings: pytest.FixtureRequest, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    day = activity_create(
        organization=branch.org, item="party_day", title="3月主题党日", date=D(2026, 3, 28)
    )
    declaration = declaration_submit(SimpleNamespace(person=branch.zhao, user=branch.member))
    keeper = english(scorekeeper)
    says(
        page(keeper, "recording:activities", branch.org.pk),
        ("Record an activity", "Title", "Place", "3月主题党日"),
        ("登记活动", ">主题<", ">地点<"),
    )
    says(
        page(keeper, "recording:activity", day.pk),
        ("Attendance", "Sign-in sheet", "Absent without leave", "Save attendance", "28 Mar 2026"),
        ("签到表", "无故缺席", "保存签到", "2026年3月28日"),
    )
    refused = keeper.post(
        reverse("recording:activity", args=[day.pk]), {f"mark-{branch.zhao.pk}": "excused"}
    )
    assert refused.status_code == 400
    says(refused.content.decode(), ("Leave needs a reason: 赵磊",), ("请假须写明原因",))
    says(
        page(keeper, "recording:declarations_queue", branch.org.pk),
        ("Declarations to review", "Points asked", "To review"),
        ("待审核的申报", "申报分数", "待审核"),
    )
    says(
        page(keeper, "recording:declaration", declaration.pk),
        ("Evidence", "Approve", "Return for more evidence", "1 Jun 2026"),
        ("证明材料", "退回补充材料", "不通过"),
    )
    says(
        page(english(branch.member), "recording:declarations_mine"),
        ("My declarations", "Declare points", "asked 3"),
        ("我的申报", "申报积分"),
    )


def test_the_stars_and_an_assessment_sheet_speak_english(
    branch: SimpleNamespace, committee_admin: User
) -> None:
    adoption_set(organization=branch.tree.c, year=2025, rulebook="seed001")  # a rulebook with stars
    secretary = english(branch.secretary)
    says(
        page(secretary, "ratings:stars", branch.org.pk, 2025),
        ("Star rating", "Propose stars from the year points", "No star proposal yet."),
        ("星级评定", "按年度积分提名星级", "还没有星级提名"),
    )
    assessment = round_open(
        owner=branch.tree.c,
        year=2026,
        period="H1",
        rulebook="seed000-branch",
        organizations=[branch.org],
        self_deadline=D(2026, 6, 20),
        committee_deadline=D(2026, 7, 10),
        actor=committee_admin,
    )
    says(
        page(secretary, "assessments:self_sheet", assessment.pk, branch.org.pk, "H1"),
        ("Self sheet", "points)", "Save draft", "Submit (locks the sheet)"),
        ("自评表", " 分）", "保存草稿"),
    )
