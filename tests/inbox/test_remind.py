"""`jifen remind`'s deadlines, counted in Chinese working days, each reminder once per person.
(Delivery of reminders to a real SMTP server and robot: test_delivery.py.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from jifen.inbox.models import Notification
from jifen.orgs.models import Person
from jifen.periods.reminders import reminders_send, workdays_after
from jifen.periods.services import notice_open, period_sign
from jifen.recording.declarations import declaration_submit
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
D = dt.date
K = Notification.Kind
ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def branch(
    tree: SimpleNamespace, member: User, secretary: User, scorekeeper: User
) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return SimpleNamespace(tree=tree, member=member, secretary=secretary, scorekeeper=scorekeeper)


def _told(kind: str) -> list[tuple[str, dict[str, object]]]:
    told = Notification.objects.filter(kind=kind).select_related("recipient")
    return sorted(((n.recipient.username, n.params) for n in told), key=repr)


def test_working_days_skip_the_national_day_holiday() -> None:
    # 2026: 10月1日–7日 放假; 10月10日 (a Saturday) 调休上班 — chinese-calendar's schedule.
    assert workdays_after(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert workdays_after(D(2026, 9, 30), D(2026, 10, 11)) == 3  # 8th, 9th and Saturday 10th
    assert workdays_after(D(2026, 11, 18), D(2026, 11, 24)) == 4  # Thu Fri Mon Tue


def test_an_unsigned_quarter_reminds_its_secretary_after_n_working_days(
    branch: SimpleNamespace, settings: pytest.FixtureRequest
) -> None:
    settings.JIFEN_REMIND_SIGN_DAYS = 5
    end = D(2026, 9, 30)
    due = end + ONE_DAY
    while workdays_after(end, due) < 5:
        due += ONE_DAY
    assert due > D(2026, 10, 8)  # the holiday week does not count

    reminders_send(today=due - ONE_DAY)
    assert not [p for _, p in _told(K.REMIND_SIGN) if p["quarter"] == 3]
    # The quarter has ended: the member may confirm (told once, on the first run).
    assert [(u, p["quarter"]) for u, p in _told(K.QUARTER_CONFIRM)] == [
        ("dangyuan", 2),
        ("dangyuan", 3),
    ]

    reminders_send(today=due)
    reminders_send(today=due + ONE_DAY)

    signs = [(u, p["quarter"]) for u, p in _told(K.REMIND_SIGN)]
    assert signs == [("shuji", 2), ("shuji", 3)]  # once each, to the secretary alone
    assert len(_told(K.QUARTER_CONFIRM)) == 2


def test_a_signed_quarter_reminds_nobody(branch: SimpleNamespace) -> None:
    for quarter in (2, 3):
        period_sign(
            organization=branch.tree.b1,
            year=2026,
            quarter=quarter,
            actor=branch.secretary,
            today=D(2026, 10, 9),
        )
    reminders_send(today=D(2026, 11, 2))
    assert _told(K.REMIND_SIGN) == []
    assert _told(K.QUARTER_CONFIRM) == []


def test_a_notice_closing_tomorrow_reminds_the_members_once(branch: SimpleNamespace) -> None:
    signature = period_sign(
        organization=branch.tree.b1,
        year=2026,
        quarter=3,
        actor=branch.secretary,
        today=D(2026, 10, 9),
    )
    notice = notice_open(signature=signature, actor=branch.secretary, today=D(2026, 10, 9))
    reminders_send(today=notice.ends - 2 * ONE_DAY)
    assert _told(K.REMIND_NOTICE) == []
    reminders_send(today=notice.ends - ONE_DAY)
    reminders_send(today=notice.ends - ONE_DAY)
    (told,) = _told(K.REMIND_NOTICE)
    assert told == (
        "dangyuan",
        {
            "organization": "教工第一党支部",
            "year": 2026,
            "quarter": 3,
            "date": notice.ends.isoformat(),
        },
    )


def test_declarations_waiting_remind_the_reviewers_once_each_new_one(
    branch: SimpleNamespace, clock: Clock
) -> None:
    def declare(day: dt.date) -> None:
        declaration_submit(
            person=Person.objects.get(user=branch.member),
            item="volunteer",
            date=day,
            description="社区志愿服务",
            points=Decimal("2"),
            files=[("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")],
            actor=branch.member,
        )

    declare(D(2026, 11, 10))  # submitted on Wednesday 18 November (the clock)
    reminders_send(today=D(2026, 11, 23))  # 3 working days: not more than 3
    assert _told(K.REMIND_REVIEW) == []
    reminders_send(today=D(2026, 11, 24))
    reminders_send(today=D(2026, 11, 25))
    assert [u for u, _ in _told(K.REMIND_REVIEW)] == ["jifenyuan", "shuji"]
    clock.set(dt.datetime(2026, 11, 19, 9, 0, tzinfo=clock.now.tzinfo))
    declare(D(2026, 11, 11))
    reminders_send(today=D(2026, 11, 26))  # a second one overdue now: a new reminder
    counts = sorted(p["count"] for _, p in _told(K.REMIND_REVIEW))
    assert counts == [1, 1, 2, 2]
