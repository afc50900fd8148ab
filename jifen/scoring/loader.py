"""Loading and validating YAML rulebooks, with ``extends`` merged and line numbers kept.

The YAML is composed into nodes that remember their file and line, merged with the parent
rulebook (if any), then read field by field. Every problem is collected with its file, line and
field, so ``jifen rulebook check`` can list them all at once. Unknown keys are errors.
"""
# ruff: noqa: PLR0911, PLR0912, PLR0915, PLR0917, S101

from __future__ import annotations

import importlib.resources
import itertools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml

from jifen.scoring.errors import Issue, RulebookError
from jifen.scoring.model import (
    MEMBER_CATEGORIES,
    MEMBER_RULES,
    ORGANIZATION_RULES,
    Allowance,
    Band,
    Category,
    Consecutive,
    Deduct,
    Deduction,
    Earn,
    Grade,
    Graded,
    Item,
    Rollup,
    Rulebook,
    ScoreItem,
    Sources,
    StarLevel,
    Stars,
    Veto,
)

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
    # Problems found while composing (duplicate keys …), reported with the rest by _build.
    problems: list[Issue] | None = None


def _convert(node: yaml.Node, file: str, issues: list[Issue], path: str = "") -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                issues.append(
                    Issue(file, line, "", "键必须是简单的文字 (a key must be plain text)")
                )
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
        return Node(mapping, file, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(v, file, issues, path) for v in node.value], file, line)
    assert isinstance(node, yaml.ScalarNode)
    tag = node.tag
    text = str(node.value)
    if tag.endswith(":int") or tag.endswith(":float"):
        try:
            return Node(Decimal(text.replace("_", "")), file, line)
        except InvalidOperation:
            return Node(text, file, line)
    if tag.endswith(":bool"):
        return Node(text.lower() in ("true", "yes", "on", "y"), file, line)
    if tag.endswith(":null"):
        return Node(None, file, line)
    return Node(text, file, line)


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


# --- resolution ---------------------------------------------------------------------------------


def builtin_ids() -> list[str]:
    """The ids of the built-in rulebooks, sorted."""
    folder = importlib.resources.files("jifen.scoring") / "rulebooks"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _read(ref: str, base: Path | None) -> tuple[str, str]:
    """(text, display name) of a rulebook reference: a built-in id or a path."""
    if ref in builtin_ids():
        resource = importlib.resources.files("jifen.scoring") / "rulebooks" / f"{ref}.yaml"
        return resource.read_text(encoding="utf-8"), f"{ref}.yaml"
    path = Path(ref)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.exists():
        known = "、".join(builtin_ids())
        raise RulebookError(
            [Issue(ref, 0, "", f"找不到规则：既不是内置规则 ({known})，也不是存在的文件")]
        )
    try:
        return path.read_text(encoding="utf-8-sig"), str(path)
    except UnicodeDecodeError:
        raise RulebookError([Issue(str(path), 0, "", "规则文件必须是 UTF-8 编码")]) from None
    except OSError as exc:
        raise RulebookError([Issue(str(path), 0, "", f"无法读取：{exc.strerror}")]) from None


def _compose_merged(ref: str, base: Path | None, seen: tuple[str, ...]) -> tuple[Node, Path | None]:
    text, name = _read(ref, base)
    node = compose(text, name)
    here = None if ref in builtin_ids() else Path(name).parent
    parent_ref = node.value.get("extends")
    if parent_ref is None:
        return node, here
    if not isinstance(parent_ref.value, str):
        raise RulebookError([Issue(name, parent_ref.line, "extends", "应为规则 id 或文件路径")])
    if parent_ref.value in seen:
        raise RulebookError([Issue(name, parent_ref.line, "extends", "规则之间循环继承")])
    try:
        parent, _ = _compose_merged(parent_ref.value, here, (*seen, parent_ref.value))
    except RulebookError as exc:
        if any(i.line == 0 and i.file == parent_ref.value for i in exc.issues):
            raise RulebookError(
                [Issue(name, parent_ref.line, "extends", f"找不到被继承的规则 {parent_ref.value}")]
            ) from None
        raise
    _same_kind(parent, node, name)
    parent_doc = dict(parent.value)
    parent_doc.pop("id", None)
    parent_doc.pop("version", None)
    parent_doc.pop("extends", None)
    merged = merge(Node(parent_doc, parent.file, parent.line), node)
    merged.problems = [*(parent.problems or []), *(node.problems or [])]
    return merged, here


