"""Reading one YAML mapping field by field, every problem kept with its file, line and field.

Each reader remembers the keys it was asked for, so ``finish`` can report the unknown ones:
a misspelt key in a rulebook is an error, never silently ignored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from jifen.scoring.errors import Issue
from jifen.scoring.yaml_nodes import Node


class FieldReader:
    """Reads one mapping node, remembering which keys were used so unknown ones are reported."""

    def __init__(self, node: Node, path: str, issues: list[Issue]) -> None:
        self.node = node
        self.path = path
        self.issues = issues
        self.map: dict[str, Node] = node.value if isinstance(node.value, dict) else {}
        self.used: set[str] = set()
        if not isinstance(node.value, dict):
            self.error(node, "", "应为键值对 (expected a mapping)")

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, node: Node, key: str, message: str) -> None:
        self.issues.append(
            Issue(node.file, node.line, self.field(key) if key else self.path, message)
        )

    def get(self, key: str) -> Node | None:
        self.used.add(key)
        return self.map.get(key)

    def finish(self, allowed_hint: str = "") -> None:
        for key, node in self.map.items():
            if key not in self.used:
                hint = f"；可用的键：{allowed_hint}" if allowed_hint else ""
                self.error(node, key, f"未知的键 {key!r} (unknown key){hint}")

    def text(self, key: str, default: str | None = None) -> str:
        node = self.get(key)
        if node is None:
            if default is None:
                self.error(self.node, key, f"缺少 {key} (required)")
                return ""
            return default
        if isinstance(node.value, (Decimal, bool)) or node.value is None:
            if isinstance(node.value, Decimal):
                return str(node.value)
            self.error(node, key, "应为文字 (expected text)")
            return default or ""
        if not isinstance(node.value, str):
            self.error(node, key, "应为文字 (expected text)")
            return default or ""
        return node.value

    def prose(self, key: str) -> str:
        """Words copied from the source document (考核内容, 评价标准): text only, never a number
        or a list, kept as written apart from the blank lines YAML adds around a block."""
        node = self.get(key)
        if node is None:
            return ""
        if not isinstance(node.value, str):
            self.error(node, key, "应为文字 (expected text)")
            return ""
        return node.value.strip()

    def number(
        self,
        key: str,
        *,
        required: bool = False,
        default: Decimal | None = None,
        minimum: Decimal | None = Decimal(0),
        positive: bool = False,
    ) -> Decimal | None:
        node = self.get(key)
        if node is None:
            if required:
                self.error(self.node, key, f"缺少 {key}，应为数字 (required number)")
            return default
        value = node.value
        if not isinstance(value, Decimal) or not value.is_finite():
            self.error(node, key, f"应为数字，实际是 {value!r} (expected a number)")
            return default
        if positive and value <= 0:
            self.error(node, key, f"应为正数，实际是 {value} (expected > 0)")
        elif minimum is not None and value < minimum:
            self.error(node, key, f"不能小于 {minimum}，实际是 {value}")
        return value

    def boolean(self, key: str, default: bool = False) -> bool:
        node = self.get(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            self.error(node, key, "应为 true 或 false")
            return default
        return node.value

    def choice(self, key: str, options: tuple[str, ...], default: str | None) -> str:
        node = self.get(key)
        if node is None:
            if default is None:
                self.error(self.node, key, f"缺少 {key}，应为 {' | '.join(options)}")
                return options[0]
            return default
        if node.value not in options:
            self.error(node, key, f"应为 {' | '.join(options)}，实际是 {node.value!r}")
            return default or options[0]
        return cast(str, node.value)

    def mapping(self, key: str) -> dict[str, Node]:
        node = self.get(key)
        if node is None or node.value is None:
            return {}
        if not isinstance(node.value, dict):
            self.error(node, key, "应为键值对 (expected a mapping of code: …)")
            return {}
        return cast(dict[str, Node], node.value)

    def texts(self, key: str) -> tuple[str, ...] | None:
        node = self.get(key)
        if node is None:
            return None
        if isinstance(node.value, str):
            return (node.value,)
        if not isinstance(node.value, list) or not all(
            isinstance(v.value, str) for v in node.value
        ):
            self.error(node, key, "应为文字列表 (expected a list of text)")
            return None
        return tuple(cast(str, v.value) for v in node.value)


CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def check_code(code: str, node: Node, path: str, issues: list[Issue]) -> None:
    """Codes end up in spreadsheets, URLs and fact files, so they are kept to plain ASCII."""
    if not code or not set(code) <= CODE_CHARS or not code[0].isalpha():
        issues.append(
            Issue(
                node.file,
                node.line,
                path,
                f"代码 {code!r} 只能用小写字母、数字、_ 和 -，以字母开头",
            )
        )
