"""The reports' charts with their numbers: each figure is an inline SVG
(``jifen.documents.charts``) and the table of the numbers it draws, shown side by side by
``reports/_figure.html``. Prepared here, in Python, from the same rows the pages show; templates
only loop. A member's months are the ledger's (``jifen.ledger.figures``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.documents import charts
from jifen.documents.charts import Figure
from jifen.ledger.figures import figure_text
from jifen.reports.stats import DISTRIBUTION_LABELS, STAR_LEVELS, BranchStats, Trend

# The units a chart draws a bar or a line for: the branches, or the organizations a committee's
# charts sum its branches into (``jifen.reports.chart_groups``).
BRANCHES = gettext_noop("支部")
LOWER = gettext_noop("下级组织")


def _column(level: str) -> str:
    """The table's first column: 党支部, or 组织 for the grouped organizations."""
    return _("党支部") if level == BRANCHES else _("组织")


def _quarters() -> list[str]:
    return [_("第%(q)s季度") % {"q": q} for q in range(1, 5)]


def distribution_counts_figure(title: str, counts: Sequence[int]) -> Figure:
    """How many members in each band, from counts already made per band (a committee's, the
    sum of its branches': no member's total has to be read)."""
    members = _("人数")
    svg = charts.bars(title, list(DISTRIBUTION_LABELS), {members: list(counts)})
    rows = [[a, str(b)] for a, b in zip(DISTRIBUTION_LABELS, counts, strict=True)]
    return Figure(title, svg, [_("积分"), members], rows)


def stars_figure(units: Sequence[BranchStats], level: str = BRANCHES) -> Figure | None:
    """Stars per branch: one bar group per branch, one bar per star level."""
    rated = [u for u in units if u.stars is not None]
    if not rated:
        return None
    names = [u.organization.name for u in rated]
    series = {
        _("%(n)s星") % {"n": stars}: [u.stars[i] for u in rated if u.stars is not None]
        for i, stars in enumerate(STAR_LEVELS)
    }
    title = _("各%(level)s星级人数") % {"level": _(level)}
    svg = charts.bars(title, names, series)
    rows = [[u.organization.name, *[str(n) for n in (u.stars or [])]] for u in rated]
    return Figure(title, svg, [_column(level), *series], rows)


def branch_distribution_figure(units: Sequence[BranchStats], level: str = BRANCHES) -> Figure:
    """The distribution per branch, stacked: one bar per branch, one colour per band."""
    names = [u.organization.name for u in units]
    series = {
        label: [u.distribution[i] for u in units] for i, label in enumerate(DISTRIBUTION_LABELS)
    }
    title = _("各%(level)s积分分布") % {"level": _(level)}
    svg = charts.bars(title, names, series, stacked=True)
    rows = [[u.organization.name, *[str(n) for n in u.distribution]] for u in units]
    return Figure(title, svg, [_column(level), *DISTRIBUTION_LABELS], rows)


def trend_figure(trends: Sequence[Trend], level: str = BRANCHES) -> Figure | None:
    """One branch: its mean total and mean base at each quarter's end. Several: each branch's
    mean total (the base is in the table)."""
    if not trends:
        return None
    quarters = _quarters()
    if len(trends) == 1:
        trend = trends[0]
        series: dict[str, Sequence[Decimal | None]] = {
            _("平均积分"): trend.mean_total,
            _("平均基础分"): trend.mean_base,
        }
        title = _("%(name)s 各季度平均积分") % {"name": trend.organization.name}
        rows = [
            [q, figure_text(t), figure_text(b), str(n)]
            for q, t, b, n in zip(
                quarters, trend.mean_total, trend.mean_base, trend.members, strict=True
            )
        ]
        columns = [_("季度末"), _("平均积分"), _("平均基础分"), _("人数")]
    else:
        series = {t.organization.name: t.mean_total for t in trends}
        title = _("各%(level)s各季度平均积分") % {"level": _(level)}
        columns = [
            _column(level),
            *[_("%(quarter)s积分/基础分") % {"quarter": q} for q in quarters],
        ]
        rows = [
            [t.organization.name]
            + [
                f"{figure_text(a)} / {figure_text(b)}"
                for a, b in zip(t.mean_total, t.mean_base, strict=True)
            ]
            for t in trends
        ]
    svg = charts.lines(title, quarters, series, range_=(0, 100))
    return Figure(title, svg, columns, rows)
