"""The roster applies in bulk (jifen.orgs.bulk.people_write) and leaves exactly what applying it
person by person through the one-person services leaves: the same people, memberships and audit
events, in the same order, for a file with new, changed, unchanged and transferred people. A bad
row anywhere still changes nothing; the bulk path refuses what the one-person path refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.context import audit_context
from jifen.audit.models import AuditEvent
from jifen.orgs.bulk import NewPerson, PersonChange, people_write
from jifen.orgs.models import Membership, Organization, Person
from jifen.orgs.services import (
    membership_transfer,
    organization_close,
    person_create,
    person_update,
)
from jifen.roster import services
from jifen.roster.models import RosterImport
from jifen.roster.reading import table_read
from tests.conftest import valid_id_number
from tests.roster.conftest import csv_bytes, roster_row

pytestmark = pytest.mark.django_db

PATH = "/orgs/roster/apply/"


class _UndoError(Exception):
    """Raised to roll the reference application back."""


def _mixed(tree: SimpleNamespace, make_person: Callable[..., Person]) -> bytes:
    """People already registered, and a file that keeps one, changes one, transfers two (one of
    them changed too) and adds two (one a probationary member of the other branch)."""
    same = {"gender": "M", "phone": "13900000000", "start": dt.date(2020, 1, 1)}
    for serial, name in enumerate(["王一", "李二", "张三", "赵四"], start=1):
        make_person(name, id_number=_number(serial), **same)
    make_person("不在文件里", id_number=_number(9))
    rows = [
        roster_row("王一", 1),
        roster_row("李二二", 2, 手机号="13911112222", 类别="正式党员", 入党日期="2011-07-01"),
        roster_row("张三", 3, org="B2", 加入日期="2024-03-01"),
        roster_row("赵四", 4, org="B2", 加入日期="2024-05-15", 手机号="13733334444"),
        roster_row("钱五", 5, org="B1", 加入日期="2025-09-01"),
        roster_row(
            "孙六",
            6,
            org="B2",
            类别="预备党员",
            入党日期="2025-07-01",
            预备期满日期="2026-07-01",
            加入日期="2025-07-01",
        ),
    ]
    return csv_bytes(rows)


def _number(serial: int) -> str:
    return valid_id_number(serial, region="110105", birth="19850101")  # as roster_row's


def _upload(tree: SimpleNamespace, admin: User, data: bytes) -> RosterImport:
    roster_import = services.roster_import_create(
        organization=tree.g,
        table=table_read(data, "花名册.csv"),
        filename="花名册.csv",
        actor=admin,
    )
    assert roster_import.status == RosterImport.Status.PENDING, roster_import.errors
    return roster_import


def _one_by_one(roster_import: RosterImport, admin: User) -> None:
    """What applying did before the bulk path: each planned row through the services for one
    person (person_create, person_update, membership_transfer), in the file's order."""
    by_code = {o.code: o for o in Organization.objects.all()}
    for entry in roster_import.plan["entries"]:
        fields = dict(entry["fields"])
        for key in ("joined_party", "probation_ends"):
            fields[key] = dt.date.fromisoformat(fields[key]) if fields[key] else None
        start = dt.date.fromisoformat(entry["start"])
        if entry["kind"] == "new":
            person_create(
                **fields,
                id_number=entry["id_number"],
                organization=by_code[entry["org_code"]],
                start=start,
                start_reason=Membership.StartReason.IMPORT,
                actor=admin,
            )
            continue
        person = Person.objects.get(pk=entry["person_id"])
        if entry["changes"]:
            person_update(person=person, actor=admin, **{k: fields[k] for k in entry["changes"]})
        if entry["kind"] == "transfer":
            membership_transfer(
                person=person,
                to=by_code[entry["org_code"]],
                on=start,
                note="花名册导入",
                actor=admin,
            )


def _state(after: int) -> dict[str, Any]:
    """Everything a roster writes, by ID number rather than by id (ids differ between runs)."""
    numbers = dict(Person.objects.values_list("pk", "id_number"))
    people = sorted(
        Person.objects.values_list(
            "id_number",
            "name",
            "gender",
            "phone",
            "category",
            "joined_party",
            "probation_ends",
            "name_pinyin",
            "name_initials",
            "user_id",
        )
    )
    memberships = sorted(
        (
            numbers[m.person_id],
            m.organization.code,
            m.start,
            m.end,
            m.start_reason,
            m.end_reason,
            m.note,
        )
        for m in Membership.objects.select_related("organization")
    )
    events = [
        (
            e.action,
            numbers[int(e.target.split(":")[1])],
            e.summary,
            e.detail,
            e.actor_id,
            e.actor_name,
            e.ip,
            e.path,
        )
        for e in AuditEvent.objects.filter(
            pk__gt=after, action__regex=r"^(person|membership)\."
        ).order_by("pk")
    ]
    return {"people": people, "memberships": memberships, "events": events}


