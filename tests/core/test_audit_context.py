"""Who acted and from where reaches the audit log through one mechanism, the audit context,
not through a ``request`` handed from the view down to every service."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jifen.audit.context import audit_context
from jifen.audit.models import AuditEvent
from jifen.audit.services import audit_record
from jifen.rulebooks.services import adoption_set
from tests.roster.conftest import csv_bytes, roster_row

pytestmark = pytest.mark.django_db


def test_outside_any_context_an_event_has_no_address(member: User) -> None:
    event = audit_record(action="test.event", actor=member)
    assert (event.actor, event.ip, event.path) == (member, None, "")


def test_a_command_names_its_actor_and_address(member: User, secretary: User) -> None:
    with audit_context(user=member, ip="10.0.0.7", path="jifen roster_import"):
        unnamed = audit_record(action="test.event")
        named = audit_record(action="test.event", actor=secretary)
        with audit_context(user=secretary, ip="10.0.0.8"):
            inner = audit_record(action="test.event")
        after = audit_record(action="test.event")
    outside = audit_record(action="test.event")
    assert (unnamed.actor, unnamed.ip, unnamed.path) == (member, "10.0.0.7", "jifen roster_import")
    assert (named.actor, named.ip) == (secretary, "10.0.0.7")
    assert (inner.actor, inner.ip) == (secretary, "10.0.0.8")
    assert (after.actor, after.ip) == (member, "10.0.0.7")
    assert (outside.actor, outside.ip) == (None, None)


def test_a_service_called_from_a_page_records_the_address(
    tree: SimpleNamespace, secretary: User
) -> None:
    year = timezone.localdate().year
    adoption_set(organization=tree.c, year=year, rulebook="seed003")
    client = Client()
    client.force_login(secretary)
    url = reverse("recording:activity_add", kwargs={"org_id": tree.b1.pk})
    response = client.post(
        url,
        {"item": "party_day", "title": "主题党日", "date": f"{year}-01-28"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="activity.create")
    assert (event.actor, event.ip, event.path) == (secretary, "192.0.2.10", url)


def test_a_command_records_which_command_acted(
    tmp_path: Path, secretary: User, tree: SimpleNamespace
) -> None:
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes([roster_row("张三", 1)]))
    call_command("roster_import", str(roster), org="B1", user="shuji")
    event = AuditEvent.objects.get(action="roster.upload")
    assert (event.actor, event.ip) == (secretary, None)
    assert event.path == f"jifen roster_import {roster}"


def test_no_service_takes_a_request() -> None:
    """Services are keyword-only; a keyword-only ``request`` was the plumbing the audit context
    replaced, and it does not come back."""
    jifen = Path(__file__).resolve().parents[2] / "jifen"
    found = [
        f"{path.relative_to(jifen.parent)}:{function.lineno} {function.name}"
        for path in sorted(jifen.rglob("*.py"))
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(arg.arg == "request" for arg in function.args.kwonlyargs)
    ]
    assert not found, "take who and where from jifen.audit.context:\n" + "\n".join(found)
