"""Scoring organizations with an assessment sheet (RULEBOOKS.md §4).

Each round (a half or the year) has a committee sheet and one or two self-assessment sheets;
categories combine the two sources by the rulebook's weights, rounds combine into the year.
"""
# The asserts narrow types for mypy; the loader and check_fact guarantee them.
# ruff: noqa: S101

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

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
from jifen.scoring.model import Category, Deduct, Graded, Item, Rollup, Rulebook, ScoreItem
from jifen.scoring.results import CategoryResult, ItemResult, Line, SubjectResult

SOURCE_LABEL = {"committee": "考评", "self": "自评"}
ROUND_KEYS = {"half": ("H1", "H2"), "year": ("Y",)}

# child round totals: (rollup item, round key) → [(child subject id, round total)]
ChildTotals = Callable[[Rollup, str], list[tuple[str, Decimal]]]

# facts[(round, source, collection)][item] → facts
Grouped = dict[tuple[str, str, str], dict[str, list[Fact]]]


def _combine(values: list[Decimal], how: str) -> Decimal:
    if not values:
        return ZERO
    if how == "last":
        return values[-1]
    total = sum(values, ZERO)
    return total / len(values) if how == "mean" else total


class _Sheet:
    """One filled-in sheet (one source, one collection) of one round."""

    def __init__(self) -> None:
        self.category_raw: dict[str, Decimal] = {}
        self.items: dict[str, tuple[Decimal, list[Line], bool]] = {}
        self.incomplete = False


