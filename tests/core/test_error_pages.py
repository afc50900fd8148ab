"""A refused or missing page is Jifen's own page in the reader's language, with a way home: still
a 404 (or 403, 400, 500), and a refusal still recorded in the audit log by the door."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from tests.cjk import chinese_left

pytestmark = pytest.mark.django_db


def _client(user: User, language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def test_a_foreign_organization_is_a_chinese_404_page_with_a_way_home(
    tree: SimpleNamespace, secretary: User
) -> None:
    response = _client(secretary, "zh-hans").get(reverse("orgs:detail", args=[tree.xb.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>页面不存在</h1>" in html
    assert f'href="{reverse("core:home")}">返回首页</a>' in html
    assert 'class="site-header"' in html  # the site's layout, the menu included
    assert "Not Found" not in html
    assert "未找到" not in html  # the door says nothing of what it refused
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.target == f"orgs.Organization:{tree.xb.pk}"


def test_the_same_refusal_in_english(tree: SimpleNamespace, secretary: User) -> None:
    response = _client(secretary, "en").get(reverse("orgs:detail", args=[tree.xb.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert ">Back to the home page</a>" in html
    assert chinese_left(html, names=["张伟"]) == []
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_an_address_that_does_not_exist_is_the_same_page(secretary: User) -> None:
    response = _client(secretary, "zh-hans").get("/no-such-page/")
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in response.content.decode()


def test_a_page_that_explains_its_404_says_why(tree: SimpleNamespace, secretary: User) -> None:
    # The secretary's account has no person: "my points" cannot be shown, and the page says so.
    for language, reason in (("zh-hans", "您的账号没有关联党员信息"), ("en", "Your account")):
        response = _client(secretary, language).get(reverse("recording:declarations_mine"))
        assert response.status_code == 404, language
        assert reason in response.content.decode(), language


@pytest.mark.parametrize(
    ("address", "status", "zh", "en"),
    [
        ("/test-boom/", 500, "系统出错", "Something went wrong"),
        ("/test-forbidden/", 403, "无权访问", "Not allowed"),
        ("/test-suspicious/", 400, "请求有误", "Bad request"),
    ],
)
def test_the_other_failures_have_their_page_in_both_languages(
    settings: object, secretary: User, address: str, status: int, zh: str, en: str
) -> None:
    settings.ROOT_URLCONF = "tests.core.error_urls"  # type: ignore[attr-defined]
    for language, heading in (("zh-hans", zh), ("en", en)):
        response = _client(secretary, language).get(address)
        assert response.status_code == status
        html = response.content.decode()
        assert f"<h1>{heading}</h1>" in html, language
        assert 'href="/">' in html
    assert chinese_left(html, names=["张伟"]) == []


def test_an_expired_form_says_so_and_saves_nothing(tree: SimpleNamespace) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>页面已过期</h1>" in html
    assert "返回首页" in html