def test_bulk_apply_leaves_exactly_what_one_by_one_leaves(
    tree: SimpleNamespace, make_person: Callable[..., Person], general_admin: User
) -> None:
    roster_import = _upload(tree, general_admin, _mixed(tree, make_person))
    assert roster_import.plan["counts"] == {"new": 2, "update": 1, "transfer": 2, "unchanged": 1}
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = _state(mark)

    with audit_context(user=general_admin, ip="10.0.0.7", path=PATH):
        try:
            with transaction.atomic():
                _one_by_one(roster_import, general_admin)
                reference = _state(mark)
                raise _UndoError
        except _UndoError:
            pass
        assert _state(mark) == before  # the reference left nothing behind
        mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        outcome = services.roster_import_apply(roster_import=roster_import, actor=general_admin)

    assert outcome.kind == "applied"
    bulk = _state(mark)
    assert bulk["people"] == reference["people"]
    assert bulk["memberships"] == reference["memberships"]
    assert bulk["events"] == reference["events"]
    # And it is what the file says: six people in the file, one more not in it.
    assert len(bulk["people"]) == 7
    assert [e[0] for e in bulk["events"]] == [
        "person.update",
        "membership.transfer",
        "person.update",
        "membership.transfer",
        "person.create",
        "person.create",
    ]
    assert bulk["events"][0][2] == "修改人员 李二二：name、phone、joined_party"
    assert bulk["events"][0][3]["name"] == ["李二", "李二二"]
    renamed = Person.objects.get(name="李二二")
    assert (renamed.name_pinyin, renamed.name_initials) == ("lierer", "lee")


def test_a_bad_row_at_the_end_writes_nothing(
    tree: SimpleNamespace, make_person: Callable[..., Person], general_admin: User
) -> None:
    data = _mixed(tree, make_person) + "坏行,未知,123,,正式党员,,,B1,2020-01-01\n".encode()
    before = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    roster_import = services.roster_import_create(
        organization=tree.g, table=table_read(data, "x.csv"), filename="x.csv", actor=general_admin
    )
    assert roster_import.status == RosterImport.Status.INVALID
    assert {e["row"] for e in roster_import.errors} == {8}
    with pytest.raises(services.ImportClosedError):
        services.roster_import_apply(roster_import=roster_import, actor=general_admin)
    after = (Person.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == (before[0], before[1], before[2] + 1)  # only the upload's own event


def test_a_row_that_fails_at_apply_time_leaves_the_whole_file_unwritten(
    tree: SimpleNamespace, make_person: Callable[..., Person], general_admin: User
) -> None:
    """The re-check at apply finds the branch of the last row closed since the preview: nothing
    of the rows before it is written."""
    roster_import = _upload(tree, general_admin, _mixed(tree, make_person))
    people = set(Person.objects.values_list("id_number", "name", "phone"))
    memberships = Membership.objects.count()
    organization_close(organization=tree.b2, on=dt.date(2025, 1, 1))
    mark = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    outcome = services.roster_import_apply(roster_import=roster_import, actor=general_admin)
    assert outcome.kind == "invalid"
    roster_import.refresh_from_db()
    assert [(e["row"], e["column"]) for e in roster_import.errors] == [(7, "加入日期")]
    assert set(Person.objects.values_list("id_number", "name", "phone")) == people
    assert Membership.objects.count() == memberships
    assert not AuditEvent.objects.filter(pk__gt=mark).exists()


def _new(tree: SimpleNamespace, serial: int, **changes: Any) -> NewPerson:
    fields: dict[str, Any] = {
        "name": f"新人{serial}",
        "gender": "M",
        "id_number": valid_id_number(serial, region="110106"),
        "category": "full",
        "joined_party": dt.date(2010, 7, 1),
        "organization": tree.b1,
        "start": dt.date(2024, 1, 1),
    }
    fields.update(changes)
    return NewPerson(**fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "110106199001011234"}, "校验位"),
        ({"phone": "12345"}, "手机号"),
        ({"category": "probationary"}, "预备期满日期"),
        ({"joined_party": None}, "入党日期"),
        ({"start": dt.date(1999, 1, 1)}, "不存续"),
    ],
)
def test_the_bulk_path_refuses_what_person_create_refuses_and_writes_nothing(
    tree: SimpleNamespace, changes: dict[str, Any], message: str
) -> None:
    bad = _new(tree, 999, **changes)
    with pytest.raises(ValidationError) as one:
        person_create(**{k: getattr(bad, k) for k in bad.__dataclass_fields__})
    assert message in " ".join(one.value.messages)
    writes = [_new(tree, serial) for serial in range(1, 50)] + [bad]
    with pytest.raises(ValidationError) as many:
        people_write(writes=writes)
    text = " ".join(many.value.messages)
    assert text.startswith("新人999（")
    assert set(one.value.messages) <= set(text.split("：", 1)[1].split("；"))
    assert not Person.objects.exists()
    assert not Membership.objects.exists()
    assert not AuditEvent.objects.filter(action="person.create").exists()


def test_an_id_number_registered_or_twice_in_a_batch_is_refused(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    there = make_person("已登记", id_number=valid_id_number(1, region="110106"))
    with pytest.raises(ValidationError, match="该身份证号已登记"):
        people_write(writes=[_new(tree, 2), _new(tree, 1)])
    with pytest.raises(ValidationError, match="该身份证号已登记"):
        people_write(writes=[_new(tree, 2), _new(tree, 2, name="另一人")])
    assert list(Person.objects.values_list("pk", flat=True)) == [there.pk]


def test_a_transfer_refused_by_the_rules_stops_the_batch(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    moved = make_person("转走", start=dt.date(2020, 1, 1))
    on_start = PersonChange(moved, {}, to=tree.b2, on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="转接日期不能与本段组织关系的开始日期相同"):
        people_write(writes=[_new(tree, 3), on_start])
    same = PersonChange(moved, {}, to=tree.b1, on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="已属于"):
        people_write(writes=[same])
    assert Person.objects.count() == 1
    assert list(Membership.objects.values_list("organization__code", "end")) == [("B1", None)]
