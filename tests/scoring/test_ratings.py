"""Stars with quotas and the tie hold, bands scoped to member categories, the consecutive flag."""

from __future__ import annotations

from decimal import Decimal

from jifen.scoring import Subject, load_rulebook, load_rulebook_text, score
from tests.scoring.helpers import D, fact

RB = load_rulebook_text(
    """
id: test-ratings
kind: member
total: 100
categories:
  main:
    max: 100
    items:
      points: {rule: earn}
stars:
  levels:
    5: {min: 90, quota: 0.2}
    4: {min: 80}
    3: {min: 70}
  else: 0
bands:
  top: {label: 优秀, level: info, min: 90}
  low: {label: 预警, level: yellow, min: 60, below: 70}
  fail: {label: 不及格, level: red, below: 60}
  prob: {label: 预备党员约谈, level: yellow, below: 70, categories: [probationary]}
  few_stars: {label: 两星及以下, level: yellow, stars: [0, 1, 2]}
consecutive:
  twice: {label: 连续两年低于 60, level: red, below: 60, years: 2}
"""
)


def _sheet(totals: dict[str, str], **kwargs: object):  # type: ignore[no-untyped-def]
    facts = [fact(s, "2026-05-01", "points", t) for s, t in totals.items()]
    return score(RB, facts, year=2026, **kwargs)  # type: ignore[arg-type]


def test_thresholds_rate_from_the_highest() -> None:
    sheet = _sheet(
        {
            "a": "95",
            "b": "85",
            "c": "70",
            "d": "69.99",
            "e": "91",
            "f": "10",
            "g": "1",
            "h": "1",
            "i": "1",
            "j": "1",
        }
    )
    stars = {r.subject: r.stars for r in sheet.results}
    assert stars == {"a": 5, "e": 5, "b": 4, "c": 3, "d": 0, "f": 0, "g": 0, "h": 0, "i": 0, "j": 0}


def test_a_quota_limits_a_level_to_floor_quota_times_n() -> None:
    # 9 members: floor(0.2 × 9) = 1 five-star; the next at ≥ 90 gets four
    totals = {"a": "99", "b": "95", **{f"x{i}": "10" for i in range(7)}}
    stars = {r.subject: r.stars for r in _sheet(totals).results}
    assert (stars["a"], stars["b"]) == (5, 4)


def test_members_tied_at_the_cut_off_are_all_held_one_level_down_and_listed() -> None:
    totals = {
        "a": "99",
        "b": "95",
        "c": "95",
        **{f"x{i}": "10" for i in range(7)},
    }  # n = 10 → 2 places
    sheet = _sheet(totals)
    results = {r.subject: r for r in sheet.results}
    assert results["a"].stars == 5
    assert (results["b"].stars, results["c"].stars) == (4, 4)
    assert results["b"].tied
    assert results["c"].tied
    assert not results["a"].tied
    assert len(sheet.ties) == 1
    tie = sheet.ties[0]
    assert (tie.stars, tie.held_at, tie.subjects, tie.quota) == (5, 4, ("b", "c"), 2)


def test_a_quota_counts_within_the_branch() -> None:
    subjects = [Subject("a", org="一支部"), Subject("b", org="二支部")] + [
        Subject(f"x{i}", org="一支部" if i < 4 else "二支部") for i in range(8)
    ]
    totals = {"a": "95", "b": "95", **{f"x{i}": "10" for i in range(8)}}
    sheet = _sheet(totals, subjects=subjects)
    assert {r.subject: r.stars for r in sheet.results if r.subject in "ab"} == {"a": 5, "b": 5}
    assert sheet.result("a").rank == 1
    assert sheet.result("b").rank == 1


