"""Every member rule kind of RULEBOOKS.md §3, on small rulebooks written for the test."""

from __future__ import annotations

from datetime import date

import pytest

from jifen.scoring import FactsError, Interval, Subject, load_rulebook_text, score
from tests.scoring.helpers import D, fact

MONTHLY = """
id: test-monthly
kind: member
total: 100
categories:
  base:
    max: 60
    period: month
    period_max: 50
    combine: mean
    items:
      login: {rule: allowance, points: 10, deduct: 0.5, unit: 天}
      quiz: {rule: allowance, points: 10, target: 15, deduct: 0.5}
      meeting: {rule: allowance, points: 10, absent: 5, excused: 2}
      quarterly: {rule: allowance, points: 10, absent: 10, spread: quarter}
      plain: {rule: allowance, points: 20}
    deductions:
      misconduct: {title: 违纪, points: 10}
  extra:
    max: 30
    items:
      declared: {rule: earn, min: 0, max: 4, caps: {month: 5, quarter: 8, year: 12}}
      counted: {rule: earn, per: 2, caps: {year: 6}}
  review:
    max: 10
    items:
      grade: {rule: grade, grades: {优秀: 10, 合格: 7}}
vetoes:
  negative: {title: 负面清单}
"""
RB = load_rulebook_text(MONTHLY)


def _base_month(facts: list, month: str = "M03") -> D:
    return score(RB, facts, year=2026).results[0].category("base").periods[month]


def test_an_allowance_is_kept_in_full_without_facts() -> None:
    result = score(RB, [fact("a", "2026-12-01", "grade", "优秀")], year=2026).result("a")
    # items 60 a month, capped at period_max 50
    assert result.category("base").score == D("50.00")


def test_a_numeric_shortfall_deducts_units_times_deduct() -> None:
    sheet = score(
        RB, [fact("a", "2026-03-02", "login", 3), fact("a", "2026-03-20", "login", 1)], year=2026
    )
    login = next(i for i in sheet.result("a").category("base").items if i.code == "login")
    assert login.periods["M03"] == D("8.0")
    assert login.periods["M04"] == D(10)


def test_an_allowance_floors_at_zero_per_item_per_period() -> None:
    sheet = score(RB, [fact("a", "2026-03-02", "login", 40)], year=2026)
    login = next(i for i in sheet.result("a").category("base").items if i.code == "login")
    assert login.periods["M03"] == D(0)
    assert any("不低于 0" in line.text for line in login.lines)


def test_a_target_adds_up_the_periods_facts() -> None:
    sheet = score(
        RB, [fact("a", "2026-03-02", "quiz", 5), fact("a", "2026-03-20", "quiz", 7)], year=2026
    )
    quiz = next(i for i in sheet.result("a").category("base").items if i.code == "quiz")
    assert quiz.periods["M03"] == D("8.5")  # 15 − 12 = 3 short × 0.5
    assert quiz.periods["M02"] == D(10)  # no fact: nothing held against the member


def test_a_target_met_or_exceeded_keeps_full_points() -> None:
    sheet = score(RB, [fact("a", "2026-03-02", "quiz", 20)], year=2026)
    quiz = next(i for i in sheet.result("a").category("base").items if i.code == "quiz")
    assert quiz.periods["M03"] == D(10)


@pytest.mark.parametrize(
    ("label", "points"), [("present", "10"), ("absent", "5"), ("excused", "8")]
)
def test_attendance_labels(label: str, points: str) -> None:
    sheet = score(RB, [fact("a", "2026-03-02", "meeting", label)], year=2026)
    meeting = next(i for i in sheet.result("a").category("base").items if i.code == "meeting")
    assert meeting.periods["M03"] == D(points)


def test_spread_quarter_deducts_in_every_month_of_the_quarter() -> None:
    sheet = score(RB, [fact("a", "2026-05-10", "quarterly", "absent")], year=2026)
    item = next(i for i in sheet.result("a").category("base").items if i.code == "quarterly")
    assert [item.periods[m] for m in ("M03", "M04", "M05", "M06", "M07")] == [
        D(10),
        D(0),
        D(0),
        D(0),
        D(10),
    ]


def test_the_period_score_is_capped_then_deductions_apply_floor_zero() -> None:
    # 60 of items capped at 50, minus 10 × 1 = 40; minus 10 × 9 floors at 0
    assert _base_month([fact("a", "2026-03-02", "misconduct", 1)]) == D(40)
    assert _base_month([fact("a", "2026-03-02", "misconduct", 9)]) == D(0)


def test_the_year_is_the_mean_of_months_rounded_half_up() -> None:
    facts = [fact("a", "2026-03-02", "misconduct", D("0.05"))]  # 50 − 0.5 = 49.5 in March
    base = score(RB, facts, year=2026).result("a").category("base")
    # (11 × 50 + 49.5) / 12 = 49.958333… → 49.96
    assert base.score == D("49.96")


def test_earn_bounds_each_fact_then_caps_month_quarter_year_in_that_order() -> None:
    facts = [
        fact("a", "2026-01-05", "declared", 6),  # bounded to 4
        fact("a", "2026-01-06", "declared", 3),  # January 7 → month cap 5
        fact("a", "2026-02-05", "declared", 4),  # Q1: 5 + 4 = 9 → quarter cap 8
        fact("a", "2026-04-05", "declared", 4),
        fact("a", "2026-07-05", "declared", 4),  # 8 + 4 + 4 = 16 → year cap 12
    ]
    result = score(RB, facts, year=2026).result("a")
    declared = next(i for i in result.category("extra").items if i.code == "declared")
    assert declared.score == D(12)
    text = declared.lines[0].text
    assert "单次最多 4.00" in text
    assert "月上限" in text
    assert "季度上限" in text
    assert "年度上限" in text


