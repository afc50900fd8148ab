"""Suggestions from Jifen's own records: the quarters' sign-off (签名确认) and whether on time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from jifen.assessments.suggestions import CLOSE_GRACE_DAYS, measure
from jifen.ledger.services import seal_add
from jifen.periods.models import Notice, Signature

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _signed(org, quarter: int, on: dt.date, by: User) -> Signature:
    """A signature made on ``on`` (the service stamps the real time; here the day is chosen)."""
    start = dt.date(2025, quarter * 3 - 2, 1)
    end = dt.date(2025, quarter * 3, 28)
    seal = seal_add(organization=org, start=start, end=end, label="", ref="t", sealed_by=by)
    return Signature.objects.create(
        organization=org,
        year=2025,
        quarter=quarter,
        sheet={},
        sheet_hash="0" * 64,
        ledger_seq=0,
        ledger_head="0" * 64,
        seal=seal,
        signed_by=by,
        signed_at=dt.datetime.combine(on, dt.time(10), SHANGHAI),
    )


def test_quarter_closes_count_the_quarters_signed_within_a_month(
    tree: SimpleNamespace, secretary: User
) -> None:
    on_time = _signed(tree.b1, 1, dt.date(2025, 4, 30), secretary)  # 30 days after 31 March
    _signed(tree.b1, 2, dt.date(2025, 8, 15), secretary)  # 46 days after 30 June: 15 late
    _signed(tree.b1, 2, dt.date(2025, 9, 1), secretary)  # a re-signature: the first counts
    Notice.objects.create(
        signature=on_time,
        opened_on=dt.date(2025, 5, 6),
        starts=dt.date(2025, 5, 6),
        working_days=5,
        how_to_object="向支部书记提出",
        ends=dt.date(2025, 5, 12),
        opened_by=secretary,
        opened_at=dt.datetime(2025, 5, 6, 9, tzinfo=SHANGHAI),
    )
    found = measure("quarter_closes", tree.b1, 2025, "Y")
    assert CLOSE_GRACE_DAYS == 31
    assert found.text == (
        "季度签名确认：4 个季度中按时 1 个（季度结束后 31 天内）；"
        "第1季度 04-30 签名，已公示；第2季度 08-15 签名（逾期 15 天），未公示；"
        "第3季度未签名；第4季度未签名"
    )
    assert found.links[0] == (
        "第1季度考评表",
        reverse("periods:quarter", kwargs={"org_id": tree.b1.pk, "year": 2025, "quarter": 1}),
    )
    first_half = measure("quarter_closes", tree.b1, 2025, "H1")
    assert first_half.text.startswith("季度签名确认：2 个季度中按时 1 个")
