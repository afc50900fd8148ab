"""Scoring a tree of organizations: which rulebook each one is scored with (a rollup's children
use the rulebook it names), then each scored after the children its rollups read."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from jifen.scoring.errors import FactIssue, FactsError
from jifen.scoring.fact_checks import check_fact
from jifen.scoring.facts import ZERO, Calendar, Fact, Subject
from jifen.scoring.model import Rollup, Rulebook
from jifen.scoring.org import OrganizationScorer
from jifen.scoring.ratings import rate
from jifen.scoring.results import Line, Scoresheet, SubjectResult, Tie

# Deeper than any real Party organization tree; stops a parent cycle from recursing forever.
MAX_DEPTH = 20


def _books(rulebook: Rulebook) -> dict[str, Rulebook]:
    """The rulebook and every rulebook its rollups reach, by id."""
    books = {rulebook.id: rulebook}
    for child in rulebook.children.values():
        books.update(_books(child))
    return books


class _Assignment:
    """Which rulebook scores each organization: its own choice, else the one its parent's
    rollup names, else a child rulebook whose codes its facts use, else the main one."""

    def __init__(
        self,
        rulebook: Rulebook,
        subjects: dict[str, Subject],
        by_subject: dict[str, list[Fact]],
    ) -> None:
        self.rulebook = rulebook
        self.books = _books(rulebook)
        self.subjects = subjects
        self.by_subject = by_subject
        self.assigned: dict[str, Rulebook] = {}

    def book_of(self, sid: str, depth: int = 0) -> Rulebook:
        if sid in self.assigned:
            return self.assigned[sid]
        subject = self.subjects[sid]
        chosen = self.rulebook
        if subject.rulebook and subject.rulebook in self.books:
            chosen = self.books[subject.rulebook]
        elif subject.parent and subject.parent in self.subjects and depth < MAX_DEPTH:
            parent_book = self.book_of(subject.parent, depth + 1)
            rollups = [i for c in parent_book.categories for i in c.items if isinstance(i, Rollup)]
            if rollups:
                chosen = self.books[rollups[0].of]
        elif self.rulebook.children:
            chosen = self._by_codes(sid)
        self.assigned[sid] = chosen
        return chosen

    def _by_codes(self, sid: str) -> Rulebook:
        codes = {f.item for f in self.by_subject.get(sid, []) if f.item}
        main = self.rulebook.codes()
        for child in self.rulebook.children.values():
            if codes and codes <= child.codes() and not codes <= main:
                return child
        return self.rulebook


class _Results:
    """Each organization's result, scoring first the children its rollups read."""

    def __init__(
        self,
        assignment: _Assignment,
        calendar: Calendar,
        void_lines: dict[str, list[Line]],
    ) -> None:
        self.assignment = assignment
        self.subjects = assignment.subjects
        self.by_subject = assignment.by_subject
        self.void_lines = void_lines
        self.scorers = {
            rid: OrganizationScorer(rb, calendar) for rid, rb in assignment.books.items()
        }
        self.done: dict[str, SubjectResult] = {}
        self.in_progress: set[str] = set()

    def result_of(self, sid: str) -> SubjectResult:
        if sid in self.done:
            return self.done[sid]
        if sid in self.in_progress:
            raise FactsError([FactIssue(sid, "parent", "组织的上下级关系形成了循环")])
        self.in_progress.add(sid)
        assigned = self.assignment.assigned
        subjects = self.subjects
        book = assigned[sid]

        def children(item: Rollup, rnd: str) -> list[tuple[str, Decimal]]:
            kids = sorted(
                s for s in subjects if subjects[s].parent == sid and assigned[s].id == item.of
            )
            return [(k, self.result_of(k).rounds.get(rnd, ZERO)) for k in kids]

        result = self.scorers[book.id].score(
            subjects[sid], self.by_subject.get(sid, []), self.void_lines.get(sid, []), children
        )
        self.in_progress.discard(sid)
        self.done[sid] = result
        return result


def score_organizations(
    rulebook: Rulebook,
    calendar: Calendar,
    *,
    subjects: dict[str, Subject],
    by_subject: dict[str, list[Fact]],
    void_lines: dict[str, list[Line]],
    prior_totals: Mapping[str, Mapping[int, Decimal]],
) -> Scoresheet:
    """Every organization scored with its rulebook and rated among those sharing it."""
    assignment = _Assignment(rulebook, subjects, by_subject)
    issues: list[FactIssue] = []
    for sid in subjects:
        book = assignment.book_of(sid)
        for fact in by_subject.get(sid, []):
            issue = check_fact(book, fact)
            if issue is not None:
                issues.append(issue)
    if issues:
        raise FactsError(issues)

    results = _Results(assignment, calendar, void_lines)
    for sid in sorted(subjects):
        results.result_of(sid)
    done = results.done
    all_results: list[SubjectResult] = []
    ties: list[Tie] = []
    for rid, book in assignment.books.items():
        group = [done[s] for s in sorted(done) if assignment.assigned[s].id == rid]
        if not group:
            continue
        rated, book_ties = rate(book, group, prior_totals, calendar.year)
        all_results.extend(rated)
        ties.extend(book_ties)
    order = {sid: i for i, sid in enumerate(sorted(done))}
    all_results.sort(key=lambda r: order[r.subject])
    return Scoresheet(rulebook.id, rulebook.version, calendar.year, tuple(all_results), tuple(ties))
