"""Properties that hold for any facts (hypothesis): caps, floors, the veto, order, corrections."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen.scoring import Fact, Rulebook, Scoresheet, Subject, load_rulebook, score
from jifen.scoring.model import Allowance, Deduct, Earn, Grade, Graded, ScoreItem

SUBJECTS = ("甲", "乙", "丙")
YEAR = 2026
MEMBER_BOOKS = ("seed003", "seed001")
ORG_BOOKS = ("seed000-branch", "seed002", "seed004")
# 60 examples a property in `make test`; fewer on `make test-fast`'s small profile.
PROPERTY = settings(
    max_examples=min(60, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

days = st.integers(min_value=0, max_value=364).map(lambda n: date(YEAR, 1, 1) + timedelta(days=n))
amounts = st.decimals(min_value=0, max_value=40, places=1, allow_nan=False, allow_infinity=False)


def _values(rulebook: Rulebook, code: str) -> st.SearchStrategy[Decimal | str]:  # noqa: PLR0911
    found = rulebook.item(code)
    if found is None:  # a category deduction or a veto
        return st.integers(min_value=0, max_value=3).map(Decimal)
    item = found[1]
    if isinstance(item, Allowance):
        if item.absent is not None:
            return st.sampled_from(["present", "absent", "excused"])
        return amounts
    if isinstance(item, Earn):
        return st.decimals(
            min_value=-5, max_value=20, places=1, allow_nan=False, allow_infinity=False
        )
    if isinstance(item, Grade | Graded):
        return st.sampled_from(sorted(item.grades))
    if isinstance(item, ScoreItem):
        steps = int(item.max * 2)
        return st.integers(min_value=0, max_value=steps).map(lambda n: Decimal(n) / 2)
    if isinstance(item, Deduct):
        return amounts
    raise AssertionError(code)


def _usable_codes(rulebook: Rulebook) -> list[str]:
    codes = []
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Allowance) and item.deduct is None and item.absent is None:
                continue  # kept in full: no fact can be recorded
            codes.append(item.code)
        codes += [d.code for d in category.deductions]
    return codes


@st.composite
def fact_lists(draw: st.DrawFn, rulebook: Rulebook, vetoes: bool = False) -> list[Fact]:
    codes = _usable_codes(rulebook)
    if vetoes:
        codes += [v.code for v in rulebook.vetoes]
    count = draw(st.integers(min_value=0, max_value=40))
    facts = []
    for n in range(count):
        code = draw(st.sampled_from(codes))
        source = "committee"
        if rulebook.kind == "organization":
            source = draw(st.sampled_from(["committee", "self"]))
        facts.append(
            Fact(
                id=f"f{n}",
                subject=draw(st.sampled_from(SUBJECTS)),
                date=draw(days),
                item=code,
                value=draw(_values(rulebook, code)),
                source=source,
            )
        )
    return facts


@st.composite
def book_and_facts(
    draw: st.DrawFn, books: tuple[str, ...], vetoes: bool = False
) -> tuple[Rulebook, list[Fact]]:
    rulebook = load_rulebook(draw(st.sampled_from(books)))
    return rulebook, draw(fact_lists(rulebook, vetoes))


def _summary(sheet: Scoresheet) -> list[tuple[object, ...]]:
    return [
        (
            r.subject,
            r.total,
            tuple((c.code, c.score) for c in r.categories),
            r.stars,
            r.rank,
            r.incomplete,
        )
        for r in sheet.results
    ]


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS + ORG_BOOKS, vetoes=True))
def test_scores_never_exceed_a_cap_nor_go_below_zero(case: tuple[Rulebook, list[Fact]]) -> None:
    rulebook, facts = case
    sheet = score(rulebook, facts, year=YEAR)
    for result in sheet.results:
        for category in result.categories:
            assert Decimal(0) <= category.score <= category_max(rulebook, category.code)
            for value in category.periods.values():
                assert value >= 0
            for item in category.items:
                assert all(value >= 0 for value in item.periods.values())
        assert result.total >= 0
        if rulebook.total is not None:
            assert result.total <= rulebook.total
        if result.index is not None:
            assert result.index <= (rulebook.index_cap or result.index)


def category_max(rulebook: Rulebook, code: str) -> Decimal:
    return next(c.max for c in rulebook.categories if c.code == code)


@PROPERTY
@given(fact_lists(load_rulebook("seed001"), vetoes=True), st.sampled_from(SUBJECTS), days)
def test_a_veto_always_yields_zero(facts: list[Fact], subject: str, day: date) -> None:
    veto = Fact("veto", subject, day, "negative_list", Decimal(1), note="参与封建迷信活动")
    result = score(load_rulebook("seed001"), [*facts, veto], year=YEAR).result(subject)
    assert result.vetoed
    assert result.total == 0
    assert result.stars == 0


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS + ORG_BOOKS, vetoes=True), st.randoms(use_true_random=False))
def test_the_order_of_facts_never_changes_a_result(case: tuple[Rulebook, list[Fact]], rng) -> None:  # type: ignore[no-untyped-def]
    rulebook, facts = case
    shuffled = list(facts)
    rng.shuffle(shuffled)
    first = score(rulebook, facts, year=YEAR)
    second = score(rulebook, shuffled, year=YEAR)
    assert first == second  # every score and every line of explanation


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS + ORG_BOOKS), st.data())
def test_voiding_a_fact_restores_the_earlier_result(
    case: tuple[Rulebook, list[Fact]], data: st.DataObject
) -> None:
    rulebook, facts = case
    everyone = [Subject(s) for s in SUBJECTS]  # the same members rated (quotas count them)
    before = score(rulebook, facts, year=YEAR, subjects=everyone)
    extra = data.draw(fact_lists(rulebook))
    if not extra:
        return
    added = Fact(
        "added", extra[0].subject, extra[0].date, extra[0].item, extra[0].value, extra[0].source
    )
    void = Fact("void", added.subject, added.date, "", "", voids="added", note="录入错误")
    after = score(rulebook, [*facts, added, void], year=YEAR, subjects=everyone)
    assert _summary(after) == _summary(before)
    assert not _summary(after) or any(
        "作废" in line.text for line in after.result(added.subject).lines
    )


@PROPERTY
@given(book_and_facts(MEMBER_BOOKS, vetoes=True))
def test_explain_false_gives_the_same_scores(case: tuple[Rulebook, list[Fact]]) -> None:
    rulebook, facts = case
    assert _summary(score(rulebook, facts, year=YEAR, explain=False)) == _summary(
        score(rulebook, facts, year=YEAR)
    )
