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
from jifen.orgs.models import Person
from jifen.recording.checkin import (
    Checkin,
    activity_from_token,
    checkin_open,
    checkin_record,
    checkin_token,
)
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def party_day(tree: SimpleNamespace, scorekeeper: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    activity = activity_create(
        organization=tree.b1, item="party_day", title="3月主题党日", date=dt.date(2026, 3, 28)
    )
    checkin_open(activity=activity, now=NOON, minutes=60, actor=scorekeeper)
    return SimpleNamespace(tree=tree, activity=activity)


def test_a_member_checks_in_once_inside_the_window(
    party_day: SimpleNamespace, member: User
) -> None:
    person = Person.objects.get(user=member)
    later = NOON + dt.timedelta(minutes=30)
    assert (
        checkin_record(activity=party_day.activity, person=person, now=later, actor=member)
        is Checkin.RECORDED
    )
    assert (
        checkin_record(activity=party_day.activity, person=person, now=later, actor=member)
        is Checkin.ALREADY
    )
    (entry,) = Entry.objects.all()
    assert (entry.value, entry.note, entry.origin_ref) == (
        "present",
        "扫码签到",
        party_day.activity.ref,
    )


def test_outside_the_window_nothing_is_recorded(party_day: SimpleNamespace, member: User) -> None:
    person = Person.objects.get(user=member)
    for moment in (NOON - dt.timedelta(minutes=1), NOON + dt.timedelta(minutes=60)):
        with pytest.raises(ValidationError, match="不在签到时间内"):
            checkin_record(activity=party_day.activity, person=person, now=moment, actor=member)
    assert not Entry.objects.exists()


def test_a_forged_or_altered_token_names_no_activity(party_day: SimpleNamespace) -> None:
    token = checkin_token(party_day.activity)
    assert activity_from_token(token) == party_day.activity
    assert activity_from_token(token[:-2] + "xx") is None
    assert activity_from_token("activity-1") is None


def test_the_window_is_bounded(party_day: SimpleNamespace, scorekeeper: User) -> None:
    with pytest.raises(ValidationError, match="5 分钟到 12 小时"):
        checkin_open(activity=party_day.activity, now=NOON, minutes=24 * 60, actor=scorekeeper)


def test_the_phone_page_checks_in_and_a_second_scan_says_so(
    client: Client, tree: SimpleNamespace, scorekeeper: User, member: User, clock: Clock
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    activity = activity_create(
        organization=tree.b1, item="party_day", title="主题党日", date=clock.today
    )
    checkin_open(activity=activity, now=clock.now, minutes=30, actor=scorekeeper)
    url = reverse("recording:checkin", kwargs={"token": checkin_token(activity)})
    client.force_login(member)
    assert "赵磊 签到" in client.get(url).content.decode()
    assert "签到成功" in client.post(url).content.decode()
    assert "您已签到" in client.post(url).content.decode()
    assert Entry.objects.count() == 1


def test_someone_outside_the_branch_cannot_use_the_code(
    client: Client,
    party_day: SimpleNamespace,
    make_user: Callable[..., User],
    make_person: Callable[..., Person],
) -> None:
    stranger = make_user("moshengren")
    person = make_person("陌生人", party_day.tree.b2)
    person.user = stranger
    person.save()
    client.force_login(stranger)
    url = reverse("recording:checkin", kwargs={"token": checkin_token(party_day.activity)})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Entry.objects.exists()


def test_the_scorekeeper_sees_the_qr_code_once_open(
    client: Client, tree: SimpleNamespace, scorekeeper: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    activity = activity_create(
        organization=tree.b1, item="party_day", title="主题党日", date=dt.date(2026, 3, 28)
    )
    client.force_login(scorekeeper)
    url = reverse("recording:activity", kwargs={"activity_id": activity.pk})
    assert "开放扫码签到" in client.get(url).content.decode()
    client.post(
        reverse("recording:checkin_open", kwargs={"activity_id": activity.pk}), {"minutes": "45"}
    )
    html = client.get(url).content.decode()
    assert "<svg" in html
    assert "/checkin/" in html
