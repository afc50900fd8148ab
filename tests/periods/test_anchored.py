"""Signing a quarter and opening its notice write anchors; the signed sheet and the notice carry
the chain head and the anchor's digest on screen and on paper."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jifen.core import anchor_keys
from jifen.core.anchors import anchor_files, anchor_read
from jifen.ledger.models import LedgerHead
from jifen.periods.models import Notice
from jifen.periods.views.notice import public_token
from tests.clock import Clock

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_signature_and_a_notice_each_write_an_anchor_that_the_paper_shows(
    branch: SimpleNamespace, clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set(D(2026, 10, 9))
    add(branch, branch.zhao, D(2026, 8, 12), "party_day", "absent")
    secretary = Client()
    secretary.force_login(branch.secretary)
    args = [branch.org.pk, 2026, 3]
    with django_capture_on_commit_callbacks(execute=True):
        signing = secretary.post(reverse("periods:sign", args=args), {"confirm": "yes"})
        assert signing.status_code == 302
    (signed,) = anchor_files()
    with django_capture_on_commit_callbacks(execute=True):
        secretary.post(
            reverse("periods:notice_open", args=args), {"how_to_object": "", "confirm": "yes"}
        )
    first, second = (anchor_read(p, anchor_keys.public_key()) for p in anchor_files())
    assert not isinstance(first, str)
    assert not isinstance(second, str)
    assert first.name == signed.name
    assert first.reason.startswith("签名 B1 2026Q3")
    assert second.reason.startswith("公示 B1 2026")
    head = LedgerHead.objects.get(organization=branch.org)
    assert first.chains[f"ledger:{branch.org.pk}"] == (head.seq, head.head)

    notice = Notice.objects.get()
    line = f"台账链头：第 {head.seq} 条 {head.head[:16]}"
    anchored = f"锚点 {first.digest[:16]}（本台账第 {head.seq} 条 {head.head[:16]}）"
    pages = [
        reverse("periods:notice", args=[notice.pk]),
        reverse("periods:notice_print", args=[notice.pk]),
        reverse("periods:quarter_print", args=args),
    ]
    for url in pages:
        text = secretary.get(url).content.decode()
        assert line in text, url
        assert anchored in text, url
    public = Client().get(reverse("periods:notice_public", args=[public_token(notice)]))
    assert anchored in public.content.decode()


def test_a_sheet_signed_before_any_anchor_says_so(branch: SimpleNamespace, clock: Clock) -> None:
    # Without the commit (the test's transaction never commits) no anchor is written: the page
    # says so rather than print a digest that is not there.
    clock.set(D(2026, 10, 9))
    secretary = Client()
    secretary.force_login(branch.secretary)
    secretary.post(reverse("periods:sign", args=[branch.org.pk, 2026, 3]), {"confirm": "yes"})
    text = secretary.get(reverse("periods:quarter_print", args=[branch.org.pk, 2026, 3]))
    assert "锚点尚未写入" in text.content.decode()
