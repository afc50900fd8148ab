"""Public notice and objections: inside the window only, investigated, upheld into corrections,
escalated once to the general branch whose finding is final."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry, Origin
from jifen.periods.models import Finding, Level, Notice, Signature
from jifen.periods.selectors import Status, objection_state, status_of
from jifen.periods.services import (
    Fix,
    escalation_file,
    finding_record,
    notice_open,
    objection_file,
    period_sign,
)
from jifen.periods.sheet import quarter_sheet

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date


def _sign_and_publish(branch: SimpleNamespace, today: dt.date) -> Notice:
    signature = period_sign(
        organization=branch.org, year=2026, quarter=3, actor=branch.secretary, today=today
    )
    return notice_open(signature=signature, actor=branch.secretary, today=today)


@pytest.fixture
def notice(branch: SimpleNamespace) -> Notice:
    branch.absent = add(branch, branch.zhao, D(2026, 8, 12), "party_day", "absent")
    return _sign_and_publish(branch, D(2026, 10, 1))


def test_the_notice_runs_five_working_days_across_national_day(notice: Notice) -> None:
    # Opened on 10/1 (holiday): 10/8, 10/9, 10/10 (Sat workday), 10/12, 10/13.
    assert (notice.opened_on, notice.starts, notice.ends) == (
        D(2026, 10, 1),
        D(2026, 10, 8),
        D(2026, 10, 13),
    )
    assert notice.working_days == 5
    assert notice.holidays_known


def test_a_signature_is_publicized_once_and_only_while_it_stands(
    branch: SimpleNamespace, notice: Notice
) -> None:
    with pytest.raises(ValidationError, match="已经公示过"):
        notice_open(signature=notice.signature, actor=branch.secretary, today=D(2026, 10, 8))


def test_objections_inside_the_window_and_refused_after_it(
    branch: SimpleNamespace, notice: Notice
) -> None:
    objection = objection_file(
        notice=notice,
        actor=branch.member,
        person=branch.zhao,
        text="8月12日主题党日我请过假",
        today=D(2026, 10, 13),
    )
    assert objection.filed_role == "member"
    observed = objection_file(
        notice=notice, actor=branch.observer, text="名单中钱芳的分数偏高", today=D(2026, 10, 9)
    )
    assert observed.filed_role == "observer"
    with pytest.raises(
        ValidationError, match="公示期为 2026年10月8日 至 2026年10月13日，已于 2026年10月13日 结束"
    ):
        objection_file(notice=notice, actor=branch.member, text="晚了", today=D(2026, 10, 14))
    with pytest.raises(ValidationError, match="党员或群众代表"):
        objection_file(notice=notice, actor=branch.secretary, text="x", today=D(2026, 10, 9))
    assert AuditEvent.objects.filter(action="period.object").count() == 2


def test_an_upheld_objection_corrects_the_ledger_and_needs_a_new_signature_and_notice(
    branch: SimpleNamespace, notice: Notice
) -> None:
    objection = objection_file(
        notice=notice,
        actor=branch.member,
        person=branch.zhao,
        text="我请过假",
        today=D(2026, 10, 9),
    )
    with pytest.raises(ValidationError, match="至少一项更正"):
        finding_record(
            objection=objection,
            level=Level.BRANCH,
            outcome="upheld",
            text="属实",
            actor=branch.committee,
        )
    finding = finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="upheld",
        text="查签到表，已请假",
        actor=branch.committee,
        fixes=[Fix(entry=branch.absent, value="excused")],
    )
    (correction,) = Entry.objects.filter(pk__in=finding.corrections)
    assert correction.corrects == branch.absent
    assert correction.origin == Origin.CORRECTION
    assert f"异议 #{objection.pk}" in correction.reason
    sheet = quarter_sheet(branch.org, 2026, 3)
    assert sheet is not None
    assert status_of(sheet, notice.signature) == Status.REOPENED
    with pytest.raises(ValidationError, match="重新签名"):
        notice_open(signature=notice.signature, actor=branch.secretary, today=D(2026, 10, 14))
    again = _sign_and_publish(branch, D(2026, 10, 14))
    assert Signature.objects.count() == 2
    assert again.signature.sheet_hash == sheet.sheet_hash
    zhao = next(m for m in again.signature.sheet["members"] if m["person"] == branch.zhao.pk)
    assert zhao["total"] == "70.00"  # no absence any more: 70 in each month
    assert (again.starts, again.ends) == (D(2026, 10, 14), D(2026, 10, 20))


def test_a_missing_fact_is_added_as_a_correction_with_the_objection_as_reason(
    branch: SimpleNamespace, notice: Notice
) -> None:
    objection = objection_file(
        notice=notice,
        actor=branch.observer,
        person=branch.qian,
        text="钱芳7月志愿服务漏记",
        today=D(2026, 10, 9),
    )
    finding = finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="upheld",
        text="有照片为证",
        actor=branch.committee,
        fixes=[Fix(item="volunteer", date=D(2026, 7, 18), value="2")],
    )
    (added,) = Entry.objects.filter(pk__in=finding.corrections)
    assert (added.person, added.item, added.value) == (branch.qian, "volunteer", "2")
    assert "有照片为证" in added.reason
    with pytest.raises(ValidationError, match="日期应在 2026年7月1日 至 2026年9月30日"):
        finding_record(
            objection=objection_file(
                notice=notice,
                actor=branch.observer,
                person=branch.qian,
                text="又一件",
                today=D(2026, 10, 9),
            ),
            level=Level.BRANCH,
            outcome="upheld",
            text="x",
            actor=branch.committee,
            fixes=[Fix(item="volunteer", date=D(2026, 10, 2), value="2")],
        )


def test_a_member_escalates_once_and_the_general_branch_finding_is_final(
    branch: SimpleNamespace, notice: Notice
) -> None:
    objection = objection_file(
        notice=notice,
        actor=branch.member,
        person=branch.zhao,
        text="我请过假",
        today=D(2026, 10, 9),
    )
    with pytest.raises(ValidationError, match="支委会作出结论后"):
        escalation_file(objection=objection, actor=branch.member, reason="x")
    finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="rejected",
        text="无请假记录",
        actor=branch.committee,
    )
    with pytest.raises(ValidationError, match="已对这件异议作出结论"):
        finding_record(
            objection=objection,
            level=Level.BRANCH,
            outcome="rejected",
            text="再议",
            actor=branch.committee,
        )
    with pytest.raises(ValidationError, match="没有申请专项查核"):
        finding_record(
            objection=objection,
            level=Level.GENERAL,
            outcome="rejected",
            text="x",
            actor=branch.general_admin,
        )
    with pytest.raises(ValidationError, match="提出异议的党员本人"):
        escalation_file(objection=objection, actor=branch.observer, reason="x")
    escalation_file(objection=objection, actor=branch.member, reason="请假条在支部书记处")
    with pytest.raises(ValidationError, match="只能申请一次"):
        escalation_file(objection=objection, actor=branch.member, reason="再申请")
    assert objection_state(objection).label == "已申请党总支专项查核，待查核"
    final = finding_record(
        objection=objection,
        level=Level.GENERAL,
        outcome="upheld",
        text="专项查核：请假条属实",
        actor=branch.general_admin,
        fixes=[Fix(entry=branch.absent, value="excused")],
    )
    assert objection_state(objection).final == final
    with pytest.raises(ValidationError, match="最终结论"):
        finding_record(
            objection=objection,
            level=Level.GENERAL,
            outcome="rejected",
            text="改判",
            actor=branch.general_admin,
        )
    assert Finding.objects.filter(objection=objection).count() == 2


def test_an_observer_cannot_escalate(branch: SimpleNamespace, notice: Notice) -> None:
    objection = objection_file(
        notice=notice, actor=branch.observer, text="有疑问", today=D(2026, 10, 9)
    )
    finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="rejected",
        text="核实无误",
        actor=branch.committee,
    )
    with pytest.raises(ValidationError, match="党员本人"):
        escalation_file(objection=objection, actor=branch.observer, reason="不服")
