"""The to-do home (jifen/core/todo.py and each app's todo.py), on the demo: every demo account
finds work; doing the work lowers the count; nobody sees another branch's work; the page's
cost does not grow with the work it counts."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jifen.accounts.demo import DEMO_ACCOUNTS, DEMO_BRANCH_CODE, DEMO_GENERAL_BRANCH_CODE
from jifen.accounts.roles import Role
from jifen.assessments.models import Round
from jifen.assessments.services import sheet_get, sheet_save
from jifen.core.todo import MINE, Todo, todos_for
from jifen.demo.assessments import _inputs
from jifen.demo.work import _evidence
from jifen.orgs.models import Organization, Person
from jifen.orgs.services import role_grant
from jifen.periods.models import Level, Objection
from jifen.periods.services import finding_record, notice_open, period_sign
from jifen.periods.year_end import year_end_decide, year_end_sign, year_end_submit
from jifen.ratings.models import StarProposal
from jifen.ratings.stars import stars_verdict, tie_decide
from jifen.recording.declarations import declaration_review, declaration_submit
from jifen.recording.declarations_committee import declaration_committee_approve
from jifen.recording.models import Activity, Declaration
from jifen.recording.services import activity_cancel, activity_create
from tests.clock import Clock

pytestmark = pytest.mark.django_db

# A Monday in December: three quarters ended, the third signed today with its notice running.
DAY = dt.datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def demo(clock: Clock) -> dict[str, User]:
    clock.set(DAY.replace(tzinfo=clock.now.tzinfo))
    call_command("demo", stdout=io.StringIO())
    return {
        u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }


def _items(user: User, today: dt.date, title: str) -> list[Todo]:
    return [t for t in todos_for(user, today) if t.title.startswith(title)]


def _count(user: User, today: dt.date, title: str) -> int:
    return sum(t.count or 0 for t in _items(user, today, title))


def test_every_demo_account_finds_its_work_and_only_its_own(
    demo: dict[str, User], clock: Clock, make_user: Callable[..., User]
) -> None:
    # One demo built (it takes a while), several checks of what it shows; the last adds work.
    _every_demo_account_finds_work_on_its_home(demo, clock)
    _nobody_sees_another_branchs_work(demo, clock, make_user)
    _an_officer_who_is_a_member_keeps_the_members_menu(demo)
    _the_general_branch_finds_its_branches_star_proposals(demo)
    _the_home_costs_the_same_however_much_work_waits(demo, clock)


def _every_demo_account_finds_work_on_its_home(demo: dict[str, User], clock: Clock) -> None:
    client = Client()
    for account in DEMO_ACCOUNTS:
        client.force_login(demo[account.username])
        page = client.get(reverse("core:home")).content.decode()
        counts = re.findall(r'<span class="todo-count">(\d+)</span>', page)
        assert any(int(c) > 0 for c in counts), f"{account.username} has nothing to do"
    # Each role its own main work.
    today = clock.today
    assert _count(demo["jifenyuan"], today, "待审核的个人申报") == 2
    assert _count(demo["shuji"], today, "签名后有新的积分记录") == 1
    assert _count(demo["zhiwei"], today, "待支委会调查的异议") == 1
    assert _count(demo["zongzhi"], today, "待审批的星级提名") == 1
    assert (
        _count(demo["admin"], today, "待填写的考评表")
        == Round.objects.get(period="H2").organizations.count()
    )
    assert _count(demo["shuji"], today, "待填报的自评表") == 1
    assert _count(demo["dangyuan"], today, "审核中的申报") == 1
    assert _count(demo["dangyuan"], today, "近期的组织生活和活动") == 1
    for username in ("dangyuan", "qunzhong", "shenji"):
        (notice,) = _items(demo[username], today, "正在公示")
        assert "2026年12月11日" in notice.note


def test_doing_the_work_lowers_the_counts(demo: dict[str, User], clock: Clock) -> None:
    today = clock.today
    branch = Organization.objects.get(code=DEMO_BRANCH_CODE)

    # A declaration reviewed: the reviewers' count drops, the member's own leaves review.
    mine = Declaration.objects.get(person__user=demo["dangyuan"])
    declaration_review(declaration=mine, decision="approve", note="", actor=demo["jifenyuan"])
    assert _count(demo["jifenyuan"], today, "待审核的个人申报") == 1
    assert _count(demo["shuji"], today, "待审核的个人申报") == 1
    # seed003's 特色分 wants the committee's approval too: still under review for the member,
    # now the committee's work.
    mine.refresh_from_db()
    assert mine.status == Declaration.Status.AWAITING
    assert _count(demo["dangyuan"], today, "审核中的申报") == 1
    assert _count(demo["admin"], today, "待党委审批的申报") == 1
    declaration_committee_approve(declaration=mine, note="同意", actor=demo["admin"])
    assert _count(demo["admin"], today, "待党委审批的申报") == 0
    assert _count(demo["dangyuan"], today, "审核中的申报") == 0

    # Returned for more evidence: the member's move, shown first.
    other = Declaration.objects.get(status=Declaration.Status.SUBMITTED)
    declaration_review(
        declaration=other, decision="return", note="请补充献血证照片", actor=demo["jifenyuan"]
    )
    (returned,) = _items(demo["zhiwei"], today, "退回补充材料的申报")
    assert (returned.count, returned.section, returned.urgent) == (1, MINE, True)
    assert _count(demo["jifenyuan"], today, "待审核的个人申报") == 0

    # The objection investigated.
    objection = Objection.objects.get()
    finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="rejected",
        text="核对签到表，公示名单无误",
        actor=demo["zhiwei"],
    )
    assert _count(demo["zhiwei"], today, "待支委会调查的异议") == 0
    assert _count(demo["shuji"], today, "待支委会调查的异议") == 0

    # The reopened quarter signed again, then publicized again.
    signature = period_sign(
        organization=branch, year=2026, quarter=3, actor=demo["shuji"], today=today
    )
    assert _count(demo["shuji"], today, "签名后有新的积分记录") == 0
    assert _count(demo["shuji"], today, "已签名、待开启公示的季度") == 1
    notice_open(signature=signature, actor=demo["shuji"], today=today)
    assert _count(demo["shuji"], today, "已签名、待开启公示的季度") == 0

    # The stars: the tie decided and the proposal approved.
    proposal = StarProposal.objects.exclude(organization=branch).get()
    for index, tie in enumerate(proposal.ties):
        tie_decide(
            proposal=proposal,
            tie_index=index,
            chosen=sorted(tie["people"])[: tie["free"]],
            reason="党总支研究决定",
            actor=demo["zongzhi"],
        )
    assert _count(demo["zongzhi"], today, "待审批的星级提名") == 1
    stars_verdict(proposal=proposal, approve=True, reason="同意", actor=demo["zongzhi"])
    assert _count(demo["zongzhi"], today, "待审批的星级提名") == 0

    # Last year's sheet reported up (上报): the general branch's to approve.
    signed = year_end_sign(organization=branch, year=2025, actor=demo["shuji"], today=today)
    year_end_submit(signature=signed, actor=demo["shuji"])
    assert _count(demo["zongzhi"], today, "待审核的年度上报") == 1
    assert _count(demo["admin"], today, "待审核的年度上报") == 0  # not the committee's: not direct
    year_end_decide(signature=signed, approve=True, reason="同意", actor=demo["zongzhi"])
    assert _count(demo["zongzhi"], today, "待审核的年度上报") == 0

    # One committee sheet submitted.
    found = Round.objects.get(period="H2")
    before = _count(demo["admin"], today, "待填写的考评表")
    sheet = sheet_get(
        assessment_round=found, organization=branch, source="committee", collection="H2"
    )
    sheet_save(
        sheet=sheet,
        inputs=_inputs(found, branch, random.Random(1)),  # noqa: S311
        submit=True,
        actor=demo["admin"],
    )
    assert _count(demo["admin"], today, "待填写的考评表") == before - 1

    # A month whose activities were all cancelled is a month to record again.
    assert _count(demo["jifenyuan"], today, "没有登记组织生活的月份") == 0
    november = Activity.objects.filter(
        organization=branch, date__month=11, date__year=2026, cancelled_at__isnull=True
    )
    for activity in november:
        activity_cancel(activity=activity, reason="重复登记", actor=demo["jifenyuan"])
    (month,) = _items(demo["jifenyuan"], today, "没有登记组织生活的月份")
    assert (month.count, month.note) == (1, "11月")
    activity_create(
        organization=branch,
        item="party_day",
        title="11月主题党日（补登）",
        date=dt.date(2026, 11, 20),
        actor=demo["jifenyuan"],
    )
    assert _count(demo["jifenyuan"], today, "没有登记组织生活的月份") == 0


def _nobody_sees_another_branchs_work(
    demo: dict[str, User], clock: Clock, make_user: Callable[..., User]
) -> None:
    """A secretary of the sibling branch: none of the demo branch's declarations, objection or
    quarter; their own branch's unsigned quarters are theirs."""
    today = clock.today
    sibling = (
        Organization.objects.filter(parent__code=DEMO_GENERAL_BRANCH_CODE, kind__code="branch")
        .exclude(code=DEMO_BRANCH_CODE)
        .order_by("code")
        .first()
    )
    assert sibling is not None
    other = make_user("other_secretary")
    role_grant(user=other, organization=sibling, role=Role.BRANCH_SECRETARY, actor=demo["admin"])
    assert _count(other, today, "待审核的个人申报") == 0
    assert _count(other, today, "待支委会调查的异议") == 0
    assert _count(other, today, "签名后有新的积分记录") == 0
    assert _count(other, today, "正在公示") == 0
    (unsigned,) = _items(other, today, "待签名确认的季度")
    assert unsigned.count == 3
    assert sibling.name in unsigned.title
    # And the door: the demo branch's queue is not theirs.
    client = Client()
    client.force_login(other)
    queue = reverse(
        "recording:declarations_queue", args=[Organization.objects.get(code=DEMO_BRANCH_CODE).pk]
    )
    assert client.get(queue).status_code == 404


