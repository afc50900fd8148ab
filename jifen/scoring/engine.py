"""The entry point: check facts against a rulebook, apply corrections, score every subject."""
# ruff: noqa: PLR0911, PLR0912, PLR0915, PLR0917

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from jifen.scoring.errors import FactIssue, FactsError
from jifen.scoring.facts import ZERO, Calendar, Fact, Subject, fmt
from jifen.scoring.member import LABELS, MemberScorer
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
from jifen.scoring.org import OrganizationScorer
from jifen.scoring.ratings import rate
from jifen.scoring.results import Line, Scoresheet, SubjectResult, Tie

HALF = Decimal("0.5")


def check_fact(rulebook: Rulebook, fact: Fact) -> FactIssue | None:
    """Why ``rulebook`` refuses ``fact``, or None when the fact fits."""
    return _check(rulebook, fact)


def _check_all(rulebook: Rulebook, facts: Iterable[Fact]) -> list[FactIssue]:
    """check_fact over many facts; most repeat a few (code, value, source) triples, so the
    verdict is remembered for the length of this call."""
    verdicts: dict[tuple[str, Decimal | str, str], tuple[str, str] | None] = {}
    issues = []
    for fact in facts:
        key = (fact.item, fact.value, fact.source)
        if fact.voids is not None or key not in verdicts:
            issue = _check(rulebook, fact)
            if fact.voids is not None:
                if issue is not None:
                    issues.append(issue)
                continue
            verdicts[key] = None if issue is None else (issue.field, issue.message)
        verdict = verdicts[key]
        if verdict is not None:
            issues.append(FactIssue(fact.id, *verdict))
    return issues


def _check(rulebook: Rulebook, fact: Fact) -> FactIssue | None:
    if fact.source not in SOURCES:
        return FactIssue(fact.id, "source", f"来源应为 self 或 committee，实际是 {fact.source!r}")
    if fact.voids is not None and fact.item == "":
        return None
    code = fact.item
    value = fact.value
    if rulebook.veto(code) is not None:
        return None
    found_deduction = rulebook.deduction(code)
    if found_deduction is not None:
        if not isinstance(value, Decimal) or value < 0:
            return FactIssue(
                fact.id,
                "value",
                f"{code} 是扣分项，值应为次数（不小于 0 的数字），实际是 {value!r}",
            )
        return None
    found = rulebook.item(code)
    if found is None:
        known = "、".join(sorted(rulebook.codes()))
        return FactIssue(
            fact.id, "item", f"规则 {rulebook.id} 中没有项目代码 {code!r}；可用的代码：{known}"
        )
    item = found[1]
    if isinstance(item, Allowance):
        if isinstance(value, str):
            if value not in LABELS:
                return FactIssue(
                    fact.id,
                    "value",
                    f"{code} 的值应为数字或 present/absent/excused，实际是 {value!r}",
                )
            if item.absent is None:
                return FactIssue(
                    fact.id,
                    "value",
                    f"{code} 不是考勤项目，值应为数字（差几{item.unit or '次'}），实际是 {value!r}",
                )
        else:
            if item.deduct is None:
                return FactIssue(
                    fact.id,
                    "value",
                    f"{code} 是考勤项目，值应为 present、absent 或 excused，实际是 {value}",
                )
            if value < 0:
                return FactIssue(fact.id, "value", f"{code} 的值不能为负数，实际是 {value}")
    elif isinstance(item, Earn):
        if not isinstance(value, Decimal):
            return FactIssue(
                fact.id, "value", f"{code} 是加分项目，值应为数字（分值或次数），实际是 {value!r}"
            )
    elif isinstance(item, Grade | Graded):
        if value not in item.grades:
            allowed = "、".join(item.grades)
            return FactIssue(
                fact.id, "value", f"{code} 的值应为等次之一：{allowed}；实际是 {value!r}"
            )
    elif isinstance(item, ScoreItem):
        if not isinstance(value, Decimal):
            return FactIssue(
                fact.id, "value", f"{code} 应为 0 到 {fmt(item.max)} 的分数，实际是 {value!r}"
            )
        if value < 0 or value > item.max or (value % HALF and value != item.max):
            return FactIssue(
                fact.id,
                "value",
                f"{code} 的分数应在 0 到 {fmt(item.max)} 之间、以 0.5 为单位"
                f"（或正好满分），实际是 {value}",
            )
    elif isinstance(item, Deduct):
        if not isinstance(value, Decimal) or value < 0:
            return FactIssue(
                fact.id,
                "value",
                f"{code} 是扣分项目，值应为扣去的分数（不小于 0），实际是 {value!r}",
            )
    elif isinstance(item, Rollup):
        return FactIssue(fact.id, "item", f"{code} 由下级组织的得分自动汇总，不能直接记录")
    return None


