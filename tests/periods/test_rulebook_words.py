"""People read and choose the rulebook's words, never the ledger's codes: the objection finding
form (an entry of the quarter, 出席 / 无故缺席 / 请假, an item), the declaration pages, the
activity page and the audit log's summaries."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry
from jifen.periods.models import Notice, Objection
from jifen.periods.services import notice_open, objection_file, period_sign
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring.model import Rulebook
from tests.cjk import visible_text
from tests.recording.test_declarations import submit as declaration_submit

from .conftest import add

pytestmark = pytest.mark.django_db
D = dt.date
CODES = ("party_day", "volunteer", "group_meeting", "present", "absent", "excused")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rulebook(branch: SimpleNamespace) -> Rulebook:
    return rulebook_of(adoption_for(branch.org, 2026))  # type: ignore[arg-type]


def _title(rulebook: Rulebook, code: str) -> str:
    return rulebook.item(code)[1].title  # type: ignore[index]


def _no_codes(html: str) -> None:
    text = visible_text(html)
    for code in CODES:
        assert code not in text, code


@pytest.fixture
def objection(branch: SimpleNamespace) -> Objection:
    branch.absent = add(branch, branch.zhao, D(2026, 8, 12), "party_day", "absent")
    signature = period_sign(
        organization=branch.org, year=2026, quarter=3, actor=branch.secretary, today=D(2026, 10, 1)
    )
    notice: Notice = notice_open(signature=signature, actor=branch.secretary, today=D(2026, 10, 1))
    return objection_file(
        notice=notice,
        actor=branch.member,
        person=branch.zhao,
        text="我请过假",
        today=D(2026, 10, 9),
    )


def test_the_finding_form_speaks_the_rulebook_and_offers_its_values(
    branch: SimpleNamespace, objection: Objection
) -> None:
    rulebook = _rulebook(branch)
    html = _client(branch.committee).get(reverse("periods:finding", args=[objection.pk])).content
    page = html.decode()
    # The entry to correct: its date as a date, its item and value in words.
    assert f"#{branch.absent.seq} 2026年8月12日 {_title(rulebook, 'party_day')}：无故缺席" in page
    assert '<option value="excused">请假</option>' in page
    assert '<option value="volunteer">' in page
    assert _title(rulebook, "volunteer") in page
    assert "present" not in visible_text(page)
    assert "出席填" not in page
    _no_codes(page)


def test_a_finding_chosen_from_words_writes_the_codes_to_the_ledger(
    branch: SimpleNamespace, objection: Objection
) -> None:
    response = _client(branch.committee).post(
        reverse("periods:finding", args=[objection.pk]),
        {
            "outcome": "upheld",
            "text": "查签到表，已请假；7月志愿服务漏记",
            "entry": branch.absent.pk,
            "value": "excused",
            "item": "volunteer",
            "date": "2026-07-18",
            "add_number": "2",
        },
    )
    assert response.status_code == 302
    corrected = Entry.objects.get(corrects=branch.absent)
    assert corrected.value == "excused"
    added = Entry.objects.get(item="volunteer")
    assert (added.value, added.date) == ("2", D(2026, 7, 18))
    summaries = list(
        AuditEvent.objects.filter(action="ledger.correct").values_list("summary", flat=True)
    )
    assert any("改为 请假" in s for s in summaries)
    appended = AuditEvent.objects.filter(action="ledger.append").order_by("-pk").first()
    assert appended is not None
    assert _title(_rulebook(branch), "volunteer") in appended.summary
    assert "volunteer" not in appended.summary


def test_a_word_and_a_number_together_are_refused(
    branch: SimpleNamespace, objection: Objection
) -> None:
    response = _client(branch.committee).post(
        reverse("periods:finding", args=[objection.pk]),
        {
            "outcome": "upheld",
            "text": "x",
            "entry": branch.absent.pk,
            "value": "excused",
            "number": "1",
        },
    )
    assert response.status_code == 400
    assert "二者只填一项" in response.content.decode()
    assert not Entry.objects.filter(corrects=branch.absent).exists()


def test_declarations_and_activities_show_the_items_title(
    branch: SimpleNamespace, clock: object
) -> None:
    rulebook = _rulebook(branch)
    declaration = declaration_submit(SimpleNamespace(person=branch.zhao, user=branch.member))
    volunteer = _title(rulebook, "volunteer")
    member = _client(branch.member)
    for page in (
        member.get(reverse("recording:declarations_mine")),
        member.get(reverse("recording:declaration", args=[declaration.pk])),
        _client(branch.secretary).get(
            reverse("recording:declarations_queue", args=[branch.org.pk])
        ),
    ):
        html = page.content.decode()
        assert volunteer in html
        _no_codes(html)
    submitted = AuditEvent.objects.get(action="declaration.submit")
    assert volunteer in submitted.summary
    assert "volunteer" not in submitted.summary
    activity = activity_create(
        organization=branch.org, item="party_day", title="主题党日", date=D(2026, 6, 2)
    )
    html = _client(branch.secretary).get(reverse("recording:activity", args=[activity.pk]))
    assert _title(rulebook, "party_day") in html.content.decode()
    _no_codes(html.content.decode())
