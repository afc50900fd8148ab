"""党员积分量化登记表: one member's year on one sheet, laid out like the paper forms.

Seed 001 names the form (附件一) and asks every branch to keep one per member per year; seed 003's
考核表 gives its shape: 考核类别 · 考核内容 · 分值, a column per month, the year, and the
支部书记's signature. Here the rows come from ``member_year`` (the engine's explained result);
nothing is computed in a template and the print page and the xlsx read the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from jifen.documents.paper_forms import Cell, Form
from jifen.ledger.scores import MemberYear
from jifen.scoring import Calendar, SubjectResult
from jifen.scoring.model import Item

NOT_YET = "未到"  # a month not yet begun: not scored, not counted
STAR = "★"
SIGNATURES = (
    ("党员本人签名", "日期"),
    ("记分员签名", "日期"),
    ("支部书记签名", "日期"),
)
LEVEL_WORDS = {"red": "红色预警", "yellow": "黄色预警", "info": ""}


@dataclass(frozen=True)
class Column:
    key: str  # the engine's period key: M01…M12, Q1…Q4, H1, H2
    label: str
    future: bool  # not yet begun on the date asked about


@dataclass(frozen=True)
class RegisterRow:
    category: str  # the category's title on its first row, "" below it
    span: int  # rows the category cell covers on the print page (0: covered by the one above)
    item: str
    points: Decimal | None  # 分值: the item's full points (per period), the category's max
    cells: list[Decimal | str | None]  # one per column: points, 未到, or None (not counted)
    year: Decimal | None
    subtotal: bool = False
    words: str = ""  # the rulebook's 考核内容 and 记分标准 for the item, printed under its title


@dataclass(frozen=True)
class Register:
    """Everything the 登记表 shows, as plain values."""

    name: str
    gender: str
    branch: str
    member_category: str
    year: int
    rulebook: str
    columns: list[Column]
    rows: list[RegisterRow]
    total: Decimal
    full_marks: Decimal | None
    stars: int | None  # None: the rulebook gives no stars
    tied: bool
    approved: bool  # the stars are the general branch's approved rating, not the engine's proposal
    bands: list[str]  # 档次 and warnings with their follow-up actions
    notes: list[str]
    so_far: bool  # the year is not over on the date asked about

    @property
    def stars_text(self) -> str:
        if self.stars is None:
            return "本积分办法不评星"
        text = f"{STAR * self.stars}（{self.stars} 星）" if self.stars else "0 星"
        if self.approved:
            text += "，党总支已审批"
        elif self.tied:
            text += "，与他人并列于名额线，待党总支决定"
        elif self.so_far:
            text += "，按至今积分计算，年终评定"
        else:
            # seed001: the general branch approves the year's stars; until then they are pending.
            text += "，按积分计算，待党总支审批"
        return text

    @property
    def total_label(self) -> str:
        return "至今积分" if self.so_far else "年度积分"


def _columns(found: MemberYear) -> list[Column]:
    calendar = Calendar(found.year, found.rulebook.year_start)
    kinds = {c.period for c in found.rulebook.categories}
    columns: list[Column] = []
    if "month" in kinds:
        columns += [
            Column(f"M{m + 1:02d}", calendar.month_label(m), m >= found.reached) for m in range(12)
        ]
    if "quarter" in kinds:
        columns += [Column(f"Q{q + 1}", f"第{q + 1}季度", 3 * q >= found.reached) for q in range(4)]
    if "half" in kinds:
        columns += [
            Column(f"H{h + 1}", ("上半年", "下半年")[h], 6 * h >= found.reached) for h in range(2)
        ]
    return columns


def _cells(periods: object, columns: list[Column], shown: bool) -> list[Decimal | str | None]:
    cells: list[Decimal | str | None] = []
    for column in columns:
        if column.future:
            cells.append(NOT_YET if shown else None)
        else:
            cells.append(periods.get(column.key) if shown else None)  # type: ignore[attr-defined]
    return cells


def _own_periods(
    cells: list[Decimal | str | None], columns: list[Column], period: str
) -> list[Decimal | str | None]:
    """A category shows its own periods only (a month category no quarter cells)."""
    periodic = [c for c in columns if c.key[0] == period[0].upper()]
    return [
        cell if column in periodic else None for cell, column in zip(cells, columns, strict=True)
    ]


def _rows(found: MemberYear, columns: list[Column]) -> list[RegisterRow]:
    """Each category's items, then its 小计, as the print page and the xlsx lay them out."""
    kinds = {c.code: c.period for c in found.rulebook.categories}
    maxima = {c.code: c.max for c in found.rulebook.categories}
    ceilings = {item.code: item.ceiling for c in found.rulebook.categories for item in c.items}
    words = {item.code: _words(item) for c in found.rulebook.categories for item in c.items}
    started = found.reached > 0
    rows: list[RegisterRow] = []
    for category in found.result.categories:
        period = kinds.get(category.code, "year")
        with_columns = period != "year"
        items = list(category.items)
        for index, item in enumerate(items):
            cells = _cells(item.periods, columns, with_columns)
            if with_columns:
                cells = _own_periods(cells, columns, period)
            rows.append(
                RegisterRow(
                    category=category.title if index == 0 else "",
                    span=len(items) + 1 if index == 0 else 0,
                    item=item.title,
                    points=ceilings.get(item.code),
                    cells=cells,
                    year=item.score if started and not with_columns else None,
                    words=words.get(item.code, ""),
                )
            )
        subtotal_cells = _cells(category.periods, columns, with_columns)
        if with_columns:
            subtotal_cells = _own_periods(subtotal_cells, columns, period)
        rows.append(
            RegisterRow(
                category="" if items else category.title,
                span=0 if items else 1,
                item="小计",
                points=maxima.get(category.code),
                cells=subtotal_cells,
                year=category.score if started else None,
                subtotal=True,
            )
        )
    return rows


