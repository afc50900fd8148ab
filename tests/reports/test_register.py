"""党员积分量化登记表: the rows from member_year, the xlsx cell by cell, the print page with its
signature lines, and the same door as the member's year page."""

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
from jifen.ledger.scores import branch_year, member_year
from jifen.reports.register import NOT_YET, register_form, register_of
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_register_holds_each_item_month_by_month_and_the_year(branch: SimpleNamespace) -> None:
    found = member_year(branch.jia, YEAR)
    assert found is not None
    sheet = register_of(found, branch="教工第一党支部")
    assert [c.label for c in sheet.columns] == [f"{m}月" for m in range(1, 13)]
    login = next(r for r in sheet.rows if r.item == "登录学习强国")
    assert login.category == "基础分"
    assert login.points == Decimal(10)
    assert login.cells[1] == Decimal(10)
    assert login.cells[2] == Decimal(9)
    assert login.year is None  # a monthly item: its year is the category's mean
    base = next(r for r in sheet.rows if r.subtotal and r.points == Decimal(70))
    assert base.cells[2] == Decimal(69)
    assert base.year == Decimal("69.92")  # (11 × 70 + 69) / 12
    volunteer = next(r for r in sheet.rows if r.item == "志愿服务参与情况")
    assert volunteer.cells == [None] * 12  # a year item has no month cells
    assert volunteer.year == Decimal(3)
    assert sheet.total == Decimal("82.92")  # 69.92 + 3 + 10
    assert not sheet.so_far
    assert sheet.stars is None
    assert sheet.stars_text == "本积分办法不评星"
    assert sheet.bands == ["优先作为评先评优、提拔任用推荐对象", "学习培训激励"]


def test_a_warned_member_has_the_warning_and_its_actions(branch: SimpleNamespace) -> None:
    found = member_year(branch.wu, YEAR)
    assert found is not None
    sheet = register_of(found, branch="教工第一党支部")
    assert sheet.total == Decimal("52.50")
    assert sheet.bands == [
        "帮扶教育、限期改正、取消本年度评先评优资格（红色预警）："
        "帮扶教育、限期改正、取消其本年度党内各级各类评先评优资格"
    ]


def test_the_year_so_far_shows_months_not_begun_as_not_yet(branch: SimpleNamespace) -> None:
    found = member_year(branch.jia, YEAR, today=D(YEAR, 4, 15))
    assert found is not None
    sheet = register_of(found, branch="教工第一党支部")
    login = next(r for r in sheet.rows if r.item == "登录学习强国")
    assert login.cells[:4] == [Decimal(10), Decimal(10), Decimal(9), Decimal(10)]
    assert login.cells[4:] == [NOT_YET] * 8
    base = next(r for r in sheet.rows if r.subtotal and r.points == Decimal(70))
    assert base.year == Decimal("69.75")  # (3 × 70 + 69) / 4: May to December not counted
    # volunteer 3 was declared in May: not yet; no democratic-review grade yet
    assert sheet.total == Decimal("69.75")
    assert sheet.so_far
    assert sheet.total_label == "至今积分"
    assert sheet.notes[0] == "统计至 4月；5月起未到，不计分。"


def _sheet_values(data: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_xlsx_cell_by_cell(branch: SimpleNamespace) -> None:
    found = member_year(branch.jia, YEAR)
    assert found is not None
    data = form_xlsx(register_form(register_of(found, branch="教工第一党支部")))
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    assert sheet is not None
    assert sheet["A1"].value == "党员积分量化登记表"
    assert "姓名：甲" in str(sheet["A2"].value)
    assert "所在支部：教工第一党支部" in str(sheet["A2"].value)
    header = [c.value for c in sheet[3]]
    assert header == ["考核类别", "考核内容", "分值", *[f"{m}月" for m in range(1, 13)], "全年得分"]
    assert sheet["A4"].value == "基础分"
    assert sheet["B4"].value == "登录学习强国\n每次未登录,扣 0.5 分"  # the item's 记分标准 below
    assert sheet["C4"].value == 10
    assert sheet["F4"].value == 9  # March
    assert sheet["F4"].number_format == "0.00"
    rows = {str(row[1].value).splitlines()[0]: row for row in sheet.iter_rows(min_row=4)}
    base = next(
        row for row in sheet.iter_rows(min_row=4) if row[1].value == "小计" and row[2].value == 70
    )
    assert base[15].value == 69.92  # written as the text 69.92: exact
    assert rows["年度民主评议"][15].value == 10
    total = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "年度积分合计")
    assert total[2].value == 100
    assert total[15].value == 82.92
    assert rows["本积分办法不评星"][0].value == "星级评定"
    # the category cell spans its items and subtotal
    assert any(str(r).startswith("A4:A") for r in sheet.merged_cells.ranges)
    footer = [c.value for c in sheet["A"] if c.value and "签名" in str(c.value)]
    assert footer
    assert all(w in footer[0] for w in ("党员本人签名", "记分员签名", "支部书记签名"))
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4


