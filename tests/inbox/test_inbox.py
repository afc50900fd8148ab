"""The inbox: what the services tell a person, in their transaction; a person reads only their
own; the header's unread count. Delivery to real receivers is in test_delivery.py."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.inbox.models import BranchWebhook, Notification, Preference
from jifen.inbox.texts import worded
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append, entry_correct
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.periods.models import Level
from jifen.periods.services import finding_record, notice_open, objection_file, period_sign
from jifen.ratings.models import FollowUp
from jifen.ratings.stars import stars_propose, stars_verdict, tie_decide
from jifen.recording.declarations import declaration_review, declaration_submit
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db
D = dt.date
K = Notification.Kind
BRANCH_DECIDES = (
    "extends: seed003\nid: seed003\ncategories: {featured: {committee_approval: false}}\n"
)


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def declared(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003", yaml_text=BRANCH_DECIDES)
    person = Person.objects.get(user=member)
    declaration = declaration_submit(
        person=person,
        item="volunteer",
        date=D(2026, 6, 1),
        description="社区志愿服务 4 小时",
        points=Decimal("3"),
        files=[("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")],
        actor=member,
    )
    return SimpleNamespace(person=person, declaration=declaration, user=member)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_returned_declaration_is_told_to_its_member_alone(
    declared: SimpleNamespace, scorekeeper: User
) -> None:
    declaration_review(
        declaration=declared.declaration, decision="return", note="请补充签到表", actor=scorekeeper
    )
    (told,) = Notification.objects.all()
    assert (told.recipient, told.kind, told.read_at) == (
        declared.user,
        K.DECLARATION_RETURNED,
        None,
    )
    assert worded(told) == "您 2026年6月1日 的申报被退回，请修改后重新提交：请补充签到表"
    assert told.link == reverse(
        "recording:declaration", kwargs={"declaration_id": declared.declaration.pk}
    )
    assert not Notification.objects.filter(recipient=scorekeeper).exists()


def test_an_approval_says_the_points_granted(declared: SimpleNamespace, scorekeeper: User) -> None:
    declaration_review(
        declaration=declared.declaration,
        decision="approve",
        note="",
        actor=scorekeeper,
        points=Decimal("2"),
    )
    (told,) = Notification.objects.filter(recipient=declared.user)
    assert told.kind == K.DECLARATION_APPROVED
    assert "核定 2 分" in worded(told)


def test_a_service_rolled_back_tells_nobody(declared: SimpleNamespace, scorekeeper: User) -> None:
    inside = []

    def review_then_fail() -> None:
        with transaction.atomic():
            declaration_review(
                declaration=declared.declaration,
                decision="reject",
                note="不符合",
                actor=scorekeeper,
            )
            inside.append(Notification.objects.count())
            raise RuntimeError("the page failed after the service")

    with pytest.raises(RuntimeError):
        review_then_fail()
    assert inside == [1]  # inside the transaction it was there …
    assert Notification.objects.count() == 0  # … and went with it


def test_the_member_reads_it_and_the_header_count_drops(
    declared: SimpleNamespace, scorekeeper: User
) -> None:
    for note in ("请补充签到表", "请写明时长"):
        declaration_review(
            declaration=declared.declaration, decision="return", note=note, actor=scorekeeper
        )
        declared.declaration.status = "submitted"
        declared.declaration.save(update_fields=["status"])
    client = _client(declared.user)
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert 'data-unread="2"' in page
    assert "请写明时长" in page
    assert "请补充签到表" in page
    newest = Notification.objects.filter(recipient=declared.user).first()
    assert newest is not None

    answer = client.post(reverse("inbox:read", kwargs={"notification_id": newest.pk}))

    assert answer.status_code == 302
    assert answer["Location"] == newest.link  # on to the declaration
    assert 'data-unread="1"' in client.get(reverse("inbox:inbox")).content.decode()
    client.post(reverse("inbox:read_all"))
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert "data-unread" not in page
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_nobody_else_reads_or_marks_a_notification(
    declared: SimpleNamespace, scorekeeper: User, committee_admin: User
) -> None:
    declaration_review(
        declaration=declared.declaration, decision="return", note="请补充", actor=scorekeeper
    )
    (told,) = Notification.objects.all()
    for other in (scorekeeper, committee_admin):
        client = _client(other)
        assert "请补充" not in client.get(reverse("inbox:inbox")).content.decode()
        answer = client.post(reverse("inbox:read", kwargs={"notification_id": told.pk}))
        assert answer.status_code == 404
        client.post(reverse("inbox:read_all"))
    told.refresh_from_db()
    assert told.read_at is None


def test_a_correction_about_me_is_told_to_me(
    tree: SimpleNamespace, member: User, secretary: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    entry = entry_append(
        organization=tree.b1,
        person=Person.objects.get(user=member),
        date=D(2026, 5, 12),
        item="party_day",
        value="absent",
        origin=Origin.MANUAL,
        recorded_by=secretary,
    )
    assert not Notification.objects.exists()  # a new fact is no correction
    entry_correct(entry=entry, reason="查签到表，已请假", recorded_by=secretary, value="excused")
    (told,) = Notification.objects.all()
    assert (told.recipient, told.kind) == (member, K.CORRECTION)
    assert worded(told) == "您 2026年5月12日 的积分记录已更正：查签到表，已请假"


def test_an_objection_answered_is_told_to_whoever_filed_it(
    tree: SimpleNamespace,
    member: User,
    secretary: User,
    make_user: Callable[..., User],
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    committee = make_user("zhiwei", "孙丽")
    role_grant(user=committee, role=Role.BRANCH_COMMITTEE, organization=tree.b1)
    signature = period_sign(
        organization=tree.b1, year=2026, quarter=3, actor=secretary, today=D(2026, 10, 9)
    )
    notice = notice_open(signature=signature, actor=secretary, today=D(2026, 10, 9))
    objection = objection_file(
        notice=notice, actor=member, person=None, text="分数有误", today=D(2026, 10, 9)
    )
    finding_record(
        objection=objection,
        level=Level.BRANCH,
        outcome="rejected",
        text="经核对无误",
        actor=committee,
    )
    (told,) = Notification.objects.filter(kind=K.OBJECTION_ANSWERED)
    assert told.recipient == member
    assert worded(told).endswith("有了结论：异议不成立")


def test_approved_stars_and_raised_warnings_are_told_to_the_members(
    tree: SimpleNamespace,
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
    secretary: User,
    general_admin: User,
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    people = []
    for i, total in enumerate((95, 92, 92, 92, 85, 80, 75, 70, 65, 55)):
        person = make_person(f"党员{i:02d}", tree.b1)
        seed001_total(tree.b1, person, total, 2026)
        people.append(person)
    top, low = people[2], people[9]
    for person in (top, low):
        person.user = make_user(f"u{person.pk}")
        person.save(update_fields=["user"])
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    tie_decide(proposal=proposal, tie_index=0, chosen=[top.pk], reason="表彰", actor=general_admin)
    assert not Notification.objects.exists()  # a proposal is not an approval

    stars_verdict(proposal=proposal, approve=True, reason="同意", actor=general_admin)

    stars = {
        n.recipient_id: n.params["stars"]
        for n in Notification.objects.filter(kind=K.STARS_APPROVED)
    }
    assert stars == {top.user_id: 5, low.user_id: 1}
    warnings = FollowUp.objects.filter(person=low).exclude(level="info").count()
    assert warnings > 0
    assert (
        Notification.objects.filter(kind=K.WARNING_RAISED, recipient=low.user).count() == warnings
    )
    assert not Notification.objects.filter(kind=K.WARNING_RAISED, recipient=top.user).exists()


def test_a_member_turns_email_off_on_their_own_page(member: User) -> None:
    client = _client(member)
    assert client.get(reverse("inbox:preferences")).status_code == 200
    answer = client.post(reverse("inbox:preferences"), {})  # the box unticked
    assert answer.status_code == 302
    assert Preference.objects.get(user=member).email is False
    assert AuditEvent.objects.filter(action="inbox.preference", actor=member).exists()
    client.post(reverse("inbox:preferences"), {"email": "on"})
    assert Preference.objects.get(user=member).email is True


def test_the_branch_sets_its_robot_only_to_an_allowed_host(
    tree: SimpleNamespace, secretary: User, settings: pytest.FixtureRequest
) -> None:
    settings.JIFEN_WEBHOOK_HOSTS = ["oapi.dingtalk.com"]
    client = _client(secretary)
    url = reverse("inbox:robot", kwargs={"org_id": tree.b1.pk})
    refused = client.post(url, {"url": "http://10.1.2.3/internal", "enabled": "on"})
    assert refused.status_code == 400
    assert "本系统只允许向这些地址发送：oapi.dingtalk.com" in refused.content.decode()
    assert not BranchWebhook.objects.exists()
    good = "https://oapi.dingtalk.com/robot/send?access_token=abc"
    saved = client.post(url, {"url": good, "secret": "SECkey", "enabled": "on"})
    assert saved.status_code == 302
    robot = BranchWebhook.objects.get(organization=tree.b1)
    assert (robot.url, robot.secret, robot.enabled) == (good, "SECkey", True)
    page = client.get(url).content.decode()
    assert "SECkey" not in page  # the secret is never shown back …
    client.post(url, {"url": good, "secret": "", "enabled": ""})
    robot.refresh_from_db()
    assert (robot.secret, robot.enabled) == ("SECkey", False)  # … and kept when left empty


def test_jifen_remind_refuses_a_bad_date_with_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jifen.cli", "remind", "--date", "2026-13-01"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "日期 2026-13-01 无法识别" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_robot_page_is_linked_from_the_branch_page_for_its_admins(
    tree: SimpleNamespace, secretary: User, scorekeeper: User
) -> None:
    org_page = reverse("orgs:detail", kwargs={"org_id": tree.b1.pk})
    robot_page = reverse("inbox:robot", kwargs={"org_id": tree.b1.pk})
    assert robot_page in _client(secretary).get(org_page).content.decode()
    assert robot_page not in _client(scorekeeper).get(org_page).content.decode()
