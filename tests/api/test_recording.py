"""Attendance from a sign-in system and a month's figures from a 学习强国 export, through the API:
the pages' services, their checks and their all-or-nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jifen.accounts.roles import Role
from jifen.ledger.models import Entry
from jifen.recording.models import Activity, Declaration
from tests.api.world import bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def _attend(world: SimpleNamespace, marks: list[dict[str, Any]], **headers: str) -> Any:
    activity = world.activities["B1"]
    return Client().post(
        f"/api/v1/activities/{activity.pk}/attendance",
        data={"marks": marks},
        content_type="application/json",
        **bearer(world.tokens[Role.SCOREKEEPER]),
        **headers,
    )


def test_attendance_is_recorded_once_and_a_change_is_a_correction(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    first = _attend(world, [{"person_id": member, "mark": "present"}])
    assert first.status_code == 200, first.content
    assert first.json()["written"] == 1
    assert first.json()["marks"] == {str(member): "present"}
    again = _attend(world, [{"person_id": member, "mark": "present"}])
    assert again.json()["written"] == 0  # the same mark again records nothing
    changed = _attend(world, [{"person_id": member, "mark": "excused", "reason": "出差"}])
    assert changed.json()["marks"] == {str(member): "excused"}
    latest = Entry.objects.filter(person_id=member, item="party_day").latest("seq")
    assert latest.corrects_id is not None  # a correction of the earlier mark, not a rewrite


def test_bad_marks_write_nothing_and_are_named_by_row(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    before = Entry.objects.count()
    bad = _attend(
        world,
        [
            {"person_id": member, "mark": "present"},
            {"person_id": world.people["G"].pk, "mark": "late"},
        ],
    )
    assert bad.status_code == 422
    assert [(e["row"], e["field"]) for e in bad.json()["errors"]] == [(2, "mark")]
    no_reason = _attend(world, [{"person_id": member, "mark": "excused"}])
    assert no_reason.status_code == 422
    assert "请假须写明原因" in no_reason.json()["message"]
    stranger = _attend(world, [{"person_id": world.people["XB"].pk, "mark": "present"}])
    assert stranger.status_code == 422
    assert "另一单位" not in stranger.content.decode()
    assert Entry.objects.count() == before


def _month(world: SimpleNamespace, text: str, encoding: str = "utf-8", **form: str) -> Any:
    upload = SimpleUploadedFile("11月.csv", text.encode(encoding))
    headers = {k: form.pop(k) for k in list(form) if k.startswith("HTTP_")}
    return Client().post(
        f"/api/v1/organizations/{world.tree.b1.pk}/monthly/2026/10",
        data={"file": upload, **form},
        **bearer(world.tokens[Role.SCOREKEEPER]),
        **headers,
    )


def test_a_month_of_figures_in_gb18030_is_checked_then_applied(world: SimpleNamespace) -> None:
    text = "姓名,登录学习强国\n成员B1,3\n"
    before = Entry.objects.count()
    checked = _month(world, text, "gb18030", dry_run="true")
    assert checked.status_code == 200, checked.content
    assert checked.json()["applied"] is False
    assert checked.json()["rows"] == 1
    assert Entry.objects.count() == before
    assert checked.json()["absent"] == [{"person_id": world.me.pk, "name": "我"}]
    undecided = _month(world, text, "gb18030")
    assert undecided.json()["code"] == "absent_undecided"
    applied = _month(world, text, "gb18030", absent="keep")
    assert applied.json()["applied"] is True
    assert applied.json()["new"] == 1
    figure = Entry.objects.filter(person=world.people["B1"], date__month=10).get()
    assert (figure.item, figure.value) == ("xxqg_login", "3")
    again = _month(world, text, "gb18030", absent="keep")
    assert again.json()["unchanged"] == 1
    assert Entry.objects.count() == before + 1


def test_a_file_with_problems_names_row_and_column_and_writes_nothing(
    world: SimpleNamespace,
) -> None:
    before = Entry.objects.count()
    answer = _month(world, "姓名,登录学习强国\n成员B1,两天\n王五,1\n")
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "file_refused"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "登录学习强国"),
        (3, "姓名"),
    ]
    assert Entry.objects.count() == before


def test_members_left_out_need_a_decision(world: SimpleNamespace) -> None:
    g = world.places["own"]
    answer = Client().post(
        f"/api/v1/organizations/{g.pk}/monthly/2026/10",
        data={"file": SimpleUploadedFile("a.csv", "姓名,登录学习强国\n成员B1,1\n".encode())},
        **bearer(world.tokens[Role.SCOREKEEPER]),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "absent_undecided"
    assert "成员G" in answer.json()["message"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _declare(world: SimpleNamespace, role: Role, **fields: Any) -> Any:
    headers = {k: fields.pop(k) for k in list(fields) if k.startswith("HTTP_")}
    body = {
        "item": "volunteer",
        "date": "2026-11-16",
        "description": "社区志愿服务 4 小时",
        "points": "1",
        "files": [SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
        **fields,
    }
    return Client().post(
        "/api/v1/me/declarations", data=body, **bearer(world.tokens[role]), **headers
    )


def test_a_member_declares_with_evidence(world: SimpleNamespace) -> None:
    answer = _declare(world, Role.MEMBER)
    assert answer.status_code == 201, answer.content
    made = Declaration.objects.get(pk=answer.json()["id"])
    assert made.person == world.me
    assert made.evidence.count() == 1
    assert answer.json()["status"] == "submitted"
    assert answer.json()["item_name"] != "volunteer"  # the rulebook's words
    no_files = _declare(world, Role.MEMBER, files=[])
    assert no_files.status_code == 422
    assert no_files.json()["errors"][0]["field"] == "files"
    not_a_member = _declare(world, Role.SCOREKEEPER)
    assert not_a_member.status_code == 404  # this account has no person
    assert Declaration.objects.count() == 1


def test_every_write_records_once_per_idempotency_key(world: SimpleNamespace) -> None:
    """Retried after a lost answer: an activity, a month's file (multipart) and a declaration
    with its evidence are each written once, and the retry gets the first answer."""
    keeper = bearer(world.tokens[Role.SCOREKEEPER])
    url = f"/api/v1/organizations/{world.tree.b1.pk}/activities"
    body = {"item": "party_day", "title": "主题党日", "date": "2026-11-20"}
    activities = Activity.objects.count()
    first, again = (
        Client().post(
            url, data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1", **keeper
        )
        for _ in range(2)
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Activity.objects.count() == activities + 1

    entries = Entry.objects.count()
    month = [
        _month(world, "姓名,登录学习强国\n成员B1,3\n", absent="keep", HTTP_IDEMPOTENCY_KEY="m1")
        for _ in range(2)
    ]
    assert month[0].json() == month[1].json()
    assert month[0].json()["new"] == 1
    assert Entry.objects.count() == entries + 1
    other_file = _month(
        world, "姓名,登录学习强国\n成员B1,4\n", absent="keep", HTTP_IDEMPOTENCY_KEY="m1"
    )
    assert other_file.json()["code"] == "idempotency_key_reused"

    declared = [_declare(world, Role.MEMBER, HTTP_IDEMPOTENCY_KEY="d1") for _ in range(2)]
    assert declared[0].status_code == declared[1].status_code == 201
    assert declared[0].json()["id"] == declared[1].json()["id"]
    assert Declaration.objects.count() == 1