@pytest.fixture
def own(branch: SimpleNamespace, make_user: object) -> User:
    user = make_user("jia", "甲")  # type: ignore[operator]
    branch.jia.user = user
    branch.jia.save(update_fields=["user"])
    return user


def test_the_member_prints_their_register_with_signature_lines(
    client: Client, branch: SimpleNamespace, own: User
) -> None:
    client.force_login(own)
    year_page = client.get(reverse("ledger:member_year", args=[branch.jia.pk, YEAR]))
    register_url = reverse("reports:register", args=[branch.jia.pk, YEAR])
    assert register_url in year_page.content.decode()
    html = client.get(register_url).content.decode()
    assert "党员积分量化登记表" in html
    for line in ("党员本人签名", "记分员签名", "支部书记签名", "日期"):
        assert f'{line}：<span class="line"></span>' in html
    assert "82.92" in html
    assert "69.92" in html
    assert "jifen/print.css" in html
    response = client.get(reverse("reports:register_xlsx", args=[branch.jia.pk, YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_another_member_cannot_open_ones_register(
    client: Client, branch: SimpleNamespace, own: User
) -> None:
    client.force_login(own)
    assert client.get(reverse("reports:register", args=[branch.yi.pk, YEAR])).status_code == 404
    url = reverse("reports:register_xlsx", args=[branch.yi.pk, YEAR])
    assert client.get(url).status_code == 404


def test_stars_come_from_the_whole_branch(tree: SimpleNamespace, make_person: object) -> None:
    """seed001 (stars, 5★ quota 20 %), worked by hand: five members of B1 in 2024.
    A 95 → 5★ (the one place: floor(0.2 × 5) = 1); B 90 → 4★ (quota taken); C 80 → 4★;
    D 70 → 3★; E 70 − 4 × 3 = 58 → 1★."""
    from jifen.rulebooks.services import adoption_set
    from tests.reports.conftest import add

    adoption_set(organization=tree.c, year=2024, rulebook="seed001")
    a, b, c, d, e = (make_person(n, tree.b1) for n in "ABCDE")  # type: ignore[operator]
    for person, points in ((a, (10, 10, 5)), (b, (10, 10)), (c, (10,))):
        for item, value in zip(("center_work", "reform", "stability"), points, strict=False):
            add(tree.b1, person, D(2024, 6, 1), item, value)
    for day in (1, 2, 3, 4):
        add(tree.b1, e, D(2024, 3, day), "org_life", "absent")
    rated = branch_year(tree.b1, 2024)
    assert rated is not None
    got = {p.name: rated.results[p.pk].stars for p in (a, b, c, d, e)}
    assert got == {"A": 5, "B": 4, "C": 4, "D": 3, "E": 1}
    alone = member_year(a, 2024)
    assert alone is not None
    sheet = register_of(alone, branch="B1", rating=rated.results[a.pk])
    assert sheet.stars == 5
    assert sheet.stars_text == "★★★★★（5 星），按积分计算，待党总支审批"
    assert sheet.columns == []  # seed001 scores by the year: no month columns
    form = register_form(sheet)
    assert form.headers[0] == ["考核类别", "考核内容", "分值", "全年得分"]
    # Once the general branch approves the year's stars (jifen/ratings), the 登记表 shows the
    # approved rating, which may differ where a tie at the quota was decided.
    approved = register_of(
        alone, branch="B1", rating=rated.results[a.pk], approved={a.pk: 4, b.pk: 5}
    )
    assert approved.stars == 4
    assert approved.stars_text == "★★★★（4 星），党总支已审批"
    others = register_of(alone, branch="B1", rating=rated.results[a.pk], approved={b.pk: 5})
    assert others.stars == 5  # A not in the approved rating: the computed stars stand
    assert not others.approved
