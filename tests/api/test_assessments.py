"""Assessment rounds and their results through the API: published results as the results page
shows them to the same user; before publication, a named 404 for all but the committee."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from jifen.accounts.roles import Role
from jifen.assessments.results import round_outcome
from jifen.assessments.services import round_open
from tests.api.world import YEAR, bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def test_published_results_are_the_pages(world: SimpleNamespace) -> None:
    ours = world.rounds["G"]
    listed = (
        Client()
        .get(
            f"/api/v1/organizations/{world.tree.b1.pk}/assessment-rounds",
            **bearer(world.tokens[Role.BRANCH_SECRETARY]),
        )
        .json()
    )
    assert [r["id"] for r in listed] == [ours.pk]
    assert listed[0]["published_at"] is not None
    answer = Client().get(
        f"/api/v1/assessment-rounds/{ours.pk}/results",
        **bearer(world.tokens[Role.BRANCH_SECRETARY]),
    )
    assert answer.status_code == 200, answer.content
    outcome = round_outcome(ours)
    assert outcome.sheet is not None
    expected = {r.subject: r.total for r in outcome.sheet.results}
    got = {row["code"]: row["total"] for row in answer.json()["results"]}
    assert got
    assert set(got) <= set(expected)
    assert all(str(expected[code]) == total for code, total in got.items())


def test_unpublished_results_are_the_committees_alone(world: SimpleNamespace) -> None:
    fresh = round_open(
        owner=world.tree.g,
        year=YEAR + 1,
        period="Y",
        rulebook="seed004",
        organizations=[world.tree.g, world.tree.b1],
        self_deadline=dt.date(YEAR + 1, 12, 1),
        committee_deadline=dt.date(YEAR + 1, 12, 20),
    )
    url = f"/api/v1/assessment-rounds/{fresh.pk}/results"
    hidden = Client().get(url, **bearer(world.tokens[Role.BRANCH_SECRETARY]))
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_published"
    seen = Client().get(url, **bearer(world.tokens[Role.COMMITTEE_ADMIN]))
    assert seen.status_code == 200, seen.content
