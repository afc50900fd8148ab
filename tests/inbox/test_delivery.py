"""Deliveries to REAL local receivers: an SMTP server (aiosmtpd) and an HTTP server standing in
for a 企业微信/钉钉 group robot, on 127.0.0.1. Nothing leaves the machine.

Transactional tests: deliveries start after the commit, on a thread of their own, so the data
must really be committed for that thread to see it."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jifen.inbox.channels import deliveries_wait
from jifen.inbox.models import BranchWebhook, Delivery, Notification, Preference, ReminderSent
from jifen.inbox.services import webhook_set
from jifen.orgs.models import Person
from jifen.recording.declarations import declaration_submit
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock
from tests.inbox.receivers import Mailbox, Robot, dingtalk_sign_ok, free_port, robot, smtp_server

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["robot", "smtp_server"]  # the receivers' fixtures, used by name below
D = dt.date
K = Notification.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _channels_on(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JIFEN_MAIL = True
    settings.JIFEN_WEBHOOKS = True
    settings.JIFEN_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.EMAIL_HOST = "127.0.0.1"
    settings.JIFEN_DELIVERY_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "jifen@example.edu.cn"


@pytest.fixture
def mailed(settings: pytest.FixtureRequest, smtp_server: Mailbox) -> Mailbox:
    settings.EMAIL_PORT = smtp_server.port
    return smtp_server


@pytest.fixture
def world(
    tree: SimpleNamespace,
    member: User,
    make_user: Callable[..., User],
    make_person: Callable[..., Person],
) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    member.email = "zhaolei@example.edu.cn"
    member.save(update_fields=["email"])
    quiet = make_user("qianfang", "钱芳", email="qianfang@example.edu.cn")
    person = make_person("钱芳")
    person.user = quiet
    person.save(update_fields=["user"])
    Preference.objects.create(user=quiet, email=False)
    return SimpleNamespace(tree=tree, member=member, quiet=quiet)


def _review_page_returns(world: SimpleNamespace, reviewer: User) -> int:
    """The member declares; the reviewer returns it on the page. The page's status code."""
    declaration = declaration_submit(
        person=Person.objects.get(user=world.member),
        item="volunteer",
        date=D(2026, 6, 1),
        description="社区志愿服务 4 小时",
        points=Decimal("3"),
        files=[("证明.pdf", PDF)],
        actor=world.member,
    )
    client = Client()
    client.force_login(reviewer)
    answer = client.post(
        reverse("recording:declaration", kwargs={"declaration_id": declaration.pk}),
        {"action": "return", "note": "请补充签到表"},
        # The reviewer reads English; the mail is in the deployment's language (this bites once
        # the English catalogue has the inbox's msgids, which the merger regenerates).
        headers={"accept-language": "en"},
    )
    deliveries_wait()
    return answer.status_code


def test_a_returned_declaration_is_mailed_through_the_smtp_server(
    world: SimpleNamespace, scorekeeper: User, mailed: Mailbox
) -> None:
    assert _review_page_returns(world, scorekeeper) == 302
    (mail,) = mailed.messages
    assert mail["To"] == "zhaolei@example.edu.cn"
    assert mail["From"] == "jifen@example.edu.cn"
    assert "请补充签到表" in mail.get_content()
    assert mail["Subject"] == "积分量化管理系统通知"  # the deployment's language
    assert "的申报被退回" in mail.get_content()
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 1, "")


def test_a_down_mail_server_fails_neither_the_page_nor_the_review(
    world: SimpleNamespace, scorekeeper: User, settings: pytest.FixtureRequest
) -> None:
    settings.EMAIL_PORT = free_port()  # nothing listens there
    assert _review_page_returns(world, scorekeeper) == 302
    assert Notification.objects.filter(recipient=world.member).count() == 1
    (delivery,) = Delivery.objects.all()
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert "ConnectionRefused" in delivery.error