def _words(item: Item) -> str:
    """What the rulebook quotes from its document for the item (seed003's 备注), one per line."""
    return "\n".join(text for text in (item.description, item.standard) if text)


def _notes(found: MemberYear) -> list[str]:
    """What the sheet must say about its numbers: how far the year has run, a veto, a gap."""
    notes: list[str] = []
    if found.reached < 12:
        calendar = Calendar(found.year, found.rulebook.year_start)
        if found.reached > 0:
            notes.append(
                f"统计至 {calendar.month_label(found.reached - 1)}；"
                f"{calendar.month_label(found.reached)}起未到，不计分。"
            )
        else:
            notes.append(f"{found.year} 年度尚未开始，没有积分。")
    if found.result.vetoed:
        notes.append("触及负面清单，年度积分为零。")
    if found.result.incomplete:
        notes.append("部分项目尚未评定（如年度民主评议），积分暂不完整。")
    return notes


def _bands(rated: SubjectResult) -> list[str]:
    """档次 and warnings, each with its follow-up actions."""
    bands = []
    for band in rated.bands:
        word = LEVEL_WORDS.get(band.level, "")
        text = f"{band.label}（{word}）" if word else band.label
        if band.actions:
            text += "：" + "、".join(band.actions)
        bands.append(text)
    return bands


def register_of(
    found: MemberYear,
    *,
    branch: str,
    rating: SubjectResult | None = None,
    approved: Mapping[int, int | None] | None = None,
    year_over: bool = True,
) -> Register:
    """The 登记表 of ``found``. ``rating`` is the member's result scored with the whole branch
    (stars have quotas, so one member alone cannot be rated); without it the member's own.
    ``approved`` (person id → stars) is the general branch's approved rating of the year
    (jifen/ratings), which wins over the computed one: ties at the quota are decided there.
    ``year_over``: bands and warnings are year-end results, shown only once the year is over."""
    result = found.result
    rated = rating or result
    columns = _columns(found)
    started = found.reached > 0
    person = found.person
    decided = approved if approved is not None and person.pk in approved else None
    return Register(
        name=person.name,
        gender=person.get_gender_display() if person.gender else "",
        branch=branch,
        member_category=person.get_category_display(),
        year=found.year,
        rulebook=found.rulebook.title,
        columns=columns,
        rows=_rows(found, columns),
        total=result.total if started else Decimal(0),
        full_marks=found.rulebook.total,
        stars=(
            None
            if found.rulebook.stars is None
            else decided[person.pk]
            if decided is not None
            else rated.stars
        ),
        tied=rated.tied and decided is None,
        approved=decided is not None,
        bands=_bands(rated) if year_over else ["年终评定后标出"],
        notes=_notes(found),
        so_far=found.reached < 12,
    )


def _item_cell(row: RegisterRow) -> str:
    return f"{row.item}\n{row.words}" if row.words else row.item


def register_form(register: Register, *, printed_on: dt.date | None = None) -> Form:
    """The 登记表 as an xlsx sheet (A4 landscape: a column per month)."""
    header: list[Cell] = [
        "考核类别",
        "考核内容",
        "分值",
        *[c.label for c in register.columns],
        "全年得分",
    ]
    rows: list[list[Cell]] = [
        [row.category, _item_cell(row), row.points, *row.cells, row.year] for row in register.rows
    ]
    width = len(header)
    last = get_column_letter(width)
    first = 4  # title, subtitle, one header row
    merges = [
        f"A{first + index}:A{first + index + row.span - 1}"
        for index, row in enumerate(register.rows)
        if row.span > 1
    ]
    rows.append(
        [
            f"{register.total_label}合计",
            "",
            register.full_marks,
            *([None] * len(register.columns)),
            register.total,
        ]
    )
    summary: list[list[Cell]] = [
        ["星级评定", register.stars_text],
        ["积分档次", "；".join(register.bands) or "—"],
    ]
    summary += [["说明", note] for note in register.notes]
    for label, value in summary:
        merges.append(f"B{first + len(rows)}:{last}{first + len(rows)}")
        rows.append([label, value, *([None] * (width - 2))])
    subtitle = (
        f"姓名：{register.name}　性别：{register.gender}　所在支部：{register.branch}　"
        f"类别：{register.member_category}　年度：{register.year}　积分办法：{register.rulebook}"
    )
    footer = ["　　　　".join(f"{who}：__________" for who, _ in SIGNATURES)]
    footer.append(
        "日期：__________"
        + (f"　　（{printed_on:%Y-%m-%d} 导出）" if printed_on is not None else "")
    )
    return Form(
        title="党员积分量化登记表",
        sheet_name=f"{register.name}{register.year}",
        subtitle=subtitle,
        headers=[header],
        rows=rows,
        footer=footer,
        widths=[10, 26, 7, *([7] * len(register.columns)), 10],
        landscape=True,
        merges=merges,
    )
