from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AppendOnlyError, AuditEvent
from jifen.audit.services import audit_record
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: Client, password: str) -> int:
    response = client.post(
        reverse("accounts:login"), {"username": "dangyuan", "password": password}
    )
    return response.status_code


def test_five_failed_logins_lock_the_account(client: Client, member: User) -> None:
    for _ in range(4):
        assert login(client, "not-the-password") == 200
    assert login(client, PASSWORD) == 302  # a success before the fifth failure resets the count
    client = Client()  # signed out again
    for _ in range(5):
        assert login(client, "not-the-password") in {200, 429}
    response = client.post(
        reverse("accounts:login"), {"username": "dangyuan", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    assert AuditEvent.objects.filter(action="auth.login_failed").count() >= 9


def test_logins_are_audited_with_where_from(client: Client, member: User) -> None:
    assert login(client, PASSWORD) == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == member
    assert event.ip == "127.0.0.1"


def test_the_audit_log_refuses_changes_through_the_model(member: User) -> None:
    event = audit_record(action="test.event", actor=member, summary="原文")
    event.summary = "改过"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET summary = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_changes_to_the_audit_log(member: User, statement: str) -> None:
    audit_record(action="test.event", actor=member, summary="原文")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.get(action="test.event").summary == "原文"


def test_the_auditor_reads_the_log_with_filters(
    client: Client, auditor: User, secretary: User
) -> None:
    audit_record(action="person.update", actor=secretary, summary="修改人员 张三")
    audit_record(action="role.grant", actor=secretary, summary="授予角色")
    client.force_login(auditor)
    html = client.get(reverse("audit:log") + "?action=person.").content.decode()
    assert "修改人员 张三" in html
    assert "授予角色" not in html
    html = client.get(reverse("audit:log") + "?who=shuji").content.decode()
    assert "授予角色" in html


def test_the_auditor_does_not_see_another_committee(
    client: Client, auditor: User, outsider: User
) -> None:
    audit_record(action="person.update", actor=outsider, summary="外单位的修改")
    client.force_login(auditor)
    assert "外单位的修改" not in client.get(reverse("audit:log")).content.decode()
