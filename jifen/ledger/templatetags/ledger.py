import datetime as dt
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ periods|get:"M03" }}``: a value from a mapping by a computed key."""
    return mapping.get(key)


@register.filter
def entries_for(entries: Mapping[str, Any], ids: tuple[str, ...]) -> list[Any]:
    return [entries[i] for i in ids if i in entries]


@register.filter
def points(value: Decimal | None) -> str:
    """A score with two places, exactly (never through float): 9.5 → "9.50"."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# The headers a quarter sheet stores in Chinese (jifen/periods/sheet.py: they are part of what is
# signed, so they stay as written) and the engine's month labels ("3月"), in the reader's
# language where they are shown. Printed forms render in Chinese and so are unchanged.
_MONTH = re.compile(r"^(\d{1,2})月$")


@register.filter
def month_said(label: str) -> str:
    """``3月`` in the reader's language (``Mar``); any other label as it is."""
    found = _MONTH.match(str(label))
    if found is None or not 1 <= int(found.group(1)) <= 12:
        return label
    return dateformat.format(dt.date(2000, int(found.group(1)), 1), _("n月"))


# Stored whole: the month sheet's column titles, the quarter sheet's total, the year-end sheet's
# grade column and its empty grade.
_STORED_WORDS = {
    "季度合计": gettext_noop("季度合计"),
    "月小计": gettext_noop("月小计"),
    "本月": gettext_noop("本月"),
    "累计": gettext_noop("累计"),
    "年终评定": gettext_noop("年终评定"),
    "评议等次": gettext_noop("评议等次"),
    "未评定": gettext_noop("未评定"),
}
# Stored with a number or a title in them (jifen/periods/month_sheet.py _points_words, _columns).
_STORED_PATTERNS = (
    (re.compile(r"^(?P<n>[\d.]+)分/月$"), gettext_noop("%(n)s分/月")),
    (re.compile(r"^最高(?P<n>[\d.]+)分/年$"), gettext_noop("最高%(n)s分/年")),
    (re.compile(r"^(?P<n>[\d.]+)分$"), gettext_noop("%(n)s分")),
    (re.compile(r"^(?P<title>.+)（(?P<n>[\d.]+)分）$"), gettext_noop("%(title)s（%(n)s分）")),
)


@register.filter
def header_said(header: str) -> str:
    """A quarter sheet's header: 季度合计, 基础分月小计, 特色分（累计）, translated around the
    rulebook's category title (which stays as the rulebook writes it)."""
    text = str(header)
    if text in _STORED_WORDS:
        return _(text)
    for pattern, words in _STORED_PATTERNS:
        found = pattern.match(text)
        if found is not None:
            return _(words) % found.groupdict()
    if text.endswith("（累计）"):
        return _("%(title)s（累计）") % {"title": text.removesuffix("（累计）")}
    if text.endswith("月小计"):
        return _("%(title)s月小计") % {"title": text.removesuffix("月小计")}
    return text
