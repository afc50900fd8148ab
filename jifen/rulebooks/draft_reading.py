"""A draft's version as the readable table of ``reading.py``, with the codes the edit links need
and a mark on everything that differs from the base."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jifen.rulebooks.reading import stars_lines
from jifen.scoring import Rulebook
from jifen.simulation.cli import DESCRIBE, PERIODS, RULE_NAMES

EDITABLE = ("allowance", "earn", "grade", "graded", "score", "deduct")


@dataclass(frozen=True)
class EditRow:
    code: str
    title: str
    rule: str
    what: str
    editable: bool
    changed: bool


@dataclass(frozen=True)
class EditSection:
    code: str
    title: str
    max: str
    how: str
    rows: tuple[EditRow, ...]
    changed: bool


@dataclass(frozen=True)
class BandRow:
    code: str
    label: str
    level: str
    limits: str
    actions: str
    changed: bool


def number(value: Any) -> str:
    """``10``, ``0.5``: a number as written, without trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _how(rulebook: Rulebook, code: str) -> str:
    category = next(c for c in rulebook.categories if c.code == code)
    if category.period == "year":
        return ""
    most = number(category.period_max or category.max)
    return _("%(period)s计分，每期最多 %(most)s 分") % {
        "period": PERIODS[category.period],
        "most": most,
    }


def sections(rulebook: Rulebook, changes: dict[str, Any]) -> list[EditSection]:
    changed_categories = changes.get("categories") or {}
    found = []
    for category in rulebook.categories:
        mine = changed_categories.get(category.code) or {}
        changed_items = mine.get("items") or {}
        rows = tuple(
            EditRow(
                item.code,
                item.title,
                RULE_NAMES[item.rule],
                DESCRIBE[type(item)](item) if type(item) in DESCRIBE else "",
                item.rule in EDITABLE,
                item.code in changed_items,
            )
            for item in category.items
        )
        rows += tuple(
            EditRow(d.code, d.title, _("扣分"), _("每次扣 %s 分") % number(d.points), False, False)
            for d in category.deductions
        )
        found.append(
            EditSection(
                category.code,
                category.title,
                number(category.max),
                _how(rulebook, category.code),
                rows,
                bool(set(mine) - {"items"}),
            )
        )
    return found


def bands(rulebook: Rulebook, changes: dict[str, Any]) -> list[BandRow]:
    names = {"info": _("提示"), "yellow": _("黄色预警"), "red": _("红色预警")}
    changed = changes.get("bands") or {}
    rows = []
    for band in rulebook.bands:
        limits = []
        if band.min is not None:
            limits.append(_("不低于 %s 分") % number(band.min))
        if band.below is not None:
            limits.append(_("低于 %s 分") % number(band.below))
        if band.stars is not None:
            limits.append(_("%s 星") % "、".join(str(s) for s in band.stars))
        rows.append(
            BandRow(
                band.code,
                band.label,
                names[band.level],
                "，".join(limits),
                "；".join(band.actions),
                band.code in changed,
            )
        )
    return rows


def draft_reading(rulebook: Rulebook, changes: dict[str, Any]) -> dict[str, object]:
    star_lines = stars_lines(rulebook)
    levels = len(rulebook.stars.levels) + 1 if rulebook.stars is not None else 0
    return {
        "rulebook": rulebook,
        "kind": _("党员积分") if rulebook.kind == "member" else _("组织考核"),
        "total": number(rulebook.total) if rulebook.total is not None else "",
        "sections": sections(rulebook, changes),
        "vetoes": [veto.title for veto in rulebook.vetoes],
        "stars": star_lines[:levels],
        "stars_changed": "stars" in changes,
        "bands": bands(rulebook, changes),
        "notice_changed": "notice_days" in changes,
        "member": rulebook.kind == "member",
    }
