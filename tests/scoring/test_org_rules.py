"""Organization rulebooks (RULEBOOKS.md §4): score, graded, deduct, rollup, rounds, sources."""

from __future__ import annotations

import pytest

from jifen.scoring import FactsError, Subject, load_rulebook, load_rulebook_text, score
from tests.scoring.helpers import D, fact

SHEET = """
id: test-sheet
kind: organization
rounds: half
combine_rounds: {combine}
index: {{cap: 20}}
stars:
  levels:
    5: {{min: 18}}
  else: 1
categories:
  work:
    max: 15
    items:
      done: {{rule: score, max: 5}}
      kept: {{rule: graded, grades: {{好: 5, 较好: 3, 一般: 1, 没执行: 0}}}}
      papers: {{rule: deduct, max: 5}}
  extra:
    bonus: true
    max: 6
    items:
      project: {{rule: score, max: 5}}
      task: {{rule: score, max: 5}}
"""


def _rb(combine: str = "mean"):  # type: ignore[no-untyped-def]
    return load_rulebook_text(SHEET.format(combine=combine))


def _full(subject: str, day: str) -> list:
    return [fact(subject, day, "done", 5), fact(subject, day, "kept", "好")]


def test_a_full_sheet_and_missing_bonus_items_are_complete() -> None:
    result = score(_rb(), _full("o", "2026-03-01") + _full("o", "2026-09-01"), year=2026).result(
        "o"
    )
    assert result.total == D(15)
    assert result.rounds == {"H1": D(15), "H2": D(15)}
    assert not result.incomplete


def test_a_score_item_without_a_fact_is_zero_and_incomplete() -> None:
    result = score(_rb(), [fact("o", "2026-03-01", "done", 4)], year=2026).result("o")
    assert result.incomplete
    assert result.rounds["H1"] == D(9)  # done 4 + kept 0 + papers 5


@pytest.mark.parametrize("value", ["5.5", "-0.5", "2.3"])
def test_a_score_out_of_range_or_off_step_is_refused(value: str) -> None:
    with pytest.raises(FactsError) as caught:
        score(_rb(), [fact("o", "2026-03-01", "done", value, fid="r2")], year=2026)
    assert caught.value.issues[0].fact == "r2"
    assert "0 到 5.00" in caught.value.issues[0].message


def test_deduct_starts_at_max_and_each_fact_deducts_with_its_reason() -> None:
    facts = [
        *_full("o", "2026-03-01"),
        fact("o", "2026-03-01", "papers", 1.5, note="会议记录不全"),
        fact("o", "2026-03-02", "papers", 1, note="缺少台账"),
    ]
    result = score(_rb(), facts, year=2026).result("o")
    assert result.rounds["H1"] == D("12.5")
    papers = next(
        i for i in result.category("work").items if i.code == "papers" and i.source == "committee"
    )
    text = " ".join(line.text for line in papers.lines)
    assert "会议记录不全" in text
    assert "缺少台账" in text


def test_deduct_floors_at_zero() -> None:
    facts = [*_full("o", "2026-03-01"), fact("o", "2026-03-01", "papers", 9)]
    assert score(_rb(), facts, year=2026).result("o").rounds["H1"] == D(10)


def test_a_bonus_category_adds_on_top_up_to_its_own_max() -> None:
    facts = [
        *_full("o", "2026-03-01"),
        fact("o", "2026-03-01", "project", 5),
        fact("o", "2026-03-01", "task", 4),
    ]
    result = score(_rb(), facts, year=2026).result("o")
    assert result.rounds["H1"] == D(21)
    assert result.total == D(13)  # mean(H1 21, H2 papers 5 with nothing else scored)


@pytest.mark.parametrize(
    ("combine", "total"), [("mean", "12.50"), ("sum", "25.00"), ("last", "10.00")]
)
def test_rounds_combine(combine: str, total: str) -> None:
    facts = [*_full("o", "2026-03-01"), fact("o", "2026-09-01", "done", 5)]  # H1 15, H2 5 + 0 + 5
    result = score(_rb(combine), facts, year=2026).result("o")
    assert result.total == D(total)


def test_the_index_caps_the_total_and_stars_rate_the_index() -> None:
    facts = [*_full("o", "2026-03-01"), fact("o", "2026-03-01", "project", 5)]
    facts += [
        *_full("o", "2026-09-01"),
        fact("o", "2026-09-01", "project", 5),
        fact("o", "2026-09-01", "task", 5),
    ]
    result = score(_rb("sum"), facts, year=2026).result("o")
    assert result.total == D(41)
    assert result.index == D(20)
    assert result.stars == 5


