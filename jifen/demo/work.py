"""Work left waiting in the demo, so that every demo account finds something to do on its
home page the moment it logs in (issue 17):

- 积分员 陈静 and 书记 张伟: two declarations (个人申报) waiting for review, one of them 赵磊's;
- 书记 张伟: the latest signed quarter reopened — a late 请假条 turned one absence into an
  excused one after the signature — to check and sign again;
- 支委 刘洋: the objection the 群众代表 filed (periods.py), still to investigate;
- 党总支 李红梅: a star proposal of last year from 信息工程学院教工党支部 to approve (the demo
  secretary stands in for that branch's secretary, who has no demo account);
- 党委 王建国 and the self-assessing 张伟, 李红梅: a second-half assessment round open, its
  sheets not yet filled;
- 党员 赵磊: an activity (主题党日) in the coming days, where they may ask leave;
- 群众代表, 审计: the notice still running.

Runs last (after ``periods_load`` and ``ratings_load``); each piece is left alone when it is
already there, so a second run changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image

from jifen.accounts.demo import COMMITTEE_CODE, DEMO_BRANCH_CODE, DEMO_GENERAL_BRANCH_CODE
from jifen.assessments.models import Round
from jifen.assessments.services import round_open
from jifen.ledger.models import Entry
from jifen.ledger.services import entry_correct
from jifen.orgs.models import Organization, Person
from jifen.periods.models import Signature
from jifen.periods.sheet import quarter_sheet
from jifen.ratings.models import StarProposal
from jifen.ratings.stars import stars_propose
from jifen.recording.declarations import declarable_items, declaration_submit
from jifen.recording.models import Activity, Declaration
from jifen.recording.services import activity_create

LATE_LEAVE = "补交请假条（出差），经支委会同意改为请假"
COMING_TITLE = "主题党日：学习贯彻全会精神"


def _evidence() -> bytes:
    """A small real photo: declarations are refused without one (checked by content)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _declarations(branch: Organization, as_of: dt.date) -> list[str]:
    if Declaration.objects.filter(organization=branch).exists():
        return []
    items = declarable_items(branch, as_of.year)
    if not items:
        return []
    code = items[0][0]
    lines = []
    day = max(as_of - dt.timedelta(days=3), dt.date(as_of.year, 1, 1))
    for username, text in (
        ("dangyuan", "参加社区志愿服务，协助开展垃圾分类宣传"),
        ("zhiwei", "带领学生党员参加无偿献血志愿服务"),
    ):
        person = Person.objects.filter(user__username=username).first()
        if person is None:
            continue
        try:
            declaration_submit(
                person=person,
                item=code,
                date=day,
                description=text,
                points=Decimal(1),
                files=[("证明.png", _evidence())],
                actor=person.user,  # type: ignore[arg-type]
            )
        except ValidationError:
            continue
        lines.append(f"{person.name} 申报 {day}：{text}（待审核）")
    return lines


def _quarter_reopened(branch: Organization, as_of: dt.date) -> list[str]:
    """A late 请假条 changes one absence of the latest signed quarter into 请假: the quarter
    must be checked and signed again."""
    latest = (
        Signature.objects.filter(organization=branch, year=as_of.year, quarter__gt=0)
        .order_by("-quarter", "-signed_at")
        .first()
    )
    secretary = User.objects.filter(username="shuji").first()
    if latest is None or secretary is None:
        return []
    sheet = quarter_sheet(branch, latest.year, latest.quarter)
    if sheet is None or Entry.objects.filter(organization=branch, reason=LATE_LEAVE).exists():
        return []
    absence = (
        Entry.objects.filter(
            organization=branch,
            date__gte=sheet.quarter.start,
            date__lte=sheet.quarter.end,
            value="absent",
            correction="",
            corrections__isnull=True,
        )
        .order_by("date", "seq")
        .first()
    )
    if absence is None:
        return []
    entry_correct(entry=absence, reason=LATE_LEAVE, recorded_by=secretary, value="excused")
    return [f"{sheet.quarter.name}：签名后更正一条缺勤为请假，待支部书记核对并重新签名"]


def _stars_waiting(general: Organization, year: int) -> list[str]:
    """Last year's proposal of another branch of the general branch, not yet decided."""
    secretary = User.objects.filter(username="shuji").first()
    branch = (
        Organization.objects.filter(parent=general, kind__code="branch")
        .exclude(code=DEMO_BRANCH_CODE)
        .order_by("code")
        .first()
    )
    if secretary is None or branch is None:
        return []
    if StarProposal.objects.filter(organization=branch, year=year).exists():
        return []
    try:
        stars_propose(
            organization=branch,
            year=year,
            actor=secretary,
            note="演示：代本支部书记按年度积分提名",
        )
    except ValidationError:
        return []
    return [f"{branch.name} {year} 年星级提名：待党总支审批"]


def _assessment_open(as_of: dt.date) -> list[str]:
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    if Round.objects.filter(owner=committee, year=as_of.year, period="H2").exists():
        return []
    general = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    branches = list(
        Organization.objects.filter(parent=general, kind__code="branch").order_by("code")
    )
    found = round_open(
        owner=committee,
        year=as_of.year,
        period="H2",
        rulebook="seed000-general",
        organizations=[general, *branches],
        self_deadline=as_of + dt.timedelta(days=14),
        committee_deadline=as_of + dt.timedelta(days=28),
        actor=User.objects.get(username="admin"),
    )
    return [f"{found.title}：已开启，自评 {found.self_deadline} 截止"]


def _activity_coming(branch: Organization, as_of: dt.date) -> list[str]:
    if Activity.objects.filter(organization=branch, title=COMING_TITLE).exists():
        return []
    day = as_of + dt.timedelta(days=5)
    scorekeeper = User.objects.filter(username="jifenyuan").first()
    try:
        activity_create(
            organization=branch,
            item="party_day",
            title=COMING_TITLE,
            date=day,
            place="党员活动室",
            organizer="张伟",
            actor=scorekeeper,
        )
    except ValidationError:  # the rulebook of that day's year has no such item
        return []
    return [f"{day} {COMING_TITLE}（党员可在“我的活动”请假）"]


@transaction.atomic
def work_load(as_of: dt.date) -> list[str]:
    """Leave each demo role its work (see the module's docstring); one line per piece left."""
    branch = Organization.objects.filter(code=DEMO_BRANCH_CODE).first()
    general = Organization.objects.filter(code=DEMO_GENERAL_BRANCH_CODE).first()
    if branch is None or general is None:
        return []
    return [
        *_declarations(branch, as_of),
        *_quarter_reopened(branch, as_of),
        *_stars_waiting(general, as_of.year - 1),
        *_assessment_open(as_of),
        *_activity_coming(branch, as_of),
    ]
