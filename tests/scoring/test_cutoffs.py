"""Several cut-offs from one pass (``score_cutoffs``) give exactly ``score``'s results for the
subjects cut at each cut-off — every number, every line, and, once rated, the stars, quotas,
ties, bands and ranks — for any facts, any membership spans and any set of cut-offs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jifen.scoring import Calendar, Fact, Interval, Rulebook, Subject, load_rulebook, score
from jifen.scoring.cutoffs import score_cutoffs, until
from jifen.scoring.ratings import rate
from tests.scoring.test_lean_path import members
from tests.scoring.test_properties import (
    MEMBER_BOOKS,
    ORG_BOOKS,
    PROPERTY,
    YEAR,
    book_and_facts,
)

cutoff_sets = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5)


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS, vetoes=True), members(), cutoff_sets)
def test_every_cutoff_equals_scoring_the_cut_subjects(
    case: tuple[Rulebook, list[Fact]], subjects: list[Subject], reacheds: list[int]
) -> None:
    rulebook, facts = case
    calendar = Calendar(YEAR, rulebook.year_start)
    found = score_cutoffs(rulebook, facts, year=YEAR, subjects=subjects, reacheds=reacheds)
    assert sorted(found) == sorted(set(reacheds))
    for reached, results in found.items():
        cut = [until(s, calendar, reached) for s in subjects]
        sheet = score(rulebook, facts, year=YEAR, subjects=cut, explain=False)
        rated, ties = rate(rulebook, results, {}, YEAR)
        assert rated == list(sheet.results)
        assert tuple(ties) == sheet.ties


@PROPERTY
@given(book_and_facts(ORG_BOOKS), cutoff_sets)
def test_organization_rulebooks_are_scored_once_per_cutoff(
    case: tuple[Rulebook, list[Fact]], reacheds: list[int]
) -> None:
    rulebook, facts = case
    calendar = Calendar(YEAR, rulebook.year_start)
    subjects = [Subject(s) for s in sorted({f.subject for f in facts})]
    found = score_cutoffs(rulebook, facts, year=YEAR, subjects=subjects, reacheds=reacheds)
    for reached, results in found.items():
        cut = [until(s, calendar, reached) for s in subjects]
        assert results == list(score(rulebook, facts, year=YEAR, subjects=cut).results)


def test_a_cutoff_drops_later_months_and_counts_their_facts_as_outside() -> None:
    rulebook = load_rulebook("seed003")
    member = Subject("甲", active=(Interval(date(YEAR, 1, 1), date(YEAR, 12, 31)),))
    absent = [
        Fact("1", "甲", date(YEAR, 2, 10), "party_day", "absent"),
        Fact("2", "甲", date(YEAR, 5, 10), "party_day", "absent"),
    ]
    found = score_cutoffs(rulebook, absent, year=YEAR, subjects=[member], reacheds=[3, 6])
    (march,), (june,) = found[3], found[6]
    assert list(march.category("base").periods) == ["M01", "M02", "M03"]
    assert len(june.category("base").periods) == 6
    assert march.category("base").periods["M02"] == june.category("base").periods["M02"]
    assert any("1 条记录的日期不在该党员的考核期内" in line.text for line in march.lines)
    assert not any("考核期内" in line.text for line in june.lines)


@pytest.mark.parametrize("reached", [0, 1, 3, 7, 12])
def test_until_keeps_the_months_reached(reached: int) -> None:
    calendar = Calendar(YEAR, 1)
    member = Subject("甲", active=(Interval(date(YEAR, 2, 15), None),))
    months = calendar.active_months(until(member, calendar, reached).active)
    assert months == tuple(range(1, reached))
