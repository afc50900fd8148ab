"""Charts drawn on the server as SVG with pygal: no JavaScript, no CDN, and they print.

Points are Decimal everywhere else; a chart only draws them, so they become floats here and
nowhere else. Every chart carries its numbers in a table beside it too (see the templates):
a picture for the eye, the table for the record and for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

FONT = (
    '"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei",sans-serif'
)
COLOURS = ("#b3261e", "#1f6feb", "#1a7f37", "#9a6700", "#8250df", "#5b636b")


def _style() -> object:
    from pygal.style import Style

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
    import pygal

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
    """Lines over time: a member's months, a branch across quarters."""
    frozen = tuple((name, tuple(values)) for name, values in series.items())
    return _lines(title, tuple(labels), frozen, range_)


# The member's year page draws a chart on every visit and most members' months look alike
# (full marks month after month): the same numbers are drawn once and remembered.
@lru_cache(maxsize=1024)
def _lines(
    title: str,
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[Decimal | int | None, ...]], ...],
    range_: tuple[float, float] | None,
) -> SafeString:
    import pygal

    extra: dict[str, object] = {"show_legend": len(series) > 1, "dots_size": 4}
    if range_:
        extra["range"] = range_
    chart = pygal.Line(**_config(**extra))
    chart.title = title
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, [_number(v) for v in values])
    return _render(chart)


def radar(
    title: str,
    axes: Sequence[str],
    series: Mapping[str, Sequence[Decimal | int | None]],
) -> SafeString:
    """A radar of categories (an organization's assessment), as shares of each category's max."""
    import pygal

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