def _same_kind(parent: Node, child: Node, name: str) -> None:
    mine, theirs = child.value.get("kind"), parent.value.get("kind")
    if mine is not None and theirs is not None and mine.value != theirs.value:
        raise RulebookError([Issue(name, mine.line, "kind", "继承的规则不能改变 kind")])


_cache: dict[str, Rulebook] = {}


def load_rulebook(ref: str | Path) -> Rulebook:
    """Load a rulebook by built-in id (``seed003``) or YAML path, merged and validated.

    Raises :class:`RulebookError` listing every problem with file, line and field. Built-in
    rulebooks are cached (they never change while the process runs).
    """
    key = str(ref)
    if key in _cache:
        return _cache[key]
    rulebook = _load(key, None, ())
    if key in builtin_ids():
        _cache[key] = rulebook
    return rulebook


def load_rulebook_text(text: str, name: str = "<text>") -> Rulebook:
    """Load a rulebook from YAML text (``extends`` may name a built-in rulebook)."""
    node = compose(text, name)
    parent_ref = node.value.get("extends")
    if parent_ref is not None and isinstance(parent_ref.value, str):
        parent, _ = _compose_merged(parent_ref.value, None, (parent_ref.value,))
        _same_kind(parent, node, name)
        doc = dict(parent.value)
        for key in ("id", "version", "extends"):
            doc.pop(key, None)
        problems = [*(parent.problems or []), *(node.problems or [])]
        node = merge(Node(doc, parent.file, parent.line), node)
        node.problems = problems
    return _build(node, None, ())


def _load(ref: str, base: Path | None, seen: tuple[str, ...]) -> Rulebook:
    node, here = _compose_merged(ref, base, (*seen, ref))
    return _build(node, here, (*seen, ref))


# --- reading fields -----------------------------------------------------------------------------


class _Reader:
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


CEILING_FIELD = {
    "allowance": "points",
    "earn": "caps",
    "grade": "grades",
    "graded": "grades",
    "score": "max",
    "deduct": "max",
    "rollup": "factor",
}
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_-")


def _check_code(code: str, node: Node, path: str, issues: list[Issue]) -> None:
    if not code or not set(code) <= CODE_CHARS or not code[0].isalpha():
        issues.append(
            Issue(
                node.file,
                node.line,
                path,
                f"代码 {code!r} 只能用小写字母、数字、_ 和 -，以字母开头",
            )
        )


TOP_KEYS = {
    "member": "id, version, kind, title, source, extends, total, year_start, categories, vetoes, "
    "stars, bands, consecutive",
    "organization": "id, version, kind, title, source, extends, total, categories, rounds, "
    "combine_rounds, sources, index, stars, bands",
}


