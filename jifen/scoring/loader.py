"""Loading and validating YAML rulebooks, with ``extends`` merged and line numbers kept.

The YAML is composed into nodes that remember their file and line (``yaml_nodes``), merged with
the parent rulebook (if any), then read field by field (``fields``; one reader per rule in
``rule_readers``, the sections around the categories in ``rulebook_sections``). Every problem is
collected with its file, line and field, so ``jifen rulebook check`` can list them all at once.
Unknown keys are errors.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from jifen.scoring.errors import Issue, RulebookError
from jifen.scoring.fields import FieldReader, check_code
from jifen.scoring.model import (
    MEMBER_RULES,
    ORGANIZATION_RULES,
    Category,
    Consecutive,
    Deduction,
    Item,
    Rollup,
    Rulebook,
    Sources,
    Veto,
)
from jifen.scoring.rule_readers import CEILING_FIELD, TEXT_KEYS, ItemPlace, read_item
from jifen.scoring.rulebook_sections import (
    read_band,
    read_consecutive,
    read_sources,
    read_stars,
    read_vetoes,
)
from jifen.scoring.yaml_nodes import Node, compose, merge

__all__ = ["builtin_ids", "load_rulebook", "load_rulebook_text"]

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


# --- building the rulebook ----------------------------------------------------------------------


TOP_KEYS = {
    "member": "id, version, kind, title, source, extends, total, year_start, categories, vetoes, "
    "stars, bands, consecutive, notice_days",
    "organization": "id, version, kind, title, source, extends, total, categories, rounds, "
    "combine_rounds, sources, index, stars, bands, notice_days",
}


@dataclass(slots=True)
class _Context:
    """What reading one rulebook's categories shares: its kind, where its children are looked
    up, and every code seen so far (items, deductions and vetoes share one namespace)."""

    kind: str
    here: Path | None
    seen: tuple[str, ...]
    issues: list[Issue]
    seen_codes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, Rulebook] = field(default_factory=dict)

    @property
    def member(self) -> bool:
        return self.kind == "member"

    @property
    def rules(self) -> tuple[str, ...]:
        return MEMBER_RULES if self.member else ORGANIZATION_RULES


@dataclass(slots=True)
class _KindFields:
    """The top-level fields only one kind of rulebook has, with the other kind's defaults."""

    year_start: int = 1
    vetoes: list[Veto] = field(default_factory=list)
    consecutive: list[Consecutive] = field(default_factory=list)
    rounds: str = "year"
    combine_rounds: str = "mean"
    sources: Sources = field(default_factory=Sources)
    index_cap: Decimal | None = None


def _build(node: Node, here: Path | None, seen: tuple[str, ...]) -> Rulebook:
    issues: list[Issue] = list(node.problems or [])
    top = FieldReader(node, "", issues)
    rid = top.text("id")
    if rid:
        check_code(rid, top.map["id"], "id", issues)
    version_node = top.get("version")
    version = "1" if version_node is None else str(version_node.value)
    kind = top.choice("kind", ("member", "organization"), None)
    title = top.text("title", "")
    source = top.text("source", "")
    extends = top.text("extends", "") or None
    total = top.number("total", positive=True)
    ctx = _Context(kind=kind, here=here, seen=seen, issues=issues)

    cats = top.mapping("categories")
    if not cats:
        top.error(node, "categories", "至少需要一个类别 (at least one category)")
    categories = [_category(code, cnode, ctx) for code, cnode in cats.items()]

    if total is None and ctx.member:
        top.error(node, "total", "成员规则需要 total (总分上限)")
    extra = _member_fields(top, ctx) if ctx.member else _organization_fields(top, node, ctx)
    snode = top.get("stars")
    stars = read_stars(snode, issues) if snode is not None else None
    bands = [read_band(bcode, bnode, kind, issues) for bcode, bnode in top.mapping("bands").items()]
    notice_days = _notice_days(top)
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
        year_start=extra.year_start,
        vetoes=tuple(extra.vetoes),
        stars=stars,
        bands=tuple(bands),
        consecutive=tuple(extra.consecutive),
        rounds=cast(Any, extra.rounds),
        combine_rounds=cast(Any, extra.combine_rounds),
        sources=extra.sources,
        index_cap=extra.index_cap,
        notice_days=notice_days,
        extends=extends,
        source=source,
        path=node.file,
        children=ctx.children,
    )


def _notice_days(top: FieldReader) -> int | None:
    """How many working days a result is publicized: a whole number from 1 to 30."""
    days = top.number("notice_days", positive=True)
    if days is None:
        return None
    if days != days.to_integral_value() or days > 30:
        top.error(top.map["notice_days"], "notice_days", "应为 1 到 30 的整数（工作日）")
        return None
    return int(days)


def _member_fields(top: FieldReader, ctx: _Context) -> _KindFields:
    extra = _KindFields()
    ys = top.number("year_start", default=Decimal(1))
    if ys is not None and (ys != ys.to_integral_value() or not 1 <= ys <= 12):
        top.error(top.map["year_start"], "year_start", "应为 1 到 12 的月份")
    else:
        extra.year_start = int(ys or 1)
    extra.vetoes = read_vetoes(top, ctx.seen_codes, ctx.issues)
    extra.consecutive = read_consecutive(top, ctx.issues)
    return extra


