"""Changing a draft in forms: which fields a thing of the rulebook has, where each lives in the
``extends`` document, and how one form's values become the draft's next set of differences.

A draft's ``changes`` is the whole set of differences from its built-in base. A form sets the
values at its paths; a value equal to the base's is dropped (the draft records only what differs),
an emptied field the base has becomes ``null`` (the loader's merge removes it), and an emptied
field the base lacks is simply left out. The engine stays the judge of the result."""

from __future__ import annotations

import copy
import functools
import importlib.resources
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jifen.scoring import Rulebook
from jifen.scoring.errors import Issue

MISSING: Any = object()
Path = tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """One form field: where its value lives in the document and how it is entered.

    ``kind`` is ``points`` (a number, step 0.5), ``days`` (a whole number), ``percent`` (a quota
    entered as 20 for 0.2), ``lines`` (a list, one entry a line), ``text``, ``level``,
    ``categories`` (member categories, ticked) or ``flag`` (yes or no, ticked)."""

    name: str
    path: Path
    label: str
    kind: str = "points"
    required: bool = False


def _normalized(value: Any) -> Any:
    """YAML as the loader sees it: keys as text, numbers as Decimal."""
    if isinstance(value, dict):
        return {str(k): _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


@functools.lru_cache(maxsize=16)
def _base_text(base: str) -> str:
    resource = importlib.resources.files("jifen.scoring") / "rulebooks" / f"{base}.yaml"
    return resource.read_text(encoding="utf-8")


def base_document(base: str) -> dict[str, Any]:
    """The built-in rulebook ``base`` as a plain mapping (a fresh copy to read)."""
    return _normalized(yaml.safe_load(_base_text(base)) or {})  # type: ignore[no-any-return]


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The base with the differences laid over it, as the loader merges them."""
    result = copy.deepcopy(base)
    for key, value in _normalized(changes).items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def value_at(document: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return MISSING
        document = document[key]
    return document


def _remove(changes: dict[str, Any], path: Path) -> None:
    parents = [changes]
    for key in path[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    parents[-1].pop(path[-1], None)
    # Prune the mappings the removal left empty: no difference, no key.
    for depth in range(len(path) - 1, 0, -1):
        if parents[depth] == {}:
            parents[depth - 1].pop(path[depth - 1], None)


def _put(changes: dict[str, Any], path: Path, value: Any) -> None:
    here = changes
    for key in path[:-1]:
        if not isinstance(here.get(key), dict):
            here[key] = {}
        here = here[key]
    here[path[-1]] = value


def changes_set(
    changes: dict[str, Any], base: dict[str, Any], values: dict[Path, Any]
) -> dict[str, Any]:
    """``changes`` with each path set to its value, recording only what differs from ``base``."""
    result = _normalized(copy.deepcopy(changes))
    for path, value in values.items():
        was = value_at(base, path)
        unset = value is None and was is MISSING
        as_base = value is not None and was is not MISSING and _normalized(value) == was
        if unset or as_base:
            _remove(result, path)
        else:
            _put(result, path, value)
    return result  # type: ignore[no-any-return]


def new_code(rulebook: Rulebook) -> str:
    """The code of an item a person adds: ``own1``, ``own2`` … the first one still free."""
    taken = rulebook.codes() | {c.code for c in rulebook.categories}
    number = 1
    while f"own{number}" in taken:
        number += 1
    return f"own{number}"


def new_band_code(base: dict[str, Any], current: dict[str, Any]) -> str:
    """The code of a band a person adds: ``band1``, ``band2`` … free in the draft and in its base
    (a base band the draft removed is still ``null`` under its code in the differences)."""
    taken = set(base.get("bands") or {}) | set(current.get("bands") or {})
    number = 1
    while f"band{number}" in taken:
        number += 1
    return f"band{number}"


# --- what a field is called, for people --------------------------------------------------------


def key_names() -> dict[str, str]:
    return {
        "period_max": _("每期最高分"),
        "points": _("分值"),
        "deduct": _("每单位扣分"),
        "absent": _("缺席扣分"),
        "excused": _("请假扣分"),
        "target": _("目标数"),
        "caps": _("上限"),
        "per": _("每次分值"),
        "max": _("最高分"),
        "min": _("门槛"),
        "quota": _("名额比例"),
        "below": _("低于"),
        "notice_days": _("公示工作日数"),
        "categories": _("类别"),
        "items": _("项目"),
        "item": _("项目"),
        "stars": _("星级"),
        "levels": _("等级"),
        "bands": _("预警"),
        "actions": _("处置措施"),
        "grades": _("等次"),
        "month": _("每月"),
        "quarter": _("每季度"),
        "year": _("每年"),
    }


def _names(rulebook: Rulebook | None, more: dict[str, str] | None = None) -> dict[str, str]:
    """Codes a message may carry, with the names people know them by."""
    names = key_names() | (more or {})
    if rulebook is not None:
        for category in rulebook.categories:
            names[category.code] = f"“{category.title}”"
            for item in category.items:
                names[item.code] = f"“{item.title}”"
        for band in rulebook.bands:
            names[band.code] = f"“{band.label}”"
    return names


def said_plainly(
    text: str, rulebook: Rulebook | None, *, path: bool = False, more: dict[str, str] | None = None
) -> str:
    """An engine message (or, with ``path``, a field path) without codes: the English gloss
    dropped, every code and key replaced by its Chinese name."""
    text = re.sub(r"\s*\([^()]*[A-Za-z][^()]*\)", "", text)
    names = _names(rulebook, more)
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])("
        + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
        + r")(?![A-Za-z0-9_])"
    )
    text = pattern.sub(lambda m: names[m.group(1)], text)
    return text.replace(".", " · ") if path else text


def issue_places(
    issues: list[Issue],
    specs: list[Spec],
    rulebook: Rulebook | None,
    more: dict[str, str] | None = None,
) -> dict[str | None, list[str]]:
    """Each engine issue on the form field whose path it names, the rest on the form itself
    (prefixed with where it is)."""
    by_path = {".".join(spec.path): spec.name for spec in specs}
    # The thing the form is about (an item, a band): its own issues need no "where".
    things = {".".join(spec.path[:-1]) for spec in specs} | {".".join(s.path) for s in specs}
    placed: dict[str | None, list[str]] = {}
    for issue in issues:
        name = by_path.get(issue.field)
        message = said_plainly(re.sub(r"^item \S+: ", "", issue.message), rulebook, more=more)
        if name is None and issue.field and not any(t.startswith(issue.field) for t in things):
            where = said_plainly(issue.field, rulebook, path=True, more=more)
            message = f"{where}：{message}"
        placed.setdefault(name, []).append(message)
    return placed
