"""An organization's year sheet, its signed quarters and notices and its rulebook, read through
the API as the pages compute them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from jifen.accounts.roles import Role
from jifen.ledger.models import LedgerHead
from jifen.periods.services import notice_open, period_sign
from jifen.ratings.selectors import year_of
from tests.api.world import bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def _get(world: SimpleNamespace, path: str, role: Role = Role.GENERAL_BRANCH_ADMIN) -> object:
    return Client().get(path, **bearer(world.tokens[role]))


def test_the_year_sheet_is_the_stored_year(world: SimpleNamespace) -> None:
    g = world.places["own"]
    answer = _get(world, f"/api/v1/organizations/{g.pk}/years/2026")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    found = year_of(g, 2026)
    assert found is not None
    expected = {p.pk: found.results[p.pk].total for p in found.people if p.pk in found.results}
    assert {row["person_id"]: Decimal(row["total"]) for row in body["rows"]} == expected
    assert {row["name"] for row in body["rows"]} == {"成员G", "成员B1", "我"}
    assert all(row["stars"] is None for row in body["rows"])  # the year is not over
    none = _get(world, f"/api/v1/organizations/{g.pk}/years/2019")
    assert none.status_code == 404
    assert none.json()["code"] == "no_rulebook"


def test_signatures_carry_the_ledger_head_and_their_notices(
    world: SimpleNamespace, clock: Clock
) -> None:
    b1 = world.tree.b1
    secretary = world.users[Role.BRANCH_SECRETARY]
    signature = period_sign(
        organization=b1, year=2026, quarter=1, actor=secretary, today=dt.date(2026, 4, 1)
    )
    notice = notice_open(signature=signature, actor=secretary, today=clock.now.date())
    answer = _get(world, f"/api/v1/organizations/{b1.pk}/signatures?year=2026")
    (signed,) = answer.json()
    head = LedgerHead.objects.get(organization=b1)
    assert (signed["quarter"], signed["ledger_seq"], signed["ledger_head"]) == (
        1,
        head.seq,
        head.head,
    )
    assert signed["sheet_hash"] == signature.sheet_hash
    assert [n["id"] for n in signed["notices"]] == [notice.pk]
    assert signed["notices"][0]["working_days"] == 5
    assert _get(world, f"/api/v1/organizations/{b1.pk}/signatures?year=2025").json() == []


def test_the_rulebook_is_the_nearest_adoption(world: SimpleNamespace) -> None:
    b1 = world.tree.b1
    body = _get(world, f"/api/v1/organizations/{b1.pk}/rulebooks/2026").json()
    assert body["organization_id"] == world.tree.c.pk  # adopted by the committee above
    assert body["rulebook"] == "seed003"
    assert body["yaml"].lstrip().startswith(("id:", "#"))
    assert _get(world, f"/api/v1/organizations/{b1.pk}/rulebooks/2019").status_code == 404
