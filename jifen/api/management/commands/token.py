"""``jifen token create USERNAME [--read-only] [--name N] [--expires YYYY-MM-DD]``: a personal API
token for an account, printed once (for an integration set up at the server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jifen.api.tokens import token_create
from jifen.api.views import _expiry


class Command(BaseCommand):
    help = (
        "为账号创建接口令牌，只显示一次：jifen token create USERNAME [--read-only]。"
        " Create a personal API token for an account; it is printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"], help="create 创建")
        parser.add_argument("username", help="账号的用户名 (the account the token acts as)")
        parser.add_argument("--read-only", action="store_true", help="只读令牌 (reads only)")
        parser.add_argument("--name", default="命令行创建", help="用途 (what it is for)")
        parser.add_argument("--expires", help="到期日期 YYYY-MM-DD (valid through that day)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户名为 {options['username']} 的账号", returncode=2)
        if not user.is_active:
            raise CommandError(f"账号 {user.username} 已停用，不能创建令牌", returncode=2)
        expires = None
        if options["expires"]:
            try:
                expires = _expiry(dt.date.fromisoformat(options["expires"]))
            except ValueError:
                raise CommandError(
                    f"--expires 应为日期，格式 YYYY-MM-DD，而不是“{options['expires']}”",
                    returncode=2,
                ) from None
        try:
            token, secret = token_create(
                user, name=options["name"], read_only=options["read_only"], expires_at=expires
            )
        except ValidationError as error:
            raise CommandError("；".join(error.messages), returncode=2) from None
        self.stderr.write(f"已为 {user.username} 创建令牌“{token.name}”，只显示这一次：")
        self.stdout.write(secret)
