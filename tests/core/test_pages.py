from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jifen import settings as jifen_settings
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_login_page_is_chinese_and_phone_friendly(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html
    assert "用户名" in html
    assert "密码" in html


def test_it_logs_in_greets_and_shows_the_roles(client: Client, member: User) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "dangyuan", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "赵磊，您好" in html
    assert "欢迎，赵磊！" in html  # the message after login
    assert "<li>党员 · 教工第一党支部</li>" in html


def test_a_wrong_password_is_refused_in_chinese(client: Client, member: User) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "dangyuan", "password": "wrong-password-1"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(client: Client, member: User) -> None:
    client.force_login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_navigation_follows_roles(
    client: Client, member: User, secretary: User, auditor: User
) -> None:
    orgs_link = f'href="{reverse("orgs:tree")}"'
    audit_link = f'href="{reverse("audit:log")}"'
    client.force_login(member)
    html = client.get(reverse("core:home")).content.decode()
    assert orgs_link not in html
    assert audit_link not in html
    client.force_login(secretary)
    html = client.get(reverse("core:home")).content.decode()
    assert orgs_link in html
    assert audit_link not in html
    client.force_login(auditor)
    assert audit_link in client.get(reverse("core:home")).content.decode()


def test_the_admin_link_is_for_the_platform_operator_only(
    client: Client, committee_admin: User, make_user: Callable[..., User]
) -> None:
    admin_link = f'href="{reverse("admin:index")}"'
    client.force_login(committee_admin)
    assert admin_link not in client.get(reverse("core:home")).content.decode()
    # A committee admin who is staff is still no platform operator (issue 16).
    committee_admin.is_staff = True
    committee_admin.save()
    assert admin_link not in client.get(reverse("core:home")).content.decode()
    client.force_login(make_user("yunwei", is_staff=True))
    assert admin_link in client.get(reverse("core:home")).content.decode()


def test_a_user_without_roles_is_told_whom_to_ask(client: Client, nobody: User) -> None:
    client.force_login(nobody)
    assert "您还没有任何角色" in client.get(reverse("core:home")).content.decode()


def test_english_is_available(client: Client, member: User) -> None:
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in html
    assert "My roles" in html
    assert "Log out" in html
    translation.activate("zh-hans")


def test_pages_reference_nothing_outside_the_application(client: Client, member: User) -> None:
    client.force_login(member)
    for url in (reverse("core:home"), reverse("accounts:login")):
        html = client.get(url).content.decode()
        for target in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert target.startswith("/"), f"{url} refers to {target!r} outside the application"


@pytest.fixture
def production_hashers(settings: Any) -> None:
    """The hashers of jifen/settings.py, not the fast one the rest of the suite uses."""
    settings.PASSWORD_HASHERS = jifen_settings.PASSWORD_HASHERS


def test_passwords_are_hashed_with_argon2(production_hashers: None, member: User) -> None:
    assert member.password.startswith("argon2")


def test_idle_sessions_end_after_thirty_minutes(client: Client, member: User) -> None:
    client.force_login(member)
    client.get(reverse("core:home"))
    assert client.session.get_expiry_age() == 30 * 60


def test_people_and_roster_pages_speak_english_when_asked(
    client: Client, secretary: User, tree: SimpleNamespace
) -> None:
    client.force_login(secretary)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    detail = client.get(reverse("orgs:detail", args=[tree.b1.pk])).content.decode()
    assert "Members" in detail
    assert "Import roster" in detail
    assert "党员名单" not in detail
    roster = client.get(reverse("roster:import", args=[tree.b1.pk])).content.decode()
    assert "Download the Excel template (.xlsx)" in roster
    assert "下载 Excel 模板" not in roster
    # The navigation of the newer pages too: 季度考评, 年终评定, 报表, 党建考核.
    for label in ("Quarterly review", "Year end", "Reports", "Assessments"):
        assert f">{label}</a>" in roster
    translation.activate("zh-hans")
