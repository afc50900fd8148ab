"""Users change their own password (issue 16): every signed-in account, from the header."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from jifen.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-new-horse-battery-7"
URL = reverse("accounts:password_change")


def _change(client: Client, old: str, new: str = NEW, again: str | None = None) -> str:
    form = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(URL, form, follow=True).content.decode()


@pytest.mark.parametrize("who", ["member", "nobody", "auditor"])
def test_every_signed_in_account_finds_the_page_in_the_header(
    client: Client, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    home = client.get(reverse("core:home")).content.decode()
    assert f'href="{URL}"' in home
    page = client.get(URL).content.decode()
    assert "当前密码" in page
    assert "再输入一次新密码" in page


def test_signed_out_is_sent_to_log_in(client: Client) -> None:
    answer = client.get(URL)
    assert answer.status_code == 302
    assert reverse("accounts:login") in answer["Location"]


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_the_password_changes_audited_the_session_stays(client: Client, member: User) -> None:
    other = Client()
    client.force_login(member)
    other.force_login(member)
    html = _change(client, PASSWORD)
    assert "密码已修改" in html

    member.refresh_from_db()
    assert member.password.startswith("argon2$")
    assert member.check_password(NEW)
    # This session is kept; the account's other sessions end with the old password.
    assert client.get(reverse("core:home")).status_code == 200
    assert other.get(reverse("core:home")).status_code == 302
    event = AuditEvent.objects.get(action="accounts.password_change")
    assert event.actor == member
    assert event.target == f"auth.User:{member.pk}"
    assert NEW not in f"{event.summary}{event.detail}{event.path}"
    assert PASSWORD not in f"{event.summary}{event.detail}{event.path}"


@pytest.mark.parametrize(
    ("old", "new", "again", "says"),
    [
        ("wrong-password-here", NEW, None, "当前密码不正确"),
        (PASSWORD, NEW, "a-different-one-12", "两次输入的新密码不一致"),
        (PASSWORD, "short-pw-1", None, "12"),
        (PASSWORD, "123456789012345", None, "全都是数字"),
    ],
)
def test_bad_input_is_told_in_chinese_and_nothing_changes(
    client: Client, member: User, old: str, new: str, again: str | None, says: str
) -> None:
    client.force_login(member)
    html = _change(client, old, new, again)
    assert says in html
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password_change").exists()


def test_guessing_the_current_password_locks_the_account_like_login(
    client: Client, member: User
) -> None:
    client.force_login(member)
    for _attempt in range(5):
        _change(client, "a-wrong-guess-123")
    assert AuditEvent.objects.filter(action="accounts.password_change_failed").count() == 5
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    # Locked: even the right password is not checked now, and login is refused too.
    assert "暂时锁定" in _change(client, PASSWORD)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": member.username, "password": PASSWORD})
    assert "_auth_user_id" not in fresh.session
