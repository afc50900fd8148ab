from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Person
from jifen.orgs.services import membership_transfer
from jifen.recording.services import (
    Mark,
    activity_create,
    attendance_current,
    attendance_items,
    attendance_record,
    attendance_roster,
)
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = [make_person(name, tree.b1) for name in ("张三", "李四", "王五")]
    day = activity_create(
        organization=tree.b1, item="party_day", title="3月主题党日", date=D(2026, 3, 28)
    )
    return SimpleNamespace(tree=tree, people=people, activity=day)


def test_activity_types_are_the_rulebooks_attendance_items(tree: SimpleNamespace) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    codes = [code for code, _ in attendance_items(tree.b1, 2026)]
    assert codes == [
        "group_study",
        "other_study",
        "branch_meeting",
        "party_lecture",
        "group_meeting",
        "party_day",
    ]
    with pytest.raises(ValidationError, match="不是按签到记分的项目"):
        activity_create(organization=tree.b1, item="xxqg_login", title="x", date=D(2026, 3, 1))
    with pytest.raises(ValidationError, match="还没有采用积分办法"):
        activity_create(organization=tree.b1, item="party_day", title="x", date=D(2025, 3, 1))


def test_the_checklist_lists_who_belonged_that_day(branch: SimpleNamespace) -> None:
    _, li, _ = branch.people
    membership_transfer(person=li, to=branch.tree.b2, on=D(2026, 3, 28))
    names = [p.name for p in attendance_roster(branch.activity)]
    assert "李四" not in names
    assert "张三" in names


def test_marks_become_ledger_entries_and_a_second_submit_records_nothing(
    branch: SimpleNamespace,
) -> None:
    zhang, li, wang = branch.people
    marks = {
        zhang.pk: Mark("present"),
        li.pk: Mark("absent"),
        wang.pk: Mark("excused", "出差"),
    }
    assert attendance_record(activity=branch.activity, marks=marks, actor=None) == 3
    assert attendance_record(activity=branch.activity, marks=marks, actor=None) == 0
    assert Entry.objects.count() == 3
    current = attendance_current(branch.activity)
    assert {p: e.value for p, e in current.items()} == {
        zhang.pk: "present",
        li.pk: "absent",
        wang.pk: "excused",
    }
    assert current[wang.pk].note == "出差"
    year = member_year(li, 2026)
    assert year is not None
    assert year.result.category("base").periods["M03"] == 65  # 主题党日 absent: 5


def test_changing_a_mark_is_a_correction(branch: SimpleNamespace) -> None:
    li = branch.people[1]
    attendance_record(activity=branch.activity, marks={li.pk: Mark("absent")}, actor=None)
    assert (
        attendance_record(
            activity=branch.activity, marks={li.pk: Mark("excused", "补交了请假条")}, actor=None
        )
        == 1
    )
    entries = list(Entry.objects.order_by("seq"))
    assert [(e.value, e.correction) for e in entries] == [("absent", ""), ("excused", "replace")]
    assert entries[1].corrects == entries[0]
    assert attendance_current(branch.activity)[li.pk] == entries[1]
    assert (
        attendance_record(
            activity=branch.activity, marks={li.pk: Mark("excused", "补交了请假条")}, actor=None
        )
        == 0
    )
    year = member_year(li, 2026)
    assert year is not None
    assert year.result.category("base").periods["M03"] == 70
    assert ledger_verify() == []


def test_an_excuse_needs_a_reason_and_nothing_is_written_without_one(
    branch: SimpleNamespace,
) -> None:
    zhang, li, _ = branch.people
    with pytest.raises(ValidationError, match="请假须写明原因：李四"):
        attendance_record(
            activity=branch.activity,
            marks={zhang.pk: Mark("present"), li.pk: Mark("excused")},
            actor=None,
        )
    assert Entry.objects.count() == 0


def test_the_checklist_page_records_and_says_so(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    zhang, li, wang = branch.people
    client.force_login(scorekeeper)
    url = reverse("recording:activity", kwargs={"activity_id": branch.activity.pk})
    page = client.get(url).content.decode()
    assert "张三" in page
    # The item by the rulebook's name; its code is the ledger's, never shown (issue 17).
    assert "<dd>主题党日(每月两次)</dd>" in page
    assert "party_day" not in page
    form = {f"mark-{zhang.pk}": "present", f"mark-{li.pk}": "absent", f"mark-{wang.pk}": "present"}
    response = client.post(url, form, follow=True)
    assert "签到已记录：3 人" in response.content.decode()
    response = client.post(url, form, follow=True)  # the same form sent again
    assert "签到没有变化，未重复记录" in response.content.decode()
    assert Entry.objects.count() == 3
    bad = client.post(url, {**form, f"mark-{wang.pk}": "excused"})
    assert bad.status_code == 400
    assert "请假须写明原因：王五" in bad.content.decode()


def test_a_member_may_read_but_not_record(
    client: Client, branch: SimpleNamespace, secretary: User, committee_admin: User
) -> None:
    from jifen.orgs.services import role_grant

    reader = User.objects.create_user("zhiwei")
    role_grant(user=reader, role="branch_committee", organization=branch.tree.b1)
    client.force_login(reader)
    url = reverse("recording:activity", kwargs={"activity_id": branch.activity.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 404
    assert Entry.objects.count() == 0


def test_attachments_are_kept_with_the_activity_and_guarded(
    client: Client,
    branch: SimpleNamespace,
    scorekeeper: User,
    outsider: User,
    settings: object,
    tmp_path: object,
) -> None:
    import io as _io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    buffer = _io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(buffer, format="PNG")
    photo = _io.BytesIO(buffer.getvalue())
    photo.name = "合影.png"
    client.force_login(scorekeeper)
    url = reverse("recording:activity", kwargs={"activity_id": branch.activity.pk})
    response = client.post(url, {"attachment": photo}, follow=True)
    assert "附件已保存" in response.content.decode()
    attachment = branch.activity.attachments.get()
    file_url = reverse("recording:attachment", kwargs={"attachment_id": attachment.pk})
    assert client.get(file_url)["Content-Type"] == "image/png"
    fake = _io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "photo.png"
    refused = client.post(url, {"attachment": fake}, follow=True)
    assert "只接受照片" in refused.content.decode()
    client.force_login(outsider)
    assert client.get(file_url).status_code == 404
