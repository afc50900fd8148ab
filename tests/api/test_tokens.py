"""Personal API tokens: made on one's own page or by `jifen token create`, shown once, stored as a
digest, acting as their user — and nothing once revoked, expired or the account locked."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from jifen.accounts.roles import Role
from jifen.api.api import api
from jifen.api.models import ApiToken
from jifen.api.tokens import token_create, token_digest
from jifen.audit.models import AuditEvent
from jifen.recording.models import Activity
from tests.api.world import bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"jf_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def _tree(secret: str) -> int:
    return Client().get("/api/v1/organizations", **bearer(secret)).status_code


def test_a_token_made_on_ones_page_is_shown_once_and_kept_as_a_digest(
    world: SimpleNamespace,
) -> None:
    user = world.users[Role.SCOREKEEPER]
    client = Client()
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "签到机", "read_only": "on"})
    assert page.status_code == 200
    (secret,) = set(SECRET.findall(page.content.decode()))
    made = ApiToken.objects.get(user=user, name="签到机")
    assert made.read_only
    assert made.digest == token_digest(secret) != secret
    assert not ApiToken.objects.filter(prefix=secret).exists()
    assert secret not in client.get("/accounts/tokens/").content.decode()
    assert _tree(secret) == 200
    event = AuditEvent.objects.get(action="api.token_create", target=f"api.ApiToken:{made.pk}")
    assert event.actor == user
    assert secret not in str(event.detail) + event.summary


def test_an_empty_purpose_is_refused_on_the_form(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.users[Role.MEMBER])
    before = ApiToken.objects.count()
    page = client.post("/accounts/tokens/", {"name": "  "})
    assert page.status_code == 400
    assert ApiToken.objects.count() == before


def test_revoking_asks_first_and_then_the_token_is_401(world: SimpleNamespace) -> None:
    user = world.users[Role.SCOREKEEPER]
    token = ApiToken.objects.get(user=user)
    secret = world.tokens[Role.SCOREKEEPER]
    client = Client()
    client.force_login(user)
    asked = client.get(f"/accounts/tokens/{token.pk}/revoke/")
    assert "确定吊销" in asked.content.decode()
    assert _tree(secret) == 200  # asking changed nothing
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert _tree(secret) == 401
    assert AuditEvent.objects.filter(action="api.token_revoke", actor=user).count() == 1


def test_another_users_token_cannot_be_revoked(world: SimpleNamespace) -> None:
    theirs = ApiToken.objects.get(user=world.users[Role.SCOREKEEPER])
    client = Client()
    client.force_login(world.users[Role.COMMITTEE_ADMIN])
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert _tree(world.tokens[Role.SCOREKEEPER]) == 200


def test_expired_locked_and_unknown_tokens_are_401(world: SimpleNamespace, clock: Clock) -> None:
    user = world.users[Role.AUDITOR]
    _token, secret = token_create(user, name="短期", expires_at=clock.now + dt.timedelta(hours=1))
    assert _tree(secret) == 200
    clock.advance(dt.timedelta(hours=2))
    assert _tree(secret) == 401
    locked = world.tokens[Role.SCOREKEEPER]
    User.objects.filter(pk=world.users[Role.SCOREKEEPER].pk).update(is_active=False)
    assert _tree(locked) == 401
    assert _tree("jf_" + "x" * 43) == 401
    assert _tree("not-a-token") == 401


def test_a_read_only_token_reads_but_never_writes(world: SimpleNamespace) -> None:
    user = world.users[Role.SCOREKEEPER]
    _token, secret = token_create(user, name="大屏", read_only=True)
    url = f"/api/v1/organizations/{world.places['own'].pk}/activities"
    body = {"item": "party_day", "title": "主题党日", "date": "2026-11-20"}
    before = Activity.objects.count()
    answer = Client().post(url, data=body, content_type="application/json", **bearer(secret))
    assert answer.status_code == 403
    assert answer.json()["code"] == "read_only_token"
    assert Activity.objects.count() == before
    assert _tree(secret) == 200


def test_a_write_is_audited_as_the_tokens_user(world: SimpleNamespace) -> None:
    user = world.users[Role.SCOREKEEPER]
    url = f"/api/v1/organizations/{world.places['own'].pk}/activities"
    body = {"item": "party_day", "title": "主题党日", "date": "2026-11-20"}
    answer = Client().post(
        url, data=body, content_type="application/json", **bearer(world.tokens[Role.SCOREKEEPER])
    )
    assert answer.status_code == 201, answer.content
    made = Activity.objects.get(pk=answer.json()["id"])
    assert answer.json()["item_name"] == "主题党日(每月两次)"  # the rulebook's wording
    event = AuditEvent.objects.filter(target=f"recording.Activity:{made.pk}").get()
    assert event.actor == user
    assert event.path == url


def test_bad_input_is_json_naming_the_field_in_the_requests_language(
    world: SimpleNamespace,
) -> None:
    url = f"/api/v1/organizations/{world.places['own'].pk}/activities"
    secret = world.tokens[Role.SCOREKEEPER]
    before = Activity.objects.count()
    body = {"item": "party_day", "title": "主题党日", "date": "2026-13-45"}
    answer = Client().post(url, data=body, content_type="application/json", **bearer(secret))
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid"
    assert [e["field"] for e in answer.json()["errors"]] == ["date"]
    assert "日期" in answer.json()["errors"][0]["message"]
    english = Client().post(
        url, data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(secret)
    )
    assert re.search(r"[\u4e00-\u9fff]", english.json()["message"]) is None
    unknown = {**body, "date": "2026-11-20", "item": "no_such_item"}
    refused = Client().post(url, data=unknown, content_type="application/json", **bearer(secret))
    assert refused.status_code == 422
    assert refused.json()["code"] == "refused"
    assert refused.json()["errors"][0]["field"] == "item"
    assert Activity.objects.count() == before


def test_the_rate_is_limited_per_token(
    world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    (throttle,) = api.throttle
    monkeypatch.setattr(throttle, "num_requests", 3)
    cache.clear()
    secret = world.tokens[Role.AUDITOR]
    answers = [_tree(secret) for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert _tree(world.tokens[Role.SCOREKEEPER]) == 200  # another token has its own budget
    cache.clear()


def test_jifen_token_create_prints_the_token_once(world: SimpleNamespace) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "api-auditor", "--read-only", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert SECRET.fullmatch(secret)
    assert ApiToken.objects.get(digest=token_digest(secret)).read_only
    assert "只显示这一次" in err.getvalue()
    assert _tree(secret) == 200
    with pytest.raises(CommandError, match="没有用户名为 nobody") as refused:
        call_command("token", "create", "nobody")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("token", "create", "api-auditor", "--expires", "明天")


def test_the_token_page_is_linked_from_ones_account_page(world: SimpleNamespace) -> None:
    client = Client()
    client.force_login(world.users[Role.MEMBER])
    assert 'href="/accounts/tokens/"' in client.get("/accounts/password/").content.decode()
