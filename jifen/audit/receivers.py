"""Logins, logouts, failed logins and lockouts go to the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from jifen.audit.repeats import repeat_record
from jifen.audit.services import audit_record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, target=user, summary="登录")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="auth.logout", actor=user, summary="退出登录")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    # A password-guessing scan is counted after the first few (jifen.audit.repeats); django-axes
    # keeps its own count per username for the lockout.
    repeat_record(
        action="auth.login_failed",
        summary=f"登录失败：{username}",
        detail={"username": username},
        sample=username,
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    audit_record(
        action="auth.locked_out",
        summary=f"连续登录失败，账号已锁定：{username}",
        detail={"username": username},
    )
