"""Star proposals before the year is over (issue 15): the reasons are shown before proposing,
repeated when proposing and kept in the proposal's audit record; none once the year has ended,
every grade is in and the level above approved the year-end sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Person
from jifen.periods.year_end import year_end_decide, year_end_sign, year_end_submit
from jifen.ratings.stars import stars_propose
from jifen.ratings.year_end_checks import star_warnings
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db
D = dt.date


def _grade(tree: SimpleNamespace, person: Person, grade: str) -> None:
    entry_append(
        organization=tree.b1,
        person=person,
        date=D(2026, 12, 20),
        item="democratic_review",
        value=grade,
        origin=Origin.MANUAL,
        recorded_by=None,
    )


def test_the_reasons_a_proposal_is_early_and_when_they_are_gone(
    tree: SimpleNamespace,
    make_person: Callable[..., Person],
    secretary: User,
    general_admin: User,
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    zhao, qian = make_person("赵磊"), make_person("钱芳")
    _grade(tree, zhao, "优秀")
    early = star_warnings(tree.b1, 2026, D(2026, 12, 1))
    assert len(early) == 3
    assert "2026年12月31日 才结束" in early[0]
    assert "1 名党员尚未评定年度民主评议（钱芳）" in early[1]
    assert "尚未经上级党组织审核通过（当前：未开始）" in early[2]
    _grade(tree, qian, "合格")
    after = D(2027, 1, 6)
    signature = year_end_sign(organization=tree.b1, year=2026, actor=secretary, today=after)
    assert star_warnings(tree.b1, 2026, after) == [
        "教工第一党支部 2026 年度积分汇总表尚未经上级党组织审核通过（当前：已签名，待上报）"
    ]
    year_end_submit(signature=signature, actor=secretary)
    year_end_decide(signature=signature, approve=True, reason="", actor=general_admin)
    assert star_warnings(tree.b1, 2026, after) == []


def test_a_proposal_before_the_year_end_says_why_and_keeps_it(
    tree: SimpleNamespace, make_person: Callable[..., Person], secretary: User, clock: Clock
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    for i, total in enumerate((95, 80, 70)):
        seed001_total(tree.b1, make_person(f"党员{i}"), total, 2026)
    client = Client()
    client.force_login(secretary)
    page = client.get(reverse("ratings:stars", args=[tree.b1.pk, 2026])).content.decode()
    assert 'id="early"' in page
    assert "才结束" in page
    # The year end's tabs lead to the year-end sheet, its report and its notice.
    assert reverse("periods:year_end", args=[tree.b1.pk, 2026]) in page
    stars_propose(organization=tree.b1, year=2026, actor=secretary)
    event = AuditEvent.objects.filter(action="ratings.propose").get()
    assert "提示：2026 年度到" in event.summary
    # seed001 has no grade item, and its year-end sheet carries the approved stars (it comes
    # after them): the year alone.
    assert len(event.detail["warnings"]) == 1
