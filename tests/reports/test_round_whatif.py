"""试算 for organization assessment: a finished round's sheets under another rulebook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.assessments.models import Round
from jifen.assessments.services import round_open, round_publish
from jifen.rulebooks.drafts import draft_revise, draft_start
from tests.assessments.helpers import submit
from tests.clock import Clock

pytestmark = pytest.mark.django_db

# 基层党组织工作台账不齐全 counted out of 10 instead of 5 (its category, 25, still caps).
LEDGER_10 = {"categories": {"rectify": {"items": {"ledger_complete": {"max": 10}}}}}


@pytest.fixture
def finished_round(tree: SimpleNamespace, committee_admin: User, clock: Clock) -> Round:
    """seed004 over G and B3 (both under C, ranked together), committee sheets only:
    G full marks but 2 points off 台账 (98.00), B3 full marks but 1 of 2 for 探索有本部门特点的
    党建工作制度 (99.00). B3 first, G second."""
    found = round_open(
        owner=tree.c,
        year=2026,
        period="Y",
        rulebook="seed004",
        organizations=[tree.g, tree.b3],
        self_deadline=dt.date(2026, 11, 1),
        committee_deadline=dt.date(2026, 11, 10),
        actor=committee_admin,
    )
    submit(found, tree.g, "committee", committee_admin, ledger_complete=[("2", "台账缺两本")])
    submit(found, tree.b3, "committee", committee_admin, own_system="1")
    return round_publish(assessment_round=found, actor=committee_admin)


def _page(client: Client, found: Round, **query: object) -> Any:
    response = client.get(reverse("reports:round_whatif", kwargs={"round_id": found.pk}), query)
    assert response.status_code == 200
    return response


def test_a_finished_round_under_a_draft_worked_by_hand(
    client: Client, committee_admin: User, tree: SimpleNamespace, finished_round: Round
) -> None:
    """Under the draft 台账 is out of 10: G 10 − 2 = 8, the category 8 + 20 = 28, capped at 25,
    so G 100.00 (+2.00); B3 10 + 20 = 30, capped at 25, still 99.00. G moves to first."""
    draft = draft_start(organization=tree.c, title="台账加重", base="seed004", actor=None)
    draft_revise(draft=draft, changes=LEDGER_10, reason="台账更重要", actor=None)
    client.force_login(committee_admin)
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    response = _page(client, finished_round, rulebook=f"draft:{draft.pk}")
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    result = response.context["result"]
    assert not result.error, result.error
    rows = {r.code: r for r in result.rows}
    g, b3 = rows["G"], rows["B3"]
    assert (g.old, g.new, g.delta, g.rank_old, g.rank_new) == (
        Decimal("98.00"),
        Decimal("100.00"),
        Decimal("2.00"),
        2,
        1,
    )
    assert (b3.old, b3.new, b3.delta, b3.rank_old, b3.rank_new) == (
        Decimal("99.00"),
        Decimal("99.00"),
        Decimal("0.00"),
        1,
        2,
    )
    assert [r.code for r in result.rows] == ["G", "B3"]  # the largest change first
    html = response.content.decode()
    assert "+2.00" in html
    assert "<svg" in html


def test_only_organization_rulebooks_are_offered_and_an_open_round_is_refused(
    client: Client, committee_admin: User, tree: SimpleNamespace, finished_round: Round
) -> None:
    client.force_login(committee_admin)
    form = _page(client, finished_round).context["form"]
    keys = [key for key, _ in form.fields["rulebook"].choices]
    assert "builtin:seed004" in keys
    assert "builtin:seed003" not in keys
    Round.objects.filter(pk=finished_round.pk).update(published_at=None)
    response = _page(client, finished_round, rulebook="builtin:seed002")
    assert "尚未公布" in response.content.decode()
    assert response.context["result"].error


def test_a_rulebook_that_does_not_fit_the_sheets_is_said(
    client: Client, committee_admin: User, finished_round: Round
) -> None:
    client.force_login(committee_admin)
    response = _page(client, finished_round, rulebook="builtin:seed002")
    assert "不能给本轮的考评表计分" in response.content.decode()


def test_a_foreign_round_is_not_found(
    client: Client, outsider: User, finished_round: Round
) -> None:
    client.force_login(outsider)
    url = reverse("reports:round_whatif", kwargs={"round_id": finished_round.pk})
    assert client.get(url, {"rulebook": "builtin:seed004"}).status_code == 404


def test_a_published_round_links_here_for_its_owner(
    client: Client, committee_admin: User, finished_round: Round
) -> None:
    page = reverse("assessments:round", kwargs={"round_id": finished_round.pk})
    link = reverse("reports:round_whatif", kwargs={"round_id": finished_round.pk})
    client.force_login(committee_admin)
    assert link in client.get(page).content.decode()
    Round.objects.filter(pk=finished_round.pk).update(published_at=None)
    assert link not in client.get(page).content.decode()
