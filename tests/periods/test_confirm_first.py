"""Irreversible steps ask first (jifen/core/confirm.py): signing a quarter says how many members
confirmed and who has not, opening the notice says for how long and for whom, and neither
happens until the confirmation's own button is pressed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.periods.models import Notice, Signature
from jifen.periods.sheet import quarter_sheet
from tests.clock import Clock

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def day(clock: Clock) -> Clock:
    clock.set(dt.date(2026, 10, 9))  # the third quarter is over
    return clock


def test_signing_asks_first_and_says_how_many_confirmed_and_who_has_not(
    branch: SimpleNamespace, day: Clock
) -> None:
    member = _client(branch.member)
    member.post(reverse("periods:confirm", args=[2026, 3]), {"kind": "confirm"})
    sheet = quarter_sheet(branch.org, 2026, 3)
    assert sheet is not None
    total = len(sheet.rows)
    assert total >= 2
    secretary = _client(branch.secretary)
    url = reverse("periods:sign", args=[branch.org.pk, 2026, 3])
    audited = AuditEvent.objects.count()

    response = secretary.post(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"党员已确认 1/{total} 人" in page
    assert f"未确认 {total - 1} 人" in page
    assert "钱芳" in page  # who has not confirmed, by name
    assert 'name="confirm" value="yes"' in page
    assert not Signature.objects.exists()
    assert AuditEvent.objects.count() == audited  # asking writes nothing

    # Anything but the confirmation's own answer is still only a question.
    assert secretary.post(url, {"confirm": "1"}).status_code == 200
    assert not Signature.objects.exists()

    response = secretary.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert Signature.objects.get().signed_by == branch.secretary


def test_the_quarter_page_counts_the_confirmations_above_the_sheet(
    branch: SimpleNamespace, day: Clock
) -> None:
    _client(branch.member).post(reverse("periods:confirm", args=[2026, 3]), {"kind": "confirm"})
    page = (
        _client(branch.secretary)
        .get(reverse("periods:quarter", args=[branch.org.pk, 2026, 3]))
        .content.decode()
    )
    assert "已确认 <strong>1</strong> 人" in page
    # The signing button comes before the long sheet.
    assert page.index('id="sign"') < page.index('id="sheet"')


def test_opening_the_notice_asks_first_and_keeps_what_was_typed(
    branch: SimpleNamespace, day: Clock
) -> None:
    secretary = _client(branch.secretary)
    args = [branch.org.pk, 2026, 3]
    secretary.post(reverse("periods:sign", args=args), {"confirm": "yes"})
    url = reverse("periods:notice_open", args=args)

    response = secretary.post(url, {"how_to_object": "向支部书记孙丽提出"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "确认开始公示" in page
    assert "个工作日" in page
    assert 'value="向支部书记孙丽提出"' in page  # carried into the confirmation's form
    assert not Notice.objects.exists()
    secretary.post(url, {"how_to_object": "向支部书记孙丽提出", "confirm": "yes"})
    assert Notice.objects.get().how_to_object == "向支部书记孙丽提出"


def test_a_member_cannot_reach_the_confirmation(branch: SimpleNamespace, day: Clock) -> None:
    response = _client(branch.member).post(reverse("periods:sign", args=[branch.org.pk, 2026, 3]))
    assert response.status_code == 404
