"""Editing and cancelling an activity: details audited before/after, attendance follows a new
date through corrections, a cancelled activity voids its attendance and takes no more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Correction, Entry
from jifen.ledger.scores import member_year
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Person
from jifen.recording.checkin import checkin_open, checkin_record
from jifen.recording.models import Activity
from jifen.recording.services import (
    Mark,
    activity_cancel,
    activity_create,
    activity_update,
    attendance_current,
    attendance_record,
)
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db
D = dt.date
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def recorded(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    """A 3月 主题党日 with 张三 present, 李四 absent, 王五 excused."""
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = [make_person(name, tree.b1) for name in ("张三", "李四", "王五")]
    activity = activity_create(
        organization=tree.b1, item="party_day", title="3月主题党日", date=D(2026, 3, 28)
    )
    zhang, li, wang = people
    attendance_record(
        activity=activity,
        marks={zhang.pk: Mark("present"), li.pk: Mark("absent"), wang.pk: Mark("excused", "出差")},
        actor=None,
    )
    return SimpleNamespace(tree=tree, people=people, activity=activity)


def _details(activity: Activity, **changes: object) -> dict[str, object]:
    fields = {
        "item": activity.item,
        "title": activity.title,
        "date": activity.date,
        "place": activity.place,
        "organizer": activity.organizer,
        "content": activity.content,
        "checkin_opens": activity.checkin_opens,
        "checkin_closes": activity.checkin_closes,
    }
    return {**fields, **changes}


def _base_month(person: Person, month: int) -> object:
    year = member_year(person, 2026)
    assert year is not None
    return year.result.category("base").periods[f"M{month:02d}"]


def test_editing_details_is_audited_before_and_after(
    recorded: SimpleNamespace, scorekeeper: User
) -> None:
    opens = dt.datetime(2026, 3, 28, 14, 0, tzinfo=TZ)
    activity_update(
        activity=recorded.activity,
        actor=scorekeeper,
        **_details(
            recorded.activity,
            title="3月主题党日（重温入党誓词）",
            place="党员活动室",
            checkin_opens=opens,
            checkin_closes=opens + dt.timedelta(hours=2),
        ),
    )
    saved = Activity.objects.get(pk=recorded.activity.pk)
    assert saved.title == "3月主题党日（重温入党誓词）"
    assert saved.place == "党员活动室"
    assert saved.checkin_is_open(opens + dt.timedelta(minutes=30))
    event = AuditEvent.objects.get(action="activity.update")
    assert event.detail["before"]["title"] == "3月主题党日"
    assert event.detail["after"]["title"] == "3月主题党日（重温入党誓词）"
    assert event.detail["before"]["place"] == ""
    assert event.detail["after"]["checkin_opens"] == "2026-03-28 14:00"
    assert "date" not in event.detail["after"]  # only what changed
    assert Entry.objects.count() == 3  # the attendance is untouched


def test_a_bad_checkin_window_is_refused_and_nothing_changes(recorded: SimpleNamespace) -> None:
    opens = dt.datetime(2026, 3, 28, 14, 0, tzinfo=TZ)
    with pytest.raises(ValidationError, match="截止时间必须晚于开始时间"):
        activity_update(
            activity=recorded.activity,
            actor=None,
            **_details(recorded.activity, title="新", checkin_opens=opens, checkin_closes=opens),
        )
    with pytest.raises(ValidationError, match="要么都填"):
        activity_update(
            activity=recorded.activity,
            actor=None,
            **_details(recorded.activity, checkin_opens=opens),
        )
    with pytest.raises(ValidationError, match="不能超过 12 小时"):
        activity_update(
            activity=recorded.activity,
            actor=None,
            **_details(
                recorded.activity,
                checkin_opens=opens,
                checkin_closes=opens + dt.timedelta(hours=13),
            ),
        )
    assert Activity.objects.get(pk=recorded.activity.pk).title == "3月主题党日"
    assert not AuditEvent.objects.filter(action="activity.update").exists()


def test_a_new_date_moves_the_attendance_through_corrections(
    recorded: SimpleNamespace, scorekeeper: User
) -> None:
    zhang, li, wang = recorded.people
    assert _base_month(li, 3) == 65  # 主题党日 absent: −5 in March
    activity_update(
        activity=recorded.activity,
        actor=scorekeeper,
        reason="登记时日期写错",
        **_details(recorded.activity, date=D(2026, 4, 2)),
    )
    entries = list(Entry.objects.order_by("seq"))
    assert len(entries) == 9  # 3 marks, 3 voids, 3 marks on the new date: nothing deleted
    voids = [e for e in entries if e.correction == Correction.VOID]
    assert {v.corrects_id for v in voids} == {e.pk for e in entries[:3]}
    assert all(v.date == D(2026, 3, 28) for v in voids)
    assert {v.reason for v in voids} == {"活动日期由 2026-03-28 改为 2026-04-02：登记时日期写错"}
    saved = Activity.objects.get(pk=recorded.activity.pk)
    current = attendance_current(saved)
    assert {pid: e.value for pid, e in current.items()} == {
        zhang.pk: "present",
        li.pk: "absent",
        wang.pk: "excused",
    }
    assert all(e.date == D(2026, 4, 2) for e in current.values())
    assert current[wang.pk].note == "出差"
    assert _base_month(li, 3) == 70  # March no longer carries the absence …
    assert _base_month(li, 4) == 65  # … April does
    assert ledger_verify() == []
    event = AuditEvent.objects.get(action="activity.update")
    assert event.detail["moved"] == 3
    assert event.detail["before"]["date"] == "2026-03-28"


def test_the_type_cannot_change_once_attendance_is_recorded(
    recorded: SimpleNamespace, tree: SimpleNamespace
) -> None:
    with pytest.raises(ValidationError, match="不能更改活动类型"):
        activity_update(
            activity=recorded.activity,
            actor=None,
            **_details(recorded.activity, item="party_lecture"),
        )
    assert Activity.objects.get(pk=recorded.activity.pk).item == "party_day"
    empty = activity_create(organization=tree.b1, item="party_day", title="空", date=D(2026, 5, 1))
    changed = activity_update(activity=empty, actor=None, **_details(empty, item="party_lecture"))
    assert changed.item == "party_lecture"  # no attendance yet: a plain correction of the type
    with pytest.raises(ValidationError, match="不是按签到记分的项目"):
        activity_update(activity=empty, actor=None, **_details(empty, item="xxqg_login"))


def test_cancelling_voids_every_attendance_fact_with_the_reason(
    recorded: SimpleNamespace, scorekeeper: User
) -> None:
    li = recorded.people[1]
    with pytest.raises(ValidationError, match="必须写明原因"):
        activity_cancel(activity=recorded.activity, reason=" ", actor=scorekeeper)
    activity_cancel(activity=recorded.activity, reason="重复登记", actor=scorekeeper)
    saved = Activity.objects.get(pk=recorded.activity.pk)
    assert saved.cancelled
    assert saved.cancel_reason == "重复登记"
    assert saved.cancelled_by == scorekeeper
    entries = list(Entry.objects.order_by("seq"))
    assert len(entries) == 6
    assert [e.correction for e in entries[3:]] == [Correction.VOID] * 3
    assert {e.reason for e in entries[3:]} == {"活动取消：重复登记"}
    assert attendance_current(saved) == {}
    assert _base_month(li, 3) == 70
    assert ledger_verify() == []
    event = AuditEvent.objects.get(action="activity.cancel")
    assert "重复登记" in event.summary
    assert sorted(event.detail["voided"]) == sorted(e.pk for e in entries[:3])


def test_cancelling_a_large_activity_costs_the_same_queries_as_a_small_one(
    recorded: SimpleNamespace,
    scorekeeper: User,
    make_person: Callable[..., Person],
) -> None:
    """The voids go into the ledger as one batch, not one correction (and audit event) each."""
    tree = recorded.tree
    with CaptureQueriesContext(connection) as small:
        activity_cancel(activity=recorded.activity, reason="重复登记", actor=scorekeeper)
    crowd = [make_person(f"党员{i:02d}", tree.b1) for i in range(40)]
    large = activity_create(
        organization=tree.b1, item="party_day", title="4月主题党日", date=D(2026, 4, 25)
    )
    attendance_record(activity=large, marks={p.pk: Mark("present") for p in crowd}, actor=None)
    with CaptureQueriesContext(connection) as big:
        activity_cancel(activity=large, reason="重复登记", actor=scorekeeper)
    assert len(attendance_current(large)) == 0
    assert Entry.objects.filter(origin_ref=large.ref, correction=Correction.VOID).count() == 40
    assert len(big.captured_queries) == len(small.captured_queries)
    assert ledger_verify() == []


def test_a_cancelled_activity_takes_no_more_attendance_checkins_or_edits(
    recorded: SimpleNamespace, scorekeeper: User, member: User
) -> None:
    zhang = recorded.people[0]
    activity_cancel(activity=recorded.activity, reason="活动未举行", actor=scorekeeper)
    with pytest.raises(ValidationError, match="活动已取消"):
        attendance_record(activity=recorded.activity, marks={zhang.pk: Mark("absent")}, actor=None)
    with pytest.raises(ValidationError, match="活动已取消"):
        checkin_open(activity=recorded.activity, now=timezone.now(), minutes=60, actor=scorekeeper)
    with pytest.raises(ValidationError, match="活动已取消"):
        checkin_record(activity=recorded.activity, person=zhang, now=timezone.now(), actor=member)
    with pytest.raises(ValidationError, match="活动已取消"):
        activity_update(activity=recorded.activity, actor=None, **_details(recorded.activity))
    with pytest.raises(ValidationError, match="活动已取消"):
        activity_cancel(activity=recorded.activity, reason="再取消一次", actor=scorekeeper)
    assert Entry.objects.count() == 6


def test_the_pages_edit_and_cancel(
    client: Client, recorded: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    pk = recorded.activity.pk
    edit = reverse("recording:activity_edit", kwargs={"activity_id": pk})
    page = client.get(edit).content.decode()
    assert "3 人的签到记录" in page
    assert "不能更改活动类型" in page
    response = client.post(
        edit,
        {
            "item": "party_day",
            "title": "3月主题党日",
            "date": "2026-03-28",
            "place": "",
            "organizer": "",
            "content": "",
            "checkin_opens": "",
            "checkin_closes": "",
            "reason": "",
        },
        follow=True,
    )
    assert "活动已修改" in response.content.decode()
    bad = client.post(
        edit, {"item": "party_lecture", "title": "x", "date": "2026-03-28", "reason": ""}
    )
    assert bad.status_code == 400
    assert "不能更改活动类型" in bad.content.decode()
    cancel = reverse("recording:activity_cancel", kwargs={"activity_id": pk})
    assert client.post(cancel, {"reason": ""}).status_code == 400
    response = client.post(cancel, {"reason": "误登记"}, follow=True)
    text = response.content.decode()
    assert "签到记录已在台账中作废" in text
    assert "已取消" in text
    assert "保存签到" not in text  # no more marks
    listing = client.get(
        reverse("recording:activities", kwargs={"org_id": recorded.tree.b1.pk})
    ).content.decode()
    assert "已取消" in listing
    sheet = client.post(
        reverse("recording:activity", kwargs={"activity_id": pk}),
        {f"mark-{recorded.people[0].pk}": "absent"},
    )
    assert sheet.status_code == 400
    assert "活动已取消" in sheet.content.decode()
