"""The entry point: check facts against a rulebook, apply corrections, score every subject."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from jifen.scoring.corrections import effective_facts, void_lines
from jifen.scoring.errors import FactIssue, FactsError
from jifen.scoring.fact_checks import check_fact, check_facts
from jifen.scoring.facts import Calendar, Fact, Subject
from jifen.scoring.member import MemberScorer
from jifen.scoring.model import Rulebook
from jifen.scoring.org_tree import score_organizations
from jifen.scoring.ratings import rate
from jifen.scoring.results import Line, Scoresheet

__all__ = ["check_fact", "effective_facts", "score"]


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
    subject_map, by_subject, lines = _prepare(rulebook, calendar, all_facts, subjects)
    if rulebook.kind != "member":
        return score_organizations(
            rulebook,
            calendar,
            subjects=subject_map,
            by_subject=by_subject,
            void_lines=lines,
            prior_totals=prior_totals or {},
        )
    scorer = MemberScorer(rulebook, calendar, explain=explain)
    results = [
        scorer.score(subject, by_subject.get(sid, []), lines.get(sid, []))
        for sid, subject in sorted(subject_map.items())
        if calendar.active_months(subject.active) or by_subject.get(sid)
    ]
    rated, ties = rate(rulebook, results, prior_totals or {}, year)
    return Scoresheet(rulebook.id, rulebook.version, year, tuple(rated), tuple(ties))


Prepared = tuple[dict[str, Subject], dict[str, list[Fact]], dict[str, list[Line]]]


def _prepare(
    rulebook: Rulebook,
    calendar: Calendar,
    all_facts: list[Fact],
    subjects: Iterable[Subject] | None,
) -> Prepared:
    """The subjects by id, each subject's facts in force within the year, and the lines every
    result starts with (voided facts, facts outside the year); raises FactsError when a fact
    does not fit (member rulebooks; organization rulebooks check theirs as they score)."""
    kept, voided = effective_facts(all_facts)
    subject_map = _subject_map(subjects, all_facts)
    first, last = calendar.bounds()
    by_subject: dict[str, list[Fact]] = defaultdict(list)
    outside_year: dict[str, int] = defaultdict(int)
    for fact in kept:
        if first <= fact.date <= last:
            by_subject[fact.subject].append(fact)
        else:
            outside_year[fact.subject] += 1
    lines = void_lines(rulebook, all_facts, voided)
    for sid, count in outside_year.items():
        lines[sid].append(Line("", "", f"{count} 条记录不在 {calendar.year} 年度，未计入"))
    if rulebook.kind == "member":
        issues = check_facts(rulebook, _all_facts(by_subject))
        if issues:
            raise FactsError(issues)
    return subject_map, by_subject, lines


def _subject_map(subjects: Iterable[Subject] | None, all_facts: list[Fact]) -> dict[str, Subject]:
    """The subjects by id; without a list, every subject a fact names, with the defaults."""
    subject_map: dict[str, Subject] = {}
    if subjects is None:
        for fact in all_facts:
            if fact.subject not in subject_map:
                subject_map[fact.subject] = Subject(fact.subject)
        return subject_map
    for subject in subjects:
        subject_map[subject.id] = subject
    unknown = [f for f in all_facts if f.subject not in subject_map]
    if unknown:
        raise FactsError([FactIssue(f.id, "subject", f"名单中没有 {f.subject!r}") for f in unknown])
    return subject_map


def _all_facts(by_subject: Mapping[str, list[Fact]]) -> Iterable[Fact]:
    for facts in by_subject.values():
        yield from facts
