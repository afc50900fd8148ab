"""Charts drawn on the server as SVG with pygal: no JavaScript, no CDN, and they print.

Points are Decimal everywhere else; a chart only draws them, so they become floats here and
nowhere else. Every chart carries its numbers in a table beside it too (see the templates):
a picture for the eye, the table for the record and for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

FONT = (
    '"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei",sans-serif'
)
COLOURS = ("#b3261e", "#1f6feb", "#1a7f37", "#9a6700", "#8250df", "#5b636b")


@dataclass(frozen=True)
class Figure:
    """A chart with the table of the numbers it draws, shown side by side (the template
    ``reports/_figure.html``)."""

    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]


def _style() -> object:
    return Style(
        font_family=FONT,
        background="transparent",
        plot_background="#ffffff",
        foreground="#1f2328",
        foreground_strong="#1f2328",
        foreground_subtle="#5b636b",
        colors=COLOURS,
        title_font_size=16,
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=12,
        value_font_size=11,
    )


def _config(**extra: object) -> dict[str, object]:
    return {
        "js": [],  # pygal's tooltips load a script from the internet: never
        "disable_xml_declaration": True,  # inline in the page
        "style": _style(),
        "width": 720,
        "height": 360,
        "print_values": False,
        "show_legend": True,
        "legend_at_bottom": True,
        **extra,
    }


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


# pygal writes its configuration into an inline <script> even with ``js=[]`` (for the tooltips
# it would load), and comments naming its web site and the day it drew the chart; the page runs
# no chart script and the same numbers should draw the same chart, so both are dropped.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>|<!--.*?-->", re.DOTALL | re.IGNORECASE)


def _render(chart: object) -> SafeString:
    svg: str = chart.render(is_unicode=True)  # type: ignore[attr-defined]
    return mark_safe(_SCRIPT.sub("", svg))  # noqa: S308 - pygal escapes the labels it draws


def bars(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Decimal | int | None]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
    range_: tuple[float, float] | None = None,
) -> SafeString:
    """Bars: one group per label, one colour per series (stars per branch, ranking)."""
    kind = (
        (pygal.StackedBar if not horizontal else pygal.HorizontalStackedBar)
        if stacked
        else (pygal.HorizontalBar if horizontal else pygal.Bar)
    )
    extra: dict[str, object] = {"show_legend": len(series) > 1}
    if range_:
        extra["range"] = range_
    counts = [v for values in series.values() for v in values if v is not None]
    if counts and all(isinstance(v, int) for v in counts):
        # Counts of people: whole-number ticks only (pygal would draw 0.2, 0.4 …).
        top = int(
            max(
                sum(int(values[i] or 0) for values in series.values())
                if stacked
                else max(int(values[i] or 0) for values in series.values())
                for i in range(len(labels))
            )
            if labels
            else 1
        )
        step = max(1, -(-top // 8))
        extra["y_labels"] = list(range(0, max(top, 1) + step, step))
    if horizontal:
        extra["height"] = max(240, 28 * len(labels) + 120)
    chart = kind(**_config(**extra))
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [_number(v) for v in values])
    return _render(chart)


def lines(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Decimal | int | None]],
    *,
    range_: tuple[float, float] | None = None,
) -> SafeString:
    """Lines over time: a branch across quarters (a member's months: ``month_lines``)."""
    extra: dict[str, object] = {"show_legend": len(series) > 1, "dots_size": 4}
    if range_:
        extra["range"] = range_
    chart = pygal.Line(**_config(**extra))
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [_number(v) for v in values])
    return _render(chart)


def month_lines(
    labels: Sequence[str],
    series: Mapping[str, Sequence[Decimal | None]],
    *,
    top: Decimal,
    title: str = "",
) -> SafeString:
    """A member's months as a small line chart, drawn here rather than by pygal.

    The member's year page is the most visited page and must answer within 50 ms with 10
    million entries in the ledger (bench/bench_member_page.py); pygal takes about 10 ms to draw
    12 points, this about a tenth of a millisecond. Same look: the colours and fonts of the
    other charts, a gap where a month is not counted, the numbers in the table beside it."""
    width, height, left, right, top_pad, bottom = 720, 240, 44, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(labels) - 1, 1)
    scale = float(top) or 1.0

    def y(value: Decimal) -> float:
        return top_pad + plot_h * (1 - min(float(value), scale) / scale)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="month-lines" viewBox="0 0 {width} '
        f'{height}" role="img" aria-label="{escape(title)}" font-family=\'{FONT}\' '
        'font-size="12">'
    ]
    if title:
        parts.append(
            f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="14">'
            f"{escape(title)}</text>"
        )
    for share in (0, 0.5, 1):
        mark = Decimal(str(float(top) * share)).quantize(Decimal("1"))
        level = y(mark)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{level:.1f}" y2="{level:.1f}" '
            'stroke="#d8dde3"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{level + 4:.1f}" text-anchor="end" '
            f'fill="#5b636b">{mark}</text>'
        )
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{left + index * step:.1f}" y="{height - 12}" '
            f'text-anchor="middle" fill="#5b636b">{escape(label)}</text>'
        )
    for number, (name, values) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        run: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                        f'points="{" ".join(run)}"/>'
                    )
                run = []
                continue
            point = f"{left + index * step:.1f},{y(value):.1f}"
            run.append(point)
            parts.append(
                f'<circle cx="{left + index * step:.1f}" cy="{y(value):.1f}" r="3.5" '
                f'fill="{colour}"><title>{escape(name)} {escape(labels[index])} '
                f"{value}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text drawn is escaped above


def radar(
    title: str,
    axes: Sequence[str],
    series: Mapping[str, Sequence[Decimal | int | None]],
) -> SafeString:
    """A radar of categories (an organization's assessment), as shares of each category's max."""
    chart = pygal.Radar(**_config(fill=True, range=(0, 100), height=420))
    chart.title = title
    chart.x_labels = list(axes)
    for name, values in series.items():
        chart.add(name, [_number(v) for v in values])
    return _render(chart)


def distribution(
    title: str,
    totals: Sequence[Decimal],
    *,
    edges: Sequence[int] = (0, 60, 70, 80, 90),
    series_name: str = "人数",
) -> SafeString:
    """How many totals fall in each band [edge, next edge): <60, 60–69, 70–79, 80–89, ≥90."""
    labels, counts = distribution_rows(totals, edges=edges)
    return bars(title, labels, {series_name: counts})


def distribution_rows(
    totals: Sequence[Decimal], *, edges: Sequence[int] = (0, 60, 70, 80, 90)
) -> tuple[list[str], list[int]]:
    """The labels and counts ``distribution`` draws, for the table beside it."""
    labels: list[str] = []
    counts: list[int] = []
    for index, low in enumerate(edges):
        high = edges[index + 1] if index + 1 < len(edges) else None
        if index == 0:
            labels.append(f"<{high}")
        elif high is None:
            labels.append(f"≥{low}")
        else:
            labels.append(f"{low}–{high - 1}")
        counts.append(
            sum(1 for t in totals if (index == 0 or t >= low) and (high is None or t < high))
        )
    return labels, counts