def _organization_fields(top: FieldReader, node: Node, ctx: _Context) -> _KindFields:
    extra = _KindFields()
    extra.rounds = top.choice("rounds", ("half", "year"), "year")
    extra.combine_rounds = top.choice("combine_rounds", ("mean", "sum", "last"), "mean")
    snode = top.get("sources")
    if snode is not None:
        extra.sources = read_sources(snode, ctx.issues)
    index_node = top.get("index")
    if index_node is not None:
        ir = FieldReader(index_node, "index", ctx.issues)
        extra.index_cap = ir.number("cap", required=True, positive=True)
        ir.finish("cap")
    for child in ctx.children.values():
        if child.rounds != extra.rounds:
            top.error(
                node,
                "rounds",
                f"汇总的下级规则 {child.id} 的 rounds 为 {child.rounds}，须与本规则一致",
            )
    return extra


def _category(code: str, cnode: Node, ctx: _Context) -> Category:
    path = f"categories.{code}"
    check_code(code, cnode, path, ctx.issues)
    r = FieldReader(cnode, path, ctx.issues)
    cmax = r.number("max", required=True, positive=True) or Decimal(0)
    period = "year"
    period_max = None
    combine = "mean"
    bonus = False
    committee_approval = False
    if ctx.member:
        committee_approval = r.boolean("committee_approval")
        period = r.choice("period", ("month", "quarter", "year"), "year")
        period_max = r.number("period_max", positive=True)
        combine = r.choice("combine", ("mean", "sum"), "mean")
        if period == "year" and period_max is not None:
            r.error(r.map["period_max"], "period_max", "只有 period 为 month 或 quarter 时才可设置")
    else:
        bonus = r.boolean("bonus")
    ctitle = r.text("title", code)
    items = _items(r, code, period, (cmax, period_max), ctx)
    if not items:
        r.error(cnode, "items", "类别至少需要一个考核项目 (at least one item)")
    if period_max is not None and period_max > cmax and combine == "mean":
        r.error(
            r.map["period_max"],
            "period_max",
            f"period_max {period_max} 超过类别满分 max {cmax} (exceeds category max)",
        )
    deductions = _deductions(r, path, ctx) if ctx.member else []
    description, standard = r.prose("description"), r.prose("standard")
    r.finish(
        f"title, max, period, period_max, combine, items, deductions, committee_approval, "
        f"{TEXT_KEYS}"
        if ctx.member
        else f"title, max, bonus, items, {TEXT_KEYS}"
    )
    return Category(
        code=code,
        title=ctitle,
        max=cmax,
        items=tuple(items),
        period=cast(Any, period),
        period_max=period_max,
        combine=cast(Any, combine),
        bonus=bonus,
        committee_approval=committee_approval,
        deductions=tuple(deductions),
        description=description,
        standard=standard,
    )


def _items(
    r: FieldReader,
    code: str,
    period: str,
    maxima: tuple[Decimal, Decimal | None],
    ctx: _Context,
) -> list[Item]:
    """The category's items; ``maxima`` is its (max, period_max), which bound each item."""
    items: list[Item] = []
    for icode, inode in r.mapping("items").items():
        ipath = f"{r.path}.items.{icode}"
        check_code(icode, inode, ipath, ctx.issues)
        if icode in ctx.seen_codes:
            ctx.issues.append(
                Issue(
                    inode.file,
                    inode.line,
                    ipath,
                    f"代码 {icode} 重复 (first on line {ctx.seen_codes[icode].line})",
                )
            )
        ctx.seen_codes[icode] = inode
        at = ItemPlace(icode, inode, ipath, period, ctx.issues)
        item = read_item(at, ctx.rules)
        if item is None:
            continue
        items.append(item)
        _check_ceiling(item, at, code, maxima)
        if isinstance(item, Rollup):
            child = _child(item, inode, ipath, ctx)
            if child is not None:
                ctx.children[item.of] = child
    return items


def _check_ceiling(
    item: Item, at: ItemPlace, code: str, maxima: tuple[Decimal, Decimal | None]
) -> None:
    cmax, period_max = maxima
    limit = period_max if period_max is not None else cmax
    ceiling = item.ceiling
    if ceiling is not None and ceiling > limit:
        what = "period_max" if period_max is not None else "max"
        own = CEILING_FIELD[item.rule]
        icode = at.code
        at.issues.append(
            Issue(
                at.node.file,
                at.node.line,
                at.path,
                f"item {icode}: {own} {ceiling} 超过类别 {code} 的 {what} {limit} "
                f"(item {icode}: {own} {ceiling} exceeds category {what} {limit})",
            )
        )


def _deductions(r: FieldReader, path: str, ctx: _Context) -> list[Deduction]:
    deductions: list[Deduction] = []
    for dcode, dnode in r.mapping("deductions").items():
        dpath = f"{path}.deductions.{dcode}"
        check_code(dcode, dnode, dpath, ctx.issues)
        if dcode in ctx.seen_codes:
            ctx.issues.append(Issue(dnode.file, dnode.line, dpath, f"代码 {dcode} 重复"))
        ctx.seen_codes[dcode] = dnode
        dr = FieldReader(dnode, dpath, ctx.issues)
        points = dr.number("points", required=True, positive=True) or Decimal(0)
        deductions.append(Deduction(dcode, dr.text("title", dcode), points))
        dr.finish("title, points")
    return deductions


def _child(item: Rollup, inode: Node, ipath: str, ctx: _Context) -> Rulebook | None:
    issues = ctx.issues
    if item.of in ctx.seen:
        issues.append(Issue(inode.file, inode.line, f"{ipath}.of", "汇总规则不能指向自己"))
        return None
    try:
        child = (
            _load(item.of, ctx.here, ctx.seen)
            if item.of not in builtin_ids()
            else load_rulebook(item.of)
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
