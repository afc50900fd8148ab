"""Charts with their numbers: each figure is an inline SVG (charts.py) and the table of the
numbers it draws, shown side by side by ``reports/_figure.html``. Prepared here, in Python,
from the same rows the pages show; templates only loop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString

from jifen.documents import charts
from jifen.ledger.pages import points_text
from jifen.ledger.scores import MemberYear
from jifen.reports.stats import DISTRIBUTION_LABELS, EDGES, STAR_LEVELS, BranchStats, Trend
from jifen.scoring import Calendar


@dataclass(frozen=True)
class Figure:
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]


def _text(value: Decimal | int | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return points_text(value)
    return str(value)


def member_months(found: MemberYear) -> Figure | None:
    """A member's months: each monthly category's score month by month (months not begun and
    months outside the member's time in scope are left out of the line)."""
    calendar = Calendar(found.year, found.rulebook.year_start)
    monthly = [c for c in found.rulebook.categories if c.period == "month"]
    if not monthly:
        return None
    labels = [calendar.month_label(m) for m in range(12)]
    counted = [m < found.reached and m in found.active_months for m in range(12)]
    series: dict[str, list[Decimal | None]] = {}
    for category in monthly:
        periods = found.result.category(category.code).periods
        series[category.title] = [
            periods.get(f"M{m + 1:02d}") if counted[m] else None for m in range(12)
        ]
    top = max((c.period_max or c.max for c in monthly), default=Decimal(100))
    svg = charts.month_lines(labels, series, top=top, title=f"{found.year}年 逐月积分")
    rows = [
        [
            labels[m],
            *[
                _text(values[m]) if counted[m] else "未到" if m >= found.reached else "—"
                for values in series.values()
            ],
        ]
        for m in range(12)
    ]
    return Figure("逐月积分", svg, ["月份", *series], rows)


def distribution_figure(title: str, totals: Sequence[Decimal]) -> Figure:
    labels, counts = charts.distribution_rows(totals, edges=EDGES)
    svg = charts.distribution(title, totals, edges=EDGES)
    return Figure(
        title, svg, ["积分", "人数"], [[a, str(b)] for a, b in zip(labels, counts, strict=True)]
    )


def stars_figure(units: Sequence[BranchStats]) -> Figure | None:
    """Stars per branch: one bar group per branch, one bar per star level."""
    rated = [u for u in units if u.stars is not None]
    if not rated:
        return None
    names = [u.organization.name for u in rated]
    series = {
        f"{level}星": [u.stars[i] for u in rated if u.stars is not None]
        for i, level in enumerate(STAR_LEVELS)
    }
    svg = charts.bars("各支部星级人数", names, series)
    rows = [[u.organization.name, *[str(n) for n in (u.stars or [])]] for u in rated]
    return Figure("各支部星级人数", svg, ["党支部", *series], rows)


def branch_distribution_figure(units: Sequence[BranchStats]) -> Figure:
    """The distribution per branch, stacked: one bar per branch, one colour per band."""
    names = [u.organization.name for u in units]
    series = {
        label: [u.distribution[i] for u in units] for i, label in enumerate(DISTRIBUTION_LABELS)
    }
    svg = charts.bars("各支部积分分布", names, series, stacked=True)
    rows = [[u.organization.name, *[str(n) for n in u.distribution]] for u in units]
    return Figure("各支部积分分布", svg, ["党支部", *DISTRIBUTION_LABELS], rows)


def trend_figure(trends: Sequence[Trend]) -> Figure | None:
    """One branch: its mean total and mean base at each quarter's end. Several: each branch's
    mean total (the base is in the table)."""
    if not trends:
        return None
    quarters = trends[0].quarters
    if len(trends) == 1:
        trend = trends[0]
        series: dict[str, Sequence[Decimal | None]] = {
            "平均积分": trend.mean_total,
            "平均基础分": trend.mean_base,
        }
        title = f"{trend.organization.name} 各季度平均积分"
        rows = [
            [q, _text(t), _text(b), str(n)]
            for q, t, b, n in zip(
                quarters, trend.mean_total, trend.mean_base, trend.members, strict=True
            )
        ]
        columns = ["季度末", "平均积分", "平均基础分", "人数"]
    else:
        series = {t.organization.name: t.mean_total for t in trends}
        title = "各支部各季度平均积分"
        columns = ["党支部", *[f"{q}积分/基础分" for q in quarters]]
        rows = [
            [t.organization.name]
            + [f"{_text(a)} / {_text(b)}" for a, b in zip(t.mean_total, t.mean_base, strict=True)]
            for t in trends
        ]
    svg = charts.lines(title, quarters, series, range_=(0, 100))
    return Figure(title, svg, columns, rows)
