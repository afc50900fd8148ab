"""The report toolkit every form goes through: xlsx.form_xlsx and charts (no database)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from openpyxl import load_workbook

from jifen.documents import charts
from jifen.documents.paper_forms import Form, form_xlsx

D = Decimal


def _form(**extra: object) -> Form:
    fields: dict[str, object] = {
        "title": "测试表",
        "subtitle": "单位：教工第一党支部",
        "headers": [["姓名", "积分", "", "日期"], ["", "基础", "特色", ""]],
        "merges": ("A3:A4", "B3:C3", "D3:D4"),
        "rows": [
            ["=SUM(A1:A2)", D("69.9166"), D("3"), dt.date(2025, 3, 5)],
            ["+86", D("70"), 7, None],
            ["@cmd", D("0.1"), D("0.2"), None],
            ["-1", D("59.99"), D("0"), None],
        ],
        "footer": ("支部书记签名：__________  日期：__________",),
        **extra,
    }
    return Form(**fields)  # type: ignore[arg-type]


def _sheet(data: bytes) -> object:
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return sheet


def test_cells_that_would_begin_a_formula_are_written_as_text() -> None:
    sheet = _sheet(form_xlsx(_form()))
    column = [sheet.cell(row, 1) for row in range(5, 9)]  # type: ignore[attr-defined]
    assert [c.value for c in column] == ["'=SUM(A1:A2)", "'+86", "'@cmd", "'-1"]
    assert all(c.data_type == "s" for c in column)
    # a title that looks like a formula is escaped too
    title = _sheet(form_xlsx(_form(title="=HYPERLINK(1)")))
    assert title["A1"].value == "'=HYPERLINK(1)"  # type: ignore[index]


def test_numbers_stay_exact_numbers_with_two_places() -> None:
    data = form_xlsx(_form())
    sheet = _sheet(data)
    cell = sheet["B5"]  # type: ignore[index]
    assert cell.data_type == "n"
    assert cell.number_format == "0.00"
    assert sheet["C6"].value == 7  # type: ignore[index]
    # The stored text is the Decimal itself: no float noise (0.1 + 0.2 stays 0.1 and 0.2).
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert "69.9166" in values
    assert "0.1" in values
    assert "0.2" in values
    assert "59.99" in values


def test_dates_are_dates() -> None:
    sheet = _sheet(form_xlsx(_form()))
    cell = sheet["D5"]  # type: ignore[index]
    assert cell.value == dt.datetime(2025, 3, 5)
    assert cell.number_format == "yyyy-mm-dd"


def test_the_page_is_a4_with_header_rows_repeated_and_a_signature_footer() -> None:
    sheet = _sheet(form_xlsx(_form(landscape=True)))
    assert int(sheet.page_setup.paperSize) == 9  # type: ignore[attr-defined]  # A4
    assert sheet.page_setup.orientation == "landscape"  # type: ignore[attr-defined]
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # type: ignore[attr-defined]
    assert sheet.print_title_rows == "$3:$4"  # type: ignore[attr-defined]
    assert sheet.freeze_panes == "A5"  # type: ignore[attr-defined]
    assert sheet["A1"].value == "测试表"  # type: ignore[index]
    assert sheet["A2"].value == "单位：教工第一党支部"  # type: ignore[index]
    merged = {str(r) for r in sheet.merged_cells.ranges}  # type: ignore[attr-defined]
    assert {"A1:D1", "A2:D2", "A3:A4", "B3:C3", "D3:D4"} <= merged
    assert sheet["A10"].value == "支部书记签名：__________  日期：__________"  # type: ignore[index]
    assert "A10:D10" in merged
    portrait = _sheet(form_xlsx(_form()))
    assert portrait.page_setup.orientation == "portrait"  # type: ignore[attr-defined]


def _svg_tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own chart, parsed to prove it is XML


def _assert_self_contained(svg: str) -> None:
    assert svg.startswith("<svg")
    _svg_tree(svg)
    assert "<script" not in svg.lower()
    for link in re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', svg):
        assert link.startswith("#"), link
    assert "http://" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert "https://" not in svg


def test_charts_are_valid_svg_without_scripts_or_outside_links() -> None:
    drawn = [
        charts.bars(
            "各支部星级人数", ["教工第一党支部", "学生党支部"], {"5星": [1, 0], "4星": [2, 3]}
        ),
        charts.bars("排名", ["甲", "乙"], {"积分": [D("82.92"), D("76.58")]}, horizontal=True),
        charts.lines("逐月积分", ["1月", "2月", "3月"], {"基础分": [D(70), D(65), None]}),
        charts.radar("类别", ["班子建设", "组织生活"], {"得分率": [D(90), D(75)]}),
        charts.distribution("积分分布", [D("59.99"), D(60), D(90)]),
        charts.month_lines(["1月", "2月"], {"基础分": [D(70), D(65)]}, top=D(70), title="逐月"),
    ]
    for svg in drawn:
        _assert_self_contained(str(svg))
    assert "教工第一党支部" in drawn[0]
    assert "各支部星级人数" in drawn[0]
    assert "逐月积分" in drawn[2]
    assert "3月" in drawn[2]  # the x labels; one series has no legend (its table names it)


def test_a_members_months_leave_a_gap_where_a_month_is_not_counted() -> None:
    """Months 1–2 and 4 are counted, 3 is not: two runs of line, three dots; the scale is the
    category's monthly maximum (70 at the top of the plot, 0 at the bottom)."""
    svg = str(
        charts.month_lines(
            ["1月", "2月", "3月", "4月"],
            {"基础<分>": [D(70), D(0), None, D(35)]},
            top=D(70),
            title="2026年 逐月积分",
        )
    )
    _assert_self_contained(svg)
    root = _svg_tree(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}polyline")) == 1  # 1月–2月; 4月 alone is a dot, not a line
    dots = root.findall(f"{ns}circle")
    assert [float(c.get("cy") or 0) for c in dots] == [28.0, 206.0, 117.0]  # 70, 0, 35
    assert dots[1].findtext(f"{ns}title") == "基础<分> 2月 0"  # escaped in the file, text here
    assert "基础&lt;分&gt;" in svg


