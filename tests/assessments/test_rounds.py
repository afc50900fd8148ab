"""Each organization rulebook end to end through the services and the engine, with numbers
worked by hand from the seed texts (RULEBOOKS.md §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.assessments.models import Round, Sheet, SheetReopen
from jifen.assessments.results import round_outcome, two_year_rows, year_outcome
from jifen.assessments.services import (
    ItemInput,
    may_fill,
    round_open,
    sheet_get,
    sheet_reopen,
    sheet_save,
)
from jifen.audit.models import AuditEvent
from jifen.core.appendonly import AppendOnlyError
from tests.assessments.helpers import full_inputs, submit

pytestmark = pytest.mark.django_db
D = Decimal


def _open(
    tree: SimpleNamespace, admin: User, rulebook: str, period: str, *orgs, year=2026
) -> Round:
    return round_open(
        owner=tree.c,
        year=year,
        period=period,
        rulebook=rulebook,
        organizations=list(orgs),
        self_deadline=dt.date(year, 6, 20),
        committee_deadline=dt.date(year, 7, 10),
        actor=admin,
    )


def test_it_scores_seed000_branches_and_rolls_them_up_into_the_general_branch(
    tree, committee_admin, general_admin, secretary
):
    h1 = _open(tree, committee_admin, "seed000-general", "H1", tree.g, tree.b1, tree.b2)
    # B1: every item full (100) and 5 for the special project (bonus): 105.
    submit(h1, tree.b1, "committee", committee_admin, special_project="5")
    # B2: 理论学习 0 of 10, 风险排查 10 of 20: 80.
    submit(h1, tree.b2, "committee", committee_admin, theory_study="0", ideology_risk="10")
    # G: 好 5 + 较好 3 + 一般 1 + 没执行 0 = 9; branches 0.8 × (105 + 80) / 2 = 74; total 83.
    submit(
        h1,
        tree.g,
        "committee",
        committee_admin,
        dual_leader="较好",
        staffing="一般",
        funding="没执行",
    )
    # The self sheet is shown beside, never counted (no weights in seed000).
    submit(h1, tree.b1, "self", secretary, political_lead="0")

    outcome = round_outcome(h1)
    b1, b2, g = (outcome.result(code) for code in ("B1", "B2", "G"))
    assert b1 is not None
    assert b2 is not None
    assert g is not None
    assert (b1.total, b1.index, b1.stars, b1.rank) == (D("105.00"), D("100.00"), 5, 1)
    assert b1.self_total == D("97.00")
    assert (b2.total, b2.stars, b2.rank) == (D("80.00"), 4, 2)
    assert g.total == D("83.00")
    assert g.stars == 4
    assert not g.incomplete
    assert g.category("branches").score == D("74.00")
    texts = [line.text for _, _, _, line in g.explanations()]
    assert any("B1 105.00、B2 80.00" in t and "× 0.8 = 74.00" in t for t in texts)

    # The second half: B1 100, B2 90, G all 好 20 + 0.8 × 95 = 96.
    h2 = _open(tree, committee_admin, "seed000-general", "H2", tree.g, tree.b1, tree.b2)
    submit(h2, tree.b1, "committee", committee_admin)
    submit(h2, tree.b2, "committee", committee_admin, ideology_risk="10")
    submit(h2, tree.g, "committee", committee_admin)
    assert round_outcome(h2).result("G").total == D("96.00")  # type: ignore[union-attr]

    year = year_outcome(tree.c, 2026, "seed000-general")
    b1y, b2y, gy = (year.result(code) for code in ("B1", "B2", "G"))
    assert b1y is not None
    assert b2y is not None
    assert gy is not None
    assert (b1y.total, b1y.index, b1y.stars) == (D("102.50"), D("100.00"), 5)
    assert (b2y.total, b2y.stars) == (D("85.00"), 4)
    assert (gy.total, gy.stars, gy.rounds) == (D("89.50"), 4, {"H1": D("83.00"), "H2": D("96.00")})


def test_a_missing_item_marks_the_result_incomplete(tree, committee_admin):
    h1 = _open(tree, committee_admin, "seed000-branch", "H1", tree.b1)
    submit(h1, tree.b1, "committee", committee_admin, venue="")
    result = round_outcome(h1).result("B1")
    assert result is not None
    assert result.incomplete
    assert result.total == D("97.00")


def test_a_draft_counts_for_nothing(tree, committee_admin):
    h1 = _open(tree, committee_admin, "seed000-branch", "H1", tree.b1)
    sheet = sheet_get(
        assessment_round=h1, organization=tree.b1, source="committee", collection="H1"
    )
    sheet_save(sheet=sheet, inputs=full_inputs(h1, tree.b1), actor=committee_admin)
    result = round_outcome(h1).result("B1")
    assert result is not None
    assert result.total == D("0.00")
    assert result.incomplete


def test_it_weighs_seed002_self_30_committee_70_with_the_june_and_december_self_sheets_averaged(
    tree, committee_admin, secretary
):
    year = _open(tree, committee_admin, "seed002", "Y", tree.b1)
    submit(year, tree.b1, "self", secretary, collection="H1")  # 100
    submit(year, tree.b1, "self", secretary, collection="H2", cohesion="0")  # 97.5
    # committee: 三会一课 2 of 4, 品行 1.5 of 3.75: 100 − 2 − 2.25 = 95.75
    submit(year, tree.b1, "committee", committee_admin, three_one="2", conduct="1.5")
    result = round_outcome(year).result("B1")
    assert result is not None
    # 0.3 × (100 + 97.5) / 2 + 0.7 × 95.75 = 29.625 + 67.025 = 96.65
    assert result.total == D("96.65")
    assert result.self_total == D("98.75")
    assert result.committee_total == D("95.75")
    assert result.stars is None
    assert result.rank == 1

    earlier = _open(tree, committee_admin, "seed002", "Y", tree.b1, year=2025)
    submit(earlier, tree.b1, "self", secretary, collection="H1")
    submit(earlier, tree.b1, "self", secretary, collection="H2")
    submit(earlier, tree.b1, "committee", committee_admin)
    [row] = two_year_rows(tree.c, 2026, "seed002")
    # (100 + 96.65) / 2 = 98.325 → 98.33
    assert (row.first, row.second, row.mean, row.incomplete) == (
        D("100.00"),
        D("96.65"),
        D("98.33"),
        False,
    )


def test_it_deducts_seed004_items_with_reasons_and_shows_the_self_sheet_beside(
    tree, committee_admin, general_admin
):
    year = _open(tree, committee_admin, "seed004", "Y", tree.g)
    submit(year, tree.g, "self", general_admin)
    submit(
        year,
        tree.g,
        "committee",
        committee_admin,
        first_class_committee="10",
        first_class_branch="10",
        own_system="2",
        ledger_complete=[("2", "缺少三月支委会记录"), ("1", "台账未编目录")],
        dues_day=[("1.5", "党费日未按月开展"), ("1.5", "党费日记录不全")],
    )
    result = round_outcome(year).result("G")
    assert result is not None
    # 100 − 3 (台账) − 2 (党费日 5 − 3 floors at 0, losing its 2) = 95
    assert result.total == D("95.00")
    assert result.committee_total == D("95.00")
    assert result.self_total == D("100.00")
    texts = [line.text for _, _, _, line in result.explanations()]
    assert any("扣 2.00（缺少三月支委会记录）" in t and "得 2.00" in t for t in texts)
    assert any("（不低于 0）" in t for t in texts)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"political_lead": ItemInput(score="3.5")}, "「政治引领」的分数应在 0 到 3.00 之间"),
        ({"political_lead": ItemInput(score="1.3")}, "以 0.5 为单位，实际是 1.3"),
        ({"political_lead": ItemInput(score="三")}, "「政治引领」的分数应为数字"),
    ],
)
def test_it_refuses_bad_scores_naming_the_item(tree, committee_admin, given, message):
    h1 = _open(tree, committee_admin, "seed000-branch", "H1", tree.b1)
    sheet = sheet_get(
        assessment_round=h1, organization=tree.b1, source="committee", collection="H1"
    )
    with pytest.raises(ValidationError) as error:
        sheet_save(sheet=sheet, inputs=given, actor=committee_admin)
    assert any(message in m for m in error.value.messages)
    assert not sheet.values.exists()


def test_it_refuses_an_unknown_grade_and_a_deduction_without_reason(tree, committee_admin):
    g_round = _open(tree, committee_admin, "seed000-general", "H1", tree.g)
    sheet = sheet_get(
        assessment_round=g_round, organization=tree.g, source="committee", collection="H1"
    )
    with pytest.raises(ValidationError) as error:
        sheet_save(sheet=sheet, inputs={"funding": ItemInput(grade="很好")}, actor=committee_admin)
    assert "等次应为好、较好、一般、没执行之一" in error.value.messages[0]
    y = _open(tree, committee_admin, "seed004", "Y", tree.b3)
    sheet = sheet_get(assessment_round=y, organization=tree.b3, source="committee", collection="Y")
    with pytest.raises(ValidationError) as error:
        sheet_save(
            sheet=sheet,
            inputs={"dues_day": ItemInput(deductions=[("1", "")])},
            actor=committee_admin,
        )
    assert error.value.messages == ["「党费日制度落实不到位」扣 1 分，必须写明扣分原因"]


def test_a_submitted_sheet_is_locked_until_the_committee_reopens_it(
    tree, committee_admin, secretary
):
    h1 = _open(tree, committee_admin, "seed000-branch", "H1", tree.b1)
    sheet = submit(h1, tree.b1, "self", secretary)
    assert sheet.locked
    with pytest.raises(ValidationError, match="已提交并锁定"):
        sheet_save(sheet=sheet, inputs={}, actor=secretary)
    with pytest.raises(ValidationError, match="只有党委考核人"):
        sheet_reopen(sheet=sheet, reason="自评偏高", actor=secretary)
    record = sheet_reopen(sheet=sheet, reason="材料不全，请补充", actor=committee_admin)
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.DRAFT
    assert AuditEvent.objects.filter(action="assessment.sheet_reopen").count() == 1
    with pytest.raises(AppendOnlyError):
        record.save()
    assert SheetReopen.objects.get().reason == "材料不全，请补充"
    sheet_save(sheet=sheet, inputs=full_inputs(h1, tree.b1), submit=True, actor=secretary)
    assert round_outcome(h1).result("B1").self_total == D("100.00")  # type: ignore[union-attr]


def test_who_fills_which_sheet(tree, committee_admin, general_admin, secretary):
    h1 = _open(tree, committee_admin, "seed000-general", "H1", tree.g, tree.b1)
    b1_self = sheet_get(assessment_round=h1, organization=tree.b1, source="self", collection="H1")
    g_self = sheet_get(assessment_round=h1, organization=tree.g, source="self", collection="H1")
    b1_comm = sheet_get(
        assessment_round=h1, organization=tree.b1, source="committee", collection="H1"
    )
    assert may_fill(secretary, b1_self)
    assert not may_fill(secretary, b1_comm)
    # The general branch's admin fills the general branch's own sheet, not its branches'.
    assert may_fill(general_admin, g_self)
    assert not may_fill(general_admin, b1_self)
    assert may_fill(committee_admin, b1_comm)
    assert not may_fill(committee_admin, b1_self)
    with pytest.raises(ValidationError, match="不能填写"):
        sheet_save(sheet=b1_self, inputs={}, actor=general_admin)


def test_a_round_must_fit_its_rulebook(tree, committee_admin):
    with pytest.raises(ValidationError, match="每半年考核一轮"):
        _open(tree, committee_admin, "seed000-branch", "Y", tree.b1)
    with pytest.raises(ValidationError, match="党员积分办法"):
        _open(tree, committee_admin, "seed003", "Y", tree.b1)
    with pytest.raises(ValidationError, match="不在本组织范围内"):
        _open(tree, committee_admin, "seed004", "Y", tree.xb)
