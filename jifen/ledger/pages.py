"""What the member's year page shows, prepared as plain rows: the template only loops.

Kept out of the template so that the page of a member with a hundred facts renders in a few
milliseconds (see bench/bench_member_page.py) and so that every figure is computed in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import dateformat
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from jifen.ledger.models import Correction, Entry, Origin
from jifen.ledger.scores import MemberYear
from jifen.scoring import Calendar

CENT = Decimal("0.01")


def points_text(value: Decimal | None) -> str:
    """A score with two places, exactly (never through float): 9.5 → "9.50"."""
    return "" if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@lru_cache(maxsize=4096)
def _day_text(day: dt.date, form: str, language: str | None) -> str:
    # Django's dateformat takes tens of microseconds; a member's facts share few dates. The
    # language is in the key because the forms' month names are translated.
    return dateformat.format(day, form)


def day_text(day: dt.date, form: str) -> str:
    """``day`` in a date form (already translated, such as _("n月j日")) in the reader's language."""
    return _day_text(day, form, get_language())


@lru_cache(maxsize=8)
def _fact_words(language: str | None) -> dict[str, str]:
    """The words a fact is written with, looked up once per language rather than once per fact
    (the page's budget, bench/bench_member_page.py). The choices' labels are Chinese wherever
    they are stored; they are translated here, where they are only shown."""
    return {
        "day": _("n月j日"),
        "by": _("记录人 %(name)s"),
        "corrected": _("%(correction)s：%(reason)s"),
        **{origin.value: _(origin.label) for origin in Origin},
        **{correction.value: _(correction.label) for correction in Correction},
    }


def fact_text(entry: Entry) -> str:
    """One fact as a member reads it: when, how it was recorded, what it says, by whom."""
    language = get_language()
    words = _fact_words(language)
    origin = words.get(entry.origin) or entry.get_origin_display()
    parts = [_day_text(entry.date, words["day"], language), origin]
    if entry.note:
        parts.append(entry.note)
    if entry.recorded_by is not None:
        who = entry.recorded_by.get_full_name() or entry.recorded_by.username
        parts.append(words["by"] % {"name": who})
    if entry.correction:
        parts.append(
            words["corrected"]
            % {
                "correction": words.get(entry.correction) or entry.get_correction_display(),
                "reason": entry.reason,
            }
        )
    return " · ".join(parts)


NOT_YET = gettext_noop("未到")

# How a month's cell is drawn: counted, outside the member's time in scope, or not yet begun.
COUNTED, INACTIVE, FUTURE = "", "inactive", "future"


@dataclass(frozen=True)
class MonthTable:
    title: str
    months: list[tuple[str, str]]  # label, state (COUNTED / INACTIVE / FUTURE)
    rows: list[tuple[str, list[tuple[str, str]]]]  # item title, cells (text, state)
    total: list[tuple[str, str]]


def month_states(found: MemberYear) -> list[str]:
    """Each month of the year: counted, inactive (not a member, exempted) or 未到."""
    return [
        FUTURE if m >= found.reached else COUNTED if m in found.active_months else INACTIVE
        for m in range(12)
    ]


@dataclass(frozen=True)
class Explanation:
    title: str
    score: str
    lines: list[tuple[str, list[str]]]  # the reason, the facts behind it


def month_tables(found: MemberYear) -> list[MonthTable]:
    calendar = Calendar(found.year, found.rulebook.year_start)
    states = month_states(found)
    # The engine's label ("3月"), in the reader's language.
    month_format = _("n月")
    months = [(day_text(calendar.month_bounds(m)[0], month_format), states[m]) for m in range(12)]
    not_yet = _(NOT_YET)
    keys = [f"M{m + 1:02d}" for m in range(12)]
    kinds = {c.code: c.period for c in found.rulebook.categories}
    tables = []
    for category in found.result.categories:
        if kinds.get(category.code) != "month":
            continue

        def cells(periods: object) -> list[tuple[str, str]]:
            return [
                (
                    not_yet if state == FUTURE else points_text(periods.get(key)),  # type: ignore[attr-defined]
                    state,
                )
                for key, (_label, state) in zip(keys, months, strict=True)
            ]

        rows = [(item.title, cells(item.periods)) for item in category.items]
        tables.append(MonthTable(category.title, months, rows, cells(category.periods)))
    return tables


def explanations(found: MemberYear) -> list[Explanation]:
    shown = []
    for category in found.result.categories:
        lines: list[tuple[str, list[str]]] = [(line.text, []) for line in category.lines]
        for item in category.items:
            for line in item.lines:
                facts = [fact_text(found.entries[i]) for i in line.facts if i in found.entries]
                lines.append((line.text, facts))
        shown.append(Explanation(category.title, points_text(category.score), lines))
    return shown
