"""The quarterly sheet (季度考评表) and the public notice (公示名单) as
``jifen.documents.paper_forms.Form`` objects for download, and the notice's public list, which
its pages show too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from jifen.documents.paper_forms import Form
from jifen.periods.models import Notice, Signature
from jifen.periods.sheet import QUARTER_NAMES, QuarterSheet
from jifen.periods.workdays import cn_date
from jifen.periods.year_end_sheet import YEAR_END


def sheet_form(sheet: QuarterSheet, latest: Signature | None) -> Form:
    def number(text: str) -> Decimal | None:
        return Decimal(text) if text else None

    blanks_items = [None] * len(sheet.item_columns)
    blanks_quarter = [None] * len(sheet.quarter_columns)
    rows: list[list[Any]] = []
    for row in sheet.rows:
        for label, cells in row.months:
            rows.append([row.person.name, label, *map(number, cells), *blanks_quarter])
        rows.append([row.person.name, "本季度", *blanks_items, *map(number, row.quarter)])
    signed = (
        f"系统签名记录：{_who(latest)} 于 {timezone.localtime(latest.signed_at):%Y-%m-%d %H:%M}"
        f" 签名确认，季度表 SHA-256 {latest.sheet_hash}"
        if latest is not None
        else "系统签名记录：尚未签名"
    )
    return Form(
        title="党员积分季度考评表",
        sheet_name=sheet.quarter.name,
        subtitle=(
            f"所在支部：{sheet.organization.name}    考核期间：{sheet.quarter.name}"
            f"（{sheet.quarter.start} 至 {sheet.quarter.end}）"
        ),
        headers=[["姓名", "月份", *sheet.item_columns, *sheet.quarter_columns]],
        rows=rows,
        footer=["支部书记签名：________________    日期：________________", signed],
        widths=[10, 8] + [7] * (len(sheet.item_columns) + len(sheet.quarter_columns)),
        landscape=True,
    )


def _who(signature: Signature) -> str:
    user = signature.signed_by
    return user.get_full_name() or user.username


def notice_rows(notice: Notice) -> tuple[list[str], list[list[str]]]:
    """The public list: names, branches and quarter scores only — never an ID number."""
    sheet = notice.signature.sheet
    columns = [title for _, title in sheet.get("columns", [])]
    codes = [code for code, _ in sheet.get("columns", [])]
    # Chinese, as the printed list and the xlsx have them; the page translates the list's own.
    own = [gettext_noop("序号"), gettext_noop("姓名"), gettext_noop("所在支部")]
    # A year-end sheet (quarter 0) keeps each member's figures under "year", its grade among them.
    year_end = notice.signature.quarter == YEAR_END
    key = "year" if year_end else "quarter"
    total = gettext_noop("年度合计") if year_end else gettext_noop("季度合计")
    headers = [*own, *columns, total]
    rows = [
        [str(i), m["name"], m["branch"], *(m[key].get(c, "") for c in codes), m["total"]]
        for i, m in enumerate(sheet["members"], start=1)
    ]
    return headers, rows


def quarter_of_signature(signature: Signature) -> str:
    """The signed quarter as the printed notice and its xlsx write it, in Chinese."""
    sheet = signature.sheet
    name = QUARTER_NAMES[signature.quarter]
    start, end = dt.date.fromisoformat(sheet["start"]), dt.date.fromisoformat(sheet["end"])
    return f"{signature.year}年{name}（{cn_date(start)} 至 {cn_date(end)}）"


def notice_form(notice: Notice) -> Form:
    headers, rows = notice_rows(notice)

    def cell(text: str, column: int) -> Any:
        # Points as numbers; a year-end notice's grade column (优秀 …) stays text.
        return Decimal(text) if column >= 3 and text and text[0] in "-0123456789" else text

    year_end = notice.signature.quarter == YEAR_END
    return Form(
        title="党员年度积分公示" if year_end else "党员季度积分公示",
        sheet_name="公示名单",
        subtitle=(
            f"{notice.signature.organization.name}    {quarter_of_signature(notice.signature)}"
            f"    公示期：{cn_date(notice.starts)} 至 {cn_date(notice.ends)}"
            f"（{notice.working_days} 个工作日）"
        ),
        headers=[headers],
        rows=[[cell(text, i) for i, text in enumerate(row)] for row in rows],
        footer=[
            f"异议方式：{notice.how_to_object}",
            "支部书记签名：________________    日期：________________",
        ],
        widths=[6, 10, 18] + [10] * (len(headers) - 3),
    )


def notice_file_name(notice: Notice) -> str:
    signature = notice.signature
    if signature.quarter == YEAR_END:
        return f"{signature.organization.name}-{signature.year}年度积分结果公示.xlsx"
    return f"{signature.organization.name}-{quarter_of_signature(signature)[:9]}公示.xlsx"
