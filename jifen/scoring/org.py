"""Scoring organizations with an assessment sheet (RULEBOOKS.md §4)."""
# ruff: noqa: PLR0912, PLR0915, PLR0917, S101

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
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


class OrganizationScorer:
    def __init__(self, rulebook: Rulebook, calendar: Calendar) -> None:
        self.rulebook = rulebook
        self.calendar = calendar
        self.rounds = ROUND_KEYS[rulebook.rounds]

    def score(
        self, subject: Subject, facts: list[Fact], extra_lines: list[Line], children: ChildTotals
    ) -> SubjectResult:
        rb = self.rulebook
        cal = self.calendar
        lines = list(extra_lines)
        # facts[(round, source, collection)][item] → facts
        grouped: dict[tuple[str, str, str], dict[str, list[Fact]]] = defaultdict(
            lambda: defaultdict(list)
        )
        per_half = rb.sources.self_per == "half" and rb.rounds == "year"
        for fact in facts:
            month = cal.month_index(fact.date)
            if month is None:
                continue
            rnd = period_key(rb.rounds, month)
            collection = period_key("half", month) if fact.source == "self" and per_half else rnd
            grouped[(rnd, fact.source, collection)][fact.item].append(fact)

        weights = rb.sources.weights
        round_cats: dict[str, dict[str, Decimal]] = {}
        round_self: dict[str, dict[str, Decimal]] = {}
        round_comm: dict[str, dict[str, Decimal]] = {}
        item_lines: dict[tuple[str, str], list[Line]] = defaultdict(list)
        item_periods: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
        item_incomplete: dict[tuple[str, str], bool] = defaultdict(bool)
        cat_lines: dict[str, list[Line]] = defaultdict(list)
        incomplete = False
        round_totals: dict[str, Decimal] = {}
        self_totals: dict[str, Decimal] = {}
        comm_totals: dict[str, Decimal] = {}
        for rnd in self.rounds:
            label = period_label(rnd, cal)
            comm = self._sheet(
                grouped.get((rnd, "committee", rnd), {}), rnd, "committee", children, label
            )
            collections = ("H1", "H2") if per_half else (rnd,)
            selfs = [
                self._sheet(
                    grouped.get((rnd, "self", c), {}), rnd, "self", children, period_label(c, cal)
                )
                for c in collections
            ]
            if comm.incomplete:
                incomplete = True
            if weights is not None and any(s.incomplete for s in selfs):
                incomplete = True
            for source, sheets in (("committee", [comm]), ("self", selfs)):
                for code, (value, ilines, missing) in (
                    (k, v) for s in sheets for k, v in s.items.items()
                ):
                    item_lines[(code, source)].extend(ilines)
                    item_periods[(code, source)][rnd] = item_periods[(code, source)].get(
                        rnd, ZERO
                    ) + value / len(sheets)
                    item_incomplete[(code, source)] |= missing
            cats: dict[str, Decimal] = {}
            self_cats: dict[str, Decimal] = {}
            comm_cats: dict[str, Decimal] = {}
            for category in rb.categories:
                c_value = comm.category_raw[category.code]
                s_value = _combine(
                    [s.category_raw[category.code] for s in selfs], rb.sources.self_combine
                )
                comm_cats[category.code] = round2(c_value)
                self_cats[category.code] = round2(s_value)
                if weights is not None:
                    ws, wc = weights["self"], weights["committee"]
                    value = round2(ws * s_value + wc * c_value)
                    cat_lines[category.code].append(
                        Line(
                            category.code,
                            rnd,
                            f"{label} {category.title}: 自评 {fmt(s_value)} × {_pct(ws)}"
                            f" + 考评 {fmt(c_value)} × {_pct(wc)} = {fmt(value)}",
                            (),
                            value,
                        )
                    )
                else:
                    value = round2(c_value)
                    cat_lines[category.code].append(
                        Line(
                            category.code,
                            rnd,
                            f"{label} {category.title}: 考评 {fmt(value)}"
                            f"（自评 {fmt(s_value)}，仅供参考）",
                            (),
                            value,
                        )
                    )
                cats[category.code] = value
            round_cats[rnd] = cats
            round_self[rnd] = self_cats
            round_comm[rnd] = comm_cats
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
            round_totals[rnd] = rtotal
            self_totals[rnd] = self_exact
            comm_totals[rnd] = comm_exact
            if weights is None:
                parts = " + ".join(f"{c.title} {fmt(cats[c.code])}" for c in rb.categories)
                text = f"{label} 得分 = {parts} = {fmt(rtotal)}"
                lines.append(Line("total", rnd, text, (), rtotal))

        how = rb.combine_rounds
        categories: list[CategoryResult] = []
        for category in rb.categories:
            values = [round_cats[r][category.code] for r in self.rounds]
            score = round2(_combine(values, how))
            items: list[ItemResult] = []
            for item in category.items:
                for source in ("committee", "self"):
                    periods = item_periods.get((item.code, source), {})
                    items.append(
                        ItemResult(
                            code=item.code,
                            title=item.title,
                            rule=item.rule,
                            score=_combine([periods.get(r, ZERO) for r in self.rounds], how),
                            periods=periods,
                            lines=tuple(item_lines.get((item.code, source), [])),
                            source=source,
                            incomplete=item_incomplete.get((item.code, source), False),
                        )
                    )
            clines = list(cat_lines.get(category.code, []))
            if len(self.rounds) > 1:
                clines.append(
                    Line(
                        category.code,
                        "",
                        f"{category.title}: 各轮{_how(how)} = {fmt(score)}",
                        (),
                        score,
                    )
                )
            categories.append(
                CategoryResult(
                    code=category.code,
                    title=category.title,
                    score=score,
                    periods={r: round_cats[r][category.code] for r in self.rounds},
                    items=tuple(items),
                    lines=tuple(clines),
                    self_score=round2(
                        _combine([round_self[r][category.code] for r in self.rounds], how)
                    ),
                    committee_score=round2(
                        _combine([round_comm[r][category.code] for r in self.rounds], how)
                    ),
                )
            )

        total = round2(_combine([round_totals[r] for r in self.rounds], how))
        if len(self.rounds) > 1:
            shown = "、".join(f"{period_label(r, cal)} {fmt(round_totals[r])}" for r in self.rounds)
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
        if incomplete:
            lines.append(Line("", "", "有考核项目尚未打分，结果未完成"))
        self_total = round2(_combine([self_totals[r] for r in self.rounds], how))
        comm_total = round2(_combine([comm_totals[r] for r in self.rounds], how))
        return SubjectResult(
            subject=subject.id,
            name=subject.name,
            rulebook=rb.id,
            kind="organization",
            group=subject.parent or "",
            total=total,
            categories=tuple(categories),
            incomplete=incomplete,
            index=index,
            rounds={r: round2(round_totals[r]) for r in self.rounds},
            self_total=self_total,
            committee_total=comm_total,
            lines=tuple(lines),
        )

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
                    item, category, facts.get(item.code, []), rnd, children, f"{label} {who}"
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
        children: ChildTotals,
        where: str,
    ) -> tuple[Decimal, list[Line], bool]:
        rule = f"{category.code}.{item.code}"
        if isinstance(item, Rollup):
            totals = children(item, rnd)
            if not totals:
                return (
                    ZERO,
                    [Line(rule, rnd, f"{where} {item.title}: 没有下级组织的得分，计 0")],
                    True,
                )
            mean = sum((t for _, t in totals), ZERO) / len(totals)
            value = item.factor * mean
            shown = "、".join(f"{s} {fmt(t)}" for s, t in totals)
            text = (
                f"{where} {item.title}: ({shown}) 平均 {fmt(mean)}"
                f" × {_n(item.factor)} = {fmt(value)}"
            )
            return value, [Line(rule, rnd, text, (), value)], False
        if isinstance(item, Deduct):
            if not facts:
                return (
                    item.max,
                    [
                        Line(
                            rule,
                            rnd,
                            f"{where} {item.title}: 无扣分，得 {fmt(item.max)}",
                            (),
                            item.max,
                        )
                    ],
                    False,
                )
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
        assert isinstance(item, ScoreItem | Graded)
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
