"""A year scored at several cut-offs in one pass: the year so far and each quarter's end, as the
committee pages and the stored results ask for them.

A cut-off ``r`` (1–12) scores only the first ``r`` months of the year: the subject is cut at the
end of month ``r`` (:func:`until`), so a later month is neither scored nor counted in a mean, and
a fact dated in it counts as outside the member's months. Every cut-off of a member reads the
same facts: they are checked, corrected and grouped once (for the whole year), and each cut-off
takes the groups it needs — a month's group as it is, a quarter's or the year's only with the
facts of the months reached. The results are exactly ``score``'s for the cut subjects, before
the cross-member rules (tests/scoring/test_cutoffs.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from jifen.scoring.engine import _prepare, score
from jifen.scoring.facts import Calendar, Fact, Interval, Subject
from jifen.scoring.member import MemberScorer, _Grouped
from jifen.scoring.model import Rulebook
from jifen.scoring.results import Line, SubjectResult

__all__ = ["score_cutoffs", "until"]


def until(subject: Subject, calendar: Calendar, reached: int) -> Subject:
    """``subject`` counted only in the first ``reached`` months of ``calendar``'s year: months not
    yet begun are neither scored nor counted in a mean (docs/decisions.md, "至今")."""
    if reached >= 12:
        return subject
    if reached <= 0:
        return replace(subject, active=())
    cut = calendar.month_bounds(reached - 1)[1]
    kept = []
    for interval in subject.active:
        if interval.start is not None and interval.start > cut:
            continue
        end = cut if interval.end is None or interval.end > cut else interval.end
        kept.append(Interval(interval.start, end))
    return replace(subject, active=tuple(kept))


def _key_months(key: str) -> tuple[int, int]:
    """The month indexes [first, last) of a period key: M03 → (2, 3), Q2 → (3, 6), Y → (0, 12)."""
    if key[0] == "M":
        month = int(key[1:]) - 1
        return month, month + 1
    if key[0] == "Q":
        quarter = int(key[1:]) - 1
        return 3 * quarter, 3 * quarter + 3
    if key[0] == "H":
        half = int(key[1:]) - 1
        return 6 * half, 6 * half + 6
    return 0, 12


class _CutScorer(MemberScorer):
    """A MemberScorer (without explanations) that scores one member at several cut-offs."""

    def __init__(self, rulebook: Rulebook, calendar: Calendar) -> None:
        super().__init__(rulebook, calendar, explain=False)
        self.first_month = calendar.year * 12 + calendar.start - 1
        self.key_months: dict[str, tuple[int, int]] = {}

    def _month(self, fact: Fact) -> int:
        return fact.date.year * 12 + fact.date.month - 1 - self.first_month

    def _span(self, key: str) -> tuple[int, int]:
        found = self.key_months.get(key)
        if found is None:
            found = self.key_months[key] = _key_months(key)
        return found

    def _cut(self, whole: _Grouped, reached: int) -> _Grouped:
        """``whole`` (the year's groups) with only the facts of the first ``reached`` months, in
        the same order: a group wholly before the cut-off is shared, not copied."""
        if reached >= 12:
            return whole
        cut = _Grouped()
        cut.vetoes = whole.vetoes
        for code, periods in whole.by_period.items():
            kept: dict[str, list[Fact]] = {}
            for key, facts in periods.items():
                first, last = self._span(key)
                if last <= reached:
                    kept[key] = facts
                elif first < reached:
                    early = [f for f in facts if self._month(f) < reached]
                    if early:
                        kept[key] = early
            if kept:
                cut.by_period[code] = kept
        for code, quarters in whole.by_quarter.items():
            cut.by_quarter[code] = {
                q: facts if 3 * q + 3 <= reached else [f for f in facts if self._month(f) < reached]
                for q, facts in quarters.items()
                if 3 * q < reached
            }
        for code, months in whole.by_month.items():
            cut.by_month[code] = {m: facts for m, facts in months.items() if m < reached}
        return cut

    def score_cuts(
        self,
        subject: Subject,
        facts: list[Fact],
        extra_lines: list[Line],
        reacheds: Sequence[int],
    ) -> list[tuple[int, SubjectResult]]:
        """``subject``'s result at each cut-off in ``reacheds`` where ``score`` gives one (the
        member is active in a month reached, or has a fact in the year)."""
        whole_months = self.calendar.active_months(subject.active)
        whole = self._group(facts, whole_months)
        vetoes = self.vetoes
        dated = [(self._month(f), f.id) for f in facts if f.item not in vetoes]
        found = []
        for reached in reacheds:
            months = tuple(m for m in whole_months if m < reached)
            if not months and not facts:
                continue
            grouped = self._cut(whole, reached)
            if reached < 12:
                active = set(months)
                grouped.outside = [i for m, i in dated if 0 <= m < 12 and m not in active]
            found.append((reached, self.score_grouped(subject, months, grouped, extra_lines)))
        return found


def score_cutoffs(
    rulebook: Rulebook,
    facts: Iterable[Fact],
    *,
    year: int,
    subjects: Iterable[Subject],
    reacheds: Sequence[int],
) -> dict[int, list[SubjectResult]]:
    """Each subject's result at each cut-off in ``reacheds`` (1–12 months of the year), by
    cut-off, in subject order: the results of ``score(rulebook, facts, year=year,
    subjects=[until(s, …, r) …], explain=False)`` before the cross-member rules (stars, quotas,
    bands, ranks: ``ratings.rate`` runs them on the results, which are O(subjects)). Raises
    FactsError as ``score`` does. The facts are read, checked and grouped once for every
    cut-off. Organization rulebooks are scored once per cut-off (and rated)."""
    all_facts = list(facts)
    calendar = Calendar(year, rulebook.year_start)
    cuts = sorted({min(max(r, 0), 12) for r in reacheds})
    subjects = list(subjects)
    if rulebook.kind != "member":
        return {
            r: list(
                score(
                    rulebook,
                    all_facts,
                    year=year,
                    subjects=[until(s, calendar, r) for s in subjects],
                    explain=False,
                ).results
            )
            for r in cuts
        }
    subject_map, by_subject, lines = _prepare(rulebook, calendar, all_facts, subjects)
    scorer = _CutScorer(rulebook, calendar)
    answer: dict[int, list[SubjectResult]] = {r: [] for r in cuts}
    for sid, subject in sorted(subject_map.items()):
        mine = by_subject.get(sid, [])
        for reached, result in scorer.score_cuts(subject, mine, lines.get(sid, []), cuts):
            answer[reached].append(result)
    return answer
