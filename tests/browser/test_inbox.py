"""The inbox in a real browser: the header's unread count drops when a notification is read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append, entry_correct
from jifen.orgs.models import Person
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reading_a_notification_lowers_the_count_in_the_header(
    page: Any, member: User, secretary: User, tree: Any
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    person = Person.objects.get(user=member)
    for day, reason in ((dt.date(2026, 5, 12), "已请假"), (dt.date(2026, 6, 9), "录错了人")):
        entry = entry_append(
            organization=tree.b1,
            person=person,
            date=day,
            item="party_day",
            value="absent",
            origin=Origin.MANUAL,
            recorded_by=secretary,
        )
        entry_correct(entry=entry, reason=reason, recorded_by=secretary, value="excused")
    log_in(page, "dangyuan")  # on a phone: the count shows on the folded menu
    assert page.locator(".nav-phone summary .badge").inner_text() == "2"
    page.set_viewport_size({"width": 1280, "height": 800})
    badge = page.locator(".nav-wide .inbox-link .badge")
    assert badge.inner_text() == "2"

    page.locator(".nav-wide").get_by_role("link", name="通知").click()
    page.wait_for_url("**/inbox/")
    page.get_by_role("button", name="2026年5月12日 的积分记录已更正").click()
    page.wait_for_url("**/points/2026/")  # on to my points of the year, where it shows

    assert page.locator(".nav-wide .inbox-link .badge").inner_text() == "1"
    page.locator(".nav-wide").get_by_role("link", name="通知").click()
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_url("**/inbox/")
    assert page.locator(".nav-wide .inbox-link .badge").count() == 0
    assert "已将 1 条通知标为已读" in page.get_by_role("status").inner_text()
