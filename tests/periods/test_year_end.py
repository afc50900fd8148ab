"""The year end with seed 003 六(三): the year-end sheet, the secretary's signature, the report
to the level above, its approval or return, the year-end notice and its objections.

Golden case, worked by hand from seed 003's text (次年年初由支部委员会对每名党员的基础分及特色分
…再次进行审核，并结合评议分，按照评分细则评定党员年度综合得分):
- 赵磊 misses one 主题党日 in February (扣 5：that month 65, the other eleven 70). 基础分 is the
  mean of the months: (11 × 70 + 65) / 12 = 69.583… → 69.58. 特色分: 志愿服务 2 + 3 = 5 (cap 5) and
  支部自选 4 → 9. 民主评议 优秀 → 10. 年度综合得分 69.58 + 9 + 10 = 88.58.
- 钱芳 has no deduction: 基础分 70, 特色分 0, 民主评议 合格 → 7; 77.00.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry, Origin, Seal
from jifen.ledger.services import entry_correct
from jifen.orgs.models import Membership, Person
from jifen.orgs.services import exemption_create
from jifen.periods.models import Notice, Signature
from jifen.periods.services import objection_file
from jifen.periods.year_end import (
    year_end_decide,
    year_end_notice_open,
    year_end_sign,
    year_end_submit,
)
from jifen.periods.year_end_models import YearEndStep
from jifen.periods.year_end_sheet import YEAR_END, year_sheet
from jifen.periods.year_end_state import YearStatus, year_end_reports, year_end_state

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date
AFTER = D(2027, 1, 6)  # a Wednesday after the year's end


def golden(branch: SimpleNamespace, *, grades: bool = True) -> None:
    add(branch, branch.zhao, D(2026, 2, 10), "party_day", "absent")
    add(branch, branch.zhao, D(2026, 3, 5), "volunteer", 2)
    add(branch, branch.zhao, D(2026, 8, 5), "volunteer", 3)
    add(branch, branch.zhao, D(2026, 9, 1), "branch_choice", 4)
    if grades:
        add(branch, branch.zhao, D(2026, 12, 20), "democratic_review", "优秀")
        add(branch, branch.qian, D(2026, 12, 20), "democratic_review", "合格")


def signed_and_approved(branch: SimpleNamespace) -> Signature:
    golden(branch)
    signature = year_end_sign(
        organization=branch.org, year=2026, actor=branch.secretary, today=AFTER
    )
    year_end_submit(signature=signature, actor=branch.secretary)
    year_end_decide(signature=signature, approve=True, reason="", actor=branch.general_admin)
    return signature


def test_the_year_end_sheet_is_the_golden_case(branch: SimpleNamespace) -> None:
    golden(branch)
    sheet = year_sheet(branch.org, 2026)
    assert sheet is not None
    assert (sheet.start, sheet.end) == (D(2026, 1, 1), D(2026, 12, 31))
    assert [title for _, title in sheet.columns] == ["基础分", "特色分", "评议分", "评议等次"]
    rows = {row.person.name: (row.cells, row.canonical["total"]) for row in sheet.rows}
    assert rows["赵磊"] == (["69.58", "9.00", "10.00", "优秀"], "88.58")
    assert rows["钱芳"] == (["70.00", "0.00", "7.00", "合格"], "77.00")
    assert sheet.missing_grades == []


def test_signing_waits_for_the_year_end_and_the_grades(branch: SimpleNamespace) -> None:
    golden(branch, grades=False)
    with pytest.raises(ValidationError, match="年度结束后才能签名"):
        year_end_sign(
            organization=branch.org, year=2026, actor=branch.secretary, today=D(2026, 12, 31)
        )
    with pytest.raises(ValidationError, match=r"尚未评定民主评议等次.*赵磊"):
        year_end_sign(organization=branch.org, year=2026, actor=branch.secretary, today=AFTER)
    assert not Signature.objects.filter(quarter=YEAR_END).exists()


def test_a_member_exempt_all_year_needs_no_grade(branch: SimpleNamespace) -> None:
    # 孙强 is 不列入管理 for the whole of 2026 but has a fact dated in it: on the sheet, yet
    # the engine asks no review grade of him, so he does not hold the signature up.
    golden(branch)
    sun = Person.objects.create(
        name="孙强", gender="M", id_number="110101199001011237", category="full"
    )
    Membership.objects.create(
        person=sun,
        organization=branch.org,
        start=D(2020, 1, 1),
        start_reason=Membership.StartReason.JOIN,
    )
    exemption_create(
        person=sun,
        start=D(2026, 1, 1),
        end=D(2027, 1, 1),
        reason="长期病休",
        committee_decided_on=D(2025, 12, 20),
        general_meeting_on=D(2025, 12, 25),
        filed_on=D(2025, 12, 28),
    )
    add(branch, sun, D(2026, 5, 5), "volunteer", 1)
    sheet = year_sheet(branch.org, 2026)
    assert sheet is not None
    assert "孙强" in [row.person.name for row in sheet.rows]
    assert sheet.missing_grades == []
    year_end_sign(organization=branch.org, year=2026, actor=branch.secretary, today=AFTER)


def test_sign_submit_approve_notice_object(branch: SimpleNamespace) -> None:
    golden(branch)
    assert year_end_state(branch.org, 2026).status == YearStatus.NOT_STARTED
    signature = year_end_sign(
        organization=branch.org, year=2026, actor=branch.secretary, today=AFTER
    )
    # Which figures: the sheet itself and its SHA-256; the whole year is sealed.
    assert signature.quarter == YEAR_END
    assert {m["name"]: m["total"] for m in signature.sheet["members"]} == {
        "赵磊": "88.58",
        "钱芳": "77.00",
    }
    seal = Seal.objects.get(pk=signature.seal_id)
    assert (seal.start, seal.end) == (D(2026, 1, 1), D(2026, 12, 31))
    with pytest.raises(ValidationError, match="不需要重新签名"):
        year_end_sign(organization=branch.org, year=2026, actor=branch.secretary, today=AFTER)
    # Not before it is reported and approved.
    with pytest.raises(ValidationError, match="审核通过后才能公示"):
        year_end_notice_open(signature=signature, actor=branch.secretary, today=AFTER)
    with pytest.raises(ValidationError, match="没有待审核的上报"):
        year_end_decide(signature=signature, approve=True, reason="", actor=branch.general_admin)
    step = year_end_submit(signature=signature, actor=branch.secretary)
    assert year_end_state(branch.org, 2026).status == YearStatus.SUBMITTED
    # The branch cannot approve itself: only the level above.
    with pytest.raises(ValidationError, match="只有上级党组织"):
        year_end_decide(signature=signature, approve=True, reason="", actor=branch.secretary)
    approval = year_end_decide(
        signature=signature, approve=True, reason="同意", actor=branch.general_admin
    )
    assert (approval.kind, approval.by, approval.sheet_hash) == (
        YearEndStep.Kind.APPROVE,
        branch.general_admin,
        signature.sheet_hash,
    )
    assert step.sheet_hash == signature.sheet_hash
    notice = year_end_notice_open(signature=signature, actor=branch.secretary, today=AFTER)
    # Five working days from Wednesday 6 January 2027: to Tuesday the 12th.
    assert (notice.starts, notice.ends, notice.working_days) == (AFTER, D(2027, 1, 12), 5)
    assert year_end_state(branch.org, 2026).status == YearStatus.PUBLICIZED
    with pytest.raises(ValidationError, match="已经公示过了"):
        year_end_notice_open(signature=signature, actor=branch.secretary, today=AFTER)
    objection = objection_file(
        notice=notice,
        actor=branch.member,
        text="特色分漏记一次志愿服务",
        today=AFTER,
        person=branch.zhao,
    )
    assert objection.notice.signature.quarter == YEAR_END
    with pytest.raises(ValidationError, match="已于"):
        objection_file(notice=notice, actor=branch.member, text="晚了", today=D(2027, 1, 13))
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "period.year_sign",
        "period.year_submit",
        "period.year_approve",
        "period.notice_open",
        "period.object",
    } <= actions


def test_a_return_reopens_the_year_end_for_the_branch(branch: SimpleNamespace) -> None:
    golden(branch)
    signature = year_end_sign(
        organization=branch.org, year=2026, actor=branch.secretary, today=AFTER
    )
    year_end_submit(signature=signature, actor=branch.secretary)
    with pytest.raises(ValidationError, match="退回必须写明原因"):
        year_end_decide(signature=signature, approve=False, reason=" ", actor=branch.general_admin)
    year_end_decide(
        signature=signature, approve=False, reason="特色分请附审批材料", actor=branch.general_admin
    )
    state = year_end_state(branch.org, 2026)
    assert state.status == YearStatus.RETURNED
    assert state.last_step is not None
    assert state.last_step.reason == "特色分请附审批材料"
    with pytest.raises(ValidationError, match="审核通过后才能公示"):
        year_end_notice_open(signature=signature, actor=branch.secretary, today=AFTER)
    # The branch may report the same figures again, or correct and sign again.
    year_end_submit(signature=signature, actor=branch.secretary, note="已补材料")
    assert year_end_state(branch.org, 2026).status == YearStatus.SUBMITTED


def test_a_correction_after_signing_reopens_it(branch: SimpleNamespace) -> None:
    golden(branch)
    signature = year_end_sign(
        organization=branch.org, year=2026, actor=branch.secretary, today=AFTER
    )
    year_end_submit(signature=signature, actor=branch.secretary)
    # The year is sealed: only a correction with a reason enters it (and reopens the year end).
    with pytest.raises(ValidationError, match="以更正方式录入"):
        add(branch, branch.qian, D(2026, 10, 1), "branch_choice", 2)
    add(
        branch,
        branch.qian,
        D(2026, 10, 1),
        "branch_choice",
        2,
        origin=Origin.CORRECTION,
        reason="支委会复核：漏记信息撰稿 2 分",
    )
    sheet = year_sheet(branch.org, 2026)
    assert sheet is not None
    assert year_end_state(branch.org, 2026, sheet.sheet_hash).status == YearStatus.REOPENED
    with pytest.raises(ValidationError, match="已重开"):
        year_end_decide(signature=signature, approve=True, reason="", actor=branch.general_admin)
    again = year_end_sign(organization=branch.org, year=2026, actor=branch.secretary, today=AFTER)
    assert {m["name"]: m["total"] for m in again.sheet["members"]}["钱芳"] == "79.00"
    assert year_end_state(branch.org, 2026, sheet.sheet_hash).status == YearStatus.SIGNED


def test_the_level_above_sees_each_organizations_status(branch: SimpleNamespace) -> None:
    signed_and_approved(branch)
    rows = {row.organization.code: row for row in year_end_reports(branch.tree.c, 2026)}
    assert set(rows) == {"G", "B1", "B2", "B3"}
    assert rows["B1"].status == YearStatus.APPROVED
    assert rows["B1"].step is not None
    assert rows["B1"].step.by == branch.general_admin
    assert rows["B2"].status == YearStatus.NOT_STARTED
    assert [r.organization.code for r in year_end_reports(branch.tree.g, 2026)] == ["B1", "B2"]
    assert not rows["B1"].changed_since
    # A fact dated in the next year is no concern of the signed one …
    add(branch, branch.qian, D(2027, 1, 5), "party_day", "present")
    rows = {row.organization.code: row for row in year_end_reports(branch.tree.c, 2026)}
    assert not rows["B1"].changed_since
    # … a correction dated in the signed year, after the signature, is: the level above is told.
    add(
        branch,
        branch.qian,
        D(2026, 10, 1),
        "branch_choice",
        2,
        origin=Origin.CORRECTION,
        reason="支委会复核：漏记信息撰稿 2 分",
    )
    rows = {row.organization.code: row for row in year_end_reports(branch.tree.c, 2026)}
    assert rows["B1"].changed_since
    assert not rows["B2"].changed_since


def test_the_year_end_records_cannot_change(branch: SimpleNamespace) -> None:
    signature = signed_and_approved(branch)
    step = YearEndStep.objects.filter(signature=signature).first()
    assert step is not None
    step.reason = "改"
    with pytest.raises(Exception, match="不能修改"):
        step.save()
    assert Notice.objects.count() == 0


def test_a_corrected_grade_shows_the_grade_that_counts(branch: SimpleNamespace) -> None:
    golden(branch)
    graded = Entry.objects.get(person=branch.qian, item="democratic_review")
    entry_correct(entry=graded, value="基本合格", reason="支委会复议", recorded_by=None)
    sheet = year_sheet(branch.org, 2026)
    assert sheet is not None
    qian = next(row for row in sheet.rows if row.person.pk == branch.qian.pk)
    # 基本合格 is 5 points: 70 + 0 + 5 = 75.
    assert (qian.cells, qian.canonical["total"]) == (["70.00", "0.00", "5.00", "基本合格"], "75.00")
