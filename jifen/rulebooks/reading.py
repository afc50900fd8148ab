"""A rulebook as a plain table to read on a page: its categories, items, points, caps and
deductions under the rulebook's own names, never its codes or its YAML."""

from __future__ import annotations

from dataclasses import dataclass

from jifen.scoring import Rulebook, builtin_ids, fmt, load_rulebook
from jifen.scoring.model import Category, Item
from jifen.scoring.rulebook_diff import kinds_said
from jifen.simulation.cli import DESCRIBE, PERIODS, RULE_NAMES


@dataclass(frozen=True)
class Row:
    title: str
    rule: str
    what: str
    words: str = ""  # the rulebook's 考核内容 and 评价标准 in its document's own wording


@dataclass(frozen=True)
class Section:
    title: str
    max: str
    how: str
    rows: tuple[Row, ...]
    words: str = ""


def builtin_rulebooks() -> list[Rulebook]:
    """Every built-in rulebook, loaded through the engine's loader (cached there)."""
    return [load_rulebook(rulebook_id) for rulebook_id in builtin_ids()]


def _how(category: Category) -> str:
    parts = []
    if category.period != "year":
        most = fmt(category.period_max or category.max)
        combine = "平均" if category.combine == "mean" else "合计"
        parts.append(f"{PERIODS[category.period]}计分，每期最多 {most} 分，全年{combine}")
    if category.bonus:
        parts.append("加分项")
    if category.committee_approval:
        parts.append("个人申报经支部审核后报党委审批")
    return "；".join(parts)


def _words(part: Item | Category) -> str:
    return "\n".join(text for text in (part.description, part.standard) if text)


def sections(rulebook: Rulebook) -> list[Section]:
    """One section a category: its items and its category-level deductions."""
    found = []
    for category in rulebook.categories:
        rows = [
            Row(
                item.title,
                RULE_NAMES[item.rule],
                DESCRIBE[type(item)](item) if type(item) in DESCRIBE else "",
                _words(item),
            )
            for item in category.items
        ]
        rows += [Row(d.title, "扣分", f"每次扣 {fmt(d.points)} 分") for d in category.deductions]
        found.append(
            Section(
                category.title, fmt(category.max), _how(category), tuple(rows), _words(category)
            )
        )
    return found


# What a band's level is called where people read it (the rulebook says info/yellow/red).
LEVEL_NAMES = {"info": "提示", "yellow": "黄色预警", "red": "红色预警"}


def stars_lines(rulebook: Rulebook) -> list[str]:
    """The stars and bands, a line each."""
    lines = []
    if rulebook.stars is not None:
        for level in rulebook.stars.levels:
            quota = f"（不超过 {level.quota * 100:.0f}%）" if level.quota else ""
            lines.append(f"{level.stars} 星：总分不低于 {fmt(level.min)}{quota}")
        lines.append(f"其余：{rulebook.stars.otherwise} 星")
        if any(level.quota for level in rulebook.stars.levels):
            who = kinds_said(rulebook.stars.quota_base)
            lines.append(f"名额按本支部{who}的人数计算，其他人按门槛评定、不占名额")
    for band in rulebook.bands:
        limits = []
        if band.min is not None:
            limits.append(f"不低于 {fmt(band.min)}")
        if band.below is not None:
            limits.append(f"低于 {fmt(band.below)}")
        actions = f"：{'；'.join(band.actions)}" if band.actions else ""
        lines.append(f"{LEVEL_NAMES[band.level]} {band.label}（{'，'.join(limits)}）{actions}")
    return lines


def reading(rulebook: Rulebook) -> dict[str, object]:
    """What a page needs to show a rulebook."""
    return {
        "rulebook": rulebook,
        # Only a built-in rulebook's id means anything to a reader (experts write it after
        # ``extends:``); an organization's own carries a generated code nobody should read.
        "builtin_id": rulebook.id if rulebook.id in builtin_ids() else "",
        "kind": "党员积分" if rulebook.kind == "member" else "组织考核",
        "total": fmt(rulebook.total) if rulebook.total is not None else "",
        "sections": sections(rulebook),
        "vetoes": [veto.title for veto in rulebook.vetoes],
        "stars": stars_lines(rulebook),
    }