def effective_facts(facts: Iterable[Fact]) -> tuple[list[Fact], dict[str, Fact]]:
    """The facts that count, and the voided ones mapped to the fact that voids them.

    A fact is voided by a correction that is itself in force; voiding a correction restores
    the fact it had voided. Cycles and unknown ids raise FactsError.
    """
    by_id: dict[str, Fact] = {}
    issues: list[FactIssue] = []
    for fact in facts:
        if fact.id in by_id:
            issues.append(FactIssue(fact.id, "id", f"事实编号 {fact.id} 重复"))
        by_id[fact.id] = fact
    voiders: dict[str, list[Fact]] = defaultdict(list)
    for fact in by_id.values():
        if fact.voids is not None:
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


def score(
    rulebook: Rulebook,
    facts: Iterable[Fact],
    *,
    year: int,
    subjects: Iterable[Subject] | None = None,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
    explain: bool = True,
) -> Scoresheet:
    """Score every subject's ``year`` with ``rulebook``.

    ``subjects`` lists the members or organizations (branch, parent, active intervals); without
    it every subject named by a fact is a full member of one branch, active all year (or an
    organization with no parent). ``prior_totals`` maps a subject to its totals of earlier years,
    for the consecutive-year flag. Raises :class:`FactsError` if any fact does not fit the
    rulebook (every problem listed). Facts outside the scoring year are ignored.

    ``explain=False`` leaves out the per-period wording of allowance items and of items without
    a fact (every number is identical, see tests/scoring/test_lean_path.py); the month sheet and
    ``jifen simulate`` use it when they show no explanations.
    """
    all_facts = list(facts)
    calendar = Calendar(year, rulebook.year_start)
    kept, voided = effective_facts(all_facts)
    subject_map: dict[str, Subject] = {}
    if subjects is not None:
        for subject in subjects:
            subject_map[subject.id] = subject
        unknown = [f for f in all_facts if f.subject not in subject_map]
        if unknown:
            raise FactsError(
                [FactIssue(f.id, "subject", f"名单中没有 {f.subject!r}") for f in unknown]
            )
    else:
        for fact in all_facts:
            if fact.subject not in subject_map:
                subject_map[fact.subject] = Subject(fact.subject)

    first, last = calendar.bounds()
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    outside_year: dict[str, int] = defaultdict(int)
    for fact in kept:
        if first <= fact.date <= last:
            by_subject[fact.subject].append(fact)
        else:
            outside_year[fact.subject] += 1
    void_lines: dict[str, list[Line]] = defaultdict(list)
    facts_by_id = {f.id: f for f in all_facts}
    for fid, by in sorted(voided.items()):
        original = facts_by_id[fid]
        how = f"已被事实 {by.id} 更正" if by.item else f"已被事实 {by.id} 作废"
        reason = f"（{by.note}）" if by.note else ""
        void_lines[original.subject].append(
            Line(
                original.item,
                "",
                f"{original.date:%m月%d日} {_title(rulebook, original.item)} {original.value}: "
                f"{how}{reason}，不计分",
                (fid, by.id),
            )
        )
    for sid, count in outside_year.items():
        void_lines[sid].append(Line("", "", f"{count} 条记录不在 {year} 年度，未计入"))

    if rulebook.kind == "member":
        issues = _check_all(rulebook, _all_facts(by_subject))
        if issues:
            raise FactsError(issues)
        scorer = MemberScorer(rulebook, calendar, explain=explain)
        results = [
            scorer.score(subject, by_subject.get(sid, []), void_lines.get(sid, []))
            for sid, subject in sorted(subject_map.items())
            if calendar.active_months(subject.active) or by_subject.get(sid)
        ]
        rated, ties = rate(rulebook, results, prior_totals or {}, year)
        return Scoresheet(rulebook.id, rulebook.version, year, tuple(rated), tuple(ties))
    return _score_organizations(
        rulebook, calendar, subject_map, by_subject, void_lines, prior_totals or {}
    )


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