def test_distribution_counts_at_the_band_edges() -> None:
    """Bands are [low, next low): 59.99 is below 60; 60 is in 60–69; 89.99 in 80–89; 90 is ≥90."""
    totals = [D("59.99"), D(60), D("69.99"), D(70), D("89.99"), D(90), D(100), D(0)]
    labels, counts = charts.distribution_rows(totals)
    assert labels == ["<60", "60–69", "70–79", "80–89", "≥90"]
    assert counts == [2, 2, 1, 1, 2]
    assert charts.distribution_rows([]) == (labels, [0, 0, 0, 0, 0])
    assert charts.distribution_rows([D(60)], edges=(0, 60)) == (["<60", "≥60"], [0, 1])


def test_header_rows_are_as_tall_as_their_wrapped_text() -> None:
    """A header whose text wraps must not be drawn over the first data row: a spreadsheet keeps
    the height written in the file, so every header row gets the height its text needs."""
    long_title = "践行“四个意识”、坚定“四个自信”、做到“两个维护”\n2.5分/月"  # 26 + 7 characters
    form = _form(
        headers=[["姓名", "基础分", "", "日期"], ["", long_title, "特色", ""]],
        widths=[10, 7, 7, 12],
        subtitle="所在支部：教工第一党支部    考核年月：2026年3月    支部书记签名：" * 2,
    )
    sheet = _sheet(form_xlsx(form))
    header = sheet.row_dimensions[4].height  # type: ignore[attr-defined]
    # In a column 7 wide (6 usable) a Chinese character (and “”) takes 2: 26 characters, 52
    # units, wrap to 9 lines,
    # the 考核分值 line to 2 more; 11 lines of 14.5 points and the padding.
    assert header == 11 * 14.5 + 4
    # The merged heading over B3:C3 is one line: the row keeps the default height.
    assert sheet.row_dimensions[3].height is None  # type: ignore[attr-defined]
    assert {"A3:A4", "B3:C3", "D3:D4"} <= {str(r) for r in sheet.merged_cells.ranges}  # type: ignore[attr-defined]
    # The subtitle, merged across the 36-character-wide sheet, wraps to 4 lines.
    assert sheet.row_dimensions[2].height == 4 * 14.5 + 4  # type: ignore[attr-defined]
    # The first data row follows the headers, unmerged, its own height.
    assert sheet["A5"].value == "'=SUM(A1:A2)"  # type: ignore[index]
    assert not any("5" in str(r).split(":")[0] for r in sheet.merged_cells.ranges)  # type: ignore[attr-defined]


def test_a_vertically_merged_heading_taller_than_its_rows_grows_the_last() -> None:
    form = _form(
        headers=[["姓名与所在支部及其说明文字很长", "积分", "", "日期"], ["", "基础", "特色", ""]],
        widths=[6, 8, 8, 12],
    )
    sheet = _sheet(form_xlsx(form))
    # 15 characters, 2 columns each, 5 usable: 6 lines = 91 points over rows 3 and 4.
    three = sheet.row_dimensions[3].height or 18.5  # type: ignore[attr-defined]
    four = sheet.row_dimensions[4].height  # type: ignore[attr-defined]
    assert three + four >= 6 * 14.5 + 4