def _build(node: Node, here: Path | None, seen: tuple[str, ...]) -> Rulebook:
    issues: list[Issue] = list(node.problems or [])
    top = _Reader(node, "", issues)
    rid = top.text("id")
    if rid:
        _check_code(rid, top.map["id"], "id", issues)
    version_node = top.get("version")
    version = "1" if version_node is None else str(version_node.value)
    kind = top.choice("kind", ("member", "organization"), None)
    title = top.text("title", "")
    source = top.text("source", "")
    extends = top.text("extends", "") or None
    total = top.number("total", positive=True)
    year_start = 1
    rules = MEMBER_RULES if kind == "member" else ORGANIZATION_RULES

    categories: list[Category] = []
    seen_codes: dict[str, Node] = {}
    cats = top.mapping("categories")
    if not cats:
        top.error(node, "categories", "至少需要一个类别 (at least one category)")
    children: dict[str, Rulebook] = {}
    for code, cnode in cats.items():
        path = f"categories.{code}"
        _check_code(code, cnode, path, issues)
        r = _Reader(cnode, path, issues)
        cmax = r.number("max", required=True, positive=True) or Decimal(0)
        period = "year"
        period_max = None
        combine = "mean"
        bonus = False
        if kind == "member":
            period = r.choice("period", ("month", "quarter", "year"), "year")
            period_max = r.number("period_max", positive=True)
            combine = r.choice("combine", ("mean", "sum"), "mean")
            if period == "year" and period_max is not None:
                r.error(
                    r.map["period_max"], "period_max", "只有 period 为 month 或 quarter 时才可设置"
                )
        else:
            bonus = r.boolean("bonus")
        ctitle = r.text("title", code)
        items: list[Item] = []
        for icode, inode in r.mapping("items").items():
            ipath = f"{path}.items.{icode}"
            _check_code(icode, inode, ipath, issues)
            if icode in seen_codes:
                issues.append(
                    Issue(
                        inode.file,
                        inode.line,
                        ipath,
                        f"代码 {icode} 重复 (first on line {seen_codes[icode].line})",
                    )
                )
            seen_codes[icode] = inode
            item = _item(icode, inode, ipath, kind, rules, period, issues)
            if item is None:
                continue
            items.append(item)
            limit = period_max if period_max is not None else cmax
            ceiling = item.ceiling
            if ceiling is not None and ceiling > limit:
                what = "period_max" if period_max is not None else "max"
                own = CEILING_FIELD[item.rule]
                issues.append(
                    Issue(
                        inode.file,
                        inode.line,
                        ipath,
                        f"item {icode}: {own} {ceiling} 超过类别 {code} 的 {what} {limit} "
                        f"(item {icode}: {own} {ceiling} exceeds category {what} {limit})",
                    )
                )
            if isinstance(item, Rollup):
                child = _child(item, inode, ipath, here, seen, issues)
                if child is not None:
                    children[item.of] = child
        if not items:
            r.error(cnode, "items", "类别至少需要一个考核项目 (at least one item)")
        if period_max is not None and period_max > cmax and combine == "mean":
            r.error(
                r.map["period_max"],
                "period_max",
                f"period_max {period_max} 超过类别满分 max {cmax} (exceeds category max)",
            )
        deductions: list[Deduction] = []
        if kind == "member":
            for dcode, dnode in r.mapping("deductions").items():
                dpath = f"{path}.deductions.{dcode}"
                _check_code(dcode, dnode, dpath, issues)
                if dcode in seen_codes:
                    issues.append(Issue(dnode.file, dnode.line, dpath, f"代码 {dcode} 重复"))
                seen_codes[dcode] = dnode
                dr = _Reader(dnode, dpath, issues)
                points = dr.number("points", required=True, positive=True) or Decimal(0)
                deductions.append(Deduction(dcode, dr.text("title", dcode), points))
                dr.finish("title, points")
        allowed = (
            "title, max, period, period_max, combine, items, deductions"
            if kind == "member"
            else "title, max, bonus, items"
        )
        r.finish(allowed)
        categories.append(
            Category(
                code=code,
                title=ctitle,
                max=cmax,
                items=tuple(items),
                period=cast(Any, period),
                period_max=period_max,
                combine=cast(Any, combine),
                bonus=bonus,
                deductions=tuple(deductions),
            )
        )

    if total is None and kind == "member":
        top.error(node, "total", "成员规则需要 total (总分上限)")

    vetoes: list[Veto] = []
    stars = None
    bands: list[Band] = []
    consecutive: list[Consecutive] = []
    rounds = "year"
    combine_rounds = "mean"
    sources = Sources()
    index_cap = None
    if kind == "member":
        ys = top.number("year_start", default=Decimal(1))
        if ys is not None and (ys != ys.to_integral_value() or not 1 <= ys <= 12):
            top.error(top.map["year_start"], "year_start", "应为 1 到 12 的月份")
        else:
            year_start = int(ys or 1)
        for vcode, vnode in top.mapping("vetoes").items():
            vpath = f"vetoes.{vcode}"
            _check_code(vcode, vnode, vpath, issues)
            if vcode in seen_codes:
                issues.append(Issue(vnode.file, vnode.line, vpath, f"代码 {vcode} 重复"))
            seen_codes[vcode] = vnode
            vr = _Reader(vnode, vpath, issues)
            vetoes.append(Veto(vcode, vr.text("title", vcode)))
            vr.finish("title")
        for ccode, cnode in top.mapping("consecutive").items():
            cr = _Reader(cnode, f"consecutive.{ccode}", issues)
            years = cr.number("years", default=Decimal(2), positive=True) or Decimal(2)
            consecutive.append(
                Consecutive(
                    code=ccode,
                    label=cr.text("label"),
                    level=cast(Any, cr.choice("level", ("info", "yellow", "red"), "red")),
                    below=cr.number("below", required=True) or Decimal(0),
                    years=max(int(years), 1),
                    categories=_member_categories(cr),
                    actions=cr.texts("actions") or (),
                )
            )
            cr.finish("label, level, below, years, categories, actions")
    else:
        rounds = top.choice("rounds", ("half", "year"), "year")
        combine_rounds = top.choice("combine_rounds", ("mean", "sum", "last"), "mean")
        snode = top.get("sources")
        if snode is not None:
            sources = _sources(snode, issues)
        index_node = top.get("index")
        if index_node is not None:
            ir = _Reader(index_node, "index", issues)
            index_cap = ir.number("cap", required=True, positive=True)
            ir.finish("cap")
        for child in children.values():
            if child.rounds != rounds:
                top.error(
                    node,
                    "rounds",
                    f"汇总的下级规则 {child.id} 的 rounds 为 {child.rounds}，须与本规则一致",
                )
    snode = top.get("stars")
    if snode is not None:
        stars = _stars(snode, issues)
    for bcode, bnode in top.mapping("bands").items():
        bands.append(_band(bcode, bnode, kind, issues))
    top.finish(TOP_KEYS[kind])

    if issues:
        raise RulebookError(issues)
    return Rulebook(
        id=rid,
        version=version,
        kind=cast(Any, kind),
        title=title,
        categories=tuple(categories),
        total=total,
        year_start=year_start,
        vetoes=tuple(vetoes),
        stars=stars,
        bands=tuple(bands),
        consecutive=tuple(consecutive),
        rounds=cast(Any, rounds),
        combine_rounds=cast(Any, combine_rounds),
        sources=sources,
        index_cap=index_cap,
        extends=extends,
        source=source,
        path=node.file,
        children=children,
    )


