"""The lean path (explain=False, shared results for quiet items and categories) gives exactly the
numbers of the explained path, for any facts and any membership spans (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from jifen.scoring import Fact, Interval, Rulebook, Scoresheet, Subject, load_rulebook, score
from tests.scoring.test_properties import (
    MEMBER_BOOKS,
    PROPERTY,
    SUBJECTS,
    YEAR,
    book_and_facts,
    days,
)


def _everything(sheet: Scoresheet) -> list[tuple[object, ...]]:
    """Every number of every result (no explanation text): totals, stars, bands, ranks, and each
    category's and item's score per period."""
    return [
        (
            r.subject,
            r.group,
            r.total,
            r.rated,
            r.stars,
            r.rank,
            r.vetoed,
            r.incomplete,
            r.tied,
            tuple(b.code for b in r.bands),
            tuple(
                (
                    c.code,
                    c.score,
                    tuple(c.periods.items()),
                    tuple(
                        (i.code, i.score, tuple(i.periods.items()), i.incomplete) for i in c.items
                    ),
                )
                for c in r.categories
            ),
        )
        for r in sheet.results
    ]


@st.composite
def spans(draw: st.DrawFn) -> tuple[Interval, ...]:
    """Membership spans as ledger/scores.py builds them: whole year, joined late, left early,
    or two spans around a gap (transfer out and back, an exemption)."""
    shape = draw(st.sampled_from(["year", "one", "two"]))
    if shape == "year":
        return (Interval(date(YEAR, 1, 1), date(YEAR, 12, 31)),)
    cuts = sorted(draw(st.lists(days, min_size=4, max_size=4, unique=True)))
    if shape == "one":
        return (Interval(cuts[0], cuts[3]),)
    return (Interval(cuts[0], cuts[1]), Interval(cuts[2] + timedelta(days=1), cuts[3]))


@st.composite
def members(draw: st.DrawFn) -> list[Subject]:
    return [
        Subject(
            s,
            org=draw(st.sampled_from(["B1", "B2"])),
            category=draw(st.sampled_from(["full", "probationary"])),
            active=draw(spans()),
        )
        for s in SUBJECTS
    ]


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS, vetoes=True), members())
def test_explain_false_gives_every_number_of_explain_true(
    case: tuple[Rulebook, list[Fact]], subjects: list[Subject]
) -> None:
    rulebook, facts = case
    lean = score(rulebook, facts, year=YEAR, subjects=subjects, explain=False)
    explained = score(rulebook, facts, year=YEAR, subjects=subjects, explain=True)
    assert _everything(lean) == _everything(explained)


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS), members())
def test_a_member_scored_alone_equals_the_member_in_a_sheet(
    case: tuple[Rulebook, list[Fact]], subjects: list[Subject]
) -> None:
    """Shared results (a quiet category reused between members) never leak one member's
    months or facts into another's: scoring the first member alone gives the same categories."""
    rulebook, facts = case
    sheet = score(rulebook, facts, year=YEAR, subjects=subjects, explain=False)
    first = subjects[0]
    alone = score(
        rulebook,
        [f for f in facts if f.subject == first.id],
        year=YEAR,
        subjects=[first],
        explain=False,
    )
    together = [r for r in sheet.results if r.subject == first.id]
    assert [r.categories for r in alone.results] == [r.categories for r in together]
    assert [r.total for r in alone.results] == [r.total for r in together]


def test_quiet_members_share_nothing_mutable_between_months() -> None:
    """Two members with different spans and no facts: each gets their own months."""
    rulebook = load_rulebook("seed003")
    whole = Subject("甲", active=(Interval(date(YEAR, 1, 1), date(YEAR, 12, 31)),))
    half = Subject("乙", active=(Interval(date(YEAR, 7, 1), date(YEAR, 12, 31)),))
    sheet = score(rulebook, [], year=YEAR, subjects=[whole, half], explain=False)
    base_whole = sheet.result("甲").category("base")
    base_half = sheet.result("乙").category("base")
    assert len(base_whole.periods) == 12
    assert list(base_half.periods) == [f"M{m:02d}" for m in range(7, 13)]
