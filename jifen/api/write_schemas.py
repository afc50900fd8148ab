"""What the API's write operations take and answer, as typed schemas (see jifen.api.schemas for
the reads): django-ninja turns them into the OpenAPI document, each with an example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from jifen.api.schemas import example


class ActivityIn(Schema):
    model_config = example(
        item="party_day", title="12月主题党日", date="2026-12-18", place="党员活动室"
    )
    # The adopted rulebook's attendance item (its code, as in the rulebook's 项目代码).
    item: str
    title: str
    date: dt.date
    place: str = ""
    organizer: str = ""
    content: str = ""


class Activity(Schema):
    model_config = example(
        id=88,
        organization_id=12,
        item="party_day",
        item_name="主题党日",
        title="12月主题党日",
        date="2026-12-18",
        place="党员活动室",
    )
    id: int
    organization_id: int
    item: str
    item_name: str
    title: str
    date: dt.date
    place: str


class FactIn(Schema):
    person_id: int
    date: dt.date
    # The rulebook's item code (项目代码) a scorekeeper may enter by hand, as on the page.
    item: str
    value: str
    note: str = ""


class FactsIn(Schema):
    model_config = example(
        facts=[
            {"person_id": 301, "date": "2026-11-30", "item": "xxqg_login", "value": "2"},
            {
                "person_id": 302,
                "date": "2026-11-30",
                "item": "discipline",
                "value": "2",
                "note": "无故缺席组织生活",
            },
        ]
    )
    facts: list[FactIn]


class CorrectionIn(Schema):
    entry_id: int
    # None voids the entry; a value replaces it.
    value: str | None = None


class CorrectionsIn(Schema):
    model_config = example(
        reason="签到机重复上传", corrections=[{"entry_id": 9120}, {"entry_id": 9121, "value": "1"}]
    )
    reason: str
    corrections: list[CorrectionIn]


class MarkIn(Schema):
    person_id: int
    # present 出席 | absent 无故缺席 | excused 请假 (with a reason)
    mark: str
    reason: str = ""


class AttendanceIn(Schema):
    model_config = example(
        marks=[
            {"person_id": 301, "mark": "present"},
            {"person_id": 302, "mark": "excused", "reason": "出差"},
        ]
    )
    marks: list[MarkIn]


class AttendanceOut(Schema):
    model_config = example(activity_id=88, written=2, marks={"301": "present", "302": "excused"})
    activity_id: int
    # Entries written now: a member already marked the same way is left alone.
    written: int
    # Each member's standing mark after this request, by person id.
    marks: dict[str, str]


class MonthlyOut(Schema):
    model_config = example(
        year=2026,
        month=11,
        applied=True,
        rows=212,
        new=420,
        changed=3,
        unchanged=1,
        absent=[{"person_id": 305, "name": "王五"}],
    )
    year: int
    month: int
    # False for a check only (dry_run): nothing written.
    applied: bool
    rows: int
    new: int
    changed: int
    unchanged: int
    # Members of the organization the file leaves out (see ``absent`` in the request).
    absent: list[dict[str, Any]]


class RosterImportOut(Schema):
    model_config = example(
        id=31,
        organization_id=12,
        status="pending",
        status_name="待确认",
        rows=212,
        counts={"create": 5, "update": 2, "unchanged": 205},
        errors=[],
    )
    id: int
    organization_id: int
    # pending 待确认 (apply it) | invalid 有错误 | applied 已导入 | discarded
    status: str
    status_name: str
    rows: int
    counts: dict[str, int]
    # Each problem: the row as Excel shows it, the column's header, what was expected.
    errors: list[dict[str, Any]]


class AdoptionIn(Schema):
    model_config = example(year=2027, rulebook="seed003", reason="")
    year: int
    # A built-in rulebook's id, as in the rulebook library (积分办法库).
    rulebook: str
    # Required when the year already has an adoption (更换须写明理由).
    reason: str = ""


class TreeImportOut(Schema):
    model_config = example(
        id=7,
        organization_id=1,
        status="pending",
        status_name="待确认",
        rows=3,
        organizations=[
            {"code": "JD", "name": "机电学院党总支", "kind": "general_branch", "parent": ""}
        ],
        errors=[],
    )
    id: int
    organization_id: int
    status: str
    status_name: str
    rows: int
    # What applying would create, in the tree's order.
    organizations: list[dict[str, Any]]
    errors: list[dict[str, Any]]


class DeclarationOut(Schema):
    model_config = example(
        id=55,
        person_id=301,
        organization_id=12,
        item="volunteer",
        item_name="志愿服务",
        date="2026-11-20",
        points_asked="2",
        status="submitted",
        status_name="待审核",
        evidence=2,
    )
    id: int
    person_id: int
    organization_id: int
    item: str
    item_name: str
    date: dt.date
    points_asked: Decimal
    status: str
    status_name: str
    # How many evidence files are attached.
    evidence: int
