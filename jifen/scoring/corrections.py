"""Corrections and voids: which facts count, and the lines that say which do not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from jifen.scoring.errors import FactIssue, FactsError
from jifen.scoring.facts import Fact
from jifen.scoring.model import Rulebook
from jifen.scoring.results import Line


def effective_facts(facts: Iterable[Fact]) -> tuple[list[Fact], dict[str, Fact]]:
    """The facts that count, and the voided ones mapped to the fact that voids them.

    A fact is voided by a correction that is itself in force; voiding a correction restores
    the fact it had voided. Cycles and unknown ids raise FactsError.
    """
    by_id, voiders = _voiders(facts)
    if not voiders:
        return [f for f in by_id.values() if f.item], {}
    state: dict[str, bool] = {}
    visiting: set[str] = set()

    def in_force(fid: str) -> bool:
        if fid in state:
            return state[fid]
        if fid in visiting:
            raise FactsError([FactIssue(fid, "voids", "事实之间循环作废")])
        visiting.add(fid)
        result = not any(in_force(v.id) for v in voiders.get(fid, []))
        visiting.discard(fid)
        state[fid] = result
        return result

    kept: list[Fact] = []
    voided: dict[str, Fact] = {}
    for fact in by_id.values():
        if in_force(fact.id):
            if fact.item:
                kept.append(fact)
        else:
            voided[fact.id] = next(v for v in voiders[fact.id] if in_force(v.id))
    return kept, voided


def _voiders(facts: Iterable[Fact]) -> tuple[dict[str, Fact], dict[str, list[Fact]]]:
    """Facts by id, and the corrections that void each; duplicate ids and corrections of an
    unknown fact or of another subject's fact raise FactsError."""
    by_id: dict[str, Fact] = {}
    issues: list[FactIssue] = []
    for fact in facts:
        if fact.id in by_id:
            issues.append(FactIssue(fact.id, "id", f"事实编号 {fact.id} 重复"))
        by_id[fact.id] = fact
    voiders: dict[str, list[Fact]] = defaultdict(list)
    for fact in by_id.values():
        if fact.voids is None:
            continue
        target = by_id.get(fact.voids)
        if target is None:
            issues.append(FactIssue(fact.id, "voids", f"要作废的事实 {fact.voids} 不存在"))
        elif target.subject != fact.subject:
            issues.append(
                FactIssue(
                    fact.id, "voids", f"要作废的事实 {fact.voids} 属于另一对象 {target.subject}"
                )
            )
        else:
            voiders[fact.voids].append(fact)
    if issues:
        raise FactsError(issues)
    return by_id, voiders


def void_lines(
    rulebook: Rulebook, all_facts: list[Fact], voided: dict[str, Fact]
) -> dict[str, list[Line]]:
    """By subject, a line for every fact voided or corrected, saying by which fact and why."""
    lines: dict[str, list[Line]] = defaultdict(list)
    facts_by_id = {f.id: f for f in all_facts}
    for fid, by in sorted(voided.items()):
        original = facts_by_id[fid]
        how = f"已被事实 {by.id} 更正" if by.item else f"已被事实 {by.id} 作废"
        reason = f"（{by.note}）" if by.note else ""
        lines[original.subject].append(
            Line(
                original.item,
                "",
                f"{original.date:%m月%d日} {_title(rulebook, original.item)} {original.value}: "
                f"{how}{reason}，不计分",
                (fid, by.id),
            )
        )
    return lines


def _title(rulebook: Rulebook, code: str) -> str:
    """The title of an item, deduction or veto code (the code itself when unknown)."""
    for book in (rulebook, *rulebook.children.values()):
        found = book.item(code) or book.deduction(code)
        if found is not None:
            return found[1].title
        veto = book.veto(code)
        if veto is not None:
            return veto.title
    return code