def test_a_failed_delivery_is_sent_by_the_next_remind(
    world: SimpleNamespace, scorekeeper: User, mailed: Mailbox, settings: pytest.FixtureRequest
) -> None:
    settings.EMAIL_PORT = free_port()
    _review_page_returns(world, scorekeeper)
    assert not mailed.messages
    settings.EMAIL_PORT = mailed.port  # the server is back
    call_command("remind", "--date", "2026-07-01", stdout=io.StringIO())
    assert [m["To"] for m in mailed.messages] == ["zhaolei@example.edu.cn"]
    (delivery,) = Delivery.objects.filter(notification__kind=K.DECLARATION_RETURNED)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_remind_twice_delivers_each_reminder_once_and_honours_the_opt_out(
    world: SimpleNamespace, secretary: User, mailed: Mailbox, robot: Robot, clock: Clock
) -> None:
    webhook_set(
        organization=world.tree.b1, url=robot.url, secret=None, enabled=True, actor=secretary
    )
    activity_create(
        organization=world.tree.b1,
        item="party_day",
        title="十一月主题党日",
        date=clock.today + dt.timedelta(days=1),
        actor=secretary,
    )
    out = io.StringIO()
    call_command("remind", stdout=out)
    after_first = (len(mailed.messages), len(robot.calls), Notification.objects.count())
    call_command("remind", stdout=out)

    assert (len(mailed.messages), len(robot.calls), Notification.objects.count()) == after_first
    about = [m for m in mailed.messages if "十一月主题党日" in m.get_content()]
    assert [m["To"] for m in about] == ["zhaolei@example.edu.cn"]  # 钱芳 turned e-mail off …
    reminded = Notification.objects.filter(kind=K.REMIND_ACTIVITY)
    assert sorted(n.recipient.username for n in reminded) == [
        "dangyuan",
        "qianfang",
    ]  # … not the inbox
    (call,) = robot.calls
    assert call["json"]["msgtype"] == "text"
    assert set(call["json"]) == {"msgtype", "text"}
    assert "十一月主题党日" in call["json"]["text"]["content"]
    assert "timestamp" not in call["query"]  # 企业微信: no signature
    assert call["content_type"].startswith("application/json")
    assert (
        ReminderSent.objects.filter(key__startswith="activity:").count() == 3
    )  # 2 people, 1 group
    assert "提醒 0 人次" in out.getvalue().splitlines()[-1]


def test_a_dingtalk_robot_with_a_secret_gets_a_signature_that_verifies(
    world: SimpleNamespace, secretary: User, robot: Robot, clock: Clock
) -> None:
    webhook_set(
        organization=world.tree.b1, url=robot.url, secret="SECabc123", enabled=True, actor=secretary
    )
    activity_create(
        organization=world.tree.b1,
        item="party_day",
        title="支部大会",
        date=clock.today + dt.timedelta(days=1),
        actor=secretary,
    )
    before = int(time.time() * 1000)
    call_command("remind", stdout=io.StringIO())
    (call,) = robot.calls
    assert call["query"]["access_token"] == ["t0ken"]  # the robot's own address kept
    assert dingtalk_sign_ok(call["query"], "SECabc123")
    assert not dingtalk_sign_ok(call["query"], "SECwrong")
    assert abs(int(call["query"]["timestamp"][0]) - before) < 60_000  # 钉钉 refuses after an hour
    assert json.loads(json.dumps(call["json"]))["text"]["content"].startswith("【积分提醒】")


def test_a_down_robot_is_recorded_and_fails_nothing(
    world: SimpleNamespace, secretary: User, clock: Clock
) -> None:
    down = f"http://127.0.0.1:{free_port()}/robot/send?access_token=x"
    webhook_set(organization=world.tree.b1, url=down, secret=None, enabled=True, actor=secretary)
    activity_create(
        organization=world.tree.b1,
        item="party_day",
        title="支部大会",
        date=clock.today + dt.timedelta(days=1),
        actor=secretary,
    )
    call_command("remind", stdout=io.StringIO())
    (delivery,) = Delivery.objects.filter(channel="webhook")
    assert delivery.status == "failed"
    assert delivery.error
    assert Notification.objects.filter(kind=K.REMIND_ACTIVITY).count() == 2


def test_robots_only_to_the_hosts_the_deployment_allows(
    world: SimpleNamespace, secretary: User, settings: pytest.FixtureRequest
) -> None:
    settings.JIFEN_WEBHOOK_HOSTS = ["oapi.dingtalk.com"]
    with pytest.raises(ValidationError, match="只允许向这些地址发送"):
        webhook_set(
            organization=world.tree.b1,
            url="http://10.0.0.5/admin",
            secret=None,
            enabled=True,
            actor=secretary,
        )
    assert not BranchWebhook.objects.exists()


def test_remind_sends_what_never_started_but_not_what_a_page_is_sending_now(
    world: SimpleNamespace, mailed: Mailbox, clock: Clock
) -> None:
    def pending(address: str, age: dt.timedelta) -> Delivery:
        return Delivery.objects.create(
            channel="email",
            address=address,
            subject="积分量化管理系统通知",
            body="测试",
            created_at=clock.now - age,
        )

    left = pending("old@example.edu.cn", dt.timedelta(minutes=11))  # its process ended first
    fresh = pending("new@example.edu.cn", dt.timedelta(minutes=1))  # a page's thread has it
    call_command("remind", stdout=io.StringIO())
    assert [m["To"] for m in mailed.messages] == ["old@example.edu.cn"]
    left.refresh_from_db()
    fresh.refresh_from_db()
    assert (left.status, fresh.status) == ("sent", "pending")
