"""Jifen's own deployment checks, run by ``jifen check --deploy`` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_is_off(**kwargs: Any) -> list[CheckMessage]:
    """The demo lists its accounts and their password on the login page: anyone could log in."""
    if not getattr(settings, "JIFEN_DEMO", False):
        return []
    return [
        Error(
            "JIFEN_DEMO=1：登录页列出了演示账号和密码，任何人都能登录。"
            "生产环境不要设置 JIFEN_DEMO。",
            hint="Unset JIFEN_DEMO: the demo shows its accounts and password on the login page.",
            id="jifen.E001",
        )
    ]
