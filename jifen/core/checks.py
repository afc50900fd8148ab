"""Jifen's own deployment checks, run by ``jifen check --deploy`` beside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections

from jifen.core import anchor_keys
from jifen.core.appendonly import APPEND_ONLY_TABLES, missing_triggers


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


@register(Tags.security, deploy=True)
def anchor_key_is_configured(**kwargs: Any) -> list[CheckMessage]:
    """Without a configured key the anchors are signed by a key generated next to the data, and
    checked against its own public half: whoever takes the data directory takes the key too."""
    if getattr(settings, "JIFEN_ANCHOR_CONFIGURED", False):
        return []
    return [
        Warning(
            "没有配置锚点密钥：JIFEN_ANCHOR_KEY（私钥文件，放在数据目录和数据库备份之外）和 "
            "JIFEN_ANCHOR_PUBLIC_KEY（`jifen anchor keygen` 打印的公钥）。"
            "现在用的是数据目录里自动生成的密钥。",
            hint="Set JIFEN_ANCHOR_KEY and JIFEN_ANCHOR_PUBLIC_KEY (docs/deployment.md, 锚点).",
            id="jifen.W002",
        )
    ]


@register(Tags.security)
def anchor_key_is_usable(**kwargs: Any) -> list[CheckMessage]:
    """With a public key configured, the private key must be there and be its pair: otherwise
    every append to the ledger (which signs its head) would fail."""
    if not getattr(settings, "JIFEN_ANCHOR_PUBLIC_KEY", ""):
        return []
    try:
        anchor_keys.private_key()  # there and readable (public_key() alone needs only settings)
        anchor_keys.public_key()  # and the configured key's pair
    except anchor_keys.AnchorKeyError as error:
        return [
            Error(str(error), hint="JIFEN_ANCHOR_KEY / JIFEN_ANCHOR_PUBLIC_KEY", id="jifen.E003")
        ]
    return []


@register(Tags.database)
def append_only_triggers_are_installed(**kwargs: Any) -> list[CheckMessage]:
    """A database restored without the append-only triggers, or with them disabled, accepts
    silent rewrites: `jifen check --database default` names each missing trigger."""
    problems: list[CheckMessage] = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        # Only tables that exist: `migrate` runs this check before it creates them, and each
        # table's migration installs its triggers with it.
        existing = set(connection.introspection.table_names())
        tables = [table for table in APPEND_ONLY_TABLES if table in existing]
        for name in missing_triggers(connection, tables):
            problems.append(
                Error(
                    f"数据库 {alias} 缺少只追加的触发器 {name}（没有安装或被停用）："
                    "记录可以被悄悄改写或删除。"
                    "请运行 jifen migrate 或从完整的备份恢复。",
                    hint=f"The append-only trigger {name} is missing or disabled.",
                    id="jifen.E002",
                )
            )
    return problems
