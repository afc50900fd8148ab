"""seed003 (常州市机关事务管理局): monthly allowances, featured caps, the review grade."""

from __future__ import annotations

from jifen.scoring import load_rulebook, score
from tests.scoring.helpers import D, fact

RB = load_rulebook("seed003")


def test_a_member_with_no_shortfall_keeps_the_full_base() -> None:
    sheet = score(RB, [fact("a", "2026-12-20", "democratic_review", "优秀")], year=2026)
    result = sheet.result("a")
    assert result.category("base").score == D("70.00")
    assert result.total == D("80.00")
    assert not result.incomplete


def test_it_deducts_days_not_logged_in_from_that_month() -> None:
    sheet = score(RB, [fact("a", "2026-03-05", "xxqg_login", 2)], year=2026)
    base = sheet.result("a").category("base")
    assert base.periods["M03"] == D("69.0")
    # (11 × 70 + 69) / 12 = 69.9166… → 69.92
    assert base.score == D("69.92")
    login = next(i for i in base.items if i.code == "xxqg_login")
    assert any("差 2 天 × 0.5 = 扣 1.00，得 9.00" in line.text for line in login.lines)


def test_a_missing_grade_scores_zero_and_marks_incomplete() -> None:
    result = score(RB, [fact("a", "2026-03-05", "xxqg_login", 0)], year=2026).result("a")
    assert result.incomplete
    assert result.category("review").score == D("0.00")
