"""The general branch's quarterly bulletin (通报): how each of its branches stands at the end of
the quarter — members, mean, distribution, highest and lowest, members with warnings — and
where each branch is in signing and publicizing its quarter.

Seed 001: "党总支每季度将党员积分情况进行通报". The scores are the year so far at the quarter's
end (a quarter still running: up to today's month), computed by ``branch_year``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jifen.documents.paper_forms import Cell, Form
from jifen.orgs.models import Organization
from jifen.periods.selectors import Status, notice_state, notices_of, signatures_of, status_of
from jifen.periods.sheet import quarter_sheet
from jifen.reports.branch_figures import branches_at
from jifen.reports.stats import (
    DISTRIBUTION_LABELS,
    BranchStats,
    calendar_for,
    quarter_bounds,
    stats_summed,
)
from jifen.scoring import Calendar


def branch_status(org: Organization, year: int, quarter: int, today: dt.date) -> str:
    """Where ``org`` stands in closing ``quarter`` of ``year``, in words: 未签名; 已签名 (who,
    when); 已重开（需重新签名） when a correction changed the signed sheet; and the latest
    public notice of the signed sheet (公示中 to its last day, then 已结束)."""
    signatures = signatures_of(org, year, quarter)
    if not signatures:
        return str(Status.UNSIGNED.label)
    latest = signatures[-1]
    sheet = quarter_sheet(org, year, quarter)
    status = status_of(sheet, latest) if sheet is not None else Status.UNSIGNED
    signer = latest.signed_by.get_full_name() or latest.signed_by.get_username()
    words = f"{status.label}（{signer}，{latest.signed_at:%Y-%m-%d}）"
    notices = [n for n in notices_of(org, year, quarter) if n.signature_id == latest.pk]
    if status == Status.SIGNED and notices:
        notice = notices[-1]
        state = notice_state(notice, today)
        words += f"；{state}（{notice.opened_on:%m-%d} 至 {notice.ends:%m-%d}）"
    return words


@dataclass(frozen=True)
class BulletinRow:
    unit: Organization
    stats: BranchStats | None  # None: no rulebook applies to the branch this year
    status: str


@dataclass(frozen=True)
class Bulletin:
    organization: Organization
    year: int
    quarter: int
    first: dt.date
    last: dt.date
    as_of: dt.date | None  # the day the scores stand at; None: the quarter has not begun
    rows: list[BulletinRow]
    overall: BranchStats | None  # every member of every branch together
    # The scoring year is over on ``as_of``: bands and warnings are year-end results (a total of
    # the year so far has no review grade and little 特色分 yet), so only then are they shown.
    year_over: bool = False

    @property
    def title(self) -> str:
        return f"{self.organization.name}{self.year}年第{self.quarter}季度党员积分情况通报"

    @property
    def complete(self) -> bool:
        return self.as_of is not None and self.as_of >= self.last


def _overall(rows: list[BulletinRow]) -> BranchStats | None:
    scored = [row.stats for row in rows if row.stats is not None]
    return stats_summed(rows[0].unit, scored) if scored else None


def bulletin_of(organization: Organization, year: int, quarter: int, today: dt.date) -> Bulletin:
    """The bulletin of ``quarter`` (1–4) of ``year`` for ``organization``'s branches, as the
    scores stand on the quarter's last day — or on ``today`` while the quarter runs."""
    calendar = calendar_for(organization, year) or Calendar(year)
    first, last = quarter_bounds(calendar, quarter)
    as_of = None if today < first else min(last, today)
    rows: list[BulletinRow] = []
    if as_of is not None:
        for unit, stats in branches_at(organization, year, as_of):
            rows.append(BulletinRow(unit, stats, branch_status(unit, year, quarter, today)))
    year_over = as_of is not None and as_of >= calendar.bounds()[1]
    return Bulletin(
        organization, year, quarter, first, last, as_of, rows, _overall(rows), year_over
    )


def _warned_text(stats: BranchStats) -> str:
    return "；".join(f"{w.name} {w.total:.2f} {w.label}" for w in stats.warned)


HEAD_TOP: list[Cell] = [
    "序号",
    "党支部",
    "人数",
    "平均分",
    "分数分布（人数）",
    "",
    "",
    "",
    "",
    "最高分",
    "",
    "最低分",
    "",
    "预警人数",
    "",
    "预警党员（姓名、积分、预警）",
    "审核签名与公示",
]
HEAD_BOTTOM: list[Cell] = [
    "",
    "",
    "",
    "",
    *DISTRIBUTION_LABELS,
    "积分",
    "姓名",
    "积分",
    "姓名",
    "黄色",
    "红色",
    "",
    "",
]
# The header is rows 3 and 4 (title, subtitle above it).
HEAD_MERGES = (
    "A3:A4",
    "B3:B4",
    "C3:C4",
    "D3:D4",
    "E3:I3",
    "J3:K3",
    "L3:M3",
    "N3:O3",
    "P3:P4",
    "Q3:Q4",
)


# In the cells of the warnings while the year runs (see ``Bulletin.year_over``).
NOT_YET = "年终评定"


def _row(
    number: Cell, name: str, stats: BranchStats | None, status: str, warnings: bool
) -> list[Cell]:
    if stats is None:
        return [number, name, "本年度未采用积分办法", *([None] * 13), status]
    high, low = stats.highest, stats.lowest
    warned: list[Cell] = (
        [stats.yellow, stats.red, _warned_text(stats)] if warnings else ["—", "—", NOT_YET]
    )
    return [
        number,
        name,
        stats.members,
        stats.mean,
        *stats.distribution,
        high[1] if high else None,
        high[0] if high else None,
        low[1] if low else None,
        low[0] if low else None,
        *warned,
        status,
    ]


def bulletin_form(bulletin: Bulletin) -> Form:
    """The bulletin as an A4 landscape sheet with the general branch's signature line."""
    warnings = bulletin.year_over
    rows = [
        _row(index, row.unit.name, row.stats, row.status, warnings)
        for index, row in enumerate(bulletin.rows, start=1)
    ]
    if bulletin.overall is not None and len(bulletin.rows) > 1:
        rows.append(_row("合计", "", bulletin.overall, "", warnings))
    if bulletin.as_of is None:
        stand = "本季度尚未开始"
    elif bulletin.complete:
        stand = f"积分为截至 {bulletin.last:%Y-%m-%d} 的年度累计积分"
    else:
        stand = f"季度尚未结束，积分为截至 {bulletin.as_of:%Y-%m-%d} 的年度累计积分"
    if not warnings:
        stand += "；预警为年终评定结果，年度结束前不标出"
    subtitle = (
        f"{bulletin.organization.name}　{bulletin.year}年第{bulletin.quarter}季度"
        f"（{bulletin.first:%m月%d日}—{bulletin.last:%m月%d日}）　{stand}"
    )
    return Form(
        title=f"{bulletin.year}年第{bulletin.quarter}季度党员积分情况通报",
        sheet_name=f"{bulletin.year}年第{bulletin.quarter}季度通报",
        subtitle=subtitle,
        headers=[HEAD_TOP, HEAD_BOTTOM],
        rows=rows,
        merges=HEAD_MERGES,
        footer=["党总支书记签名：__________　　　　日期：__________"],
        widths=[5, 18, 6, 8, 6, 6, 6, 6, 6, 7, 9, 7, 9, 5, 5, 30, 12],
        landscape=True,
    )