def _all_facts(by_subject: Mapping[str, list[Fact]]) -> Iterable[Fact]:
    for facts in by_subject.values():
        yield from facts


def _score_organizations(
    rulebook: Rulebook,
    calendar: Calendar,
    subjects: dict[str, Subject],
    by_subject: dict[str, list[Fact]],
    void_lines: dict[str, list[Line]],
    prior_totals: Mapping[str, Mapping[int, Decimal]],
) -> Scoresheet:
    books: dict[str, Rulebook] = {}

    def collect(rb: Rulebook) -> None:
        books[rb.id] = rb
        for child in rb.children.values():
            collect(child)

    collect(rulebook)
    assigned: dict[str, Rulebook] = {}
    issues: list[FactIssue] = []

    def book_of(sid: str, depth: int = 0) -> Rulebook:
        if sid in assigned:
            return assigned[sid]
        subject = subjects[sid]
        chosen = rulebook
        if subject.rulebook and subject.rulebook in books:
            chosen = books[subject.rulebook]
        elif subject.parent and subject.parent in subjects and depth < 20:
            parent_book = book_of(subject.parent, depth + 1)
            rollups = [i for c in parent_book.categories for i in c.items if isinstance(i, Rollup)]
            if rollups:
                chosen = books[rollups[0].of]
        elif rulebook.children:
            codes = {f.item for f in by_subject.get(sid, []) if f.item}
            main = rulebook.codes()
            for child in rulebook.children.values():
                if codes and codes <= child.codes() and not codes <= main:
                    chosen = child
                    break
        assigned[sid] = chosen
        return chosen

    for sid in subjects:
        book = book_of(sid)
        for fact in by_subject.get(sid, []):
            issue = check_fact(book, fact)
            if issue is not None:
                issues.append(issue)
    if issues:
        raise FactsError(issues)

    scorers = {rid: OrganizationScorer(rb, calendar) for rid, rb in books.items()}
    done: dict[str, SubjectResult] = {}
    in_progress: set[str] = set()

    def result_of(sid: str) -> SubjectResult:
        if sid in done:
            return done[sid]
        if sid in in_progress:
            raise FactsError([FactIssue(sid, "parent", "组织的上下级关系形成了循环")])
        in_progress.add(sid)
        book = assigned[sid]

        def children(item: Rollup, rnd: str) -> list[tuple[str, Decimal]]:
            kids = sorted(
                s for s in subjects if subjects[s].parent == sid and assigned[s].id == item.of
            )
            return [(k, result_of(k).rounds.get(rnd, ZERO)) for k in kids]

        result = scorers[book.id].score(
            subjects[sid], by_subject.get(sid, []), void_lines.get(sid, []), children
        )
        in_progress.discard(sid)
        done[sid] = result
        return result

    for sid in sorted(subjects):
        result_of(sid)
    all_results: list[SubjectResult] = []
    ties: list[Tie] = []
    for rid, book in books.items():
        group = [done[s] for s in sorted(done) if assigned[s].id == rid]
        if not group:
            continue
        rated, book_ties = rate(book, group, prior_totals, calendar.year)
        all_results.extend(rated)
        ties.extend(book_ties)
    order = {sid: i for i, sid in enumerate(sorted(done))}
    all_results.sort(key=lambda r: order[r.subject])
    return Scoresheet(rulebook.id, rulebook.version, calendar.year, tuple(all_results), tuple(ties))