def test_earn_per_makes_the_value_a_count() -> None:
    result = score(RB, [fact("a", "2026-01-05", "counted", 2)], year=2026).result("a")
    assert result.category("extra").score == D(4)
    result = score(RB, [fact("a", "2026-01-05", "counted", 5)], year=2026).result("a")
    assert result.category("extra").score == D(6)


def test_the_latest_grade_counts_whatever_the_input_order() -> None:
    facts = [fact("a", "2026-12-20", "grade", "优秀"), fact("a", "2026-12-01", "grade", "合格")]
    assert score(RB, facts, year=2026).result("a").category("review").score == D(10)
    assert score(RB, facts[::-1], year=2026).result("a").category("review").score == D(10)


def test_a_missing_grade_is_zero_and_incomplete() -> None:
    result = score(RB, [fact("a", "2026-03-02", "login", 0)], year=2026).result("a")
    assert result.category("review").score == D(0)
    assert result.incomplete


def test_a_veto_zeroes_the_year_and_names_the_reason() -> None:
    facts = [
        fact("a", "2026-12-20", "grade", "优秀"),
        fact("a", "2026-06-01", "negative", 1, note="参与邪教"),
    ]
    result = score(RB, facts, year=2026).result("a")
    assert result.vetoed
    assert result.total == D(0)
    assert any("负面清单" in line.text and "参与邪教" in line.text for line in result.lines)


def test_the_total_is_the_sum_of_rounded_categories_capped() -> None:
    rb = load_rulebook_text(MONTHLY.replace("total: 100", "total: 55"))
    result = score(rb, [fact("a", "2026-12-20", "grade", "优秀")], year=2026).result("a")
    assert result.total == D(55)


def test_a_partial_year_member_is_averaged_over_active_months_only() -> None:
    member = Subject("a", active=(Interval(date(2026, 7, 20), None),))
    facts = [fact("a", "2026-08-03", "misconduct", 5), fact("a", "2026-03-03", "misconduct", 5)]
    result = score(RB, facts, year=2026, subjects=[member]).result("a")
    base = result.category("base")
    assert list(base.periods) == ["M07", "M08", "M09", "M10", "M11", "M12"]  # July counts (partial)
    assert base.score == D("41.67")  # (5 × 50 + 0) / 6
    assert any("不在该党员的考核期内" in line.text for line in result.lines)  # the March fact


def test_a_voided_fact_is_ignored_and_the_explanation_says_so() -> None:
    original = fact("a", "2026-03-02", "login", 4, fid="x1")
    correction = fact("a", "2026-03-05", "", "", voids="x1", fid="x2", note="系统导入错误")
    result = score(RB, [original, correction], year=2026).result("a")
    assert result.category("base").periods["M03"] == D(50)
    assert any("作废" in line.text and line.facts == ("x1", "x2") for line in result.lines)


def test_a_replacing_fact_voids_the_old_one_and_counts_itself() -> None:
    original = fact("a", "2026-03-02", "login", 4, fid="x1")
    replacement = fact("a", "2026-03-02", "login", 1, fid="x2", voids="x1")
    base = score(RB, [original, replacement], year=2026).result("a").category("base")
    login = next(i for i in base.items if i.code == "login")
    assert login.periods["M03"] == D("9.5")


def test_voiding_a_correction_restores_the_original() -> None:
    facts = [
        fact("a", "2026-03-02", "login", 4, fid="x1"),
        fact("a", "2026-03-05", "", "", voids="x1", fid="x2"),
        fact("a", "2026-03-06", "", "", voids="x2", fid="x3"),
    ]
    login = next(
        i
        for i in score(RB, facts, year=2026).result("a").category("base").items
        if i.code == "login"
    )
    assert login.periods["M03"] == D(8)


@pytest.mark.parametrize(
    ("item", "value", "field", "words"),
    [
        ("nope", "1", "item", "没有项目代码 'nope'"),
        ("login", "absent", "value", "不是考勤项目"),
        ("meeting", "2", "value", "考勤项目"),
        ("grade", "良好", "value", "优秀、合格"),
        ("declared", "absent", "value", "加分项目"),
        ("login", "-1", "value", "不能为负数"),
        ("plain", "1", "value", "考勤项目"),
    ],
)
def test_facts_that_do_not_fit_are_refused(item: str, value: str, field: str, words: str) -> None:
    with pytest.raises(FactsError) as caught:
        score(RB, [fact("a", "2026-03-02", item, value, fid="r7")], year=2026)
    issue = caught.value.issues[0]
    assert (issue.fact, issue.field) == ("r7", field)
    assert words in issue.message


def test_facts_outside_the_year_are_ignored() -> None:
    result = score(RB, [fact("a", "2025-03-02", "misconduct", 5)], year=2026).result("a")
    assert result.category("base").score == D(50)


def test_a_voids_to_an_unknown_fact_is_refused() -> None:
    with pytest.raises(FactsError, match="不存在"):
        score(RB, [fact("a", "2026-03-05", "", "", voids="ghost")], year=2026)


def test_year_start_shifts_the_months() -> None:
    rb = load_rulebook_text(MONTHLY + "year_start: 9\n")
    facts = [fact("a", "2026-09-02", "misconduct", 5), fact("a", "2027-08-02", "misconduct", 5)]
    base = score(rb, facts, year=2026).result("a").category("base")
    assert base.periods["M01"] == D(0)
    assert base.periods["M12"] == D(0)


def test_on_the_same_day_the_later_row_wins_in_numeric_order() -> None:
    facts = [
        fact("a", "2026-12-20", "grade", "合格", fid="9"),
        fact("a", "2026-12-20", "grade", "优秀", fid="10"),
    ]
    assert score(RB, facts, year=2026).result("a").category("review").score == D(10)
