"""What the engine is fed: facts, subjects and the periods of a scoring year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)


def round2(value: Decimal) -> Decimal:
    """Round to 2 places, half up (RULEBOOKS.md §3)."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=4096)
def fmt(value: Decimal) -> str:
    """A score as text with two places: ``Decimal('86.5')`` → ``'86.50'``."""
    return f"{round2(value):.2f}"


@dataclass(frozen=True, slots=True)
class Fact:
    """One recorded thing that happened (RULEBOOKS.md §2).

    ``value`` is a Decimal (count, days, hours, points) or a label (``present``, ``absent``,
    ``excused``, a grade such as ``优秀``). ``voids`` names the id of an earlier fact this one
    corrects: the voided fact is ignored. A correction that only voids has ``item`` ``""``;
    one with an item and a value also counts itself (it *replaces* the voided fact).
    """

    id: str
    subject: str
    date: date
    item: str
    value: Decimal | str
    source: str = "committee"
    note: str = ""
    voids: str | None = None


def fact_order(fact: Fact) -> tuple[date, int, str]:
    """Facts in date order; on the same day by id, numbers in numeric order (row 9 before row
    10). Sorting by this key makes every result independent of the order facts arrive in."""
    return (fact.date, len(fact.id), fact.id)


@dataclass(frozen=True, slots=True)
class Interval:
    """Active from ``start`` to ``end``, both inclusive; None means open."""

    start: date | None = None
    end: date | None = None

    def overlaps(self, first: date, last: date) -> bool:
        return (self.start is None or self.start <= last) and (
            self.end is None or self.end >= first
        )

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


ALWAYS = (Interval(),)


@dataclass(frozen=True, slots=True)
class Subject:
    """A member or an organization being scored.

    Members: ``org`` is the branch whose quota they count in; ``category`` is ``full``,
    ``probationary``, ``activist`` or ``development_target``; ``active`` lists the intervals in
    which they belong to the scope (from joined / left / transfer / exemption dates). A member
    counts in every month they are active for at least one day (a partial month counts as a
    whole month). Organizations: ``parent`` is the organization they are ranked (and rolled
    up) within; ``rulebook`` optionally names the rulebook that scores them.
    """

    id: str
    name: str = ""
    org: str = ""
    parent: str | None = None
    category: str = "full"
    active: tuple[Interval, ...] = ALWAYS
    rulebook: str | None = None


# --- the periods of a scoring year -------------------------------------------------------------

HALF_LABEL = {0: "上半年", 1: "下半年"}


@dataclass(frozen=True, slots=True)
class Calendar:
    """The twelve months of scoring year ``year`` starting in month ``start``."""

    year: int
    start: int = 1

    def month_index(self, day: date) -> int | None:
        """0..11 for a day in the scoring year, None outside it."""
        index = (day.year * 12 + day.month - 1) - (self.year * 12 + self.start - 1)
        return index if 0 <= index < 12 else None

    def month_bounds(self, index: int) -> tuple[date, date]:
        total = self.year * 12 + self.start - 1 + index
        first = date(total // 12, total % 12 + 1, 1)
        nxt = total + 1
        last = date(nxt // 12, nxt % 12 + 1, 1) - timedelta(days=1)
        return first, last

    def month_label(self, index: int) -> str:
        total = self.year * 12 + self.start - 1 + index
        return f"{total % 12 + 1}月"

    def bounds(self) -> tuple[date, date]:
        return self.month_bounds(0)[0], self.month_bounds(11)[1]

    def active_months(self, intervals: tuple[Interval, ...]) -> tuple[int, ...]:
        """Months in which the subject is active for at least one day."""
        if intervals == ALWAYS:
            return ALL_MONTHS
        # Remembered: a branch's members mostly share a handful of membership spans.
        return _active_months(self, intervals)


ALL_MONTHS = tuple(range(12))


@lru_cache(maxsize=4096)
def _active_months(calendar: Calendar, intervals: tuple[Interval, ...]) -> tuple[int, ...]:
    return tuple(
        m for m in range(12) if any(iv.overlaps(*calendar.month_bounds(m)) for iv in intervals)
    )


def period_key(kind: str, month: int) -> str:
    """The key of the period containing month index ``month`` (0..11)."""
    if kind == "month":
        return f"M{month + 1:02d}"
    if kind == "quarter":
        return f"Q{month // 3 + 1}"
    if kind == "half":
        return f"H{month // 6 + 1}"
    return "Y"


@lru_cache(maxsize=256)
def period_label(key: str, calendar: Calendar) -> str:
    if key.startswith("M"):
        return calendar.month_label(int(key[1:]) - 1)
    if key.startswith("Q"):
        return f"第{key[1:]}季度"
    if key.startswith("H"):
        return HALF_LABEL[int(key[1:]) - 1]
    return "全年"
