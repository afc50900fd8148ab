"""Every number explains itself: lines carry the period, the rule, the facts and a reason."""

from __future__ import annotations

from jifen.scoring import load_rulebook, score
from tests.scoring.helpers import fact

RB = load_rulebook("seed003")


def test_an_item_line_names_its_period_rule_and_facts() -> None:
    facts = [
        fact("a", "2026-03-05", "xxqg_login", 2, fid="r2"),
        fact("a", "2026-12-20", "democratic_review", "合格"),
    ]
    result = score(RB, facts, year=2026).result("a")
    login = next(i for i in result.category("base").items if i.code == "xxqg_login")
    line = next(line for line in login.lines if line.facts)
    assert (line.period, line.rule, line.facts) == ("M03", "base.xxqg_login", ("r2",))
    assert line.text == "3月 登录学习强国: 差 2 天 × 0.5 = 扣 1.00，得 9.00"
    assert str(line.points) == "9.0"


def test_attendance_and_spread_lines() -> None:
    facts = [fact("a", "2026-02-08", "branch_meeting", "absent", fid="r3")]
    result = score(RB, facts, year=2026).result("a")
    meeting = next(i for i in result.category("base").items if i.code == "branch_meeting")
    texts = [line.text for line in meeting.lines]
    assert texts[:3] == [
        f"{m}月 支部大会(每季度一次): 2月8日 无故缺席 扣 5.00（本季度每月扣分），得 0.00"
        for m in (1, 2, 3)
    ]
    assert texts[3] == "支部大会(每季度一次): 其余 9 个月无扣分记录，每月得 5.00"


def test_category_and_total_lines() -> None:
    facts = [fact("a", "2026-04-08", "misconduct", 1, note="传播流言", fid="r9")]
    result = score(RB, facts, year=2026).result("a")
    base = result.category("base")
    april = next(line for line in base.lines if line.period == "M04")
    assert april.facts == ("r9",)
    assert "（传播流言） 10 × 1 = 扣 10.00，得 60.00" in april.text
    assert base.lines[-1].text == "基础分: 12 个月平均 = 69.17"
    total = next(line for line in result.lines if line.rule == "total")
    assert total.text == "年度积分 = 基础分 69.17 + 特色分 0.00 + 评议分 0.00 = 69.17"
    assert any("约谈提醒" in line.text for line in result.lines)


def test_organization_lines_name_the_sheet_and_reason() -> None:
    rb = load_rulebook("seed004")
    facts = [fact("c", "2026-12-01", "ledger_complete", 2, note="台账缺 3 月", fid="k1")]
    result = score(rb, facts, year=2026).result("c")
    item = next(
        i
        for i in result.category("rectify").items
        if i.code == "ledger_complete" and i.source == "committee"
    )
    assert (
        item.lines[0].text
        == "全年 考评 基层党组织工作台账不齐全: 满分 5.00，扣 2.00（台账缺 3 月），得 3.00"
    )
    assert item.lines[0].facts == ("k1",)
    missing = next(
        i for i in result.category("first_class").items if i.code == "first_class_branch"
    )
    assert "尚未打分" in missing.lines[0].text
    assert missing.incomplete


def test_explanations_walk_every_line_with_its_place() -> None:
    facts = [fact("a", "2026-03-05", "xxqg_login", 2, fid="r2")]
    result = score(RB, facts, year=2026).result("a")
    places = [(c, i) for c, i, _, line in result.explanations() if "r2" in line.facts]
    assert places == [("base", "xxqg_login")]
    assert sum(1 for _ in result.explanations()) > 20
