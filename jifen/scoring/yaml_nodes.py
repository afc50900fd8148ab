"""YAML composed into nodes that remember their file and line, and ``extends`` merging.

The loader reads rulebooks from these nodes so that every problem can name the line a person
has to fix, which PyYAML's plain ``safe_load`` forgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from jifen.scoring.errors import Issue, RulebookError

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


@dataclass(slots=True)
class Node:
    """A YAML value with the file and line it came from."""

    value: Any  # dict[str, Node] | list[Node] | Decimal | str | bool | None
    file: str
    line: int
    # Problems found while composing (duplicate keys …), reported with the rest by the loader.
    problems: list[Issue] | None = None


def _convert(node: yaml.Node, file: str, issues: list[Issue], path: str = "") -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return Node(_convert_mapping(node, file, issues, path), file, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(v, file, issues, path) for v in node.value], file, line)
    assert isinstance(node, yaml.ScalarNode)  # noqa: S101 - compose yields only these three
    return Node(_scalar(node), file, line)


def _convert_mapping(
    node: yaml.MappingNode, file: str, issues: list[Issue], path: str
) -> dict[str, Node]:
    line = node.start_mark.line + 1
    mapping: dict[str, Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            issues.append(Issue(file, line, "", "键必须是简单的文字 (a key must be plain text)"))
            continue
        key = str(key_node.value)
        here = f"{path}.{key}" if path else key
        if key == "<<":
            issues.append(Issue(file, key_node.start_mark.line + 1, path, "不支持 YAML 合并键"))
            continue
        if key in mapping:
            issues.append(
                Issue(
                    file,
                    key_node.start_mark.line + 1,
                    here,
                    f"重复的键 {key} (duplicate key; first on line {mapping[key].line})",
                )
            )
            continue
        mapping[key] = _convert(value_node, file, issues, here)
        # A key's line is where the key is written, which is what a person looks for.
        mapping[key].line = key_node.start_mark.line + 1
    return mapping


def _scalar(node: yaml.ScalarNode) -> Decimal | str | bool | None:
    tag = node.tag
    text = str(node.value)
    if tag.endswith(":int") or tag.endswith(":float"):
        try:
            return Decimal(text.replace("_", ""))
        except InvalidOperation:
            return text
    if tag.endswith(":bool"):
        return text.lower() in ("true", "yes", "on", "y")
    if tag.endswith(":null"):
        return None
    return text


def compose(text: str, file: str) -> Node:
    """Parse YAML text into line-aware nodes; raises RulebookError on syntax errors."""
    issues: list[Issue] = []
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise RulebookError([Issue(file, line, "", f"YAML 语法错误: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise RulebookError([Issue(file, 0, "", f"YAML 语法错误: {exc}")]) from None
    if root is None:
        raise RulebookError([Issue(file, 0, "", "文件为空 (the file is empty)")])
    node = _convert(root, file, issues)
    node.problems = issues
    if not isinstance(node.value, dict):
        raise RulebookError([Issue(file, node.line, "", "规则文件的顶层必须是键值对 (a mapping)")])
    return node


def merge(parent: Node, child: Node) -> Node:
    """``extends`` semantics: mappings merge key by key, recursively; anything else (numbers,
    text, lists) in the child replaces the parent's value; a key set to null removes it."""
    if isinstance(parent.value, dict) and isinstance(child.value, dict):
        merged = dict(parent.value)
        for key, value in child.value.items():
            if value.value is None and key in merged:
                del merged[key]
            elif key in merged:
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = value
        return Node(merged, child.file, child.line)
    return child
