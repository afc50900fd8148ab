"""How each member rule scores one item in one period, with the line that explains it
(RULEBOOKS.md §3): allowances kept or deducted, points earned under caps, grades.
"""
# The asserts narrow types for mypy; the loader and check_fact guarantee them.
# ruff: noqa: S101

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from jifen.scoring.facts import ZERO, Calendar, Fact, fact_order, fmt, period_label
from jifen.scoring.model import Allowance, Category, Earn, Grade, Item
from jifen.scoring.results import Line

LABELS = {"present": "出席", "absent": "无故缺席", "excused": "请假"}
PERIOD_WORD = {"month": "个月", "quarter": "个季度", "year": "年"}
PERIOD_UNIT = {"month": "月", "quarter": "季度", "year": "年"}


@lru_cache(maxsize=4096)
def as_written(value: Decimal) -> str:
    """A fact's number as written (no trailing zeros): 2, 0.5, 12.5."""
    return format(value.normalize(), "f")


def _quiet_text(item: Item, category: Category, word: str, n: int, score: Decimal) -> str:
    """The line for the periods of an item without a fact: ``word`` is 全部 or 其余."""
    if category.period == "year":
        if isinstance(item, Earn):
            return f"{item.title}: 无加分记录，得 0.00"
        return f"{item.title}: 无扣分记录，得 {fmt(score)}"
    what = "加分" if isinstance(item, Earn) else "扣分"
    return (
        f"{item.title}: {word} {n} {PERIOD_WORD[category.period]}无{what}记录，"
        f"每{PERIOD_UNIT[category.period]}得 {fmt(score)}"
    )


def _quiet_line(item: Item, category: Category, word: str, n: int, score: Decimal) -> Line:
    period = "Y" if category.period == "year" else ""
    text = _quiet_text(item, category, word, n, score)
    return Line(f"{category.code}.{item.code}", period, text, (), score)


def _latest(facts: list[Fact]) -> Fact:
    # Latest by date; on the same date the larger id wins, so input order never matters.
    return max(facts, key=fact_order)