def _the_home_costs_the_same_however_much_work_waits(demo: dict[str, User], clock: Clock) -> None:
    client = Client()
    client.force_login(demo["shuji"])
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("core:home")).status_code == 200
    members = list(
        Person.objects.filter(
            memberships__organization__code=DEMO_BRANCH_CODE, user__isnull=True
        ).distinct()[:6]
    )
    item = Declaration.objects.values_list("item", flat=True).first()
    submitted = 0
    for person in members:
        try:
            declaration_submit(
                person=person,
                item=item,
                date=clock.today - dt.timedelta(days=1),
                description="参加志愿服务",
                points=Decimal(1),
                files=[("证明.png", _evidence())],
                actor=demo["jifenyuan"],
            )
        except ValidationError:  # one who left the branch that day
            continue
        submitted += 1
    assert submitted >= 3
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("core:home")).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert "待审核的个人申报" in page
    assert _count(demo["shuji"], clock.today, "待审核的个人申报") == 2 + submitted


def _an_officer_who_is_a_member_keeps_the_members_menu(demo: dict[str, User]) -> None:
    client = Client()
    client.force_login(demo["shuji"])
    page = client.get(reverse("core:home")).content.decode()
    for name in ("ledger:my_points", "recording:declarations_mine", "periods:notices"):
        assert f'href="{reverse(name)}"' in page
    # The platform operator is nobody's member.
    client.force_login(User.objects.get(username="yunwei"))
    assert reverse("ledger:my_points") not in client.get(reverse("core:home")).content.decode()


def _the_general_branch_finds_its_branches_star_proposals(demo: dict[str, User]) -> None:
    """Issue 17: the general branch's stars page named no proposal (还没有星级提名)."""
    general = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    client = Client()
    client.force_login(demo["zongzhi"])
    page = client.get(reverse("ratings:stars", args=[general.pk, 2025])).content.decode()
    assert "还没有星级提名" not in page
    waiting = StarProposal.objects.exclude(organization__code=DEMO_BRANCH_CODE).get()
    approved = StarProposal.objects.get(organization__code=DEMO_BRANCH_CODE)
    for proposal, status in ((waiting, "待党总支决定并列人员"), (approved, "批准")):
        link = reverse("ratings:stars", args=[proposal.organization_id, 2025])
        assert f'href="{link}#proposal-{proposal.pk}"' in page
        row = page.split(f"#proposal-{proposal.pk}")[1].split("</tr>")[0]
        assert proposal.organization.name in row
        assert status in row
