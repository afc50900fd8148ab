"""Seed 003's monthly 考核表: the golden month worked by hand, the secretary's signature after a
confirmation, the signed figures shown with later changes as differences, print and xlsx.

Golden case, March 2026, branch B1 (seed 003; base 70 a month = 登录学习强国 10 + 每日一题 10 +
集中学习 5 + 其他学习 5 + 支部大会 5 + 党课 5 + 党小组会 5 + 主题党日 10 + 党费 5 + 政治建设
4 × 2.5):

- 赵磊: 4 days not logged in (10 − 4 × 0.5 = 8); 13 quiz points of 15 (10 − 2 × 0.5 = 9); absent
  from one 主题党日 (10 − 5 = 5); base 70 − 2 − 1 − 5 = 62. 志愿服务 4 in February and 2 in
  March: capped at 5 a year, so March gains 5 − 4 = 1; 特色分 this month 1, so far 5.
  本月合计 62 + 1 = 63. An absence in April is not on March's sheet.
- 钱芳: one misconduct (扣 10 from the month's base): base 60, 备注 names the deduction;
  本月合计 60.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.audit.models import AuditEvent
from jifen.core.appendonly import AppendOnlyError
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_correct
from jifen.periods.models import MonthSignature
from jifen.periods.month_sheet import month_sheet
from jifen.periods.month_signing import (
    MonthStatus,
    month_differences,
    month_sign,
    month_signatures,
    month_status,
)
from tests.clock import Clock

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date


def _golden(branch: SimpleNamespace) -> dict[str, object]:
    zhao, qian = branch.zhao, branch.qian
    return {
        "login": add(branch, zhao, D(2026, 3, 31), "xxqg_login", 4),
        "quiz": add(branch, zhao, D(2026, 3, 31), "xxqg_quiz", 13),
        "day": add(branch, zhao, D(2026, 3, 10), "party_day", "absent"),
        "feb": add(branch, zhao, D(2026, 2, 15), "volunteer", 4),
        "mar": add(branch, zhao, D(2026, 3, 20), "volunteer", 2),
        "april": add(branch, zhao, D(2026, 4, 2), "group_study", "absent"),
        "misconduct": add(branch, qian, D(2026, 3, 5), "misconduct", 1),
    }


def _member(sheet, person):  # type: ignore[no-untyped-def]
    return next(m for m in sheet.canonical["members"] if m["person"] == person.pk)


def test_the_golden_month_worked_by_hand(branch: SimpleNamespace) -> None:
    _golden(branch)
    sheet = month_sheet(branch.org, 2026, 3)
    assert sheet is not None
    assert (sheet.month.start, sheet.month.end, sheet.month.name) == (
        D(2026, 3, 1),
        D(2026, 3, 31),
        "2026年3月",
    )
    groups = [c.group for c in sheet.columns]
    assert groups[0] == "基础分（70分）"
    assert groups[-1] == "评议分（10分）"
    points = {c.code: c.points for c in sheet.columns}
    assert points["base.xxqg_login"] == "10分/月"
    assert points["base.four_consciousness"] == "2.5分/月"
    assert points["featured.branch_choice"] == "最高10分/年"
    assert points["review.democratic_review"] == "年终评定"
    zhao = _member(sheet, branch.zhao)
    cells = zhao["cells"]
    assert cells["base.xxqg_login"] == "8.00"
    assert cells["base.xxqg_quiz"] == "9.00"
    assert cells["base.party_day"] == "5.00"
    assert cells["base.group_study"] == "5.00"  # April's absence is not March's
    assert cells["base"] == "62.00"
    assert cells["featured.volunteer"] == "1.00"
    assert cells["featured.grid_work"] == "0.00"
    assert (cells["featured+"], cells["featured~"]) == ("1.00", "5.00")
    assert cells["review.democratic_review"] == ""
    assert zhao["total"] == "63.00"
    assert zhao["remarks"] == ""
    qian = _member(sheet, branch.qian)
    assert qian["cells"]["base"] == "60.00"
    assert qian["total"] == "60.00"
    assert qian["remarks"].startswith("基础分扣 10.00 分（违纪违法")
    # February's sheet: the 4 points of 志愿服务 were gained then.
    february = month_sheet(branch.org, 2026, 2)
    assert february is not None
    assert _member(february, branch.zhao)["cells"]["featured.volunteer"] == "4.00"
    assert _member(february, branch.zhao)["total"] == "74.00"


def test_signing_records_the_figures_and_refuses_before_the_month_ends(
    branch: SimpleNamespace,
) -> None:
    _golden(branch)
    sheet = month_sheet(branch.org, 2026, 3)
    assert sheet is not None
    with pytest.raises(ValidationError, match="月份结束后才能签名"):
        month_sign(
            organization=branch.org,
            year=2026,
            month=3,
            seen_hash=sheet.sheet_hash,
            actor=branch.secretary,
            today=D(2026, 3, 31),
        )
    with pytest.raises(ValidationError, match="重新核对"):
        month_sign(
            organization=branch.org,
            year=2026,
            month=3,
            seen_hash="0" * 64,
            actor=branch.secretary,
            today=D(2026, 4, 1),
        )
    signature = month_sign(
        organization=branch.org,
        year=2026,
        month=3,
        seen_hash=sheet.sheet_hash,
        actor=branch.secretary,
        today=D(2026, 4, 1),
    )
    assert signature.sheet_hash == sheet.sheet_hash
    assert signature.sheet["members"] == sheet.canonical["members"]
    assert signature.signed_by == branch.secretary
    audit = AuditEvent.objects.filter(action="period.month_sign").get()
    assert "2026年3月" in audit.summary
    assert "2 人" in audit.summary
    with pytest.raises(ValidationError, match="不需要重新签名"):
        month_sign(
            organization=branch.org,
            year=2026,
            month=3,
            seen_hash=sheet.sheet_hash,
            actor=branch.secretary,
            today=D(2026, 4, 1),
        )
    with pytest.raises(AppendOnlyError):
        signature.delete()


def test_a_later_change_shows_as_a_difference_until_signed_again(
    branch: SimpleNamespace,
) -> None:
    facts = _golden(branch)
    sheet = month_sheet(branch.org, 2026, 3)
    assert sheet is not None
    month_sign(
        organization=branch.org,
        year=2026,
        month=3,
        seen_hash=sheet.sheet_hash,
        actor=branch.secretary,
        today=D(2026, 4, 1),
    )
    # Nothing seals the month: a fact entered late is accepted, and the sheet differs.
    entry_correct(
        entry=facts["day"],  # type: ignore[arg-type]
        value="excused",
        reason="3月10日请假经支委会同意",
        recorded_by=branch.secretary,
    )
    add(branch, branch.qian, D(2026, 3, 31), "xxqg_login", 2, origin=Origin.IMPORT)
    now = month_sheet(branch.org, 2026, 3)
    assert now is not None
    latest = month_signatures(branch.org, 2026, 3)[-1]
    assert month_status(now, latest) == MonthStatus.CHANGED
    found = {
        (d.name, d.column): (d.signed, d.now)
        for d in month_differences(latest.sheet, now.canonical)
    }
    assert found[("赵磊", "基础分（70分） 主题党日(每月两次)")] == ("5.00", "10.00")
    assert found[("赵磊", "基础分（70分） 月小计")] == ("62.00", "67.00")
    assert found[("赵磊", "本月合计")] == ("63.00", "68.00")
    assert found[("钱芳", "基础分（70分） 登录学习强国")] == ("10.00", "9.00")
    signed_again = month_sign(
        organization=branch.org,
        year=2026,
        month=3,
        seen_hash=now.sheet_hash,
        actor=branch.secretary,
        today=D(2026, 4, 2),
    )
    assert month_status(now, signed_again) == MonthStatus.SIGNED
    assert MonthSignature.objects.count() == 2


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pages_confirm_before_signing_and_then_show_the_signed_figures(
    branch: SimpleNamespace, clock: Clock
) -> None:
    facts = _golden(branch)
    clock.set(D(2026, 4, 8))
    args = [branch.org.pk, 2026, 3]
    secretary = _client(branch.secretary)
    page = secretary.get(reverse("periods:month", args=args)).content.decode()
    assert "未签名" in page
    assert "63.00" in page
    assert "核对并签名" in page
    confirm = secretary.get(reverse("periods:month_sign", args=args))
    assert confirm.status_code == 200
    sheet = month_sheet(branch.org, 2026, 3)
    assert sheet is not None
    assert sheet.sheet_hash in confirm.content.decode()
    # Without ticking "我已核对" nothing is signed.
    refused = secretary.post(
        reverse("periods:month_sign", args=args), {"sheet_hash": sheet.sheet_hash}
    )
    assert refused.status_code == 400
    assert not MonthSignature.objects.exists()
    signed = secretary.post(
        reverse("periods:month_sign", args=args),
        {"sheet_hash": sheet.sheet_hash, "confirm": "yes"},
    )
    assert signed.status_code == 302
    assert MonthSignature.objects.count() == 1
    # A member of the branch may not sign: 404.
    member = _client(branch.member).post(
        reverse("periods:month_sign", args=args), {"sheet_hash": sheet.sheet_hash, "confirm": "yes"}
    )
    assert member.status_code == 404
    entry_correct(
        entry=facts["day"],  # type: ignore[arg-type]
        value="excused",
        reason="请假",
        recorded_by=branch.secretary,
    )
    page = secretary.get(reverse("periods:month", args=args)).content.decode()
    assert "签名后有变动（需重新签名）" in page
    assert "63.00" in page  # the signed figure is still what the sheet shows
    assert "63.00 → 68.00" in page
    printed = secretary.get(reverse("periods:month_print", args=args)).content.decode()
    assert "所在支部：教工第一党支部" in printed
    assert "考核年月：2026 年 3 月" in printed
    assert "支部书记签名" in printed
    assert "63.00 → 68.00" in printed
    assert "每次未登录,扣 0.5 分" in printed  # the seed's own words, under the table
    xlsx = secretary.get(reverse("periods:month_xlsx", args=args))
    sheet_xlsx = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet_xlsx["A1"].value == "党员积分管理考核表"
    assert "考核年月：2026年3月" in sheet_xlsx["A2"].value
    assert [sheet_xlsx.cell(3, c).value for c in (1, 2)] == ["姓名", "基础分（70分）"]
    assert sheet_xlsx.cell(4, 2).value == "登录学习强国\n10分/月"
    merged = {str(r) for r in sheet_xlsx.merged_cells.ranges}
    # 姓名 over both header rows; 基础分 over its 13 items and 月小计 (B to O).
    assert {"A3:A4", "B3:O3"} <= merged
    rows = {sheet_xlsx.cell(r, 1).value: r for r in range(5, 7)}
    total = sheet_xlsx.cell(rows["赵磊"], sheet_xlsx.max_column - 1)
    assert total.value == 63
    assert total.number_format == "0.00"
    values = [c.value for row in sheet_xlsx.iter_rows() for c in row if c.value]
    assert any("签名后有变动" in str(v) for v in values)


def test_a_month_out_of_range_is_not_found(branch: SimpleNamespace) -> None:
    response = _client(branch.secretary).get(
        reverse("periods:month", args=[branch.org.pk, 2026, 13])
    )
    assert response.status_code == 404


def _header_fits(sheet, header_rows: range) -> None:  # type: ignore[no-untyped-def]
    """Every header cell's text fits the height of its row (or rows, where merged down)."""
    from openpyxl.utils import get_column_letter, range_boundaries

    from jifen.documents.paper_forms import LINE, lines_needed

    spans = {}
    for merged in sheet.merged_cells.ranges:
        c1, r1, c2, r2 = range_boundaries(str(merged))
        spans[(r1, c1)] = (c2, r2)
    for row in header_rows:
        for column in range(1, sheet.max_column + 1):
            value = sheet.cell(row, column).value
            if not isinstance(value, str) or not value:
                continue
            c2, r2 = spans.get((row, column), (column, row))
            width = sum(
                sheet.column_dimensions[get_column_letter(c)].width for c in range(column, c2 + 1)
            )
            height = sum(sheet.row_dimensions[r].height or LINE + 4 for r in range(row, r2 + 1))
            assert lines_needed(value, width) * LINE <= height, (row, column, value)