@dataclass(slots=True)
class _Rounds:
    """What the rounds of one organization's year add up, round by round, for the year."""

    # round → category → score (combined, self, committee)
    cats: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    self_cats: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    comm_cats: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # (item, source) → lines, round → score, incomplete
    item_lines: dict[tuple[str, str], list[Line]] = field(default_factory=lambda: defaultdict(list))
    item_periods: dict[tuple[str, str], dict[str, Decimal]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    item_incomplete: dict[tuple[str, str], bool] = field(default_factory=lambda: defaultdict(bool))
    cat_lines: dict[str, list[Line]] = field(default_factory=lambda: defaultdict(list))
    # round → total (combined, self exactly, committee exactly)
    totals: dict[str, Decimal] = field(default_factory=dict)
    self_totals: dict[str, Decimal] = field(default_factory=dict)
    comm_totals: dict[str, Decimal] = field(default_factory=dict)
    incomplete: bool = False


@dataclass(frozen=True, slots=True)
class _RoundSheets:
    """One round's sheets: the committee's, and the self-assessment's one or two halves."""

    rnd: str
    label: str
    comm: _Sheet
    selfs: list[_Sheet]


class OrganizationScorer:
    def __init__(self, rulebook: Rulebook, calendar: Calendar) -> None:
        self.rulebook = rulebook
        self.calendar = calendar
        self.rounds = ROUND_KEYS[rulebook.rounds]
        self.per_half = rulebook.sources.self_per == "half" and rulebook.rounds == "year"

    def score(
        self, subject: Subject, facts: list[Fact], extra_lines: list[Line], children: ChildTotals
    ) -> SubjectResult:
        rb = self.rulebook
        lines = list(extra_lines)
        grouped = self._group(facts)
        acc = _Rounds()
        for rnd in self.rounds:
            self._round(rnd, grouped, children, acc, lines)

        how = rb.combine_rounds
        categories = [self._category_result(category, acc) for category in rb.categories]
        total = round2(_combine([acc.totals[r] for r in self.rounds], how))
        if len(self.rounds) > 1:
            shown = "、".join(
                f"{period_label(r, self.calendar)} {fmt(acc.totals[r])}" for r in self.rounds
            )
            lines.append(
                Line("total", "", f"年度得分 = {shown} 的{_how(how)} = {fmt(total)}", (), total)
            )
        if rb.total is not None and total > rb.total:
            total = rb.total
        index = None
        if rb.index_cap is not None:
            index = min(total, rb.index_cap)
            capped = f"（上限 {fmt(rb.index_cap)}）" if total > rb.index_cap else ""
            lines.append(Line("index", "", f"堡垒指数 {fmt(index)}{capped}", (), index))
        if acc.incomplete:
            lines.append(Line("", "", "有考核项目尚未打分，结果未完成"))
        return SubjectResult(
            subject=subject.id,
            name=subject.name,
            rulebook=rb.id,
            kind="organization",
            group=subject.parent or "",
            total=total,
            categories=tuple(categories),
            incomplete=acc.incomplete,
            index=index,
            rounds={r: round2(acc.totals[r]) for r in self.rounds},
            self_total=round2(_combine([acc.self_totals[r] for r in self.rounds], how)),
            committee_total=round2(_combine([acc.comm_totals[r] for r in self.rounds], how)),
            lines=tuple(lines),
        )

    def _group(self, facts: list[Fact]) -> Grouped:
        """Facts by (round, source, collection) and item; a self-assessment filled in per half
        of a yearly round is collected by half."""
        rb = self.rulebook
        grouped: Grouped = defaultdict(lambda: defaultdict(list))
        for fact in facts:
            month = self.calendar.month_index(fact.date)
            if month is None:
                continue
            rnd = period_key(rb.rounds, month)
            collection = (
                period_key("half", month) if fact.source == "self" and self.per_half else rnd
            )
            grouped[(rnd, fact.source, collection)][fact.item].append(fact)
        return grouped

    # --- one round ------------------------------------------------------------------------------

    def _round(
        self, rnd: str, grouped: Grouped, children: ChildTotals, acc: _Rounds, lines: list[Line]
    ) -> None:
        """Score round ``rnd``'s sheets into ``acc``, with its total's lines added to ``lines``."""
        rb = self.rulebook
        weights = rb.sources.weights
        label = period_label(rnd, self.calendar)
        comm = self._sheet(
            grouped.get((rnd, "committee", rnd), {}), rnd, "committee", children, label
        )
        collections = ("H1", "H2") if self.per_half else (rnd,)
        selfs = [
            self._sheet(
                grouped.get((rnd, "self", c), {}),
                rnd,
                "self",
                children,
                period_label(c, self.calendar),
            )
            for c in collections
        ]
        if comm.incomplete:
            acc.incomplete = True
        if weights is not None and any(s.incomplete for s in selfs):
            acc.incomplete = True
        for source, sheets in (("committee", [comm]), ("self", selfs)):
            _add_items(acc, rnd, source, sheets)
        acc.cats[rnd] = {}
        acc.self_cats[rnd] = {}
        acc.comm_cats[rnd] = {}
        round_sheets = _RoundSheets(rnd, label, comm, selfs)
        for category in rb.categories:
            self._round_category(category, round_sheets, acc)
        self._round_total(round_sheets, acc, lines)

    def _round_category(self, category: Category, sheets: _RoundSheets, acc: _Rounds) -> None:
        """One category of one round: the committee's and the self-assessment's scores weighed
        (or the committee's alone, the self-assessment shown for reference)."""
        rnd, label, comm, selfs = sheets.rnd, sheets.label, sheets.comm, sheets.selfs
        weights = self.rulebook.sources.weights
        c_value = comm.category_raw[category.code]
        s_value = _combine(
            [s.category_raw[category.code] for s in selfs], self.rulebook.sources.self_combine
        )
        acc.comm_cats[rnd][category.code] = round2(c_value)
        acc.self_cats[rnd][category.code] = round2(s_value)
        if weights is not None:
            ws, wc = weights["self"], weights["committee"]
            value = round2(ws * s_value + wc * c_value)
            text = (
                f"{label} {category.title}: 自评 {fmt(s_value)} × {_pct(ws)}"
                f" + 考评 {fmt(c_value)} × {_pct(wc)} = {fmt(value)}"
            )
        else:
            value = round2(c_value)
            text = f"{label} {category.title}: 考评 {fmt(value)}（自评 {fmt(s_value)}，仅供参考）"
        acc.cat_lines[category.code].append(Line(category.code, rnd, text, (), value))
        acc.cats[rnd][category.code] = value

    def _round_total(self, sheets: _RoundSheets, acc: _Rounds, lines: list[Line]) -> None:
        """The round's total from the two sources' totals (or the categories' sum), no more than
        the rulebook's total."""
        rnd, label, comm, selfs = sheets.rnd, sheets.label, sheets.comm, sheets.selfs
        rb = self.rulebook
        weights = rb.sources.weights
        cats = acc.cats[rnd]
        self_exact = _combine(
            [sum(sheet.category_raw.values(), ZERO) for sheet in selfs], rb.sources.self_combine
        )
        comm_exact = sum(comm.category_raw.values(), ZERO)
        if weights is not None:
            # The seed's formula 自评分×30%+考评分×70% on the two sheets' totals, rounded
            # once, so the total agrees with the self and committee totals shown beside it.
            rtotal = round2(weights["self"] * self_exact + weights["committee"] * comm_exact)
            lines.append(
                Line(
                    "sources",
                    rnd,
                    f"{label} 得分 = 自评 {fmt(self_exact)} × {_pct(weights['self'])}"
                    f" + 考评 {fmt(comm_exact)} × {_pct(weights['committee'])} = {fmt(rtotal)}",
                    (),
                    rtotal,
                )
            )
        else:
            rtotal = sum(cats.values(), ZERO)
        if rb.total is not None and rtotal > rb.total:
            lines.append(
                Line(
                    "total",
                    rnd,
                    f"{label} 合计 {fmt(rtotal)} 超过总分上限 {fmt(rb.total)}，"
                    f"按 {fmt(rb.total)} 计",
                )
            )
            rtotal = rb.total
        acc.totals[rnd] = rtotal
        acc.self_totals[rnd] = self_exact
        acc.comm_totals[rnd] = comm_exact
        if weights is None:
            parts = " + ".join(f"{c.title} {fmt(cats[c.code])}" for c in rb.categories)
            text = f"{label} 得分 = {parts} = {fmt(rtotal)}"
            lines.append(Line("total", rnd, text, (), rtotal))

    # --- the year -------------------------------------------------------------------------------

    def _category_result(self, category: Category, acc: _Rounds) -> CategoryResult:
        how = self.rulebook.combine_rounds
        rounds = self.rounds
        score = round2(_combine([acc.cats[r][category.code] for r in rounds], how))
        items: list[ItemResult] = []
        for item in category.items:
            for source in ("committee", "self"):
                periods = acc.item_periods.get((item.code, source), {})
                items.append(
                    ItemResult(
                        code=item.code,
                        title=item.title,
                        rule=item.rule,
                        score=_combine([periods.get(r, ZERO) for r in rounds], how),
                        periods=periods,
                        lines=tuple(acc.item_lines.get((item.code, source), [])),
                        source=source,
                        incomplete=acc.item_incomplete.get((item.code, source), False),
                    )
                )
        clines = list(acc.cat_lines.get(category.code, []))
        if len(rounds) > 1:
            clines.append(
                Line(
                    category.code,
                    "",
                    f"{category.title}: 各轮{_how(how)} = {fmt(score)}",
                    (),
                    score,
                )
            )
        return CategoryResult(
            code=category.code,
            title=category.title,
            score=score,
            periods={r: acc.cats[r][category.code] for r in rounds},
            items=tuple(items),
            lines=tuple(clines),
            self_score=round2(_combine([acc.self_cats[r][category.code] for r in rounds], how)),
            committee_score=round2(
                _combine([acc.comm_cats[r][category.code] for r in rounds], how)
            ),
        )

    # --- sheets and items -----------------------------------------------------------------------

    def _sheet(
        self,
        facts: Mapping[str, list[Fact]],
        rnd: str,
        source: str,
        children: ChildTotals,
        label: str,
    ) -> _Sheet:
        sheet = _Sheet()
        who = SOURCE_LABEL[source]
        for category in self.rulebook.categories:
            raw = ZERO
            for item in category.items:
                value, ilines, missing = self._item(
                    item,
                    category,
                    facts.get(item.code, []),
                    rnd,
                    children=children,
                    where=f"{label} {who}",
                )
                if missing and not category.bonus:
                    sheet.incomplete = True
                    ilines.append(
                        Line(
                            f"{category.code}.{item.code}",
                            rnd,
                            f"{label} {who} {item.title}: 尚未打分，计 0（结果未完成）",
                        )
                    )
                sheet.items[item.code] = (value, ilines, missing and not category.bonus)
                raw += value
            raw = min(raw, category.max)
            sheet.category_raw[category.code] = raw
        return sheet

    def _item(
        self,
        item: Item,
        category: Category,
        facts: list[Fact],
        rnd: str,
        *,
        children: ChildTotals,
        where: str,
    ) -> tuple[Decimal, list[Line], bool]:
        rule = f"{category.code}.{item.code}"
        if isinstance(item, Rollup):
            return _rollup(item, rule, rnd, children(item, rnd), where)
        if isinstance(item, Deduct):
            return _deduct(item, rule, rnd, facts, where)
        assert isinstance(item, ScoreItem | Graded)
        return _latest_score(item, rule, rnd, facts, where)


def _add_items(acc: _Rounds, rnd: str, source: str, sheets: list[_Sheet]) -> None:
    """The items of one source's sheets in round ``rnd``: lines kept, scores averaged."""
    for code, (value, ilines, missing) in ((k, v) for s in sheets for k, v in s.items.items()):
        acc.item_lines[(code, source)].extend(ilines)
        acc.item_periods[(code, source)][rnd] = acc.item_periods[(code, source)].get(
            rnd, ZERO
        ) + value / len(sheets)
        acc.item_incomplete[(code, source)] |= missing


def _rollup(
    item: Rollup, rule: str, rnd: str, totals: list[tuple[str, Decimal]], where: str
) -> tuple[Decimal, list[Line], bool]:
    """The children's mean round total times the factor."""
    if not totals:
        return (
            ZERO,
            [Line(rule, rnd, f"{where} {item.title}: 没有下级组织的得分，计 0")],
            True,
        )
    mean = sum((t for _, t in totals), ZERO) / len(totals)
    value = item.factor * mean
    shown = "、".join(f"{s} {fmt(t)}" for s, t in totals)
    text = f"{where} {item.title}: ({shown}) 平均 {fmt(mean)} × {_n(item.factor)} = {fmt(value)}"
    return value, [Line(rule, rnd, text, (), value)], False


def _deduct(
    item: Deduct, rule: str, rnd: str, facts: list[Fact], where: str
) -> tuple[Decimal, list[Line], bool]:
    """Full marks less every deduction recorded, not below 0."""
    if not facts:
        text = f"{where} {item.title}: 无扣分，得 {fmt(item.max)}"
        return item.max, [Line(rule, rnd, text, (), item.max)], False
    value = item.max
    parts = []
    for fact in sorted(facts, key=fact_order):
        assert isinstance(fact.value, Decimal)
        value -= fact.value
        parts.append(f"扣 {fmt(fact.value)}（{fact.note or '未填写扣分原因'}）")
    floor = ""
    if value < 0:
        value = ZERO
        floor = "（不低于 0）"
    shown = "；".join(parts)
    text = f"{where} {item.title}: 满分 {fmt(item.max)}，{shown}，得 {fmt(value)}{floor}"
    return value, [Line(rule, rnd, text, tuple(sorted(f.id for f in facts)), value)], False


def _latest_score(
    item: ScoreItem | Graded, rule: str, rnd: str, facts: list[Fact], where: str
) -> tuple[Decimal, list[Line], bool]:
    """A score or grade: the latest recorded counts; none yet leaves the sheet incomplete."""
    if not facts:
        return ZERO, [], True
    fact = max(facts, key=fact_order)
    extra = f"（共 {len(facts)} 次记录，以最近一次为准）" if len(facts) > 1 else ""
    note = f"（{fact.note}）" if fact.note else ""
    if isinstance(item, Graded):
        assert isinstance(fact.value, str)
        value = item.grades[fact.value]
        text = f"{where} {item.title}: {fact.value} 得 {fmt(value)}{note}{extra}"
    else:
        assert isinstance(fact.value, Decimal)
        value = fact.value
        text = f"{where} {item.title}: 得 {fmt(value)} / {fmt(item.max)}{note}{extra}"
    return value, [Line(rule, rnd, text, (fact.id,), value)], False


def _pct(weight: Decimal) -> str:
    return f"{_n(weight * 100)}%"


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _how(how: str) -> str:
    return {"mean": "平均", "sum": "合计", "last": "取最后一轮"}[how]
