"""A year of realistic facts for the demo college, up to the reference day.

Three rulebooks, as issue 5 asks: the committee (and so 信息工程学院党总支, where the demo
accounts are, and the branches directly under the committee) scores with seed003;
机电工程学院党总支 with seed001; 经济管理学院党总支 with its
own copy of seed001 that changes a few items. Facts arrive the way they would in use —
activities with checklists, monthly 学习强国 figures, study hours, approved contributions, a
late payment of dues, a deduction with its reason — all through the recording services, so the
ledger, its hash chains and the audit log are real. Deterministic: a fixed random seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jifen.ledger.models import Origin
from jifen.ledger.services import NewFact, entries_append
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import people_on
from jifen.recording.services import Mark, activity_create, attendance_items, attendance_record
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, adoption_set, rulebook_of

# 经济管理学院党总支 refines seed001 (the seed leaves the detail to each general branch).
ECONOMICS_RULEBOOK = """\
# 经济管理学院党总支 党员积分细则：继承山东工商学院办法（seed001），只改以下几处。
id: econ-2026
version: 1
extends: seed001
title: 经济管理学院党总支 党员积分量化管理细则
categories:
  base:
    items:
      study:
        target: 40        # 本总支要求每年集中学习不少于 40 学时
      org_life:
        absent: 5         # 无故缺席组织生活一次扣 5 分
  contribution:
    items:
      volunteer_teaching:
        title: 志愿支教与社会服务
        rule: earn
        caps: {year: 10}
"""

TITLES = {
    "group_study": "集中学习：学习贯彻党的创新理论",
    "other_study": "专题学习：学法用法",
    "branch_meeting": "支部党员大会",
    "party_lecture": "支部书记讲党课",
    "group_meeting": "党小组会",
    "party_day": "主题党日",
    "org_life": "三会一课与主题党日",
}
QUARTERLY = {"branch_meeting", "party_lecture"}


def _adopt(year: int) -> None:
    committee = Organization.objects.get(code="ZYXY")
    if not Adoption.objects.filter(organization=committee, year=year).exists():
        adoption_set(organization=committee, year=year, rulebook="seed003")
    mechanical = Organization.objects.get(code="ZYXY01")
    if not Adoption.objects.filter(organization=mechanical, year=year).exists():
        adoption_set(organization=mechanical, year=year, rulebook="seed001")
    economics = Organization.objects.get(code="ZYXY03")
    if not Adoption.objects.filter(organization=economics, year=year).exists():
        adoption_set(
            organization=economics, year=year, rulebook="econ-2026", yaml_text=ECONOMICS_RULEBOOK
        )


def _mark(rng: random.Random) -> Mark:
    roll = rng.random()
    if roll < 0.9:
        return Mark("present")
    if roll < 0.96:
        return Mark("excused", rng.choice(["出差", "病假", "外出培训", "家中有事"]))
    return Mark("absent")


def _activities(branch: Organization, month: int, year: int, rng: random.Random) -> None:
    for code, _ in attendance_items(branch, year):
        if code in QUARTERLY and month % 3 != 0:
            continue
        days = (14, 28) if code == "party_day" else (rng.randint(8, 22),)
        for day in days:
            date = dt.date(year, month, day)
            activity = activity_create(
                organization=branch,
                item=code,
                title=f"{month}月{TITLES.get(code, code)}",
                date=date,
                place="党员活动室",
                organizer="支部委员会",
            )
            marks = {p.pk: _mark(rng) for p in people_on(organization=branch, day=date)}
            attendance_record(activity=activity, marks=marks, actor=None)


def _figures(branch: Organization, month: int, year: int, rng: random.Random) -> None:
    """Monthly figures and the other facts a scorekeeper enters, by rulebook."""
    rulebook = rulebook_of(adoption_for(branch, year))  # type: ignore[arg-type]
    codes = {item.code for category in rulebook.categories for item in category.items}
    last = dt.date(year, month, 28)
    facts: list[NewFact] = []
    for person in people_on(organization=branch, day=last):
        if "xxqg_login" in codes:
            facts.append(
                NewFact(
                    person, last, "xxqg_login", rng.choice([0, 0, 0, 1, 2, 3]), f"{month}月学习强国"
                )
            )
            facts.append(
                NewFact(
                    person,
                    last,
                    "xxqg_quiz",
                    rng.choice([15, 15, 14, 13, 11]),
                    f"{month}月每日一题",
                )
            )
        if "study" in codes and month % 2 == 0:
            facts.append(NewFact(person, last, "study", rng.choice([4, 6, 6, 8]), "集中学习培训"))
        if rng.random() < 0.08:
            item = "volunteer" if "volunteer" in codes else "service"
            facts.append(NewFact(person, last, item, rng.choice([1, 2]), "社区志愿服务（已审核）"))
    entries_append(
        organization=branch,
        facts=facts,
        origin=Origin.IMPORT,
        origin_ref=f"demo:{year}-{month:02d}",
        recorded_by=None,
        summary=f"{month}月演示数据",
    )


def _one_off(year: int, as_of: dt.date, rng: random.Random) -> None:
    """A late payment of dues and a deduction with its reason, so the explanations show them."""
    march = dt.date(year, 3, 20)
    if as_of < march:
        return
    branch = Organization.objects.get(code="ZYXY0201")  # a seed003 branch
    people = people_on(organization=branch, day=march)
    late, careless = rng.sample(people, 2)
    entries_append(
        organization=branch,
        facts=[
            NewFact(late, march, "dues", 1, "第一季度党费延期缴纳"),
            NewFact(careless, march, "misconduct", 1, "在工作群中传播未经核实的消息，已批评教育"),
        ],
        origin=Origin.MANUAL,
        origin_ref="demo:one-off",
        recorded_by=None,
        summary="演示：扣分",
    )


@transaction.atomic
def year_load(as_of: dt.date) -> int:
    """Adopt the rulebooks and record the year's facts up to ``as_of``; returns the number of
    months recorded (0 when they are already there)."""
    year = as_of.year
    _adopt(year)
    if Organization.objects.filter(code="ZYXY0101", activities__date__year=year).exists():
        return 0
    rng = random.Random(f"jifen-demo-{year}")  # noqa: S311 (demo data, not secrets)
    branches = list(
        Organization.objects.filter(kind__code="branch", path__startswith="/").order_by("code")
    )
    months = as_of.month if as_of.day >= 28 else as_of.month - 1
    for month in range(1, months + 1):
        for branch in branches:
            if not Person.objects.filter(memberships__organization=branch).exists():
                continue
            _activities(branch, month, year, rng)
            _figures(branch, month, year, rng)
    _one_off(year, as_of, rng)
    return months