def test_the_xlsx_headers_do_not_run_into_the_first_row(
    branch: SimpleNamespace, clock: Clock
) -> None:
    _golden(branch)
    clock.set(D(2026, 4, 8))
    client = _client(branch.secretary)
    month = load_workbook(
        io.BytesIO(client.get(reverse("periods:month_xlsx", args=[branch.org.pk, 2026, 3])).content)
    ).active
    _header_fits(month, range(1, 5))
    # The 政治建设 item's long title needs several lines: the second header row is tall.
    assert month.row_dimensions[4].height > 4 * 14.5
    quarter = load_workbook(
        io.BytesIO(
            client.get(reverse("periods:quarter_xlsx", args=[branch.org.pk, 2026, 1])).content
        )
    ).active
    _header_fits(quarter, range(1, 4))
    assert quarter.cell(4, 1).value in {"赵磊", "钱芳"}  # the first data row, under the header


def test_a_member_not_in_scope_this_month_is_blank_with_a_remark(
    branch: SimpleNamespace,
) -> None:
    from jifen.orgs.services import exemption_create

    exemption_create(
        person=branch.qian,
        start=D(2026, 3, 1),
        end=D(2026, 4, 30),
        reason="长期病休",
        committee_decided_on=D(2026, 2, 20),
        general_meeting_on=D(2026, 2, 25),
        filed_on=D(2026, 2, 27),
    )
    sheet = month_sheet(branch.org, 2026, 3)
    assert sheet is not None
    qian = _member(sheet, branch.qian)
    assert set(qian["cells"].values()) == {""}
    assert qian["total"] == ""
    assert qian["remarks"] == "本月不在考核期内"
    february = month_sheet(branch.org, 2026, 2)
    assert february is not None
    assert _member(february, branch.qian)["total"] == "70.00"


