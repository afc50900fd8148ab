"""The Content-Security-Policy in Chromium: the key pages (login, home, an htmx filter, a chart,
a print form and its print button) run with no violation, and an injected inline script is
refused, which shows the policy is in force and the ``page`` fixture's watch sees a breach (the
fixture fails any browser test whose pages break the policy; issue 16, item 5)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.browser.helpers import log_in
from tests.reports.conftest import YEAR, branch  # noqa: F401 - the hand-worked branch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECT = """() => {
  window.injected = false;
  const script = document.createElement('script');
  script.textContent = 'window.injected = true';
  document.body.appendChild(script);
  const button = document.createElement('button');
  button.setAttribute('onclick', 'window.injected = true');
  document.body.appendChild(button);
  button.click();
  return window.injected;
}"""


def test_key_pages_run_under_the_policy(
    page: Any,
    branch: SimpleNamespace,  # noqa: F811
    make_user: Any,
    secretary: User,
) -> None:
    violations: list[str] = page.policy_complaints  # what the page fixture saw
    page.goto("/accounts/login/")
    header = page.context.request.get("/accounts/login/").headers["content-security-policy"]
    assert "script-src 'self'" in header

    user = make_user("jia", "甲")
    branch.jia.user = user
    branch.jia.save(update_fields=["user"])
    log_in(page, "jia")
    page.goto(f"/people/{branch.jia.pk}/points/{YEAR}/register/")
    assert page.locator(".form-sheet .chart svg").count() == 1  # pygal's SVG, styles and all
    # The print button works without an onclick attribute (print.js).
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("() => window.printed") == 1
    assert violations == []

    # An injected inline script and event handler do not run, and Chromium says why.
    assert page.evaluate(INJECT) is False
    assert any("Content Security Policy" in text for text in violations)
    violations.clear()

    log_in(page, "shuji")
    page.goto(f"/orgs/{branch.tree.b1.pk}/")
    with page.expect_response(lambda response: "q=" in response.url):
        page.locator("input[name=q]").fill("甲")  # htmx asks for the filtered list
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_the_api_docs_render_under_the_policy_from_jifens_own_files(
    page: Any, live_server: Any
) -> None:
    """Swagger UI (/api/v1/docs) draws the operations from Jifen's own files and the OpenAPI
    document, with no request outside and no breach of the policy (issue 18)."""
    violations: list[str] = page.policy_complaints
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 10
    assert "/api/v1/organizations" in page.locator("#swagger-ui").inner_text()
    assert violations == []
    assert outside == []