def test_the_quota_counts_and_limits_the_party_members_only() -> None:
    # Five party members (four full, one probationary) and five activists: one place, not two.
    subjects = [Subject(f"f{i}") for i in range(4)] + [Subject("p", category="probationary")]
    subjects += [Subject(f"a{i}", category="activist") for i in range(5)]
    totals = {s.id: "70" for s in subjects} | {"f0": "99", "p": "95", "a0": "99", "a1": "91"}
    sheet = _sheet(totals, subjects=subjects)
    stars = {r.subject: r.stars for r in sheet.results if r.subject in ("f0", "p", "a0", "a1")}
    assert stars == {"f0": 5, "p": 4, "a0": 5, "a1": 5}
    assert any("名额基数 5 人" in line.text for line in sheet.result("p").lines)


def test_a_rulebook_names_the_categories_its_quota_counts() -> None:
    own = load_rulebook_text(
        """
id: full-only
kind: member
total: 100
categories:
  main: {max: 100, items: {points: {rule: earn}}}
stars:
  levels:
    5: {min: 90, quota: 0.5}
  else: 0
  quota_base: [full]
"""
    )
    assert own.stars is not None
    assert own.stars.quota_base == ("full",)
    subjects = [Subject("f0"), Subject("f1"), Subject("p", category="probationary")]
    facts = [
        fact(s, "2026-05-01", "points", t) for s, t in (("f0", "99"), ("f1", "98"), ("p", "97"))
    ]
    sheet = score(own, facts, year=2026, subjects=subjects)
    # floor(0.5 × 2 full) = 1 place: f0 takes it, f1 falls; p is outside the base and keeps 5.
    assert {r.subject: r.stars for r in sheet.results} == {"f0": 5, "f1": 0, "p": 5}


def test_bands_by_total_by_stars_and_by_member_category() -> None:
    subjects = [Subject("p", category="probationary"), Subject("f")]
    sheet = _sheet({"p": "65", "f": "65"}, subjects=subjects)
    assert {b.label for b in sheet.result("p").bands} == {"预警", "预备党员约谈", "两星及以下"}
    assert {b.label for b in sheet.result("f").bands} == {"预警", "两星及以下"}
    assert sheet.result("f").warnings == ("yellow",)


def test_band_boundaries_min_inclusive_below_exclusive() -> None:
    sheet = _sheet({"a": "60", "b": "59.99", "c": "70"})
    assert [b.label for b in sheet.result("a").bands if b.code != "few_stars"] == ["预警"]
    assert [b.label for b in sheet.result("b").bands if b.code != "few_stars"] == ["不及格"]
    assert sheet.result("b").warnings == ("red", "yellow")
    assert [b.code for b in sheet.result("c").bands] == []


def test_the_consecutive_flag_needs_last_years_total() -> None:
    prior = {"a": {2025: Decimal("55")}, "b": {2025: Decimal("61")}}
    sheet = _sheet({"a": "50", "b": "50", "c": "50"}, prior_totals=prior)
    assert "连续两年低于 60" in [b.label for b in sheet.result("a").bands]
    assert "连续两年低于 60" not in [b.label for b in sheet.result("b").bands]
    assert "连续两年低于 60" not in [b.label for b in sheet.result("c").bands]


def test_ranks_share_a_place_on_equal_totals() -> None:
    sheet = _sheet({"a": "80", "b": "80", "c": "70"})
    assert [sheet.result(s).rank for s in "abc"] == [1, 1, 3]


def test_seed001_five_stars_quota_of_a_branch_of_five() -> None:
    rb = load_rulebook("seed001")
    facts = []
    for subject in ("a", "b", "c", "d", "e"):
        facts += [
            fact(subject, "2026-05-01", code, 10) for code in ("center_work", "reform", "stability")
        ]
    sheet = score(rb, facts, year=2026)
    # all five at 100; floor(0.2 × 5) = 1 place, five tied at the cut-off → all held at 4★
    assert {r.stars for r in sheet.results} == {4}
    assert all(r.tied for r in sheet.results)
    assert sheet.results[0].total == D(100)
