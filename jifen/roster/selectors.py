"""Reads for the roster: the organizations an import may touch, the plan of what a file would
change in the database as it is now, and the rows of an export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict

from jifen.orgs import access, selectors
from jifen.orgs.access import Action, AnyUser
from jifen.orgs.idcard import mask_id_number
from jifen.orgs.models import Membership, Organization, Person
from jifen.roster.checks import Checked, OrgRef, RowError, rows_check
from jifen.roster.columns import HEADERS
from jifen.roster.reading import Table

COMPARED = ("name", "gender", "phone", "category", "joined_party", "probation_ends")
_CHUNK = 500


class Entry(TypedDict):
    """What one valid row will do."""

    row: int
    kind: str  # new, update, transfer, unchanged
    name: str
    id_number: str
    person_id: int | None
    org_code: str
    start: str
    fields: dict[str, Any]  # the person's fields as the file gives them
    changes: dict[str, list[Any]]  # field: [old, new]
    transfer_from: str | None  # organization code
    note: str


def _ref(organization: Organization) -> OrgRef:
    return OrgRef(
        pk=organization.pk,
        code=organization.code,
        name=organization.name,
        path=organization.path,
        active_from=organization.active_from,
        active_until=organization.active_until,
    )


def org_refs(
    *, user: AnyUser, organization: Organization
) -> tuple[dict[str, OrgRef], dict[str, OrgRef]]:
    """(the subtree an import into ``organization`` may write to, every organization the user
    can see), each by code."""
    # The subtree, and within it only where the door lets the user manage people (today the
    # same thing: a role reaches its whole subtree).
    manageable = access.orgs_for(user, Action.MANAGE_PEOPLE)
    scope = {o.code: _ref(o) for o in manageable.filter(path__startswith=organization.path)}
    visible = {o.code: _ref(o) for o in access.orgs_for(user, Action.VIEW_ORG)}
    return scope, visible


def _people_by_id_number(id_numbers: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for index in range(0, len(id_numbers), _CHUNK):
        chunk = id_numbers[index : index + _CHUNK]
        for person in Person.objects.filter(id_number__in=chunk):
            found[person.id_number] = person
    return found


def _open_memberships(person_ids: list[int]) -> dict[int, Membership]:
    found: dict[int, Membership] = {}
    for index in range(0, len(person_ids), _CHUNK):
        chunk = person_ids[index : index + _CHUNK]
        rows = Membership.objects.filter(person_id__in=chunk, end__isnull=True).select_related(
            "organization"
        )
        for membership in rows.order_by("start"):
            found[membership.person_id] = membership
    return found


def _names_in_scope(scope: dict[str, OrgRef]) -> dict[str, str]:
    """Name → masked ID number of the people who belong to the import's organizations now."""
    ids = [ref.pk for ref in scope.values()]
    rows = Membership.objects.filter(organization_id__in=ids, end__isnull=True).values_list(
        "person__name", "person__id_number"
    )
    return {name: mask_id_number(id_number) for name, id_number in rows}


