"""The general branch's quarterly bulletin (通报) and the year overview, worked by hand from the
branch in conftest.py (seed 003, 2025)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.documents.paper_forms import form_xlsx
from jifen.ledger.models import Entry
from jifen.ledger.services import entry_correct
from jifen.periods.services import notice_open, period_sign
from jifen.reports.branch_figures import trend_of
from jifen.reports.bulletin import branch_status, bulletin_form, bulletin_of
from tests.clock import Clock
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
D = dt.date
AFTER = D(YEAR + 1, 2, 1)  # the year is over


def test_the_fourth_quarter_bulletin_worked_by_hand(branch: SimpleNamespace) -> None:
    bulletin = bulletin_of(branch.tree.g, YEAR, 4, AFTER)
    assert bulletin.complete
    assert bulletin.title == f"计算机学院党总支{YEAR}年第4季度党员积分情况通报"
    b1, b2 = (row.stats for row in bulletin.rows)
    assert b1 is not None
    assert b2 is not None
    assert b1.members == 5
    assert b1.mean == Decimal("69.40")  # (82.92 + 76.58 + 70 + 65 + 52.5) / 5
    assert b1.distribution == [1, 1, 2, 1, 0]  # <60, 60–69, 70–79, 80–89, ≥90
    assert b1.highest == ("甲", Decimal("82.92"))
    assert b1.lowest == ("戊", Decimal("52.50"))
    assert [(w.name, w.level) for w in b1.warned] == [("丁", "yellow"), ("戊", "red")]
    assert (b1.yellow, b1.red) == (1, 1)
    assert b2.distribution == [0, 0, 0, 0, 1]  # 己 at exactly 90.00 counts as ≥90
    assert bulletin.overall is not None
    assert bulletin.overall.members == 6
    assert bulletin.overall.mean == Decimal("72.83")  # 437 / 6
    assert [row.status for row in bulletin.rows] == ["未签名", "未签名"]


def test_the_first_quarter_stands_at_the_end_of_march(branch: SimpleNamespace) -> None:
    """甲 (70+70+69)/3 = 69.67; 乙 (65+70+70)/3 = 68.33; 丙 70; 丁 60; 戊 52.5."""
    bulletin = bulletin_of(branch.tree.g, YEAR, 1, AFTER)
    assert bulletin.as_of == D(YEAR, 3, 31)
    b1 = bulletin.rows[0].stats
    assert b1 is not None
    assert b1.mean == Decimal("64.10")  # 320.5 / 5
    assert b1.distribution == [1, 3, 1, 0, 0]  # 丁 at exactly 60.00 is in 60–69
    assert {w.name for w in b1.warned} == {"甲", "乙", "丁", "戊"}  # 甲 69.67 < 70


def test_a_quarter_not_begun_has_no_rows(branch: SimpleNamespace) -> None:
    bulletin = bulletin_of(branch.tree.g, YEAR, 3, D(YEAR, 6, 30))
    assert bulletin.as_of is None
    assert bulletin.rows == []


def test_the_branch_status_follows_the_signature_and_the_notice(
    branch: SimpleNamespace, secretary: User
) -> None:
    assert branch_status(branch.b1, YEAR, 1, AFTER) == "未签名"
    signature = period_sign(
        organization=branch.b1, year=YEAR, quarter=1, actor=secretary, today=D(YEAR, 4, 1)
    )
    signed = branch_status(branch.b1, YEAR, 1, AFTER)
    assert signed.startswith("已签名（张伟，")
    notice_open(signature=signature, actor=secretary, today=D(YEAR, 4, 1))
    # 2025-04-01 (Tue) + 5 working days, 清明 on Fri 4 April: 1, 2, 3, 7, 8 April.
    assert branch_status(branch.b1, YEAR, 1, D(YEAR, 4, 2)).endswith("；公示中（04-01 至 04-08）")
    assert branch_status(branch.b1, YEAR, 1, AFTER).endswith("；已结束（04-01 至 04-08）")
    # A correction to a signed quarter reopens it: the bulletin says so, not "signed".
    late = Entry.objects.get(person=branch.jia, item="xxqg_login")
    entry_correct(entry=late, reason="核实后实际登录", recorded_by=secretary)
    assert branch_status(branch.b1, YEAR, 1, AFTER).startswith("已重开（需重新签名）（张伟，")
    assert branch_status(branch.tree.b2, YEAR, 1, AFTER) == "未签名"


def test_the_bulletin_xlsx_cell_by_cell(branch: SimpleNamespace) -> None:
    data = form_xlsx(bulletin_form(bulletin_of(branch.tree.g, YEAR, 4, AFTER)))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A1"].value == f"{YEAR}年第4季度党员积分情况通报"
    assert sheet["E3"].value == "分数分布（人数）"
    assert [sheet.cell(4, c).value for c in range(5, 10)] == [
        "<60",
        "60–69",
        "70–79",
        "80–89",
        "≥90",
    ]
    row = [c.value for c in sheet[5]]
    assert row[:4] == [1, "教工第一党支部", 5, 69.4]
    assert row[4:9] == [1, 1, 2, 1, 0]
    assert row[9:13] == [82.92, "甲", 52.5, "戊"]
    assert row[13:15] == [1, 1]
    assert row[15] == (
        "丁 65.00 黄色预警（约谈提醒）；"
        "戊 52.50 红色预警（帮扶教育、限期改正、取消本年度评先评优资格）"
    )
    assert row[16] == "未签名"
    total = [c.value for c in sheet[7]]
    assert total[0] == "合计"
    assert total[2] == 6
    assert total[3] == 72.83
    assert sheet.print_title_rows == "$3:$4"
    assert "A3:A4" in {str(r) for r in sheet.merged_cells.ranges}
    assert any("党总支书记签名" in str(c.value) for c in sheet["A"])


def test_the_trend_across_quarters(branch: SimpleNamespace) -> None:
    """Q2: 甲 (5×70+69)/6 + 3 = 72.83, 乙 (5×70+65)/6 = 69.17, 丙 70, 丁 60, 戊 52.5."""
    trend = trend_of(branch.b1, YEAR, AFTER)
    assert trend.mean_total == [
        Decimal("64.10"),
        Decimal("64.90"),
        trend.mean_total[2],
        Decimal("69.40"),
    ]
    assert trend.mean_base[0] == Decimal("64.10")
    assert trend.mean_base[3] == Decimal("64.40")  # (69.92 + 69.58 + 70 + 60 + 52.5) / 5
    running = trend_of(branch.b1, YEAR, D(YEAR, 5, 10))
    assert running.mean_total[2:] == [None, None]
    assert running.members == [5, 5, 0, 0]


def test_the_general_branch_admin_opens_the_bulletin_and_the_overview(
    client: Client, branch: SimpleNamespace, general_admin: User, clock: Clock
) -> None:
    clock.set(AFTER)
    client.force_login(general_admin)
    html = client.get(
        reverse("reports:bulletin", args=[branch.tree.g.pk, YEAR, 4])
    ).content.decode()
    assert "教工第一党支部" in html
    assert "学生第一党支部" in html
    assert "69.40" in html
    assert "<svg" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "党总支书记签名" in html
    response = client.get(reverse("reports:bulletin_xlsx", args=[branch.tree.g.pk, YEAR, 4]))
    assert response.status_code == 200
    overview = client.get(reverse("reports:overview", args=[branch.tree.g.pk, YEAR]))
    text = overview.content.decode()
    assert text.count("<svg") >= 3  # distribution, per-branch distribution, trend
    assert "各支部各季度平均积分" in text
    assert "69.40" in text
    assert (
        client.get(reverse("reports:bulletin", args=[branch.tree.g.pk, YEAR, 5])).status_code == 404
    )


def test_a_branch_secretary_sees_the_overview_but_not_the_bulletin(
    client: Client, branch: SimpleNamespace, secretary: User
) -> None:
    client.force_login(secretary)
    assert client.get(reverse("reports:overview", args=[branch.b1.pk, YEAR])).status_code == 200
    url = reverse("reports:bulletin", args=[branch.b1.pk, YEAR, 4])
    assert client.get(url).status_code == 404


def test_the_reports_index_lists_what_one_may_open(
    client: Client,
    branch: SimpleNamespace,
    general_admin: User,
    secretary: User,
    clock: Clock,
) -> None:
    clock.set(D(YEAR, 5, 1))
    year = YEAR  # the index offers the current year
    client.force_login(general_admin)
    html = client.get(reverse("reports:index")).content.decode()
    for org in (branch.tree.g, branch.b1, branch.tree.b2):
        assert reverse("reports:overview", args=[org.pk, year]) in html
    assert reverse("reports:bulletin", args=[branch.tree.g.pk, year, 1]) in html
    assert reverse("reports:bulletin", args=[branch.b1.pk, year, 1]) not in html
    client.force_login(secretary)
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:overview", args=[branch.b1.pk, year]) in html
    assert reverse("reports:overview", args=[branch.tree.g.pk, year]) not in html
    assert "/bulletin/" not in html


def test_pages_of_a_year_without_a_rulebook_or_not_begun(
    client: Client, branch: SimpleNamespace, general_admin: User, clock: Clock
) -> None:
    clock.set(D(YEAR, 5, 1))
    client.force_login(general_admin)
    later = client.get(reverse("reports:overview", args=[branch.tree.g.pk, YEAR + 1]))
    assert later.status_code == 200
    assert "本年度未采用积分办法" in later.content.decode()
    ahead = client.get(reverse("reports:bulletin", args=[branch.tree.g.pk, YEAR, 3]))
    assert "本季度尚未开始" in ahead.content.decode()
    running = client.get(reverse("reports:bulletin", args=[branch.tree.g.pk, YEAR, 2]))
    assert f"季度尚未结束，积分为截至 {YEAR}-05-01 的年度累计积分" in running.content.decode()
