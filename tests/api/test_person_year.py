"""A member's year through the API is the member page's year: the same total, categories and
months, every explained line pointing at real ledger entries; people masked as on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from jifen.accounts.roles import Role
from jifen.core import clock as jifen_clock
from jifen.ledger.models import Entry, Origin
from jifen.ledger.scores import member_year
from jifen.ledger.services import entry_append
from tests.api.world import bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    found = world_build()
    member = found.people["B1"]
    for day, item, value in (
        (dt.date(2026, 3, 5), "xxqg_login", 2),
        (dt.date(2026, 3, 10), "party_day", "absent"),
    ):
        entry_append(
            organization=found.tree.b1,
            person=member,
            date=day,
            item=item,
            value=value,
            origin=Origin.MANUAL,
            recorded_by=None,
        )
    return found


def test_the_year_equals_the_member_pages(world: SimpleNamespace) -> None:
    member = world.people["B1"]
    answer = Client().get(
        f"/api/v1/people/{member.pk}/years/2026?explain=1",
        **bearer(world.tokens[Role.BRANCH_SECRETARY]),
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    page = member_year(member, 2026, today=jifen_clock.today())
    assert page is not None
    assert Decimal(body["total"]) == page.result.total
    assert body["rulebook"] == "seed003"
    assert [c["code"] for c in body["categories"]] == [c.code for c in page.result.categories]
    assert {c["code"]: Decimal(c["score"]) for c in body["categories"]} == {
        c.code: c.score for c in page.result.categories
    }
    assert Decimal(body["months"]["M03"]) < Decimal(body["months"]["M02"])  # March lost points
    assert body["months_reached"] == 11  # the held clock stands in November
    assert body["stars"] is None  # year-end results, and the year is not over
    assert body["warnings"] == []
    cited = {
        fact
        for c in body["categories"]
        for item in c["items"]
        for line in item["lines"]
        for fact in line["facts"]
    }
    assert cited == set(Entry.objects.filter(person=member).values_list("pk", flat=True))
    plain = (
        Client()
        .get(
            f"/api/v1/people/{member.pk}/years/2026", **bearer(world.tokens[Role.BRANCH_SECRETARY])
        )
        .json()
    )
    assert plain["lines"] is None
    assert all(c["lines"] is None for c in plain["categories"])
    assert all(i["lines"] is None for c in plain["categories"] for i in c["items"])


def test_no_rulebook_that_year_is_a_named_404(world: SimpleNamespace) -> None:
    member = world.people["B1"]
    answer = Client().get(
        f"/api/v1/people/{member.pk}/years/2019", **bearer(world.tokens[Role.BRANCH_SECRETARY])
    )
    assert answer.status_code == 404
    assert answer.json()["code"] == "no_rulebook"


@pytest.mark.parametrize(
    ("role", "sees_in_full"),
    [(Role.BRANCH_SECRETARY, True), (Role.SCOREKEEPER, False), (Role.AUDITOR, False)],
)
def test_people_are_masked_as_on_their_page(
    world: SimpleNamespace, role: Role, sees_in_full: bool
) -> None:
    member = world.people["B1"]
    answer = Client().get(f"/api/v1/people/{member.pk}", **bearer(world.tokens[role])).json()
    page = Client()
    page.force_login(world.users[role])
    html = page.get(f"/people/{member.pk}/").content.decode()
    assert (answer["id_number"] == member.id_number) is sees_in_full
    assert answer["id_number"] in html
    assert answer["phone"] in html
    assert answer["memberships"][0]["organization_id"] == world.tree.b1.pk


@pytest.mark.parametrize(
    ("role", "sees_in_full"), [(Role.BRANCH_SECRETARY, True), (Role.SCOREKEEPER, False)]
)
def test_an_organizations_people_page_by_page_masked_alike(
    world: SimpleNamespace, role: Role, sees_in_full: bool
) -> None:
    g = world.places["own"]
    seen: list[dict[str, object]] = []
    cursor = ""
    while True:
        page = (
            Client()
            .get(
                f"/api/v1/organizations/{g.pk}/people?limit=1"
                + (f"&cursor={cursor}" if cursor else ""),
                **bearer(world.tokens[role]),
            )
            .json()
        )
        seen += page["people"]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert sorted(p["name"] for p in seen) == ["成员B1", "成员G", "我"]  # G's subtree, not XB
    for shown in seen:
        one = Client().get(f"/api/v1/people/{shown['id']}", **bearer(world.tokens[role])).json()
        assert shown == one  # the same as the one-person answer
        assert (len(str(shown["id_number"])) == 18 and "*" not in str(shown["id_number"])) is (
            sees_in_full
        )