def test_a_rulebook_scored_by_the_year_shows_what_each_category_gained(
    branch: SimpleNamespace, clock: Clock
) -> None:
    from jifen.rulebooks.services import adoption_set

    adoption_set(organization=branch.tree.b2, year=2026, rulebook="seed001")
    clock.set(D(2026, 4, 8))
    page = _client(branch.general_admin).get(
        reverse("periods:month", args=[branch.tree.b2.pk, 2026, 3])
    )
    assert page.status_code == 200
    assert "本积分办法没有按月计分的类别" in page.content.decode()
    sheet = month_sheet(branch.tree.b2, 2026, 3)
    assert sheet is not None
    assert not any(c.title == "月小计" for c in sheet.columns)
    assert any(c.title == "本月" for c in sheet.columns)


def test_the_month_pages_speak_english_and_the_printed_form_stays_chinese(
    branch: SimpleNamespace, clock: Clock
) -> None:
    from django.utils import translation

    _golden(branch)
    clock.set(D(2026, 4, 8))
    client = _client(branch.secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        args = [branch.org.pk, 2026, 3]
        html = client.get(reverse("periods:month", args=args)).content.decode()
        assert '<html lang="en">' in html
        for words in ("Monthly assessment form", "Month total", "Not signed", "Check and sign"):
            assert words in html
        for words in ("月度考核表</h2>", "本月合计", "未签名", "核对并签名"):
            assert words not in html
        confirm = client.get(reverse("periods:month_sign", args=args)).content.decode()
        assert "I have checked the table line by line and sign it" in confirm
        printed = client.get(reverse("periods:month_print", args=args)).content.decode()
        assert "党员积分管理考核表" in printed
        assert "本月合计" in printed
        assert "Month total" not in printed
    finally:
        translation.activate("zh-hans")
