"""The rules a person and a transfer obey, whoever writes them: one person on a form
(jifen.orgs.services) or ten thousand from a roster (jifen.orgs.bulk). Both call these, so the
two paths cannot drift apart; the audit texts are here for the same reason. Nothing here writes;
what needs the database (is this ID number taken?) is asked by the caller, once per person or
once per batch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from jifen.orgs.idcard import id_number_problem, normalize_id_number, phone_problem
from jifen.orgs.models import Category, Membership, Organization, Person
from jifen.orgs.pinyin import pinyin_keys

ID_NUMBER_TAKEN = "该身份证号已登记"
ID_NUMBER_ELSEWHERE = "该身份证号已登记在另一人名下"

PERSON_EDITABLE = (
    "name",
    "gender",
    "id_number",
    "phone",
    "category",
    "joined_party",
    "probation_ends",
)


def must_be_active(organization: Organization, day: dt.date, field: str) -> None:
    if day < organization.active_from or (
        organization.active_until is not None and day >= organization.active_until
    ):
        raise ValidationError({field: f"{organization.name} 在 {day} 不存续（已撤销或尚未成立）"})


def person_problems(fields: dict[str, Any]) -> dict[str, str]:
    problems: dict[str, str] = {}
    if "id_number" in fields and (problem := id_number_problem(fields["id_number"])):
        problems["id_number"] = problem
    if "phone" in fields and (problem := phone_problem(fields.get("phone") or "")):
        problems["phone"] = problem
    category = fields.get("category")
    if category == Category.PROBATIONARY and not fields.get("probation_ends"):
        problems["probation_ends"] = "预备党员须填写预备期满日期"
    if category in {Category.FULL, Category.PROBATIONARY} and not fields.get("joined_party"):
        problems["joined_party"] = "正式党员和预备党员须填写入党日期"
    return problems


def person_fields_checked(
    *,
    name: str,
    gender: str,
    id_number: str,
    phone: str,
    category: str,
    joined_party: dt.date | None,
    probation_ends: dt.date | None,
    organization: Organization,
    start: dt.date,
) -> dict[str, Any]:
    """The fields of a new person as stored (normalized, with the pinyin keys), or the
    ValidationError a new person gets."""
    fields: dict[str, Any] = {
        "name": name.strip(),
        "gender": gender,
        "id_number": normalize_id_number(id_number),
        "phone": phone.strip(),
        "category": category,
        "joined_party": joined_party,
        "probation_ends": probation_ends,
    }
    if problems := person_problems(fields):
        raise ValidationError(problems)
    must_be_active(organization, start, "start")
    fields["name_pinyin"], fields["name_initials"] = pinyin_keys(fields["name"])
    return fields


def person_create_summary(person: Person, organization: Organization, start: dt.date) -> str:
    return f"新增人员 {person.name}，加入 {organization.name}（{start}）"


def person_changes_checked(
    person: Person, changes: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """(the person's editable fields before, the fields that really change), or the
    ValidationError of a change (``changes`` is normalized in place)."""
    unknown = set(changes) - set(PERSON_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "id_number" in changes:
        changes["id_number"] = normalize_id_number(changes["id_number"])
    current = {field: getattr(person, field) for field in PERSON_EDITABLE}
    merged = {**current, **changes}
    if problems := person_problems(merged):
        raise ValidationError(problems)
    return current, [field for field in changes if current[field] != changes[field]]


def person_changes_set(person: Person, changes: dict[str, Any], changed: list[str]) -> None:
    for field in changed:
        setattr(person, field, changes[field])
    if "name" in changed:
        person.name_pinyin, person.name_initials = pinyin_keys(person.name)


def person_update_summary(person: Person, changed: list[str]) -> str:
    return f"修改人员 {person.name}：{'、'.join(changed)}"


def person_update_detail(
    current: dict[str, Any], changes: dict[str, Any], changed: list[str]
) -> dict[str, Any]:
    return {f: [str(current[f]), str(changes[f])] for f in changed}


def transfer_checked(
    person: Person, memberships: list[Membership], to: Organization, on: dt.date
) -> Membership:
    """The membership a transfer on ``on`` ends, given all of the person's memberships (with
    their organizations), or the ValidationError of a transfer."""
    current = next((m for m in memberships if m.covers(on)), None)
    if current is None:
        raise ValidationError({"on": f"{on} 当天 {person.name} 不属于任何组织，无法转出"})
    if current.organization_id == to.pk:
        raise ValidationError({"to": f"{person.name} 已属于 {to.name}"})
    must_be_active(to, on, "to")
    if current.start == on:
        raise ValidationError({"on": "转接日期不能与本段组织关系的开始日期相同"})
    if any(m.start > on for m in memberships):
        raise ValidationError({"on": f"{on} 之后已有组织关系记录，请按时间顺序办理"})
    return current


def transfer_summary(person: Person, current: Membership, to: Organization, on: dt.date) -> str:
    return f"{person.name} 于 {on} 由 {current.organization.name} 转入 {to.name}"
