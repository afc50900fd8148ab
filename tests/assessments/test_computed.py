"""Organization indicators the records decide, pre-filled on the committee sheet and kept only
once the assessor confirms them (issue 15). Worked by hand:

seed002 party_day (max 4) "每月组织一次“支部主题党日”活动，党员参与率在90%以上"; branch B1 has
ten full members and one activist (not a party member: not counted). 2026:
  Jan 10  10 of 10 present → 100 %, counts.     Feb 10  8 present, 2 absent → 80 %, does not.
  Mar 10  8 present, 1 absent, 1 excused → 80 %; Mar 24  9 present, 1 excused → 90 %: March counts
  (the month's best; 请假 is not present).       Apr 10  cancelled (all present): not counted.
  Year: January and March, 2 of 12 months → 4 × 2/12 = 0.667 → 0.5 (0.5 steps, rounded down).
  H1:   2 of 6 months → 4 × 2/6 = 1.333 → 1.  Before March's second: 1 of 12 → 0.333 → 0.
  February's absent 党员8 corrected to present → 90 %: 3 of 12 → 4 × 3/12 = 1.
seed002 dues (max 3): 10 members × 12 months = 120 member-months; late (seed003 dues = 延期次数):
  甲 March 1, 乙 March 1, 甲 June 2, 丙 September 1 corrected to 0 → 3 late member-months →
  3 × 117/120 = 2.925 → 2.5.
seed000-branch theory_study (max 10), H1: xxqg_login (days not logged in) 甲 Jan 3, 甲 Feb 0,
  乙 Jan 10
  → member-months with a record 3, days 31 + 28 + 31 = 90, not logged 13 → 10 × 77/90 = 8.56 → 8.5.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.assessments.computed import computed_for, share_points
from jifen.assessments.facts import book_for
from jifen.assessments.models import Round, SheetValue
from jifen.assessments.services import round_open, sheet_get, sheet_save
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import NewFact, entries_append, entry_correct
from jifen.orgs.models import Person
from jifen.recording.models import Activity
from jifen.recording.services import Mark, activity_create, attendance_record
from jifen.rulebooks.services import adoption_set
from tests.assessments.helpers import full_inputs

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    tree.members = [make_person(f"党员{n}", tree.b1) for n in range(10)]
    tree.activist = make_person("积极分子", tree.b1, category="activist")
    return tree


def _open(tree: SimpleNamespace, admin: User, rulebook: str, period: str) -> Round:
    return round_open(
        owner=tree.c,
        year=2026,
        period=period,
        rulebook=rulebook,
        organizations=[tree.b1],
        self_deadline=D(2026, 6, 20),
        committee_deadline=D(2026, 7, 10),
        actor=admin,
    )


def _party_day(tree: SimpleNamespace, day: D, present: int, excused: int = 0) -> Activity:
    activity = activity_create(organization=tree.b1, item="party_day", title="主题党日", date=day)
    marks = {}
    for n, person in enumerate(tree.members):
        label = "present" if n < present else "excused" if n < present + excused else "absent"
        marks[person.pk] = Mark(label, "事假" if label == "excused" else "")
    marks[tree.activist.pk] = Mark("absent")
    attendance_record(activity=activity, marks=marks, actor=None)
    return activity


def _facts(tree: SimpleNamespace, *facts: NewFact) -> list[Entry]:
    return entries_append(
        organization=tree.b1,
        facts=list(facts),
        origin=Origin.MANUAL,
        origin_ref="test",
        recorded_by=None,
        summary="test",
    )


def test_share_points_rounds_down_to_the_half_point() -> None:
    assert share_points(Decimal(4), 2, 12) == Decimal("0.5")
    assert share_points(Decimal(3), 117, 120) == Decimal("2.5")
    assert share_points(Decimal(4), 3, 3) == Decimal(4)


def test_party_day_participation_from_attendance(
    branch: SimpleNamespace, committee_admin: User
) -> None:
    _party_day(branch, D(2026, 1, 10), 10)
    february = _party_day(branch, D(2026, 2, 10), 8)
    _party_day(branch, D(2026, 3, 10), 8, excused=1)
    cancelled = _party_day(branch, D(2026, 4, 10), 10)
    Activity.objects.filter(pk=cancelled.pk).update(cancelled_at="2026-04-01T00:00:00Z")
    year = _open(branch, committee_admin, "seed002", "Y")
    book = book_for(year, branch.b1)
    before = computed_for(book, branch.b1, 2026, "Y")["party_day"]
    assert before.value == Decimal(0)
    _party_day(branch, D(2026, 3, 24), 9, excused=1)
    found = computed_for(book, branch.b1, 2026, "Y")["party_day"]
    assert found.value == Decimal("0.5")
    assert "1月 100%（10/10），2月 80%（8/10），3月 90%（9/10），4月 没有记录" in found.text
    assert "12 个月中 2 个月达到 → 4 × 2/12 = 0.5 分" in found.text
    assert computed_for(book, branch.b1, 2026, "H1")["party_day"].value == Decimal(1)
    # A mark put right (a correction in the ledger): 党员8 did come in February → 9/10 = 90 %,
    # 3 of 12 months → 4 × 3/12 = 1.
    attendance_record(
        activity=february, marks={branch.members[8].pk: Mark("present", "补签")}, actor=None
    )
    corrected = computed_for(book, branch.b1, 2026, "Y")["party_day"]
    assert "2月 90%（9/10）" in corrected.text
    assert corrected.value == Decimal(1)


def test_dues_on_time_from_the_ledger_with_corrections(
    branch: SimpleNamespace, committee_admin: User
) -> None:
    jia, yi, bing = branch.members[:3]
    _facts(
        branch,
        NewFact(jia, D(2026, 3, 5), "dues", 1),
        NewFact(yi, D(2026, 3, 5), "dues", 1),
        NewFact(jia, D(2026, 6, 5), "dues", 2),
        NewFact(branch.activist, D(2026, 7, 5), "dues", 1),  # not a party member
    )
    (wrong,) = _facts(branch, NewFact(bing, D(2026, 9, 5), "dues", 1))
    entry_correct(entry=wrong, value=0, reason="已按时交纳，误录", recorded_by=None)
    year = _open(branch, committee_admin, "seed002", "Y")
    found = computed_for(book_for(year, branch.b1), branch.b1, 2026, "Y")["dues"]
    assert found.value == Decimal("2.5")
    assert "党员月数 120，迟交 3 人次" in found.text
    assert "3 × 117/120 = 2.5 分" in found.text


def test_xxqg_participation_needs_records(branch: SimpleNamespace, committee_admin: User) -> None:
    h1 = _open(branch, committee_admin, "seed000-branch", "H1")
    book = book_for(h1, branch.b1)
    empty = computed_for(book, branch.b1, 2026, "H1")["theory_study"]
    assert empty.value is None
    assert "没有登录记录" in empty.text
    jia, yi = branch.members[:2]
    _facts(
        branch,
        NewFact(jia, D(2026, 1, 31), "xxqg_login", 3),
        NewFact(jia, D(2026, 2, 28), "xxqg_login", 0),
        NewFact(yi, D(2026, 1, 31), "xxqg_login", 10),
    )
    found = computed_for(book, branch.b1, 2026, "H1")["theory_study"]
    assert found.value == Decimal("8.5")
    assert "应登录 90 天，未登录 13 天" in found.text


def test_the_committee_sheet_is_prefilled_and_submitting_needs_the_assessors_check(
    branch: SimpleNamespace, committee_admin: User
) -> None:
    _party_day(branch, D(2026, 1, 10), 10)
    year = _open(branch, committee_admin, "seed002", "Y")
    url = reverse("assessments:committee_sheet", args=[year.pk, branch.b1.pk])
    client = Client()
    client.force_login(committee_admin)
    page = client.get(url).content.decode()
    assert 'name="score-party_day" value="0"' in page  # 4 × 1/12 = 0.33 → 0
    assert 'name="score-dues" value="3"' in page  # no late dues: 3 × 120/120
    assert "由记录计算" in page
    assert "已核对（提交前必须勾选）" in page

    sheet = sheet_get(
        assessment_round=year, organization=branch.b1, source="committee", collection="Y"
    )
    inputs = full_inputs(year, branch.b1, party_day="0", dues="3")
    inputs["party_day"].confirmed = False
    with pytest.raises(ValidationError, match="「每月组织一次“支部主题党日”活动"):
        sheet_save(sheet=sheet, inputs=inputs, submit=True, actor=committee_admin)
    sheet_save(sheet=sheet, inputs=inputs, submit=False, actor=committee_admin)  # a draft may wait
    inputs["party_day"].confirmed = True
    sheet_save(sheet=sheet, inputs=inputs, submit=True, actor=committee_admin)
    kept = SheetValue.objects.get(sheet=sheet, item="party_day")
    assert kept.score == Decimal(0)
    assert "1月 100%（10/10）" in kept.computed
    assert "（预填 0 分）" in kept.computed
    assert SheetValue.objects.get(sheet=sheet, item="three_one").computed == ""


def test_the_sheet_form_posts_the_confirmation(
    branch: SimpleNamespace, committee_admin: User
) -> None:
    _party_day(branch, D(2026, 1, 10), 10)
    year = _open(branch, committee_admin, "seed002", "Y")
    url = reverse("assessments:committee_sheet", args=[year.pk, branch.b1.pk])
    data = {f"score-{code}": given.score for code, given in full_inputs(year, branch.b1).items()}
    data.update({"score-party_day": "0", "score-dues": "3", "action": "submit"})
    client = Client()
    client.force_login(committee_admin)
    refused = client.post(url, {**data, "confirm-party_day": "yes"})
    assert refused.status_code == 400
    assert (
        "「组织党员按月按标准缴纳党费，每季度集中足额上缴」由记录预填" in refused.content.decode()
    )
    assert not SheetValue.objects.filter(item="dues").exclude(computed="").exists()
    asked = client.post(url, {**data, "confirm-party_day": "yes", "confirm-dues": "yes"})
    assert "确认提交并锁定" in asked.content.decode()  # the draft is saved; submitting asks first
    done = client.post(url, {"action": "submit", "confirm": "yes"})
    assert done.status_code == 302
    dues = SheetValue.objects.get(item="dues")
    assert dues.score == Decimal(3)
    assert dues.computed.startswith("党费按时交纳：党员月数 120，迟交 0 人次")
    page = client.get(url).content.decode()
    assert "由记录计算，考核人已核对" in page
