"""Reading the sections of a rulebook around its categories: vetoes, consecutive-year warnings,
organization sources, stars and bands.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any, cast

from jifen.scoring.errors import Issue
from jifen.scoring.fields import FieldReader, check_code
from jifen.scoring.model import (
    MEMBER_CATEGORIES,
    QUOTA_BASE,
    Band,
    Consecutive,
    Sources,
    StarLevel,
    Stars,
    Veto,
)
from jifen.scoring.yaml_nodes import Node


def member_categories(r: FieldReader) -> tuple[str, ...] | None:
    """The ``categories`` a warning looks at, each one of the member categories."""
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


def read_vetoes(top: FieldReader, seen_codes: dict[str, Node], issues: list[Issue]) -> list[Veto]:
    """A member rulebook's vetoes; their codes share one namespace with items and deductions."""
    vetoes: list[Veto] = []
    for vcode, vnode in top.mapping("vetoes").items():
        vpath = f"vetoes.{vcode}"
        check_code(vcode, vnode, vpath, issues)
        if vcode in seen_codes:
            issues.append(Issue(vnode.file, vnode.line, vpath, f"代码 {vcode} 重复"))
        seen_codes[vcode] = vnode
        vr = FieldReader(vnode, vpath, issues)
        vetoes.append(Veto(vcode, vr.text("title", vcode)))
        vr.finish("title")
    return vetoes


def read_consecutive(top: FieldReader, issues: list[Issue]) -> list[Consecutive]:
    """A member rulebook's warnings for totals below a mark several years running."""
    consecutive: list[Consecutive] = []
    for ccode, cnode in top.mapping("consecutive").items():
        cr = FieldReader(cnode, f"consecutive.{ccode}", issues)
        years = cr.number("years", default=Decimal(2), positive=True) or Decimal(2)
        consecutive.append(
            Consecutive(
                code=ccode,
                label=cr.text("label"),
                level=cast(Any, cr.choice("level", ("info", "yellow", "red"), "red")),
                below=cr.number("below", required=True) or Decimal(0),
                years=max(int(years), 1),
                categories=member_categories(cr),
                actions=cr.texts("actions") or (),
            )
        )
        cr.finish("label, level, below, years, categories, actions")
    return consecutive


def read_sources(node: Node, issues: list[Issue]) -> Sources:
    r = FieldReader(node, "sources", issues)
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
        sr = FieldReader(snode, "sources.self", issues)
        per = sr.choice("per", ("half", "round"), "round")
        self_per = "half" if per == "half" else None
        self_combine = sr.choice("combine", ("mean", "sum"), "mean")
        sr.finish("per, combine")
    r.finish("weights, self")
    return Sources(
        weights=weights, self_per=cast(Any, self_per), self_combine=cast(Any, self_combine)
    )


def read_stars(node: Node, issues: list[Issue]) -> Stars:
    r = FieldReader(node, "stars", issues)
    levels: list[StarLevel] = []
    for key, lnode in r.mapping("levels").items():
        path = f"stars.levels.{key}"
        if not key.isdigit():
            issues.append(Issue(lnode.file, lnode.line, path, "星级应为整数，如 5"))
            continue
        lr = FieldReader(lnode, path, issues)
        minimum = lr.number("min", required=True) or Decimal(0)
        quota = lr.number("quota")
        if quota is not None and not 0 < quota <= 1:
            lr.error(lr.map["quota"], "quota", "名额比例应在 0 到 1 之间，如 0.2")
        lr.finish("min, quota")
        levels.append(StarLevel(int(key), minimum, quota))
    otherwise = r.number("else", default=Decimal(0)) or Decimal(0)
    base = _quota_base(r)
    r.finish("levels, else, quota_base")
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
    return Stars(tuple(levels), int(otherwise), base)


def _quota_base(r: FieldReader) -> tuple[str, ...]:
    """``quota_base``: the member categories a quota counts and limits (default: the party
    members, full and probationary)."""
    cats = r.texts("quota_base")
    if cats is None:
        return QUOTA_BASE
    wrong = [cat for cat in cats if cat not in MEMBER_CATEGORIES]
    if wrong or not cats:
        r.error(
            r.map["quota_base"],
            "quota_base",
            f"名额基数应是党员类别的列表（{' | '.join(MEMBER_CATEGORIES)}），"
            "如 [full, probationary]",
        )
        return QUOTA_BASE
    return tuple(dict.fromkeys(cats))


def read_band(code: str, node: Node, kind: str, issues: list[Issue]) -> Band:
    r = FieldReader(node, f"bands.{code}", issues)
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
        categories=member_categories(r) if kind == "member" else None,
        actions=r.texts("actions") or (),
    )
    r.finish("label, level, min, below, stars, categories, actions")
    return band