def test_organizations_are_ranked_within_their_parent() -> None:
    subjects = [Subject("a", parent="p"), Subject("b", parent="p"), Subject("c", parent="q")]
    facts = [
        fact("a", "2026-03-01", "done", 1),
        fact("b", "2026-03-01", "done", 2),
        fact("c", "2026-03-01", "done", 0),
    ]
    sheet = score(_rb(), facts, year=2026, subjects=subjects)
    assert [sheet.result(s).rank for s in "abc"] == [2, 1, 1]


def test_seed002_weights_self_per_half_mean_and_committee() -> None:
    rb = load_rulebook("seed002")
    codes = [item.code for category in rb.categories for item in category.items]
    full = {item.code: item.ceiling for category in rb.categories for item in category.items}
    facts = [fact("s", "2026-12-20", code, full[code]) for code in codes]  # committee: 100
    facts += [
        fact("s", "2026-06-20", code, full[code], source="self") for code in codes
    ]  # self H1: 100
    facts += [
        fact("s", "2026-12-10", code, full[code] - (1 if code == "committee" else 0), source="self")
        for code in codes
    ]  # self H2: 99
    result = score(rb, facts, year=2026).result("s")
    assert result.self_total == D("99.50")
    assert result.committee_total == D("100.00")
    # team: 0.3 × 15.5 + 0.7 × 16 = 15.85
    assert result.category("team").score == D("15.85")
    assert result.total == D("99.85")
    assert result.rounds == {"Y": D("99.85")}
    assert not result.incomplete


def test_seed002_a_missing_self_sheet_makes_the_result_incomplete() -> None:
    rb = load_rulebook("seed002")
    facts = [
        fact("s", "2026-12-20", item.code, item.ceiling) for c in rb.categories for item in c.items
    ]
    result = score(rb, facts, year=2026).result("s")
    assert result.incomplete
    assert result.total == D(70)


def test_seed004_self_is_shown_but_the_committee_counts() -> None:
    rb = load_rulebook("seed004")
    facts = [
        fact("c", "2026-12-01", "own_system", 2),
        fact("c", "2026-12-01", "first_class_committee", 8),
        fact("c", "2026-12-01", "first_class_branch", 9),
        fact("c", "2026-12-01", "ledger_complete", 2, note="台账缺 3 月"),
        fact("c", "2026-11-01", "first_class_committee", 10, source="self"),
    ]
    result = score(rb, facts, year=2026).result("c")
    assert result.total == D("95.00")  # rectify 23 + tasks 50 + first_class 17 + daily 5
    assert result.committee_total == D("95.00")
    assert result.incomplete is False


def test_seed000_general_rolls_up_its_branches_per_round() -> None:
    general = load_rulebook("seed000-general")
    branch = general.children["seed000-branch"]
    full = [(item.code, item.ceiling) for c in branch.categories if not c.bonus for item in c.items]
    facts = []
    for day in ("2026-06-25", "2026-12-25"):
        facts += [fact("b1", day, code, value) for code, value in full]
        facts += [
            fact("b2", day, code, value if code != "ideology_risk" else 10) for code, value in full
        ]
        facts += [
            fact("g", day, code, "好")
            for code in ("meeting_system", "dual_leader", "staffing", "funding")
        ]
    subjects = [Subject("g"), Subject("b1", parent="g"), Subject("b2", parent="g")]
    sheet = score(general, facts, year=2026, subjects=subjects)
    assert sheet.result("b1").total == D(100)
    assert sheet.result("b2").total == D(90)
    assert sheet.result("b1").rulebook == "seed000-branch"
    g = sheet.result("g")
    assert g.rounds == {"H1": D(96), "H2": D(96)}  # 20 + 0.8 × 95
    assert g.total == D(96)
    assert g.stars == 5
    assert sheet.result("b1").rank == 1
    assert sheet.result("b2").rank == 2


def test_a_rollup_cannot_be_recorded_directly() -> None:
    with pytest.raises(FactsError, match="自动汇总"):
        score(
            load_rulebook("seed000-general"),
            [fact("g", "2026-03-01", "branch_average", 70)],
            year=2026,
        )
