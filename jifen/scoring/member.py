"""Scoring one member's year with a member rulebook (RULEBOOKS.md §3).

Facts are grouped by item and period, each category is scored from its items (the rules for
one item in one period are in ``member_items``), capped and deducted period by period, then
combined into the year; a veto zeroes the year.
"""
# The asserts narrow types for mypy; the loader and check_fact guarantee them.
# ruff: noqa: S101

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from jifen.scoring.facts import (
    ZERO,
    Calendar,
    Fact,
    Subject,
    fact_order,
    fmt,
    period_key,
    round2,
)
from jifen.scoring.member_items import PERIOD_WORD, ItemRules, _quiet_line, as_written
from jifen.scoring.model import Allowance, Category, Earn, Grade, Item, Rulebook
from jifen.scoring.results import CategoryResult, ItemResult, Line, SubjectResult

__all__ = ["MemberScorer"]


QUIET_KINDS = (Allowance, Earn)  # items with a value of their own when no fact is recorded

# The period key of every month index, by period kind: M01…M12, Q1…Q4, H1/H2, Y.
PERIOD_KEYS = {
    kind: tuple(period_key(kind, m) for m in range(12))
    for kind in ("month", "quarter", "half", "year")
}


@lru_cache(maxsize=1024)
def _period_keys(period: str, months: tuple[int, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for m in months:
        seen[PERIOD_KEYS[period][m]] = None
    return tuple(seen)


class _Grouped:
    """One member's facts of the year, grouped the ways the rules read them."""

    # A plain class with literal containers: one is made per member of a branch's sheet.
    __slots__ = ("by_month", "by_period", "by_quarter", "outside", "vetoes")

    def __init__(self) -> None:
        # facts[code][period key] → facts
        self.by_period: dict[str, dict[str, list[Fact]]] = {}
        # quarter index → facts, for allowances spread over a quarter
        self.by_quarter: dict[str, dict[int, list[Fact]]] = {}
        # month index → facts, for earned items (the monthly caps)
        self.by_month: dict[str, dict[int, list[Fact]]] = {}
        self.vetoes: list[Fact] = []
        self.outside: list[str] = []  # ids of facts outside the active months


class MemberScorer(ItemRules):
    """Scores members with one rulebook and one calendar. Stateless between subjects."""

    def __init__(self, rulebook: Rulebook, calendar: Calendar, *, explain: bool = True) -> None:
        super().__init__(calendar, explain=explain)
        self.rulebook = rulebook
        self.item_period = {
            item.code: category.period
            for category in rulebook.categories
            for item in category.items
        }
        self.deduction_period = {
            d.code: category.period for category in rulebook.categories for d in category.deductions
        }
        # The period kind of every code a fact may carry (items, then deductions, else the year).
        self.code_period = {**self.deduction_period, **self.item_period}
        self.vetoes = {veto.code for veto in rulebook.vetoes}
        # Facts are also grouped by quarter (allowances spread over a quarter) and by month
        # (earned items, for the monthly caps) — only for the codes that read those groups.
        items = [item for category in rulebook.categories for item in category.items]
        self.by_quarter_codes = {
            item.code for item in items if isinstance(item, Allowance) and item.spread == "quarter"
        }
        self.by_month_codes = {item.code for item in items if isinstance(item, Earn)}
        self.category_codes = {
            category.code: tuple(item.code for item in category.items)
            + tuple(d.code for d in category.deductions)
            for category in rulebook.categories
        }
        # Results that depend only on the active months, shared between the members of a sheet
        # (results are frozen): a category without a single fact, an item without a fact.
        self._quiet_categories: dict[tuple[str, tuple[int, ...]], tuple[CategoryResult, bool]] = {}
        self._quiet_items: dict[tuple[str, str, tuple[str, ...]], tuple[ItemResult, Decimal]] = {}

    def score(self, subject: Subject, facts: list[Fact], extra_lines: list[Line]) -> SubjectResult:
        months = self.calendar.active_months(subject.active)
        return self.score_grouped(subject, months, self._group(facts, months), extra_lines)

    def score_grouped(
        self, subject: Subject, months: tuple[int, ...], grouped: _Grouped, extra_lines: list[Line]
    ) -> SubjectResult:
        """``subject`` scored in ``months`` from their facts grouped by ``_group``."""
        rb = self.rulebook
        lines: list[Line] = list(extra_lines)
        if grouped.outside:
            lines.append(
                Line(
                    "",
                    "",
                    f"{len(grouped.outside)} 条记录的日期不在该党员的考核期内"
                    "（未入党、已转出或免于考核），未计分",
                    tuple(grouped.outside),
                )
            )
        if not months:
            lines.append(Line("", "", "本年度不在考核范围内"))

        categories: list[CategoryResult] = []
        incomplete = False
        for category in rb.categories:
            result, missing = self._category(category, months, grouped)
            incomplete = incomplete or missing
            categories.append(result)

        total = self._total(categories, grouped.vetoes, lines)
        return SubjectResult(
            subject=subject.id,
            name=subject.name,
            rulebook=rb.id,
            kind="member",
            group=subject.org,
            total=round2(total),
            categories=tuple(categories),
            vetoed=bool(grouped.vetoes),
            incomplete=incomplete,
            member_category=subject.category,
            lines=tuple(lines),
        )

    def _group(self, facts: list[Fact], months: tuple[int, ...]) -> _Grouped:
        """The year's facts by code and period key (and by quarter and month where a rule reads
        them so), vetoes apart, facts outside the active months set aside."""
        cal = self.calendar
        active_months = set(months)
        grouped = _Grouped()
        by_period = grouped.by_period
        code_period = self.code_period
        vetoes = self.vetoes
        by_quarter_codes = self.by_quarter_codes
        by_month_codes = self.by_month_codes
        # Calendar.month_index, inlined: this loop runs for every fact of a branch's year.
        first_month = cal.year * 12 + cal.start - 1
        # Facts in (date, id) order: every list below inherits it, so input order never matters.
        # Without explanations the order shows nowhere (every rule sums, caps or takes the
        # latest by fact_order), so the sort is left out.
        for fact in sorted(facts, key=fact_order) if self.explain else facts:
            month = fact.date.year * 12 + fact.date.month - 1 - first_month
            if not 0 <= month < 12:
                continue
            code = fact.item
            if code in vetoes:
                grouped.vetoes.append(fact)
                continue
            if month not in active_months:
                grouped.outside.append(fact.id)
                continue
            key = PERIOD_KEYS[code_period.get(code, "year")][month]
            periods = by_period.get(code)
            if periods is None:
                by_period[code] = {key: [fact]}
            else:
                bucket = periods.get(key)
                if bucket is None:
                    periods[key] = [fact]
                else:
                    bucket.append(fact)
            if code in by_quarter_codes:
                grouped.by_quarter.setdefault(code, {}).setdefault(month // 3, []).append(fact)
            if code in by_month_codes:
                grouped.by_month.setdefault(code, {}).setdefault(month, []).append(fact)
        return grouped

    def _total(
        self, categories: list[CategoryResult], veto_facts: list[Fact], lines: list[Line]
    ) -> Decimal:
        """The year's total: the categories summed under the rulebook's total, zero if vetoed;
        the line saying so is added to ``lines``."""
        rb = self.rulebook
        total = sum((c.score for c in categories), ZERO)
        if rb.total is not None and total > rb.total:
            lines.append(
                Line(
                    "total",
                    "",
                    f"各类别合计 {fmt(total)}，超过总分上限 {fmt(rb.total)}，按 {fmt(rb.total)} 计",
                )
            )
            total = rb.total
        if not veto_facts:
            parts = " + ".join(f"{c.title} {fmt(c.score)}" for c in categories)
            lines.append(Line("total", "", f"年度积分 = {parts} = {fmt(total)}", (), total))
            return total
        names = []
        for fact in veto_facts:
            veto = rb.veto(fact.item)
            assert veto is not None
            note = f"（{fact.note}）" if fact.note else ""
            names.append(f"{fact.date:%m月%d日} {veto.title}{note}")
        lines.append(
            Line(
                f"vetoes.{veto_facts[0].item}",
                "",
                f"负面清单：{'；'.join(names)} —— 年度积分为零（原应得 {fmt(total)}）",
                tuple(f.id for f in veto_facts),
                ZERO,
            )
        )
        return ZERO

    # --- categories -----------------------------------------------------------------------------

    def _category(
        self, category: Category, months: tuple[int, ...], grouped: _Grouped
    ) -> tuple[CategoryResult, bool]:
        for code in self.category_codes[category.code]:
            if code in grouped.by_period:
                return self._category_scored(category, months, grouped)
        # Not one fact in the category: the result depends on the active months alone.
        memo = (category.code, months)
        found = self._quiet_categories.get(memo)
        if found is None:
            found = self._category_scored(category, months, _Grouped())
            self._quiet_categories[memo] = found
        return found

    def _quiet_item(
        self, category: Category, item: Allowance | Earn, keys: tuple[str, ...]
    ) -> tuple[ItemResult, Decimal]:
        """An item without a fact all year: an allowance kept in full, nothing earned."""
        memo = (category.code, item.code, keys)
        found = self._quiet_items.get(memo)
        if found is not None:
            return found
        quiet_score = item.points if isinstance(item, Allowance) else ZERO
        lines: tuple[Line, ...] = ()
        if keys and self.explain:
            lines = (_quiet_line(item, category, "全部", len(keys), quiet_score),)
        periods = dict.fromkeys(keys, quiet_score)
        result = ItemResult(
            code=item.code,
            title=item.title,
            rule=item.rule,
            score=self._combine(list(periods.values()), category),
            periods=periods,
            lines=lines,
            incomplete=False,
        )
        self._quiet_items[memo] = (result, quiet_score)
        return result, quiet_score

    def _category_scored(
        self, category: Category, months: tuple[int, ...], grouped: _Grouped
    ) -> tuple[CategoryResult, bool]:
        keys = _period_keys(category.period, months)
        item_results: list[ItemResult] = []
        per_period_sum: dict[str, Decimal] = dict.fromkeys(keys, ZERO)
        missing_any = False
        # Items without a fact give the same value in every period: added once at the end.
        quiet_total = ZERO
        for item in category.items:
            if not grouped.by_period.get(item.code) and isinstance(item, QUIET_KINDS):
                quiet_result, quiet_value = self._quiet_item(category, item, keys)
                quiet_total += quiet_value
                item_results.append(quiet_result)
                continue
            result = self._item(category, item, keys, grouped, per_period_sum)
            missing_any = missing_any or result.incomplete
            item_results.append(result)

        if quiet_total:
            for key in keys:
                per_period_sum[key] += quiet_total

        period_scores, cat_lines = self._period_scores(
            category, keys, per_period_sum, grouped.by_period
        )
        year = self._year(category, period_scores, cat_lines)
        return (
            CategoryResult(
                code=category.code,
                title=category.title,
                score=round2(year),
                periods=period_scores,
                items=tuple(item_results),
                lines=tuple(cat_lines),
            ),
            missing_any,
        )

    def _item(
        self,
        category: Category,
        item: Item,
        keys: tuple[str, ...],
        grouped: _Grouped,
        per_period_sum: dict[str, Decimal],
    ) -> ItemResult:
        """One item with facts, scored period by period; each period's value is also added to
        ``per_period_sum``. The result is incomplete when a grade is still missing."""
        facts_by_key = grouped.by_period.get(item.code) or {}
        if not self.explain and isinstance(item, Allowance) and item.spread != "quarter":
            periods = self._lean_periods(item, keys, facts_by_key, per_period_sum)
            score = self._combine(list(periods.values()), category)
            return ItemResult(item.code, item.title, item.rule, score, periods, ())
        periods = {}
        item_lines: list[Line] = []
        quiet: list[str] = []
        quiet_score: Decimal | None = None
        missing_item = False
        is_allowance = isinstance(item, Allowance)
        spread_quarters = grouped.by_quarter.get(item.code, {}) if is_allowance else {}
        for key in keys:
            facts = facts_by_key.get(key, [])
            if is_allowance:
                assert isinstance(item, Allowance)
                spread: list[Fact] = []
                if item.spread == "quarter":
                    spread = spread_quarters.get((int(key[1:]) - 1) // 3, [])
                elif not facts:
                    periods[key] = item.points
                    per_period_sum[key] += item.points
                    quiet.append(key)
                    quiet_score = item.points
                    continue
                value, line = self._allowance(item, category, key, facts, spread)
            elif isinstance(item, Earn):
                value, line = self._earn(
                    item, category, key, facts, grouped.by_month.get(item.code, {})
                )
            else:
                assert isinstance(item, Grade)
                value, line, missing = self._grade(item, category, key, facts)
                missing_item = missing_item or missing
            periods[key] = value
            per_period_sum[key] += value
            if line is None:
                quiet.append(key)
                quiet_score = value
            else:
                item_lines.append(line)
        if quiet and quiet_score is not None and self.explain:
            word = "其余" if item_lines else "全部"
            item_lines.append(_quiet_line(item, category, word, len(quiet), quiet_score))
        return ItemResult(
            code=item.code,
            title=item.title,
            rule=item.rule,
            score=self._combine(list(periods.values()), category),
            periods=periods,
            lines=tuple(item_lines),
            incomplete=missing_item,
        )

    def _period_scores(
        self,
        category: Category,
        keys: tuple[str, ...],
        per_period_sum: dict[str, Decimal],
        by_period: dict[str, dict[str, list[Fact]]],
    ) -> tuple[dict[str, Decimal], list[Line]]:
        """Each period's score: the items' sum capped at period_max (or max for a year
        category), then the deductions, floored at 0; with a line where any of that applied."""
        cap = (
            category.period_max
            if category.period != "year" and category.period_max
            else category.max
        )
        period_scores: dict[str, Decimal] = {}
        cat_lines: list[Line] = []
        deducted = {
            key for deduction in category.deductions for key in by_period.get(deduction.code, {})
        }
        for key in keys:
            raw = per_period_sum[key]
            value = min(raw, cap)
            if raw <= cap and value >= 0 and key not in deducted:
                # Nothing to cap, deduct or floor: the common period, no line to write.
                period_scores[key] = value
                continue
            notes: list[str] = []
            fact_ids: list[str] = []
            if raw > cap:
                notes.append(f"项目合计 {fmt(raw)} 超过上限 {fmt(cap)}，按 {fmt(cap)} 计")
            value = _deducted(category, by_period, key, value, notes=notes, fact_ids=fact_ids)
            if value < 0:
                notes.append("不低于 0")
                value = ZERO
            period_scores[key] = value
            if notes:
                cat_lines.append(
                    Line(
                        category.code,
                        key,
                        f"{self.label(key)} {category.title}: {'；'.join(notes)}，得 {fmt(value)}",
                        tuple(fact_ids),
                        value,
                    )
                )
        return period_scores, cat_lines

    def _year(
        self, category: Category, period_scores: dict[str, Decimal], cat_lines: list[Line]
    ) -> Decimal:
        """The category's year from its periods, no more than its max; lines added to
        ``cat_lines``."""
        year = self._combine(list(period_scores.values()), category)
        if category.period != "year":
            n = len(period_scores)
            how = "平均" if category.combine == "mean" else "合计"
            word = PERIOD_WORD[category.period]
            cat_lines.append(
                Line(
                    category.code, "", f"{category.title}: {n} {word}{how} = {fmt(year)}", (), year
                )
            )
        if year > category.max:
            cat_lines.append(
                Line(
                    category.code,
                    "",
                    f"{category.title}: {fmt(year)} 超过满分 {fmt(category.max)}，"
                    f"按 {fmt(category.max)} 计",
                )
            )
            year = category.max
        return year

    @staticmethod
    def _combine(values: list[Decimal], category: Category) -> Decimal:
        if not values:
            return ZERO
        total = sum(values, ZERO)
        if category.combine == "mean" and category.period != "year":
            return total / len(values)
        return total


def _deducted(
    category: Category,
    by_period: dict[str, dict[str, list[Fact]]],
    key: str,
    value: Decimal,
    *,
    notes: list[str],
    fact_ids: list[str],
) -> Decimal:
    """``value`` less the category's deductions in period ``key``, each described in ``notes``."""
    for deduction in category.deductions:
        for fact in by_period.get(deduction.code, {}).get(key, []):
            assert isinstance(fact.value, Decimal)
            amount = deduction.points * fact.value
            value -= amount
            note = f"（{fact.note}）" if fact.note else ""
            notes.append(
                f"{deduction.title}{note} {as_written(deduction.points)} × {as_written(fact.value)}"
                f" = 扣 {fmt(amount)}"
            )
            fact_ids.append(fact.id)
    return value
