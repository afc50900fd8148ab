"""What the browser tests share: logging in as someone."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    # Leave the page first: a request still in flight (an evidence photo) would bring the
    # session cookie back after it was cleared (every response renews the session).
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