def _value(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if value is not None else None


def _new_entry(row: dict[str, Any]) -> Entry:
    """A row's entry before it is compared with the database: a new person."""
    return {
        "row": row["row"],
        "kind": "new",
        "name": row["name"],
        "id_number": row["id_number"],
        "person_id": None,
        "org_code": row["org_code"],
        "start": row["start"],
        "fields": {key: row[key] for key in COMPARED},
        "changes": {},
        "transfer_from": None,
        "note": "",
    }


def _refusal(
    row: dict[str, Any],
    membership: Membership | None,
    scope: dict[str, OrgRef],
    visible: dict[str, OrgRef],
) -> RowError | None:
    """Why the row of a person already registered cannot be applied, if it cannot."""
    if membership is None:
        return {
            "row": row["row"],
            "column": "身份证号",
            "problem": "该身份证号的人员已登记，但目前不属于任何组织；"
            "请联系上级组织在人员页面办理，不能通过花名册重新加入",
        }
    there = membership.organization
    if there.code not in scope:
        where = f"（{there.name}）" if there.code in visible else ""
        return {
            "row": row["row"],
            "column": "身份证号",
            "problem": f"该人员目前属于本次导入范围之外的组织{where}，"
            "请由共同的上级组织办理组织关系转接",
        }
    if there.code != row["org_code"] and dt.date.fromisoformat(row["start"]) <= membership.start:
        return {
            "row": row["row"],
            "column": "加入日期",
            "problem": f"该人员现属于 {there.name}"
            f"（自 {membership.start.isoformat()} 起），"
            "转入新组织的加入日期应晚于该日期",
        }
    return None


def _plan_known(entry: Entry, row: dict[str, Any], person: Person, membership: Membership) -> None:
    """Fill ``entry`` for a person already registered: a transfer, an update or unchanged."""
    entry["person_id"] = person.pk
    there = membership.organization
    if there.code != row["org_code"]:
        entry["transfer_from"] = there.code
    elif membership.start.isoformat() != row["start"]:
        entry["note"] = (
            f"系统中的加入日期为 {membership.start.isoformat()}，与文件不同；未修改"
            "（组织关系的日期请在人员页面办理）"
        )
    fields = entry["fields"]
    changes = {
        key: [_value(getattr(person, key)), fields[key]]
        for key in COMPARED
        if _value(getattr(person, key)) != fields[key]
    }
    entry["changes"] = changes
    if entry["transfer_from"]:
        entry["kind"] = "transfer"
    elif changes:
        entry["kind"] = "update"
    else:
        entry["kind"] = "unchanged"


def plan_build(
    *,
    rows: list[dict[str, Any]],
    scope: dict[str, OrgRef],
    visible: dict[str, OrgRef],
) -> tuple[list[Entry], list[RowError]]:
    """What each checked row would do now, and the rows that cannot be applied (a person who
    belongs outside the import's organizations, a transfer dated before the current one)."""
    people = _people_by_id_number([row["id_number"] for row in rows])
    current = _open_memberships([person.pk for person in people.values()])
    namesakes = _names_in_scope(scope) if len(people) < len(rows) else {}
    entries: list[Entry] = []
    errors: list[RowError] = []
    for row in rows:
        entry = _new_entry(row)
        person = people.get(row["id_number"])
        if person is None:
            if row["name"] in namesakes:
                entry["note"] = (
                    f"本组织已有同名人员（身份证号 {namesakes[row['name']]}）。"
                    "如是同一人、身份证号写错了，请先在人员页面更正，否则会新增一人"
                )
            entries.append(entry)
            continue
        membership = current.get(person.pk)
        refusal = _refusal(row, membership, scope, visible)
        if refusal is not None:
            errors.append(refusal)
            continue
        assert membership is not None  # refused above when there is none  # noqa: S101
        _plan_known(entry, row, person, membership)
        entries.append(entry)
    return entries, errors


def evaluate(
    *, table: Table, user: AnyUser, organization: Organization, today: dt.date
) -> tuple[Checked, list[Entry]]:
    """Check the rows and plan them against the database: (all problems, the plan)."""
    scope, visible = org_refs(user=user, organization=organization)
    checked = rows_check(table, scope=scope, visible=visible, today=today)
    entries, problems = plan_build(rows=checked.rows, scope=scope, visible=visible)
    checked.errors = sorted(
        [*checked.errors, *problems], key=lambda error: (error["row"], _column_order(error))
    )
    return checked, entries


def _column_order(error: RowError) -> int:
    return HEADERS.index(error["column"]) if error["column"] in HEADERS else len(HEADERS)


def counts_of(entries: Iterable[Entry]) -> dict[str, int]:
    counts = {"new": 0, "update": 0, "transfer": 0, "unchanged": 0}
    for entry in entries:
        counts[entry["kind"]] += 1
    return counts


def export_memberships(*, organization: Organization, day: dt.date) -> list[Membership]:
    """Who belonged to ``organization``'s subtree on ``day``, for the export."""
    return list(
        selectors.memberships_on(organization=organization, day=day, subtree=True).order_by(
            "organization__path", "person__name_pinyin", "person_id"
        )
    )
