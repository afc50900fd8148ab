"""Every answer carries a Content-Security-Policy that runs no inline script and a
Permissions-Policy; no template holds an inline script for it to block (issue 16, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

JIFEN = Path(__file__).resolve().parents[2] / "jifen"


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_pages_send_a_policy_that_runs_no_inline_script(
    client: Client, member: User, who: str
) -> None:
    if who == "member":
        client.force_login(member)
    response = client.get(reverse("accounts:login") if who == "anonymous" else "/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["default-src"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions


def test_refusals_and_errors_carry_the_headers_too(client: Client, member: User) -> None:
    client.force_login(member)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for template in sorted(JIFEN.glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text):
            found.append(str(template.relative_to(JIFEN)))
    assert found == []
