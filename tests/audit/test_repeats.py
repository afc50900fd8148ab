"""A scan's refusals and failed logins leave a bounded number of events whose counts add up
exactly (jifen.audit.repeats): the first few of a key a window in full, the rest counted and
written as one summary when the window closes."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import Sum
from django.http import Http404
from django.test import Client
from django.urls import reverse

from jifen.audit.context import audit_context
from jifen.audit.models import AuditEvent, RepeatTally
from jifen.audit.repeats import in_full, repeats_flush
from jifen.audit.verify import audit_verify
from jifen.orgs.access import Action, refused
from tests.clock import Clock

SCANNER = "198.51.100.7"


def denied(**where: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="access.denied", **where).order_by("seq"))


def summaries(action: str = "access.denied") -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=f"{action}.repeated").order_by("seq"))


def accounted(action: str = "access.denied", **where: object) -> int:
    """Refusals the log accounts for: those written in full and those the summaries count."""
    full = AuditEvent.objects.filter(action=action, **where).count()
    counted = sum(event.repeats for event in summaries(action))
    return full + counted


@pytest.mark.django_db
def test_five_thousand_refusals_leave_a_bounded_log_and_add_up(
    clock: Clock, member: User, client: Client
) -> None:
    def refusal_events() -> int:
        return AuditEvent.objects.filter(action__startswith="access.denied").count()

    # A scan, the door called directly (cheap), 4,990 addresses over 40 minutes…
    for n in range(4990):
        if n % 1000 == 999:
            clock.advance(dt.timedelta(minutes=10))
        with audit_context(user=member, ip=SCANNER, path=f"/orgs/{n}/"):
            assert isinstance(refused(member, f"orgs.Organization:{n}", Action.VIEW_ORG), Http404)
    # …and ten real requests through the whole stack, from the same address.
    client.force_login(member)
    for n in range(10):
        response = client.get(f"/orgs/{100000 + n}/", REMOTE_ADDR=SCANNER)
        assert response.status_code == 404
    growth = refusal_events()
    # Five windows (four of them closed by the next refusal): ten in full and a summary each.
    assert growth <= 5 * (in_full() + 1)
    assert len(summaries()) == 4
    summaries_out, repeats = repeats_flush(everything=True)
    assert summaries_out == 1
    assert accounted(actor=member) == 5000
    assert RepeatTally.objects.count() == 0
    assert refusal_events() <= 5 * (in_full() + 1)
    assert audit_verify() == []
    last = summaries()[-1]
    assert last.actor == member
    assert last.ip == SCANNER
    assert last.detail["repeats"] == repeats
    assert "/orgs/" in last.detail["samples"][0]


@pytest.mark.django_db
def test_the_summary_says_how_many_and_when(clock: Clock, member: User) -> None:
    start = clock.now
    with audit_context(user=member, ip=SCANNER, path="/audit/"):
        for _ in range(in_full() + 2317):
            refused(member, "audit:log", Action.VIEW_AUDIT)
    assert len(denied()) == in_full()
    assert summaries() == []  # the window is still open: counted, not yet written
    (tally,) = RepeatTally.objects.all()
    assert (tally.count, tally.samples) == (2317, ["/audit/"])
    # The next refusal after the window closes it.
    clock.advance(dt.timedelta(minutes=11))
    with audit_context(user=member, ip=SCANNER, path="/audit/?page=2"):
        refused(member, "audit:log", Action.VIEW_AUDIT)
    (summary,) = summaries()
    assert summary.summary == "在 10 分钟内又被拒绝 2,317 次"
    assert (summary.actor, summary.ip, summary.repeats) == (member, SCANNER, 2317)
    first = dt.datetime.fromisoformat(summary.detail["first"])
    last = dt.datetime.fromisoformat(summary.detail["last"])
    assert start < first < last < start + dt.timedelta(minutes=1)
    assert summary.detail["samples"] == ["/audit/"]
    # And the refusal that closed it opens the next window, in full.
    assert denied()[-1].path == "/audit/?page=2"
    assert accounted() == in_full() + 2317 + 1


@pytest.mark.django_db
def test_different_accounts_and_addresses_are_counted_apart(member: User, nobody: User) -> None:
    for user, ip in ((member, SCANNER), (nobody, SCANNER), (member, "203.0.113.9")):
        with audit_context(user=user, ip=ip, path="/x/"):
            for _ in range(in_full() + 3):
                refused(user, "audit:log", Action.VIEW_AUDIT)
    assert len(denied()) == 3 * in_full()
    assert sorted(RepeatTally.objects.values_list("count", flat=True)) == [3, 3, 3]
    call_command("audit", "flush", "--all", stdout=io.StringIO())
    assert [s.repeats for s in summaries()] == [3, 3, 3]
    assert {(s.actor, s.ip) for s in summaries()} == {
        (member, SCANNER),
        (nobody, SCANNER),
        (member, "203.0.113.9"),
    }


@pytest.mark.django_db
def test_flush_closes_only_the_windows_that_are_over(clock: Clock, member: User) -> None:
    with audit_context(user=member, ip=SCANNER):
        for _ in range(in_full() + 5):
            refused(member, "audit:log", Action.VIEW_AUDIT)
    out = io.StringIO()
    call_command("audit", "flush", stdout=out)
    assert "已写出 0 条汇总记录" in out.getvalue()
    assert summaries() == []
    clock.advance(dt.timedelta(minutes=10))
    out = io.StringIO()
    call_command("audit", "flush", stdout=out)
    assert "已写出 1 条汇总记录，合计 5 次重复" in out.getvalue()
    assert [s.repeats for s in summaries()] == [5]
    assert not RepeatTally.objects.exists()
    with pytest.raises(CommandError) as wrong:
        call_command("audit", "prune")
    assert wrong.value.returncode == 2


@pytest.mark.django_db
def test_a_scan_of_passwords_leaves_a_bounded_log_and_adds_up(clock: Clock, member: User) -> None:
    client = Client()
    tries = 60
    for n in range(tries):
        response = client.post(
            reverse("accounts:login"),
            {"username": f"user{n}", "password": "guess"},
            REMOTE_ADDR=SCANNER,
        )
        assert response.status_code == 200
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == in_full()
    repeats_flush(everything=True)
    (summary,) = summaries("auth.login_failed")
    assert summary.summary == f"在 10 分钟内又有 {tries - in_full()} 次登录失败"
    assert summary.ip == SCANNER
    assert summary.actor is None
    assert summary.detail["samples"] == [f"user{n}" for n in range(in_full(), in_full() + 5)]
    assert accounted("auth.login_failed") == tries


@pytest.mark.django_db
def test_when_counting_fails_the_refusal_is_written_in_full(member: User) -> None:
    """The tally table gone (a real failure of the database, not a stand-in): the request is
    still answered 404 and every refusal still reaches the log, one event each."""
    client = Client()
    client.force_login(member)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE audit_repeattally")
    for n in range(in_full() + 5):
        assert client.get(f"/orgs/{100000 + n}/", REMOTE_ADDR=SCANNER).status_code == 404
    assert len(denied(actor=member)) == in_full() + 5
    assert audit_verify() == []


@pytest.mark.django_db
def test_the_audit_page_shows_the_repeats(clock: Clock, auditor: User, secretary: User) -> None:
    with audit_context(user=secretary, ip=SCANNER, path="/orgs/1/"):
        for _ in range(in_full() + 1234):
            refused(secretary, "orgs.Organization:1", Action.VIEW_ORG)
    repeats_flush(everything=True)
    client = Client()
    client.force_login(auditor)
    page = client.get(reverse("audit:log")).content.decode()
    assert "重复 1,234 次" in page
    assert "在 10 分钟内又被拒绝 1,234 次" in page
    assert "首次 2026-11-18 10:00:00" in page
    assert "例如 /orgs/1/" in page


@pytest.mark.django_db(transaction=True)
def test_refusals_at_once_are_all_counted(member: User) -> None:
    """Four threads refusing the same account from the same address at once: the first few in
    full, the rest in one tally, none lost and none counted twice."""
    errors: list[BaseException] = []

    def scan(n: int) -> None:
        try:
            with audit_context(user=member, ip=SCANNER, path=f"/thread/{n}/"):
                for _ in range(50):
                    refused(member, "audit:log", Action.VIEW_AUDIT)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(denied()) == in_full()
    assert RepeatTally.objects.aggregate(n=Sum("count"))["n"] == 200 - in_full()
    repeats_flush(everything=True)
    assert accounted() == 200
    assert audit_verify() == []
