"""The quarter's close with seed 003: the sheet, confirmations, the signature and the seal.

Hand-worked figures (seed 003): base is 70 a month when nothing is deducted; one absence from a
主题党日 deducts 5 (that month 65); the quarter's base is the mean of its three months; 特色分
counts what was earned up to the quarter's end; 评议分 waits for the year end.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jifen.core.appendonly import AppendOnlyError
from jifen.ledger.models import LedgerHead, Origin, Seal
from jifen.ledger.services import NewFact, entries_append, entry_correct
from jifen.periods.confirmations import confirmation_record
from jifen.periods.models import Confirmation, Signature
from jifen.periods.selectors import Status, latest_confirmations, signatures_of, status_of
from jifen.periods.services import period_sign
from jifen.periods.sheet import quarter_sheet
from jifen.recording.services import Mark, activity_create, attendance_record

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date
AFTER_Q1 = D(2026, 4, 1)


def _row(sheet, person):  # type: ignore[no-untyped-def]
    return next(r for r in sheet.rows if r.person.pk == person.pk)


def test_the_quarter_sheet_is_worked_from_the_ledger(branch: SimpleNamespace) -> None:
    add(branch, branch.zhao, D(2026, 2, 10), "party_day", "absent")
    add(branch, branch.zhao, D(2026, 3, 5), "volunteer", 2)
    add(branch, branch.zhao, D(2026, 4, 5), "volunteer", 3)  # Q2: not on the Q1 sheet
    sheet = quarter_sheet(branch.org, 2026, 1)
    assert sheet is not None
    assert (sheet.quarter.start, sheet.quarter.end) == (D(2026, 1, 1), D(2026, 3, 31))
    assert sheet.quarter_columns == ["基础分", "特色分（累计）", "季度合计"]
    zhao = _row(sheet, branch.zhao)
    assert [cells[-1] for _, cells in zhao.months] == ["70.00", "65.00", "70.00"]
    # (70 + 65 + 70) / 3 = 68.33; 特色分 2; 68.33 + 2 = 70.33.
    assert zhao.quarter == ["68.33", "2.00", "70.33"]
    assert zhao.total == Decimal("70.33")
    assert _row(sheet, branch.qian).quarter == ["70.00", "0.00", "70.00"]
    assert zhao.branch == "教工第一党支部"


def test_a_member_confirms_or_disputes_with_a_reason(branch: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="写明理由"):
        confirmation_record(
            organization=branch.org,
            year=2026,
            quarter=1,
            person=branch.zhao,
            kind="dispute",
            reason=" ",
            actor=branch.member,
        )
    confirmation_record(
        organization=branch.org,
        year=2026,
        quarter=1,
        person=branch.zhao,
        kind="dispute",
        reason="2月10日主题党日我请过假",
        actor=branch.member,
    )
    confirmation_record(
        organization=branch.org,
        year=2026,
        quarter=1,
        person=branch.zhao,
        kind="confirm",
        reason="",
        actor=branch.member,
    )
    latest = latest_confirmations(branch.org, 2026, 1)
    assert latest[branch.zhao.pk].kind == Confirmation.Kind.CONFIRM
    assert Confirmation.objects.count() == 2  # the dispute stays on record
    with pytest.raises(AppendOnlyError):
        latest[branch.zhao.pk].delete()


def test_the_secretary_signs_only_after_the_quarter(branch: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="季度结束后才能签名"):
        period_sign(
            organization=branch.org,
            year=2026,
            quarter=1,
            actor=branch.secretary,
            today=D(2026, 3, 31),
        )


def test_a_signature_records_who_when_and_exactly_which_scores(branch: SimpleNamespace) -> None:
    add(branch, branch.zhao, D(2026, 2, 10), "party_day", "absent")
    sheet = quarter_sheet(branch.org, 2026, 1)
    signature = period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    head = LedgerHead.objects.get(organization=branch.org)
    assert signature.signed_by == branch.secretary
    assert signature.sheet_hash == sheet.sheet_hash  # type: ignore[union-attr]
    assert (signature.ledger_seq, signature.ledger_head) == (head.seq, head.head)
    totals = {m["name"]: m["total"] for m in signature.sheet["members"]}
    assert totals == {"赵磊": "68.33", "钱芳": "70.00"}
    seal = Seal.objects.get()
    assert (seal.organization, seal.start, seal.end) == (branch.org, D(2026, 1, 1), D(2026, 3, 31))
    with pytest.raises(ValidationError, match="不需要重新签名"):
        period_sign(
            organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
        )
    with pytest.raises(AppendOnlyError):
        signature.save()


def test_a_signed_quarter_changes_only_by_a_correction_that_reopens_it(
    branch: SimpleNamespace,
) -> None:
    absent = add(branch, branch.zhao, D(2026, 2, 10), "party_day", "absent")
    first = period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    # A new fact dated in the signed quarter is refused, with the reason in Chinese …
    with pytest.raises(ValidationError, match="已由支部书记签名确认的2026年第一季度"):
        add(branch, branch.qian, D(2026, 3, 20), "party_day", "absent")
    with pytest.raises(ValidationError, match="签名确认"):
        entries_append(
            organization=branch.org,
            facts=[NewFact(branch.qian, D(2026, 1, 15), "group_study", "absent")],
            origin=Origin.IMPORT,
            origin_ref="t",
            recorded_by=None,
            summary="t",
        )
    # … also as a correction without a reason; a later quarter is open.
    with pytest.raises(ValidationError):
        add(branch, branch.qian, D(2026, 3, 20), "party_day", "absent", origin=Origin.CORRECTION)
    add(branch, branch.qian, D(2026, 4, 2), "party_day", "absent")
    sheet = quarter_sheet(branch.org, 2026, 1)
    assert status_of(sheet, first) == Status.SIGNED  # type: ignore[arg-type]

    # The correction enters, changes the hash and reopens the quarter.
    entry_correct(
        entry=absent, value="excused", reason="经核实请过假", recorded_by=branch.secretary
    )
    sheet = quarter_sheet(branch.org, 2026, 1)
    assert sheet is not None
    assert sheet.sheet_hash != first.sheet_hash
    assert _row(sheet, branch.zhao).quarter[-1] == "70.00"
    assert status_of(sheet, first) == Status.REOPENED
    second = period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    assert second.sheet_hash == sheet.sheet_hash
    assert [s.pk for s in signatures_of(branch.org, 2026, 1)] == [first.pk, second.pk]
    assert Signature.objects.get(pk=first.pk).sheet_hash == first.sheet_hash  # kept as signed


def test_a_new_fact_with_a_reason_as_a_correction_reopens_it(branch: SimpleNamespace) -> None:
    first = period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    add(
        branch,
        branch.qian,
        D(2026, 3, 20),
        "party_day",
        "absent",
        origin=Origin.CORRECTION,
        reason="漏记：3月20日主题党日缺席",
    )
    sheet = quarter_sheet(branch.org, 2026, 1)
    assert status_of(sheet, first) == Status.REOPENED  # type: ignore[arg-type]
    assert _row(sheet, branch.qian).quarter[0] == "68.33"


def test_recording_an_activity_in_a_signed_quarter_says_why(branch: SimpleNamespace) -> None:
    period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    activity = activity_create(
        organization=branch.org, item="party_day", title="3月主题党日", date=D(2026, 3, 25)
    )
    with pytest.raises(ValidationError, match="请以更正方式录入"):
        attendance_record(activity=activity, marks={branch.zhao.pk: Mark("present")}, actor=None)


def test_names_are_shown_but_not_signed(branch: SimpleNamespace) -> None:
    before = quarter_sheet(branch.org, 2026, 1)
    branch.qian.name = "钱芳芳"
    branch.qian.save(update_fields=["name"])
    after = quarter_sheet(branch.org, 2026, 1)
    assert after is not None
    assert before is not None
    assert after.sheet_hash == before.sheet_hash
    assert _row(after, branch.qian).canonical["name"] == "钱芳芳"


def test_a_declaration_or_a_scorekeepers_entry_in_a_signed_quarter_says_why(
    branch: SimpleNamespace, scorekeeper: object, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    from jifen.recording.declarations import declaration_review, declaration_submit
    from jifen.recording.entries import manual_entry
    from jifen.recording.models import Declaration

    declaration = declaration_submit(
        person=branch.zhao,
        item="volunteer",
        date=D(2026, 3, 8),
        description="社区志愿服务",
        points=Decimal(2),
        files=[("证明.pdf", b"%PDF-1.4 test")],
        actor=branch.member,
    )
    period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    with pytest.raises(ValidationError, match="已由支部书记签名确认"):
        declaration_review(
            declaration=declaration,
            decision="approve",
            note="",
            actor=scorekeeper,  # type: ignore[arg-type]
        )
    assert Declaration.objects.get().status == "submitted"
    with pytest.raises(ValidationError, match="已由支部书记签名确认"):
        manual_entry(
            organization=branch.org,
            person=branch.zhao,
            date=D(2026, 3, 9),
            code="misconduct",
            value="1",
            note="测试",
            actor=scorekeeper,  # type: ignore[arg-type]
        )
