"""Checking an organization tree read from a spreadsheet, against the database as it is now.

Every problem is collected (row as Excel shows it, column by its Chinese header, what was
expected), never only the first. The rules for one organization are the orgs service's own
(``organization_problems``: code format and uniqueness, kind under the parent's kind, dates);
here are only what a file adds — cells that cannot be read, codes repeated in the file, parents
unknown, outside the organization imported into, or in a cycle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from django.utils.translation import gettext as _

from jifen.orgs.models import Organization, OrganizationKind
from jifen.orgs.services import organization_problems
from jifen.roster.checks import RowError, date_parse, date_problem
from jifen.roster.tree_reading import TREE_BY_KEY, TREE_COLUMNS, TreeTable

# The service's field names, as the file's columns.
_FIELD_COLUMNS = {"code": "code", "name": "name", "kind": "kind", "active_from": "active_from"}


class TreeEntry(TypedDict):
    """One organization the import will create, in an order where parents come first."""

    row: int
    code: str
    name: str
    kind: str  # OrganizationKind.code
    parent: str  # the parent's code: the organization imported into, an existing one or a row
    active_from: str  # YYYY-MM-DD


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind_name: str
    parent_code: str
    date_text: str
    kind: OrganizationKind | None = None
    active_from: dt.date | None = None
    errors: list[RowError] = field(default_factory=list)

    def add(self, key: str, problem: str) -> None:
        column = TREE_BY_KEY[key].header
        if not any(e["column"] == column and e["problem"] == problem for e in self.errors):
            self.errors.append({"row": self.number, "column": column, "problem": problem})

    def has(self, key: str) -> bool:
        return any(e["column"] == TREE_BY_KEY[key].header for e in self.errors)


def _read_cells(row: _Row, kinds: dict[str, OrganizationKind]) -> None:
    for key, value in (("code", row.code), ("name", row.name), ("kind", row.kind_name)):
        if not value:
            row.add(key, _("%(column)s不能为空") % {"column": TREE_BY_KEY[key].header})
    if row.kind_name:
        row.kind = kinds.get(row.kind_name)
        if row.kind is None:
            row.add(
                "kind",
                _("类别应为 %(kinds)s 之一，而不是“%(kind)s”")
                % {"kinds": "、".join(kinds), "kind": row.kind_name},
            )
    if not row.date_text:
        row.add("active_from", _("成立日期不能为空"))
    elif problem := date_problem(row.date_text):
        row.add("active_from", problem)
    else:
        row.active_from = date_parse(row.date_text)


def _duplicates(rows: list[_Row]) -> None:
    """Codes are compared without case: C01 and c01 cannot be told apart on paper."""
    seen: dict[str, list[_Row]] = {}
    for row in rows:
        if row.code:
            seen.setdefault(row.code.upper(), []).append(row)
    for same in seen.values():
        if len(same) > 1:
            listed = "、".join(str(row.number) for row in same)
            for row in same:
                row.add("code", _("组织代码在文件中重复出现（第 %(rows)s 行）") % {"rows": listed})


def _cycle(row: _Row, by_code: dict[str, _Row]) -> list[str] | None:
    """The codes of the cycle ``row`` is in (its chain of parents within the file comes back
    to it), or None."""
    chain = [row.code]
    current = row
    while current.parent_code in by_code:
        current = by_code[current.parent_code]
        if current is row:
            return [*chain, row.code]
        if current.code in chain:
            return None  # a cycle further up: reported on its own rows
        chain.append(current.code)
    return None


def _parents(
    rows: list[_Row],
    *,
    root: Organization,
    existing: dict[str, Organization],
    visible: set[str],
) -> None:
    by_code = {row.code: row for row in rows if row.code}
    for row in rows:
        code = row.parent_code
        if not code or code in by_code or code == root.code:
            if code and code == row.code:
                row.add("parent", _("上级组织代码不能是本组织自己的代码"))
            elif code in by_code and (cycle := _cycle(row, by_code)):
                row.add("parent", _("上级组织形成循环：%(cycle)s") % {"cycle": " → ".join(cycle)})
            continue
        if code in existing:
            continue
        if code in visible:
            row.add(
                "parent",
                _("上级组织 %(code)s 不在 %(root)s 之下，不能导入到那里")
                % {"code": code, "root": root.name},
            )
        else:
            row.add("parent", _("上级组织代码“%(code)s”不存在") % {"code": code})


def _in_order(rows: list[_Row]) -> list[_Row]:
    """Each organization followed by those under it, in the file's order otherwise (rows may
    name a parent further down the file), so the plan reads as a tree and parents are created
    first; rows whose chain of parents is a cycle are left out (their errors say why)."""
    by_code = {row.code: row for row in rows if row.code}
    children: dict[str, list[_Row]] = {}
    for row in rows:
        children.setdefault(row.parent_code, []).append(row)
    ordered: list[_Row] = []
    stack = [row for row in reversed(rows) if row.parent_code not in by_code]
    while stack:
        row = stack.pop()
        ordered.append(row)
        # A repeated code has its children listed once, under the first row using it.
        below = children.pop(row.code, []) if row.code else []
        stack.extend(reversed(below))
    return ordered


def _service_checks(
    ordered: list[_Row], *, root: Organization, existing: dict[str, Organization]
) -> None:
    """The orgs service's own rules, each row under its parent — an existing organization or
    the unsaved one of an earlier row."""
    planned: dict[str, Organization] = {}
    for row in ordered:
        if row.kind is None or row.active_from is None:
            continue
        parent_code = row.parent_code or root.code
        parent = planned.get(parent_code) or existing.get(parent_code)
        problems = organization_problems(
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=parent,
            active_from=row.active_from,
        )
        for field_name, problem in problems.items():
            key = _FIELD_COLUMNS.get(field_name, "parent")
            if not row.has(key):
                row.add(key, problem)
        planned[row.code] = Organization(
            code=row.code, name=row.name, kind=row.kind, active_from=row.active_from
        )


def tree_check(
    table: TreeTable, *, root: Organization, visible: set[str]
) -> tuple[list[RowError], list[TreeEntry]]:
    """Every problem of the file, and (when there is none) the organizations to create, parents
    first. ``visible``: codes of organizations the user may see, so that a parent outside the
    subtree is told apart from an unknown one without revealing organizations they cannot see."""
    kinds = {kind.name: kind for kind in OrganizationKind.objects.order_by("level", "code")}
    existing = {o.code: o for o in Organization.objects.filter(path__startswith=root.path)}
    rows = [
        _Row(number, code, name, kind, parent, day)
        for number, (code, name, kind, parent, day) in table.rows
    ]
    for row in rows:
        _read_cells(row, kinds)
    _duplicates(rows)
    _parents(rows, root=root, existing=existing, visible=visible)
    ordered = _in_order(rows)
    _service_checks(ordered, root=root, existing=existing)
    order = {column.header: index for index, column in enumerate(TREE_COLUMNS)}
    errors = sorted(
        (e for row in rows for e in row.errors), key=lambda e: (e["row"], order[e["column"]])
    )
    if errors:
        return errors, []
    entries: list[TreeEntry] = [
        {
            "row": row.number,
            "code": row.code,
            "name": row.name,
            "kind": row.kind.code if row.kind else "",
            "parent": row.parent_code or root.code,
            "active_from": row.active_from.isoformat() if row.active_from else "",
        }
        for row in ordered
    ]
    return errors, entries
