"""What the API answers, as typed schemas: django-ninja turns them into the OpenAPI document.
Every schema carries an example, shown in /api/v1/docs (tests/api/test_openapi.py checks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict


def example(**values: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [values]})


class Problem(Schema):
    """An error: a stable code, a message in the request's language, the fields at fault."""

    model_config = example(
        code="invalid",
        message="请求有误，请检查下列字段",
        errors=[{"field": "year", "message": "应为整数"}],
    )
    code: str
    message: str
    errors: list[dict[str, str]] | None = None


class Organization(Schema):
    model_config = example(
        id=12,
        code="JD-01",
        name="机电学院第一党支部",
        kind="branch",
        kind_name="党支部",
        parent_id=3,
        depth=3,
        active_from="2001-07-01",
        active_until=None,
    )
    id: int
    code: str
    name: str
    kind: str
    kind_name: str
    parent_id: int | None
    depth: int
    active_from: dt.date
    active_until: dt.date | None


class Membership(Schema):
    organization_id: int
    organization_name: str
    start: dt.date
    end: dt.date | None


class Person(Schema):
    model_config = example(
        id=301,
        name="张三",
        gender="男",
        category="full",
        category_name="正式党员",
        id_number="110101********1234",
        phone="138****5678",
        memberships=[
            {
                "organization_id": 12,
                "organization_name": "机电学院第一党支部",
                "start": "2019-06-01",
                "end": None,
            }
        ],
    )
    id: int
    name: str
    gender: str
    category: str
    category_name: str
    # Masked unless the caller sees them in full on the person's page (jifen.orgs.access).
    id_number: str
    phone: str
    memberships: list[Membership]


class People(Schema):
    model_config = example(
        people=[
            {
                "id": 301,
                "name": "张三",
                "gender": "男",
                "category": "full",
                "category_name": "正式党员",
                "id_number": "110101********1234",
                "phone": "138****5678",
                "memberships": [],
            }
        ],
        next_cursor="301",
    )
    people: list[Person]
    next_cursor: str | None


class Line(Schema):
    rule: str
    period: str
    text: str
    points: Decimal | None
    facts: list[int]


class Item(Schema):
    code: str
    title: str
    score: Decimal
    periods: dict[str, Decimal]
    lines: list[Line] | None = None


class Category(Schema):
    code: str
    title: str
    score: Decimal
    periods: dict[str, Decimal]
    items: list[Item]
    lines: list[Line] | None = None


class MemberYear(Schema):
    model_config = example(
        person_id=301,
        year=2026,
        organization_id=12,
        rulebook="seed003",
        rulebook_title="党员积分管理办法",
        total="86.50",
        months_reached=12,
        categories=[
            {
                "code": "base",
                "title": "基础积分",
                "score": "60.00",
                "periods": {"M01": "5.00"},
                "items": [
                    {
                        "code": "party_day",
                        "title": "主题党日",
                        "score": "10.00",
                        "periods": {"M01": "1.00"},
                    }
                ],
            }
        ],
        months={"M01": "7.50"},
        stars=4,
        warnings=["年度积分低于 60 分"],
        vetoed=False,
    )
    person_id: int
    year: int
    organization_id: int
    rulebook: str
    rulebook_title: str
    total: Decimal
    months_reached: int
    categories: list[Category]
    months: dict[str, Decimal]
    stars: int | None
    warnings: list[str]
    vetoed: bool
    lines: list[Line] | None = None


class EntryOut(Schema):
    id: int
    seq: int
    person_id: int | None
    date: dt.date
    item: str
    value: str
    note: str
    origin: str
    corrects_id: int | None
    correction: str
    reason: str
    recorded_at: dt.datetime
    hash: str


