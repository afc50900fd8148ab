from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.recording.services import activity_create, attendance_current
from jifen.recording.signin import signin_read
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = {name: make_person(name, tree.b1) for name in ("张三", "李四", "王五")}
    activity = activity_create(
        organization=tree.b1, item="group_meeting", title="党小组会", date=dt.date(2026, 4, 9)
    )
    return SimpleNamespace(tree=tree, people=people, activity=activity)


def test_a_sheet_gives_marks_with_reasons(meeting: SimpleNamespace) -> None:
    sheet = "姓名,签到,请假原因\n张三,,\n李四,请假,外出培训\n王五,缺席,\n".encode("gb18030")
    result = signin_read(meeting.activity, sheet)
    assert result.problems == []
    marks = {
        meeting.people[n].pk: (m.label, m.reason)
        for n, m in [
            ("张三", result.marks[meeting.people["张三"].pk]),
            ("李四", result.marks[meeting.people["李四"].pk]),
            ("王五", result.marks[meeting.people["王五"].pk]),
        ]
    }
    assert list(marks.values()) == [("present", ""), ("excused", "外出培训"), ("absent", "")]


def test_unknown_ambiguous_and_bad_rows_are_all_named(
    meeting: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    make_person("张三", meeting.tree.b1)  # a namesake
    sheet = "姓名,签到,请假原因\n张三,,\n赵六,,\n李四,迟到,\n王五,请假,\n".encode()
    problems = [(p.row, p.column, p.message) for p in signin_read(meeting.activity, sheet).problems]
    assert problems[0][:2] == (2, "姓名")
    assert "有 2 名党员叫 张三" in problems[0][2]
    assert problems[1] == (3, "姓名", "2026-04-09 教工第一党支部 没有名叫 赵六 的党员")
    assert problems[2] == (4, "签到", "应为 出席、缺席 或 请假，而不是“迟到”")
    assert problems[3] == (5, "请假原因", "请假须写明原因")


def test_the_activity_page_imports_an_xlsx_sheet_all_or_nothing(
    client: Client, meeting: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    url = reverse("recording:activity", kwargs={"activity_id": meeting.activity.pk})

    def upload(rows: list[list[str]]) -> io.BytesIO:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        file = io.BytesIO(buffer.getvalue())
        file.name = "签到表.xlsx"
        return file

    bad = client.post(url, {"sheet": upload([["姓名"], ["张三"], ["不认识"]])})
    assert bad.status_code == 400
    assert "没有名叫 不认识 的党员" in bad.content.decode()
    assert Entry.objects.count() == 0
    good = client.post(url, {"sheet": upload([["姓名"], ["张三"], ["李四"]])}, follow=True)
    assert "已按签到表记录：2 人" in good.content.decode()
    assert {e.value for e in attendance_current(meeting.activity).values()} == {"present"}
