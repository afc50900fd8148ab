"""The pages: the quarter, signing, the notice (screen, print with QR, xlsx, public token),
objecting, and the member's confirmation."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.ledger.models import Entry, Origin
from jifen.periods.models import Confirmation, Notice, Objection, Signature
from jifen.periods.views.notice import public_token
from tests.clock import Clock

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def day(clock: Clock) -> Clock:
    # Friday 9 October 2026, after National Day: the third quarter is over. The clock stands
    # still, so the public token a test computes is the one the page drew a moment before.
    clock.set(D(2026, 10, 9))
    return clock


def _signed(branch: SimpleNamespace, day: Clock) -> Notice:
    secretary = _client(branch.secretary)
    args = [branch.org.pk, 2026, 3]
    # Each irreversible step asks first (tests/periods/test_confirm_first.py); confirmed here.
    response = secretary.post(reverse("periods:sign", args=args), {"confirm": "yes"})
    assert response.status_code == 302
    response = secretary.post(
        reverse("periods:notice_open", args=args), {"how_to_object": "", "confirm": "yes"}
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("periods:notice", args=[notice.pk])
    return notice


def test_the_secretary_signs_and_publicizes_from_the_quarter_page(
    branch: SimpleNamespace, day: Clock
) -> None:
    add(branch, branch.zhao, D(2026, 8, 12), "party_day", "absent")
    secretary = _client(branch.secretary)
    page = secretary.get(reverse("periods:quarter", args=[branch.org.pk, 2026, 3]))
    assert page.status_code == 200
    assert "未签名" in page.content.decode()
    notice = _signed(branch, day)
    assert Signature.objects.get().signed_by == branch.secretary
    page = secretary.get(reverse("periods:quarter", args=[branch.org.pk, 2026, 3])).content.decode()
    assert "已签名" in page
    # 10/9 (Fri), 10/10 (Sat, 调休上班), 10/12, 10/13, 10/14.
    assert (notice.starts, notice.ends) == (D(2026, 10, 9), D(2026, 10, 14))
    # Only the secretary signs: a member of the branch gets a 404.
    again = _client(branch.member).post(reverse("periods:sign", args=[branch.org.pk, 2026, 3]))
    assert again.status_code == 404


def test_the_notice_shows_names_branches_and_scores_but_no_id_numbers(
    branch: SimpleNamespace, day: Clock
) -> None:
    notice = _signed(branch, day)
    page = _client(branch.member).get(reverse("periods:notice", args=[notice.pk])).content.decode()
    assert "赵磊" in page
    assert "教工第一党支部" in page
    assert "70.00" in page
    assert branch.zhao.id_number not in page
    assert "2026年10月14日" in page
    assert "提出异议" in page
    printed = _client(branch.member).get(reverse("periods:notice_print", args=[notice.pk]))
    text = printed.content.decode()
    assert "<svg" in text
    assert public_token(notice) in text
    assert "支部书记签名" in text
    assert branch.zhao.id_number not in text


def test_the_public_page_shows_the_list_only_while_the_notice_runs(
    branch: SimpleNamespace, day: Clock
) -> None:
    notice = _signed(branch, day)
    url = reverse("periods:notice_public", args=[public_token(notice)])
    page = Client().get(url).content.decode()
    assert "赵磊" in page
    assert branch.zhao.id_number not in page
    day.set(D(2026, 10, 16))
    page = Client().get(url).content.decode()
    assert "赵磊" not in page
    assert "不在公示期内" in page
    assert Client().get(url[:-3] + "xx/").status_code == 404


def test_the_xlsx_forms_never_begin_a_formula(
    branch: SimpleNamespace, day: Clock, make_person: object
) -> None:
    make_person("=HYPERLINK(1)")  # type: ignore[operator]
    notice = _signed(branch, day)
    data = _client(branch.secretary).get(reverse("periods:notice_xlsx", args=[notice.pk]))
    sheet = load_workbook(io.BytesIO(data.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "党员季度积分公示" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert "'=HYPERLINK(1)" in values or any("HYPERLINK" in str(v) for v in values)
    quarter = _client(branch.secretary).get(
        reverse("periods:quarter_xlsx", args=[branch.org.pk, 2026, 3])
    )
    sheet = load_workbook(io.BytesIO(quarter.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "党员积分季度考评表" in values
    assert any(str(v).startswith("支部书记签名") for v in values)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    printed = _client(branch.secretary).get(
        reverse("periods:quarter_print", args=[branch.org.pk, 2026, 3])
    )
    assert "支部书记签名" in printed.content.decode()


def test_a_member_objects_in_the_window_and_is_told_the_dates_after_it(
    branch: SimpleNamespace, day: Clock
) -> None:
    notice = _signed(branch, day)
    member = _client(branch.member)
    url = reverse("periods:objection_new", args=[notice.pk])
    response = member.post(url, {"person": branch.zhao.pk, "text": "8月请过假"})
    objection = Objection.objects.get()
    assert response["Location"] == reverse("periods:objection", args=[objection.pk])
    assert member.get(response["Location"]).status_code == 200
    day.set(D(2026, 10, 16))
    member = _client(branch.member)  # a week later: the 30-minute session is long gone
    response = member.post(url, {"text": "晚了"})
    assert response.status_code == 400
    assert "公示期为 2026年10月9日 至 2026年10月14日" in response.content.decode()
    assert Objection.objects.count() == 1


def test_the_member_confirms_their_quarter_from_their_own_page(
    branch: SimpleNamespace, day: Clock
) -> None:
    member = _client(branch.member)
    year_page = member.get(reverse("ledger:member_year", args=[branch.zhao.pk, 2026]))
    assert reverse("periods:confirm", args=[2026, 3]) in year_page.content.decode()
    url = reverse("periods:confirm", args=[2026, 3])
    response = member.post(url, {"kind": "dispute", "reason": ""})
    assert response.status_code == 400
    member.post(url, {"kind": "dispute", "reason": "8月12日我请过假"})
    confirmation = Confirmation.objects.get()
    assert confirmation.person == branch.zhao
    page = (
        _client(branch.secretary)
        .get(reverse("periods:quarter", args=[branch.org.pk, 2026, 3]))
        .content.decode()
    )
    assert "8月12日我请过假" in page


def test_the_monthly_import_of_a_signed_month_says_why(
    branch: SimpleNamespace, day: Clock, scorekeeper: User
) -> None:
    _signed(branch, day)
    csv = "姓名,登录学习强国\n赵磊,2\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(scorekeeper).post(
        reverse("recording:monthly", args=[branch.org.pk]),
        {"month": "2026-08", "file": SimpleUploadedFile("8月.csv", csv)},
    )
    assert response.status_code == 400
    assert "已由支部书记签名确认" in response.content.decode()
    assert not Entry.objects.filter(origin=Origin.IMPORT).exists()


def test_objections_waiting_are_listed_for_who_must_act(
    branch: SimpleNamespace, day: Clock
) -> None:
    from jifen.periods.models import Level
    from jifen.periods.services import escalation_file, finding_record, objection_file

    notice = _signed(branch, day)
    objection = objection_file(
        notice=notice, actor=branch.member, person=branch.zhao, text="有误", today=day.today
    )
    index = reverse("periods:index")
    assert "待支委会调查" in _client(branch.committee).get(index).content.decode()
    assert "待专项查核" not in _client(branch.general_admin).get(index).content.decode()
    finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="rejected",
        text="核实无误",
        actor=branch.committee,
    )
    escalation_file(objection=objection, actor=branch.member, reason="不服")
    assert "待支委会调查" not in _client(branch.committee).get(index).content.decode()
    assert "待专项查核" in _client(branch.general_admin).get(index).content.decode()
