"""The Django admin is the platform operator's alone, and every write there is audited (issue 16).

The attack: a committee admin who is also a Django superuser opened /admin/auth/user/, saw the
accounts of every committee, reset another committee admin's password and then opened that
committee's pages, while Jifen's audit log recorded nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-horse-battery-9"


def _reset_password(client: Client, user: User) -> int:
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    return client.post(url, form).status_code


def test_a_committee_admin_who_is_a_superuser_cannot_reach_another_committee(
    client: Client, committee_admin: User, outsider: User
) -> None:
    committee_admin.is_staff = committee_admin.is_superuser = True
    committee_admin.save()
    client.force_login(committee_admin)

    listing = client.get(reverse("admin:auth_user_changelist"))
    assert outsider.username not in listing.content.decode()
    _reset_password(client, outsider)

    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)
    assert not outsider.check_password(NEW_PASSWORD)


def test_the_committee_admin_is_told_to_use_jifens_own_pages(
    client: Client, committee_admin: User
) -> None:
    committee_admin.is_staff = committee_admin.is_superuser = True
    committee_admin.save()
    client.force_login(committee_admin)
    answer = client.get(reverse("admin:index"))
    assert answer.status_code == 403
    assert "平台运维" in answer.content.decode()
    refusal = AuditEvent.objects.get(action="access.denied", actor=committee_admin)
    assert refusal.target == "admin:index"


def test_the_platform_operator_enters_and_every_write_is_audited(
    client: Client, make_user: object, outsider: User
) -> None:
    operator = User.objects.create_superuser("yunwei", password=PASSWORD)
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200

    assert _reset_password(client, outsider) == 302
    outsider.refresh_from_db()
    assert outsider.check_password(NEW_PASSWORD)
    change = AuditEvent.objects.get(action="admin.change", actor=operator)
    assert change.target == f"auth.User:{outsider.pk}"
    assert NEW_PASSWORD not in f"{change.summary}{change.detail}"

    added = client.post(
        reverse("admin:auth_user_add"),
        {"username": "xinren", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert added.status_code == 302
    made = User.objects.get(username="xinren")
    assert AuditEvent.objects.get(action="admin.add").target == f"auth.User:{made.pk}"

    deleted = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [made.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    assert not User.objects.filter(username="xinren").exists()
    gone = AuditEvent.objects.get(action="admin.delete")
    assert gone.target == f"auth.User:{made.pk}"
    assert "xinren" in gone.summary


def test_a_superuser_who_holds_a_role_only_is_refused_the_write_too(
    client: Client, committee_admin: User, outsider: User
) -> None:
    committee_admin.is_staff = committee_admin.is_superuser = True
    committee_admin.save()
    client.force_login(committee_admin)
    assert _reset_password(client, outsider) in {302, 403}
    outsider.refresh_from_db()
    assert not outsider.check_password(NEW_PASSWORD)


def test_the_operator_changes_their_own_password_on_jifens_audited_page(client: Client) -> None:
    operator = User.objects.create_superuser("yunwei", password=PASSWORD)
    client.force_login(operator)
    answer = client.get(reverse("admin:password_change"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("accounts:password_change")


def test_the_committees_auditor_sees_what_the_operator_did_to_its_accounts(
    client: Client, auditor: User, secretary: User, outsider: User
) -> None:
    operator = User.objects.create_superuser("yunwei", password=PASSWORD)
    client.force_login(operator)
    _reset_password(client, secretary)
    _reset_password(client, outsider)
    client.force_login(auditor)
    html = client.get(reverse("audit:log")).content.decode()
    assert f"管理后台修改用户 {secretary.username}" in html
    assert outsider.username not in html
