"""Whether a rulebook accepts a fact: one check per kind of item, in a table by item type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from jifen.scoring.errors import FactIssue
from jifen.scoring.facts import Fact, fmt
from jifen.scoring.member_items import LABELS
from jifen.scoring.model import (
    SOURCES,
    Allowance,
    Deduct,
    Earn,
    Grade,
    Graded,
    Rollup,
    Rulebook,
    ScoreItem,
)

HALF = Decimal("0.5")

# A refusal: (field, message); None when the value fits the item.
Refusal = tuple[str, str] | None


def check_fact(rulebook: Rulebook, fact: Fact) -> FactIssue | None:
    """Why ``rulebook`` refuses ``fact``, or None when the fact fits."""
    refusal = _refusal(rulebook, fact)
    return None if refusal is None else FactIssue(fact.id, *refusal)


def check_facts(rulebook: Rulebook, facts: Iterable[Fact]) -> list[FactIssue]:
    """check_fact over many facts; most repeat a few (code, value, source) triples, so the
    verdict is remembered for the length of this call."""
    verdicts: dict[tuple[str, Decimal | str, str], Refusal] = {}
    issues = []
    for fact in facts:
        key = (fact.item, fact.value, fact.source)
        if fact.voids is not None or key not in verdicts:
            refusal = _refusal(rulebook, fact)
            if fact.voids is not None:
                if refusal is not None:
                    issues.append(FactIssue(fact.id, *refusal))
                continue
            verdicts[key] = refusal
        verdict = verdicts[key]
        if verdict is not None:
            issues.append(FactIssue(fact.id, *verdict))
    return issues


def _refusal(rulebook: Rulebook, fact: Fact) -> Refusal:
    code = fact.item
    value = fact.value
    if fact.source not in SOURCES:
        return "source", f"来源应为 self 或 committee，实际是 {fact.source!r}"
    if (fact.voids is not None and code == "") or rulebook.veto(code) is not None:
        return None  # a plain void carries no value; a veto is recorded as it is
    if rulebook.deduction(code) is not None:
        if not isinstance(value, Decimal) or value < 0:
            return "value", f"{code} 是扣分项，值应为次数（不小于 0 的数字），实际是 {value!r}"
        return None
    found = rulebook.item(code)
    if found is None:
        known = "、".join(sorted(rulebook.codes()))
        return "item", f"规则 {rulebook.id} 中没有项目代码 {code!r}；可用的代码：{known}"
    item = found[1]
    return VALUE_CHECKS[type(item)](item, code, value)


def _allowance(item: Allowance, code: str, value: Decimal | str) -> Refusal:
    if isinstance(value, str):
        if value not in LABELS:
            return "value", f"{code} 的值应为数字或 present/absent/excused，实际是 {value!r}"
        if item.absent is None:
            return (
                "value",
                f"{code} 不是考勤项目，值应为数字（差几{item.unit or '次'}），实际是 {value!r}",
            )
        return None
    if item.deduct is None:
        return "value", f"{code} 是考勤项目，值应为 present、absent 或 excused，实际是 {value}"
    if value < 0:
        return "value", f"{code} 的值不能为负数，实际是 {value}"
    return None


def _earn(item: Earn, code: str, value: Decimal | str) -> Refusal:
    if not isinstance(value, Decimal):
        return "value", f"{code} 是加分项目，值应为数字（分值或次数），实际是 {value!r}"
    return None


def _grade(item: Grade | Graded, code: str, value: Decimal | str) -> Refusal:
    if value not in item.grades:
        allowed = "、".join(item.grades)
        return "value", f"{code} 的值应为等次之一：{allowed}；实际是 {value!r}"
    return None


def _score(item: ScoreItem, code: str, value: Decimal | str) -> Refusal:
    if not isinstance(value, Decimal):
        return "value", f"{code} 应为 0 到 {fmt(item.max)} 的分数，实际是 {value!r}"
    if value < 0 or value > item.max or (value % HALF and value != item.max):
        return (
            "value",
            f"{code} 的分数应在 0 到 {fmt(item.max)} 之间、以 0.5 为单位"
            f"（或正好满分），实际是 {value}",
        )
    return None


def _deduct(item: Deduct, code: str, value: Decimal | str) -> Refusal:
    if not isinstance(value, Decimal) or value < 0:
        return "value", f"{code} 是扣分项目，值应为扣去的分数（不小于 0），实际是 {value!r}"
    return None


def _rollup(item: Rollup, code: str, value: Decimal | str) -> Refusal:
    return "item", f"{code} 由下级组织的得分自动汇总，不能直接记录"


# Each checker takes its own item type; the table is keyed by that type, so Any stands in.
VALUE_CHECKS: dict[type, Callable[[Any, str, Decimal | str], Refusal]] = {
    Allowance: _allowance,
    Earn: _earn,
    Grade: _grade,
    Graded: _grade,
    ScoreItem: _score,
    Deduct: _deduct,
    Rollup: _rollup,
}