def _child(
    item: Rollup,
    inode: Node,
    ipath: str,
    here: Path | None,
    seen: tuple[str, ...],
    issues: list[Issue],
) -> Rulebook | None:
    if item.of in seen:
        issues.append(Issue(inode.file, inode.line, f"{ipath}.of", "汇总规则不能指向自己"))
        return None
    try:
        child = (
            _load(item.of, here, seen) if item.of not in builtin_ids() else load_rulebook(item.of)
        )
    except RulebookError as exc:
        issues.append(
            Issue(
                inode.file,
                inode.line,
                f"{ipath}.of",
                f"下级规则 {item.of} 无法使用：{exc.issues[0]}",
            )
        )
        return None
    if child.kind != "organization":
        issues.append(Issue(inode.file, inode.line, f"{ipath}.of", f"{item.of} 不是组织考核规则"))
        return None
    return child


def _member_categories(r: _Reader) -> tuple[str, ...] | None:
    cats = r.texts("categories")
    if cats is not None:
        for cat in cats:
            if cat not in MEMBER_CATEGORIES:
                r.error(
                    r.map["categories"],
                    "categories",
                    f"{cat!r} 不是 {' | '.join(MEMBER_CATEGORIES)}",
                )
    return cats


def _item(
    code: str,
    node: Node,
    path: str,
    kind: str,
    rules: tuple[str, ...],
    period: str,
    issues: list[Issue],
) -> Item | None:
    r = _Reader(node, path, issues)
    if not r.map:
        return None
    rule = r.choice("rule", rules, None)
    title = r.text("title", code)
    item: Item | None = None
    if rule == "allowance":
        points = r.number("points", required=True, positive=True) or Decimal(0)
        iperiod = r.choice("period", ("month", "quarter", "year"), period)
        if iperiod != period:
            r.error(r.map["period"], "period", f"项目的 period 必须与所在类别一致 ({period})")
        deduct = r.number("deduct", positive=True)
        target = r.number("target", positive=True)
        absent = r.number("absent")
        excused = r.number("excused", default=Decimal(0)) or Decimal(0)
        spread_node = r.get("spread")
        spread = None
        if spread_node is not None:
            if spread_node.value != "quarter":
                r.error(spread_node, "spread", "只能是 quarter")
            elif period != "month":
                r.error(spread_node, "spread", "spread: quarter 只用于按月计分的类别")
            else:
                spread = "quarter"
        if target is not None and deduct is None:
            r.error(node, "deduct", "设置了 target 时需要 deduct (每差 1 个单位扣几分)")
        if target is not None and absent is not None:
            r.error(node, "absent", "target 项目不接受考勤标签")
        if absent is not None and absent > points:
            r.error(r.map["absent"], "absent", f"absent {absent} 超过项目分值 {points}")
        item = Allowance(
            code,
            title,
            points,
            cast(Any, period),
            deduct=deduct,
            target=target,
            absent=absent,
            excused=excused,
            spread=cast(Any, spread),
            unit=r.text("unit", ""),
        )
        allowed = "rule, title, points, period, deduct, target, absent, excused, spread, unit"
    elif rule == "earn":
        caps = r.mapping("caps")
        cap_node = r.map.get("caps")
        cap_values: dict[str, Decimal] = {}
        for ckey, cnode in caps.items():
            if ckey not in ("month", "quarter", "year"):
                issues.append(
                    Issue(
                        cnode.file, cnode.line, f"{path}.caps.{ckey}", "只能是 month、quarter、year"
                    )
                )
            elif not isinstance(cnode.value, Decimal) or cnode.value <= 0:
                issues.append(Issue(cnode.file, cnode.line, f"{path}.caps.{ckey}", "应为正数"))
            else:
                cap_values[ckey] = cnode.value
        order = ("month", "quarter", "year")
        if period != "year" and cap_node is not None:
            for ckey in cap_values:
                if order.index(ckey) > order.index(period):
                    r.error(cap_node, "caps", f"按 {period} 计分的类别中不能设 {ckey} 上限")
        minimum = r.number("min", default=Decimal(0), minimum=None) or Decimal(0)
        maximum = r.number("max", positive=True)
        if maximum is not None and minimum > maximum:
            r.error(r.map["min"], "min", f"min {minimum} 大于 max {maximum}")
        item = Earn(
            code,
            title,
            min=minimum,
            max=maximum,
            per=r.number("per", positive=True),
            cap_month=cap_values.get("month"),
            cap_quarter=cap_values.get("quarter"),
            cap_year=cap_values.get("year"),
            unit=r.text("unit", ""),
        )
        allowed = "rule, title, min, max, per, caps, unit"
    elif rule in ("grade", "graded"):
        grades: dict[str, Decimal] = {}
        for label, gnode in r.mapping("grades").items():
            if not isinstance(gnode.value, Decimal) or gnode.value < 0:
                issues.append(
                    Issue(gnode.file, gnode.line, f"{path}.grades.{label}", "应为不小于 0 的数字")
                )
            else:
                grades[label] = gnode.value
        if not grades and "grades" not in r.map:
            r.error(node, "grades", "缺少 grades (等次 → 分值)")
        item = Grade(code, title, grades) if rule == "grade" else Graded(code, title, grades)
        allowed = "rule, title, grades"
    elif rule in ("score", "deduct"):
        maximum = r.number("max", required=True, positive=True) or Decimal(0)
        item = ScoreItem(code, title, maximum) if rule == "score" else Deduct(code, title, maximum)
        allowed = "rule, title, max"
    elif rule == "rollup":
        of = r.text("of")
        factor = r.number("factor", required=True, positive=True) or Decimal(0)
        item = Rollup(code, title, of, factor)
        allowed = "rule, title, of, factor"
    else:
        allowed = "rule, title"
    r.finish(allowed)
    return item