class ItemRules:
    """The per-item rules of a member rulebook, for one calendar; MemberScorer builds on it."""

    def __init__(self, calendar: Calendar, *, explain: bool) -> None:
        self.calendar = calendar
        self.explain = explain
        self._labels: dict[str, str] = {}
        self._kept: dict[tuple[str, str], Decimal] = {}  # (allowance, deducted) → its value

    def label(self, key: str) -> str:
        """``M03`` → ``3月``, remembered (the same dozen keys come up for every member)."""
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = period_label(key, self.calendar)
        return found

    # --- allowances -----------------------------------------------------------------------------

    def _allowance(
        self, item: Allowance, category: Category, key: str, facts: list[Fact], spread: list[Fact]
    ) -> tuple[Decimal, Line | None]:
        used = spread if item.spread == "quarter" else facts
        if not used:
            return item.points, None
        if not self.explain:
            return self._allowance_score(item, used), None
        label = self.label(key)
        rule = f"{category.code}.{item.code}"
        ids = tuple(f.id for f in used)
        deducted = ZERO
        parts: list[str] = []
        unit = item.unit
        # Inline rather than a helper per case: this runs for every period of every allowance.
        if item.target is not None:
            achieved = sum((f.value for f in used if isinstance(f.value, Decimal)), ZERO)
            short = max(ZERO, item.target - achieved)
            assert item.deduct is not None
            deducted = short * item.deduct
            parts.append(
                f"完成 {as_written(achieved)}，目标 {as_written(item.target)}，"
                f"差 {as_written(short)} {unit} × {as_written(item.deduct)} = 扣 {fmt(deducted)}"
            )
        else:
            for fact in used:
                if isinstance(fact.value, Decimal):
                    assert item.deduct is not None
                    amount = fact.value * item.deduct
                    parts.append(
                        f"差 {as_written(fact.value)} {unit or '次'} × {as_written(item.deduct)}"
                        f" = 扣 {fmt(amount)}"
                    )
                else:
                    amount = ZERO
                    if fact.value == "absent":
                        amount = item.absent or ZERO
                    elif fact.value == "excused":
                        amount = item.excused
                    when = f"{fact.date.month}月{fact.date.day}日"
                    parts.append(f"{when} {LABELS[fact.value]} 扣 {fmt(amount)}")
                deducted += amount
        if item.per_occasion:
            # One division of the sum, so every occasion missed gives back exactly the points.
            deducted = deducted / len(used)
            parts.append(
                f"本期 {len(used)} 次，每次 {fmt(item.points / len(used))} 分，共扣 {fmt(deducted)}"
            )
        score = item.points - deducted
        floor = ""
        if score < 0:
            score = ZERO
            floor = "（不低于 0）"
        suffix = "（本季度每月扣分）" if item.spread == "quarter" else ""
        text = f"{label} {item.title}: {'；'.join(parts)}{suffix}，得 {fmt(score)}{floor}"
        return score, Line(rule, key, text, ids, score)

    def _lean_periods(
        self,
        item: Allowance,
        keys: tuple[str, ...],
        facts_by_key: dict[str, list[Fact]],
        per_period_sum: dict[str, Decimal],
    ) -> dict[str, Decimal]:
        """An allowance (not spread over a quarter) in each period of ``keys``, without words:
        what ``MemberScorer._item`` gives for it then, in one tight loop (most of a branch's
        periods are allowances); each value is also added to ``per_period_sum``."""
        periods: dict[str, Decimal] = {}
        points = item.points
        for key in keys:
            facts = facts_by_key.get(key)
            value = self._allowance_score(item, facts) if facts else points
            periods[key] = value
            per_period_sum[key] += value
        return periods

    def _allowance_score(self, item: Allowance, used: list[Fact]) -> Decimal:
        """The same arithmetic as _allowance, without the words (for callers that need none)."""
        if item.target is not None and item.deduct is not None:
            achieved = sum((f.value for f in used if isinstance(f.value, Decimal)), ZERO)
            deducted = max(ZERO, item.target - achieved) * item.deduct
        else:
            deducted = ZERO
            for fact in used:
                value = fact.value
                if isinstance(value, Decimal):
                    deducted += value * (item.deduct or ZERO)
                elif value == "absent":
                    deducted += item.absent or ZERO
                elif value == "excused":
                    deducted += item.excused
            if item.per_occasion:
                deducted = deducted / len(used)
        # One object for every period of every member with the same deduction: a committee's
        # results are held together until rated, and a new Decimal for each was a third of
        # their memory. Keyed by the deduction as written (str is exact: 0 and 0.0 differ, and
        # so do 10 - 0 and 10 - 0.0); nothing deducted at all (all present) needs no key.
        key = "" if deducted is ZERO else str(deducted)
        kept = self._kept.get((item.code, key))
        if kept is None:
            kept = self._kept[(item.code, key)] = max(ZERO, item.points - deducted)
        return kept

    # --- earned points --------------------------------------------------------------------------

    def _earn(
        self,
        item: Earn,
        category: Category,
        key: str,
        facts: list[Fact],
        by_month: dict[int, list[Fact]],
    ) -> tuple[Decimal, Line | None]:
        if not facts:
            return ZERO, None
        rule = f"{category.code}.{item.code}"
        label = self.label(key)
        ids = {f.id for f in facts}
        parts, month_sums = _earned_by_month(item, by_month, ids)
        total, notes = self._capped(item, month_sums)
        text = f"{label} {item.title}: {'；'.join(parts)}"
        if notes:
            text += f"（{'；'.join(notes)}）"
        text += f"，得 {fmt(total)}"
        return total, Line(rule, key, text, tuple(f.id for f in facts), total)

    def _capped(self, item: Earn, month_sums: dict[int, Decimal]) -> tuple[Decimal, list[str]]:
        """The month sums kept under the monthly, then quarterly, then yearly caps."""
        notes: list[str] = []
        quarter_sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for month, month_sum in month_sums.items():
            kept = month_sum
            if item.cap_month is not None and month_sum > item.cap_month:
                notes.append(f"{self.calendar.month_label(month)}超过月上限 {fmt(item.cap_month)}")
                kept = item.cap_month
            quarter_sums[month // 3] += kept
        total = ZERO
        for quarter, quarter_sum in quarter_sums.items():
            kept = quarter_sum
            if item.cap_quarter is not None and quarter_sum > item.cap_quarter:
                notes.append(f"第{quarter + 1}季度超过季度上限 {fmt(item.cap_quarter)}")
                kept = item.cap_quarter
            total += kept
        if item.cap_year is not None and total > item.cap_year:
            notes.append(f"合计 {fmt(total)} 超过年度上限 {fmt(item.cap_year)}")
            total = item.cap_year
        return total, notes

    # --- grades ---------------------------------------------------------------------------------

    def _grade(
        self, item: Grade, category: Category, key: str, facts: list[Fact]
    ) -> tuple[Decimal, Line, bool]:
        rule = f"{category.code}.{item.code}"
        label = self.label(key)
        if not facts:
            return (
                ZERO,
                Line(rule, key, f"{label} {item.title}: 尚未评定，暂计 0（结果未完成）", (), ZERO),
                True,
            )
        fact = _latest(facts)
        assert isinstance(fact.value, str)
        points = item.grades[fact.value]
        extra = (
            f"（共 {len(facts)} 次评定，以 {fact.date:%m月%d日} 的最近一次为准）"
            if len(facts) > 1
            else ""
        )
        text = f"{label} {item.title}: {fact.value} 得 {fmt(points)}{extra}"
        return points, Line(rule, key, text, (fact.id,), points), False


def _earned_by_month(
    item: Earn, by_month: dict[int, list[Fact]], ids: set[str]
) -> tuple[list[str], dict[int, Decimal]]:
    """Each of the period's facts (``ids``) valued with ``per``, ``min`` and ``max``, summed by
    month in month order, with a description of each."""
    parts: list[str] = []
    month_sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for month in sorted(by_month):
        for fact in by_month[month]:
            if fact.id not in ids:
                continue
            value, desc = _earned(item, fact)
            parts.append(desc)
            month_sums[month] += value
    return parts, month_sums


def _earned(item: Earn, fact: Fact) -> tuple[Decimal, str]:
    assert isinstance(fact.value, Decimal)
    value = fact.value * item.per if item.per is not None else fact.value
    desc = f"{fact.date.month}月{fact.date.day}日 {as_written(fact.value)}"
    if item.per is not None:
        desc += f" × {as_written(item.per)} = {fmt(value)}"
    if fact.note:
        desc += f"（{fact.note}）"
    if item.max is not None and value > item.max:
        desc += f"，单次最多 {fmt(item.max)}"
        value = item.max
    if value < item.min:
        desc += f"，单次最少 {fmt(item.min)}"
        value = item.min
    return value, desc
