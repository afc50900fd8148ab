"""Scoring one member's year with a member rulebook (RULEBOOKS.md §3)."""
# ruff: noqa: PLR0912, PLR0915, S101

from __future__ import annotations

from collections import defaultdict
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
    period_label,
    round2,
)
from jifen.scoring.model import Allowance, Category, Earn, Grade, Rulebook
from jifen.scoring.results import CategoryResult, ItemResult, Line, SubjectResult

LABELS = {"present": "出席", "absent": "无故缺席", "excused": "请假"}
PERIOD_WORD = {"month": "个月", "quarter": "个季度", "year": "年"}
PERIOD_UNIT = {"month": "月", "quarter": "季度", "year": "年"}


@lru_cache(maxsize=4096)
def _n(value: Decimal) -> str:
    """A fact's number as written (no trailing zeros): 2, 0.5, 12.5."""
    return format(value.normalize(), "f")


def _latest(facts: list[Fact]) -> Fact:
    # Latest by date; on the same date the larger id wins, so input order never matters.
    return max(facts, key=fact_order)


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


class MemberScorer:
    """Scores members with one rulebook and one calendar. Stateless between subjects."""

    def __init__(self, rulebook: Rulebook, calendar: Calendar, *, explain: bool = True) -> None:
        self.rulebook = rulebook
        self.calendar = calendar
        self.explain = explain
        self._labels: dict[str, str] = {}
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

    def label(self, key: str) -> str:
        """``M03`` → ``3月``, remembered (the same dozen keys come up for every member)."""
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = period_label(key, self.calendar)
        return found

    def score(self, subject: Subject, facts: list[Fact], extra_lines: list[Line]) -> SubjectResult:
        rb = self.rulebook
        cal = self.calendar
        months = cal.active_months(subject.active)
        active_months = set(months)
        lines: list[Line] = list(extra_lines)
        # facts[code][period key] → facts; quarter index → facts for spread items
        by_period: dict[str, dict[str, list[Fact]]] = {}
        by_quarter: dict[str, dict[int, list[Fact]]] = {}
        by_month: dict[str, dict[int, list[Fact]]] = {}
        code_period = self.code_period
        vetoes = self.vetoes
        by_quarter_codes = self.by_quarter_codes
        by_month_codes = self.by_month_codes
        # Calendar.month_index, inlined: this loop runs for every fact of a branch's year.
        first_month = cal.year * 12 + cal.start - 1
        veto_facts: list[Fact] = []
        outside: list[str] = []
        # Facts in (date, id) order: every list below inherits it, so input order never matters.
        # Without explanations the order shows nowhere (every rule sums, caps or takes the
        # latest by fact_order), so the sort is left out.
        for fact in sorted(facts, key=fact_order) if self.explain else facts:
            month = fact.date.year * 12 + fact.date.month - 1 - first_month
            if not 0 <= month < 12:
                continue
            code = fact.item
            if code in vetoes:
                veto_facts.append(fact)
                continue
            if month not in active_months:
                outside.append(fact.id)
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
                by_quarter.setdefault(code, {}).setdefault(month // 3, []).append(fact)
            if code in by_month_codes:
                by_month.setdefault(code, {}).setdefault(month, []).append(fact)
        if outside:
            lines.append(
                Line(
                    "",
                    "",
                    f"{len(outside)} 条记录的日期不在该党员的考核期内"
                    "（未入党、已转出或免于考核），未计分",
                    tuple(outside),
                )
            )
        if not months:
            lines.append(Line("", "", "本年度不在考核范围内"))

        categories: list[CategoryResult] = []
        incomplete = False
        for category in rb.categories:
            result, missing = self._category(category, months, by_period, by_quarter, by_month)
            incomplete = incomplete or missing
            categories.append(result)

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
        vetoed = bool(veto_facts)
        if vetoed:
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
            total = ZERO
        else:
            parts = " + ".join(f"{c.title} {fmt(c.score)}" for c in categories)
            lines.append(Line("total", "", f"年度积分 = {parts} = {fmt(total)}", (), total))
        return SubjectResult(
            subject=subject.id,
            name=subject.name,
            rulebook=rb.id,
            kind="member",
            group=subject.org,
            total=round2(total),
            categories=tuple(categories),
            vetoed=vetoed,
            incomplete=incomplete,
            member_category=subject.category,
            lines=tuple(lines),
        )

    # --- categories -----------------------------------------------------------------------------

    def _category(
        self,
        category: Category,
        months: tuple[int, ...],
        by_period: dict[str, dict[str, list[Fact]]],
        by_quarter: dict[str, dict[int, list[Fact]]],
        by_month: dict[str, dict[int, list[Fact]]],
    ) -> tuple[CategoryResult, bool]:
        for code in self.category_codes[category.code]:
            if code in by_period:
                return self._category_scored(category, months, by_period, by_quarter, by_month)
        # Not one fact in the category: the result depends on the active months alone.
        memo = (category.code, months)
        found = self._quiet_categories.get(memo)
        if found is None:
            found = self._category_scored(category, months, {}, {}, {})
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
            rule = f"{category.code}.{item.code}"
            if category.period == "year":
                text = f"{item.title}: 无扣分记录，得 {fmt(quiet_score)}"
                if isinstance(item, Earn):
                    text = f"{item.title}: 无加分记录，得 0.00"
                lines = (Line(rule, "Y", text, (), quiet_score),)
            else:
                what = "加分" if isinstance(item, Earn) else "扣分"
                text = (
                    f"{item.title}: 全部 {len(keys)} {PERIOD_WORD[category.period]}无{what}记录，"
                    f"每{PERIOD_UNIT[category.period]}得 {fmt(quiet_score)}"
                )
                lines = (Line(rule, "", text, (), quiet_score),)
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
        self,
        category: Category,
        months: tuple[int, ...],
        by_period: dict[str, dict[str, list[Fact]]],
        by_quarter: dict[str, dict[int, list[Fact]]],
        by_month: dict[str, dict[int, list[Fact]]],
    ) -> tuple[CategoryResult, bool]:
        keys = _period_keys(category.period, months)
        item_results: list[ItemResult] = []
        per_period_sum: dict[str, Decimal] = dict.fromkeys(keys, ZERO)
        missing_any = False
        # Items without a fact give the same value in every period: added once at the end.
        quiet_total = ZERO
        for item in category.items:
            facts_by_key = by_period.get(item.code)
            if not facts_by_key and isinstance(item, QUIET_KINDS):
                quiet_result, quiet_value = self._quiet_item(category, item, keys)
                quiet_total += quiet_value
                item_results.append(quiet_result)
                continue
            if facts_by_key is None:
                facts_by_key = {}
            periods: dict[str, Decimal] = {}
            item_lines: list[Line] = []
            quiet: list[str] = []
            quiet_score: Decimal | None = None
            missing_item = False
            keys_to_score = keys
            is_allowance = isinstance(item, Allowance)
            spread_quarters = by_quarter.get(item.code, {}) if is_allowance else {}
            for key in keys_to_score:
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
                        item, category, key, facts, by_month.get(item.code, {})
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
                rule = f"{category.code}.{item.code}"
                if category.period == "year":
                    text = f"{item.title}: 无扣分记录，得 {fmt(quiet_score)}"
                    if isinstance(item, Earn):
                        text = f"{item.title}: 无加分记录，得 0.00"
                    item_lines.append(Line(rule, "Y", text, (), quiet_score))
                else:
                    word = "其余" if item_lines else "全部"
                    what = "加分" if isinstance(item, Earn) else "扣分"
                    n = len(quiet)
                    text = (
                        f"{item.title}: {word} {n} {PERIOD_WORD[category.period]}无{what}记录，"
                        f"每{PERIOD_UNIT[category.period]}得 {fmt(quiet_score)}"
                    )
                    item_lines.append(Line(rule, "", text, (), quiet_score))
            missing_any = missing_any or missing_item
            item_score = self._combine(list(periods.values()), category)
            item_results.append(
                ItemResult(
                    code=item.code,
                    title=item.title,
                    rule=item.rule,
                    score=item_score,
                    periods=periods,
                    lines=tuple(item_lines),
                    incomplete=missing_item,
                )
            )

        if quiet_total:
            for key in keys:
                per_period_sum[key] += quiet_total

        # period scores: cap at period_max (or max for a year category), then deductions, floor 0
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
            label = self.label(key)
            notes: list[str] = []
            fact_ids: list[str] = []
            if raw > cap:
                notes.append(f"项目合计 {fmt(raw)} 超过上限 {fmt(cap)}，按 {fmt(cap)} 计")
            for deduction in category.deductions:
                found = by_period.get(deduction.code, {}).get(key, [])
                for fact in found:
                    assert isinstance(fact.value, Decimal)
                    amount = deduction.points * fact.value
                    value -= amount
                    note = f"（{fact.note}）" if fact.note else ""
                    notes.append(
                        f"{deduction.title}{note} {_n(deduction.points)} × {_n(fact.value)}"
                        f" = 扣 {fmt(amount)}"
                    )
                    fact_ids.append(fact.id)
            if value < 0:
                notes.append("不低于 0")
                value = ZERO
            period_scores[key] = value
            if notes:
                cat_lines.append(
                    Line(
                        category.code,
                        key,
                        f"{label} {category.title}: {'；'.join(notes)}，得 {fmt(value)}",
                        tuple(fact_ids),
                        value,
                    )
                )

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
        score = round2(year)
        return (
            CategoryResult(
                code=category.code,
                title=category.title,
                score=score,
                periods=period_scores,
                items=tuple(item_results),
                lines=tuple(cat_lines),
            ),
            missing_any,
        )

    @staticmethod
    def _combine(values: list[Decimal], category: Category) -> Decimal:
        if not values:
            return ZERO
        total = sum(values, ZERO)
        if category.combine == "mean" and category.period != "year":
            return total / len(values)
        return total

    # --- items ----------------------------------------------------------------------------------

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
        if item.target is not None:
            achieved = sum((f.value for f in used if isinstance(f.value, Decimal)), ZERO)
            short = max(ZERO, item.target - achieved)
            assert item.deduct is not None
            deducted = short * item.deduct
            parts.append(
                f"完成 {_n(achieved)}，目标 {_n(item.target)}，差 {_n(short)} {unit}"
                f" × {_n(item.deduct)} = 扣 {fmt(deducted)}"
            )
        else:
            for fact in used:
                if isinstance(fact.value, Decimal):
                    assert item.deduct is not None
                    amount = fact.value * item.deduct
                    parts.append(
                        f"差 {_n(fact.value)} {unit or '次'} × {_n(item.deduct)} = 扣 {fmt(amount)}"
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
        score = item.points - deducted
        floor = ""
        if score < 0:
            score = ZERO
            floor = "（不低于 0）"
        suffix = "（本季度每月扣分）" if item.spread == "quarter" else ""
        text = f"{label} {item.title}: {'；'.join(parts)}{suffix}，得 {fmt(score)}{floor}"
        return score, Line(rule, key, text, ids, score)

    @staticmethod
    def _allowance_score(item: Allowance, used: list[Fact]) -> Decimal:
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
        return max(ZERO, item.points - deducted)

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
        parts: list[str] = []
        month_sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
        ids = {f.id for f in facts}
        for month in sorted(by_month):
            for fact in by_month[month]:
                if fact.id not in ids:
                    continue
                assert isinstance(fact.value, Decimal)
                value = fact.value * item.per if item.per is not None else fact.value
                desc = f"{fact.date.month}月{fact.date.day}日 {_n(fact.value)}"
                if item.per is not None:
                    desc += f" × {_n(item.per)} = {fmt(value)}"
                if fact.note:
                    desc += f"（{fact.note}）"
                if item.max is not None and value > item.max:
                    desc += f"，单次最多 {fmt(item.max)}"
                    value = item.max
                if value < item.min:
                    desc += f"，单次最少 {fmt(item.min)}"
                    value = item.min
                parts.append(desc)
                month_sums[month] += value
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
        text = f"{label} {item.title}: {'；'.join(parts)}"
        if notes:
            text += f"（{'；'.join(notes)}）"
        text += f"，得 {fmt(total)}"
        return total, Line(rule, key, text, tuple(f.id for f in facts), total)

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