def _sources(node: Node, issues: list[Issue]) -> Sources:
    r = _Reader(node, "sources", issues)
    weights: dict[str, Decimal] | None = None
    wmap = r.mapping("weights")
    if wmap:
        weights = {}
        for key, wnode in wmap.items():
            if key not in ("self", "committee"):
                issues.append(
                    Issue(
                        wnode.file, wnode.line, f"sources.weights.{key}", "只能是 self 或 committee"
                    )
                )
            elif not isinstance(wnode.value, Decimal) or not 0 <= wnode.value <= 1:
                issues.append(
                    Issue(
                        wnode.file, wnode.line, f"sources.weights.{key}", "应为 0 到 1 之间的数字"
                    )
                )
            else:
                weights[key] = wnode.value
        if set(weights) == {"self", "committee"} and sum(weights.values()) != 1:
            r.error(r.map["weights"], "weights", f"权重之和应为 1，实际是 {sum(weights.values())}")
        elif set(weights) != {"self", "committee"}:
            r.error(r.map["weights"], "weights", "需要同时给出 self 和 committee 的权重")
    self_per = None
    self_combine = "mean"
    snode = r.get("self")
    if snode is not None:
        sr = _Reader(snode, "sources.self", issues)
        per = sr.choice("per", ("half", "round"), "round")
        self_per = "half" if per == "half" else None
        self_combine = sr.choice("combine", ("mean", "sum"), "mean")
        sr.finish("per, combine")
    r.finish("weights, self")
    return Sources(
        weights=weights, self_per=cast(Any, self_per), self_combine=cast(Any, self_combine)
    )


