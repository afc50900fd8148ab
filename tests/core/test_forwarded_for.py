"""Behind our reverse proxy the audited address is the one the proxy saw, never one the client
wrote into X-Forwarded-For; a header that is no address never costs the request or its audit
row (issue 16, item 3: both attacks worked before, the second as a 500 on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # REMOTE_ADDR: our nginx
CLIENT = "203.0.113.5"  # what nginx saw and appended


@pytest.fixture
def behind_proxy(settings: Any) -> Any:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.JIFEN_TRUSTED_PROXIES = 1
    return settings


def failed_login(forwarded: str) -> int:
    response = Client().post(
        reverse("accounts:login"),
        {"username": "dangyuan", "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return response.status_code


def test_a_forged_first_value_is_not_what_is_audited(behind_proxy: object, member: User) -> None:
    # The client sent "X-Forwarded-For: 198.51.100.66"; nginx appended the address it saw.
    assert failed_login(f"198.51.100.66, {CLIENT}") == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.ip == CLIENT
    assert event.detail["forwarded_for"] == "198.51.100.66"  # kept as a claim, not an address
    # django-axes counts the failure against the same address.
    assert AccessAttempt.objects.get(username="dangyuan").ip_address == CLIENT


def test_a_normal_request_through_the_proxy_is_audited_plainly(
    behind_proxy: object, member: User
) -> None:
    assert failed_login(CLIENT) == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.ip == CLIENT
    assert "forwarded_for" not in event.detail


@pytest.mark.parametrize("forwarded", ["not-an-ip", "1.2.3.4, <script>", "fe80::1%eth0", " , "])
def test_a_non_address_gives_no_500_and_the_failed_login_is_audited(
    behind_proxy: object, member: User, forwarded: str
) -> None:
    assert failed_login(forwarded) == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.ip == PROXY
    assert event.detail["forwarded_for"] == forwarded


def test_a_non_address_gives_no_500_and_the_refused_access_is_audited(
    behind_proxy: object, member: User
) -> None:
    client = Client()
    client.force_login(member)
    response = client.get(
        reverse("audit:log"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="'; DROP TABLE x; --"
    )
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.ip) == (member, PROXY)


def test_two_proxies_take_the_second_address_from_the_right(
    behind_proxy: Any, member: User
) -> None:
    behind_proxy.JIFEN_TRUSTED_PROXIES = 2
    assert failed_login(f"198.51.100.66, {CLIENT}, 10.0.0.9") == 200
    assert failed_login("10.0.0.9") == 200  # fewer entries than proxies: the nearest proxy
    first, second = AuditEvent.objects.filter(action="auth.login_failed").order_by("id")
    assert (first.ip, second.ip) == (CLIENT, PROXY)


def test_without_a_proxy_the_header_is_ignored(settings: Any, member: User) -> None:
    settings.JIFEN_TRUSTED_PROXIES = 0
    assert failed_login(CLIENT) == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.ip == PROXY
    assert "forwarded_for" not in event.detail


def test_the_proxy_count_comes_from_the_environment() -> None:
    from jifen.settings import trusted_proxies  # the settings module, not django.conf's copy

    assert trusted_proxies({}) == 0
    assert trusted_proxies({"JIFEN_BEHIND_PROXY": "1"}) == 1
    assert trusted_proxies({"JIFEN_BEHIND_PROXY": "1", "JIFEN_TRUSTED_PROXIES": "2"}) == 2
    with pytest.raises(ImproperlyConfigured, match="JIFEN_TRUSTED_PROXIES"):
        trusted_proxies({"JIFEN_TRUSTED_PROXIES": "many"})
