"""The monthly 考核表 as it is shown, printed and downloaded: from a canonical sheet (the
current one, or the one the secretary signed), laid out as seed 003's form — 所在支部、考核年月、
支部书记签名 over a table of one row per member, the items grouped under their 考核类别 with
their 考核分值, the month's total and 备注."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.utils import get_column_letter

from jifen.documents.paper_forms import Form
from jifen.periods.models import MonthSignature
from jifen.periods.month_sheet import MonthSheet
from jifen.periods.month_signing import Difference


@dataclass(frozen=True)
class ShownRow:
    name: str
    branch: str
    cells: list[str]
    total: str
    remarks: str


@dataclass(frozen=True)
class Shown:
    """A canonical sheet ready for a template: header groups, columns and rows of text."""

    groups: list[tuple[str, int]]  # 考核类别 and how many columns it spans
    columns: list[tuple[str, str]]  # item title, 考核分值
    rows: list[ShownRow]
    with_branch: bool  # a general branch's sheet names each member's branch

    @property
    def width(self) -> int:
        return len(self.columns) + (4 if self.with_branch else 3)


def shown(canonical: dict[str, Any]) -> Shown:
    groups: list[tuple[str, int]] = []
    for _code, group, _title, _points in canonical["columns"]:
        if groups and groups[-1][0] == group:
            groups[-1] = (group, groups[-1][1] + 1)
        else:
            groups.append((group, 1))
    codes = [code for code, *_rest in canonical["columns"]]
    rows = [
        ShownRow(
            m["name"],
            m["branch"],
            [m["cells"].get(code, "") for code in codes],
            m["total"],
            m["remarks"],
        )
        for m in canonical["members"]
    ]
    branches = {m["branch"] for m in canonical["members"]}
    return Shown(
        groups,
        [(title, points) for _code, _group, title, points in canonical["columns"]],
        rows,
        len(branches) > 1,
    )


def signature_line(latest: MonthSignature | None) -> str:
    if latest is None:
        return "系统签名记录：尚未签名"
    user = latest.signed_by
    who = user.get_full_name() or user.username
    return (
        f"系统签名记录：{who} 于 {timezone.localtime(latest.signed_at):%Y-%m-%d %H:%M} 签名，"
        f"考核表 SHA-256 {latest.sheet_hash}"
    )


def _number(text: str) -> Decimal | str | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


HEADER_ROW = 3  # the title, then the subtitle, then the two header rows


def month_form(
    canonical: dict[str, Any],
    organization_name: str,
    month_name: str,
    latest: MonthSignature | None,
    differences: list[Difference],
) -> Form:
    """The 考核表 as an A4 landscape xlsx sheet: two header rows (考核类别 over its items, each
    item with its 考核分值), one row per member."""
    table = shown(canonical)
    lead = ["姓名", "所在支部"] if table.with_branch else ["姓名"]
    first: list[Any] = [*lead]
    for group, span in table.groups:
        first.extend([group] + [""] * (span - 1))
    first.extend(["本月合计", "备注"])
    second: list[Any] = [""] * len(lead)
    second.extend(f"{title}\n{points}" if points else title for title, points in table.columns)
    second.extend(["", ""])
    top, bottom = HEADER_ROW, HEADER_ROW + 1
    merges = [
        f"{get_column_letter(c)}{top}:{get_column_letter(c)}{bottom}"
        for c in [*range(1, len(lead) + 1), len(first) - 1, len(first)]
    ]
    column = len(lead) + 1
    for _group, span in table.groups:
        if span > 1:
            merges.append(
                f"{get_column_letter(column)}{top}:{get_column_letter(column + span - 1)}{top}"
            )
        column += span
    rows = [
        [
            row.name,
            *([row.branch] if table.with_branch else []),
            *(_number(cell) for cell in row.cells),
            _number(row.total),
            row.remarks,
        ]
        for row in table.rows
    ]
    footer = [signature_line(latest)]
    if differences:
        footer.append(
            "签名后有变动（需重新签名）："
            + "；".join(f"{d.name} {d.column} {d.signed} → {d.now}".strip() for d in differences)
        )
    footer.append("支部书记签名：________________    日期：________________")
    return Form(
        title="党员积分管理考核表",
        sheet_name=month_name,
        subtitle=f"所在支部：{organization_name}    考核年月：{month_name}    支部书记签名：",
        headers=[first, second],
        rows=rows,
        footer=footer,
        widths=[9] + ([14] if table.with_branch else []) + [7] * len(table.columns) + [8, 24],
        landscape=True,
        merges=merges,
        text_columns=[len(first) - 1],
    )


def legend(sheet: MonthSheet) -> list[tuple[str, str, str]]:
    """Each item's title, 考核分值 and the rulebook's words (the seed's 考核内容 and 备注
    columns), printed under the table."""
    return [(c.title, c.points, c.standard) for c in sheet.columns if c.standard]