def _stars(node: Node, issues: list[Issue]) -> Stars:
    r = _Reader(node, "stars", issues)
    levels: list[StarLevel] = []
    for key, lnode in r.mapping("levels").items():
        path = f"stars.levels.{key}"
        if not key.isdigit():
            issues.append(Issue(lnode.file, lnode.line, path, "星级应为整数，如 5"))
            continue
        lr = _Reader(lnode, path, issues)
        minimum = lr.number("min", required=True) or Decimal(0)
        quota = lr.number("quota")
        if quota is not None and not 0 < quota <= 1:
            lr.error(lr.map["quota"], "quota", "名额比例应在 0 到 1 之间，如 0.2")
        lr.finish("min, quota")
        levels.append(StarLevel(int(key), minimum, quota))
    otherwise = r.number("else", default=Decimal(0)) or Decimal(0)
    r.finish("levels, else")
    levels.sort(key=lambda lv: -lv.stars)
    for higher, lower in itertools.pairwise(levels):
        if lower.min > higher.min:
            issues.append(
                Issue(
                    node.file,
                    node.line,
                    "stars.levels",
                    f"{lower.stars} 星的门槛 {lower.min} 高于 {higher.stars} 星的 {higher.min}",
                )
            )
    return Stars(tuple(levels), int(otherwise))


def _band(code: str, node: Node, kind: str, issues: list[Issue]) -> Band:
    r = _Reader(node, f"bands.{code}", issues)
    minimum = r.number("min", minimum=None)
    below = r.number("below", minimum=None)
    stars_node = r.get("stars")
    stars: tuple[int, ...] | None = None
    if stars_node is not None:
        if isinstance(stars_node.value, list) and all(
            isinstance(v.value, Decimal) and v.value == v.value.to_integral_value()
            for v in stars_node.value
        ):
            stars = tuple(int(v.value) for v in stars_node.value)
        else:
            r.error(stars_node, "stars", "应为星级列表，如 [0, 1, 2]")
    if minimum is None and below is None and stars is None:
        r.error(
            node, "", "需要 min、below 或 stars 之一 (which totals or star levels the band covers)"
        )
    if minimum is not None and below is not None and minimum >= below:
        r.error(r.map["below"], "below", f"below {below} 应大于 min {minimum}")
    band = Band(
        code=code,
        label=r.text("label"),
        level=cast(Any, r.choice("level", ("info", "yellow", "red"), "info")),
        min=minimum,
        below=below,
        stars=stars,
        categories=_member_categories(r) if kind == "member" else None,
        actions=r.texts("actions") or (),
    )
    r.finish("label, level, min, below, stars, categories, actions")
    return band