class Entries(Schema):
    model_config = example(
        entries=[
            {
                "id": 9120,
                "seq": 412,
                "person_id": 301,
                "date": "2026-11-30",
                "item": "xxqg_login",
                "value": "2",
                "note": "",
                "origin": "manual",
                "corrects_id": None,
                "correction": "",
                "reason": "",
                "recorded_at": "2026-12-01T09:30:00+08:00",
                "hash": "9f2c…",
            }
        ],
        next_cursor="412",
    )
    entries: list[EntryOut]
    # Pass as ``cursor`` for the next page; null at the end of the ledger.
    next_cursor: str | None


class SheetRow(Schema):
    person_id: int
    name: str
    total: Decimal
    categories: dict[str, Decimal]
    stars: int | None
    warnings: list[str]
    vetoed: bool


class YearSheet(Schema):
    model_config = example(
        organization_id=12,
        year=2026,
        rulebook="seed003",
        months_reached=11,
        categories=[{"code": "base", "title": "基础积分"}],
        rows=[
            {
                "person_id": 301,
                "name": "张三",
                "total": "86.50",
                "categories": {"base": "60.00"},
                "stars": None,
                "warnings": [],
                "vetoed": False,
            }
        ],
    )
    organization_id: int
    year: int
    rulebook: str
    months_reached: int
    categories: list[dict[str, str]]
    rows: list[SheetRow]


class NoticeOut(Schema):
    id: int
    opened_on: dt.date
    starts: dt.date
    ends: dt.date
    working_days: int


class SignatureOut(Schema):
    model_config = example(
        id=7,
        year=2026,
        quarter=3,
        signed_at="2026-10-09T16:20:00+08:00",
        signed_by="李书记",
        sheet_hash="5be1…",
        ledger_seq=412,
        ledger_head="9f2c…",
        notices=[
            {
                "id": 5,
                "opened_on": "2026-10-10",
                "starts": "2026-10-12",
                "ends": "2026-10-16",
                "working_days": 5,
            }
        ],
    )
    id: int
    year: int
    # 1–4 a quarter; 0 the year-end sheet.
    quarter: int
    signed_at: dt.datetime
    signed_by: str
    sheet_hash: str
    ledger_seq: int
    ledger_head: str
    notices: list[NoticeOut]


class RulebookOut(Schema):
    model_config = example(
        organization_id=1,
        year=2026,
        rulebook="seed003",
        version="1",
        title="党员积分管理办法",
        adopted_at="2026-01-05T09:00:00+08:00",
        yaml="id: seed003\n…",
    )
    # Where it was adopted: the organization itself or the nearest one above it.
    organization_id: int
    year: int
    rulebook: str
    version: str
    title: str
    adopted_at: dt.datetime
    yaml: str


class RoundOut(Schema):
    model_config = example(
        id=4,
        year=2026,
        period="H1",
        period_name="上半年",
        title="2026年上半年党支部考核",
        owner_id=1,
        self_deadline="2026-07-10",
        committee_deadline="2026-07-20",
        published_at=None,
    )
    id: int
    year: int
    period: str
    period_name: str
    title: str
    owner_id: int
    self_deadline: dt.date
    committee_deadline: dt.date
    # Null until the committee publishes the results.
    published_at: dt.datetime | None


class RoundResult(Schema):
    organization_id: int
    code: str
    name: str
    total: Decimal
    # 堡垒指数 and stars where the rulebook gives them; rank within the parent.
    index: Decimal | None
    stars: int | None
    rank: int | None
    self_total: Decimal | None
    committee_total: Decimal | None
    categories: dict[str, Decimal]


class RoundResults(Schema):
    model_config = example(
        round_id=4,
        results=[
            {
                "organization_id": 12,
                "code": "JD-01",
                "name": "机电学院第一党支部",
                "total": "92.40",
                "index": "92.4",
                "stars": 5,
                "rank": 1,
                "self_total": "95.00",
                "committee_total": "91.29",
                "categories": {"org_life": "28.50"},
            }
        ],
    )
    round_id: int
    results: list[RoundResult]
