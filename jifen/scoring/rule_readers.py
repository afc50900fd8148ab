"""One small reader per kind of rule: ``RULE_READERS[rule]`` reads an item of that rule.

A table instead of one long if/elif so that each rule's fields, checks and allowed keys sit
together, and a new rule is a new entry rather than another branch in a long function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast

from jifen.scoring.errors import Issue
from jifen.scoring.fields import FieldReader
from jifen.scoring.model import (
    Allowance,
    Deduct,
    Earn,
    Grade,
    Graded,
    Item,
    Rollup,
    ScoreItem,
)
from jifen.scoring.yaml_nodes import Node

PERIODS = ("month", "quarter", "year")
TEXT_KEYS = "description, standard"  # 考核内容 and 评价标准, allowed on every item and category


@dataclass(frozen=True, slots=True)
class ItemPlace:
    """Where an item is being read: its code, node and dotted path, and its category's period."""

    code: str
    node: Node
    path: str
    period: str
    issues: list[Issue]


@dataclass(frozen=True, slots=True)
class RuleReader:
    """Reads the fields of one rule (after ``rule`` and ``title``) and names the allowed keys."""

    read: Callable[[FieldReader, ItemPlace, str, str], Item]
    allowed: str


def _spread(r: FieldReader, period: str) -> str | None:
    spread_node = r.get("spread")
    if spread_node is None:
        return None
    if spread_node.value != "quarter":
        r.error(spread_node, "spread", "只能是 quarter")
    elif period != "month":
        r.error(spread_node, "spread", "spread: quarter 只用于按月计分的类别")
    else:
        return "quarter"
    return None


def _allowance(r: FieldReader, at: ItemPlace, rule: str, title: str) -> Item:
    period = at.period
    points = r.number("points", required=True, positive=True) or Decimal(0)
    iperiod = r.choice("period", PERIODS, period)
    if iperiod != period:
        r.error(r.map["period"], "period", f"项目的 period 必须与所在类别一致 ({period})")
    deduct = r.number("deduct", positive=True)
    target = r.number("target", positive=True)
    absent = r.number("absent")
    excused = r.number("excused", default=Decimal(0)) or Decimal(0)
    spread = _spread(r, period)
    if target is not None and deduct is None:
        r.error(at.node, "deduct", "设置了 target 时需要 deduct (每差 1 个单位扣几分)")
    if target is not None and absent is not None:
        r.error(at.node, "absent", "target 项目不接受考勤标签")
    if absent is not None and absent > points:
        r.error(r.map["absent"], "absent", f"absent {absent} 超过项目分值 {points}")
    per_occasion = r.boolean("per_occasion")
    if per_occasion and (target is not None or deduct is not None):
        r.error(at.node, "per_occasion", "per_occasion 只用于按考勤（到会、缺席、请假）计分的项目")
    return Allowance(
        at.code,
        title,
        points,
        cast(Any, period),
        deduct=deduct,
        target=target,
        absent=absent,
        excused=excused,
        spread=cast(Any, spread),
        unit=r.text("unit", ""),
        per_occasion=per_occasion,
    )


def _caps(r: FieldReader, at: ItemPlace) -> dict[str, Decimal]:
    caps = r.mapping("caps")
    cap_node = r.map.get("caps")
    cap_values: dict[str, Decimal] = {}
    for ckey, cnode in caps.items():
        where = f"{at.path}.caps.{ckey}"
        if ckey not in PERIODS:
            at.issues.append(Issue(cnode.file, cnode.line, where, "只能是 month、quarter、year"))
        elif not isinstance(cnode.value, Decimal) or cnode.value <= 0:
            at.issues.append(Issue(cnode.file, cnode.line, where, "应为正数"))
        else:
            cap_values[ckey] = cnode.value
    if at.period != "year" and cap_node is not None:
        # A cap over a longer span than the category's period could never bind.
        for ckey in cap_values:
            if PERIODS.index(ckey) > PERIODS.index(at.period):
                r.error(cap_node, "caps", f"按 {at.period} 计分的类别中不能设 {ckey} 上限")
    return cap_values


def _earn(r: FieldReader, at: ItemPlace, rule: str, title: str) -> Item:
    cap_values = _caps(r, at)
    minimum = r.number("min", default=Decimal(0), minimum=None) or Decimal(0)
    maximum = r.number("max", positive=True)
    if maximum is not None and minimum > maximum:
        r.error(r.map["min"], "min", f"min {minimum} 大于 max {maximum}")
    return Earn(
        at.code,
        title,
        min=minimum,
        max=maximum,
        per=r.number("per", positive=True),
        cap_month=cap_values.get("month"),
        cap_quarter=cap_values.get("quarter"),
        cap_year=cap_values.get("year"),
        unit=r.text("unit", ""),
    )


def _grades(r: FieldReader, at: ItemPlace, rule: str, title: str) -> Item:
    grades: dict[str, Decimal] = {}
    for label, gnode in r.mapping("grades").items():
        if not isinstance(gnode.value, Decimal) or gnode.value < 0:
            at.issues.append(
                Issue(gnode.file, gnode.line, f"{at.path}.grades.{label}", "应为不小于 0 的数字")
            )
        else:
            grades[label] = gnode.value
    if not grades and "grades" not in r.map:
        r.error(at.node, "grades", "缺少 grades (等次 → 分值)")
    return Grade(at.code, title, grades) if rule == "grade" else Graded(at.code, title, grades)


def _maximum(r: FieldReader, at: ItemPlace, rule: str, title: str) -> Item:
    maximum = r.number("max", required=True, positive=True) or Decimal(0)
    if rule == "score":
        return ScoreItem(at.code, title, maximum)
    return Deduct(at.code, title, maximum)


def _rollup(r: FieldReader, at: ItemPlace, rule: str, title: str) -> Item:
    of = r.text("of")
    factor = r.number("factor", required=True, positive=True) or Decimal(0)
    return Rollup(at.code, title, of, factor)


RULE_READERS: dict[str, RuleReader] = {
    "allowance": RuleReader(
        _allowance,
        "rule, title, points, period, deduct, target, absent, excused, spread, unit, per_occasion",
    ),
    "earn": RuleReader(_earn, "rule, title, min, max, per, caps, unit"),
    "grade": RuleReader(_grades, "rule, title, grades"),
    "graded": RuleReader(_grades, "rule, title, grades"),
    "score": RuleReader(_maximum, "rule, title, max"),
    "deduct": RuleReader(_maximum, "rule, title, max"),
    "rollup": RuleReader(_rollup, "rule, title, of, factor"),
}

# The field an item's ceiling comes from, named when it exceeds its category's maximum.
CEILING_FIELD = {
    "allowance": "points",
    "earn": "caps",
    "grade": "grades",
    "graded": "grades",
    "score": "max",
    "deduct": "max",
    "rollup": "factor",
}


def read_item(at: ItemPlace, rules: tuple[str, ...]) -> Item | None:
    """The item at ``at`` read by its rule's reader, or None for an empty node."""
    r = FieldReader(at.node, at.path, at.issues)
    if not r.map:
        return None
    rule = r.choice("rule", rules, None)
    title = r.text("title", at.code)
    # ``choice`` falls back to the first allowed rule when ``rule`` is missing or unknown (the
    # error is already recorded), so the rest of the item is still checked.
    reader = RULE_READERS[rule]
    item = reader.read(r, at, rule, title)
    # The source's own words travel with every rule; no rule reads them.
    item = replace(item, description=r.prose("description"), standard=r.prose("standard"))
    r.finish(f"{reader.allowed}, {TEXT_KEYS}")
    return item
