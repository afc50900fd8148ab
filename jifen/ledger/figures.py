"""A member's months as a figure (a chart and the table of its numbers) for the member's year
page, drawn from the ledger's ``MemberYear``; the reports' own figures build on it."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from jifen.documents import charts
from jifen.documents.charts import Figure
from jifen.ledger.pages import NOT_YET, day_text, points_text
from jifen.ledger.scores import MemberYear
from jifen.scoring import Calendar


def figure_text(value: Decimal | int | None) -> str:
    """A number as a figure's table shows it: points as the ledger writes them, "—" for none."""
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
    # The engine's label ("3月"), in the reader's language (as on the month tables).
    month_format = _("n月")
    labels = [day_text(calendar.month_bounds(m)[0], month_format) for m in range(12)]
    counted = [m < found.reached and m in found.active_months for m in range(12)]
    series: dict[str, list[Decimal | None]] = {}
    for category in monthly:
        periods = found.result.category(category.code).periods
        series[category.title] = [
            periods.get(f"M{m + 1:02d}") if counted[m] else None for m in range(12)
        ]
    top = max((c.period_max or c.max for c in monthly), default=Decimal(100))
    svg = charts.month_lines(
        labels, series, top=top, title=_("%(year)s年 逐月积分") % {"year": found.year}
    )
    rows = [
        [
            labels[m],
            *[
                figure_text(values[m]) if counted[m] else _(NOT_YET) if m >= found.reached else "—"
                for values in series.values()
            ],
        ]
        for m in range(12)
    ]
    return Figure(_("逐月积分"), svg, [_("月份"), *series], rows)
