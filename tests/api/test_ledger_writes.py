"""Facts and corrections through the API: the page's checks, all or nothing with every bad row
listed, once per Idempotency-Key; the ledger read back page by page with a cursor."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry
from jifen.ledger.verify import ledger_verify
from tests.api.world import bearer, world_build
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def _post(world: SimpleNamespace, path: str, body: dict[str, Any], **headers: str) -> Any:
    return Client().post(
        f"/api/v1/organizations/{world.tree.b1.pk}/{path}",
        data=body,
        content_type="application/json",
        **bearer(world.tokens[Role.SCOREKEEPER]),
        **headers,
    )


def _fact(person_id: int, **more: str) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "date": "2026-11-16",
        "item": "xxqg_login",
        "value": "2",
        **more,
    }


def test_a_batch_is_written_as_one_and_read_back(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    before = Entry.objects.count()
    answer = _post(world, "facts", {"facts": [_fact(member), _fact(member, date="2026-11-17")]})
    assert answer.status_code == 201, answer.content
    made = answer.json()["entries"]
    assert [e["value"] for e in made] == ["2", "2"]
    assert Entry.objects.count() == before + 2
    assert ledger_verify() == []
    event = AuditEvent.objects.filter(action__startswith="ledger.").latest("id")
    assert event.actor == world.users[Role.SCOREKEEPER]
    assert "接口录入 2 条" in event.summary


def test_a_batch_with_bad_rows_writes_nothing_and_names_every_row(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    foreign = world.people["XB"].pk
    before = Entry.objects.count()
    answer = _post(
        world,
        "facts",
        {
            "facts": [
                _fact(member),
                _fact(foreign),  # another committee's member: not within reach
                _fact(member, item="no_such_item"),
                _fact(member, value="两天"),
                _fact(member, date="2019-05-01"),  # no rulebook adopted that year
            ]
        },
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "rows_refused"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "person_id"),
        (3, "item"),
        (4, "value"),
        (5, "date"),
    ]
    assert "另一单位" not in answer.content.decode()  # nothing told about the foreign person
    assert Entry.objects.count() == before
    english = _post(world, "facts", {"facts": [_fact(foreign)]}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "Rows 1 have problems; nothing was written"
    assert english.json()["errors"][0]["message"] == "No such member, or not within your reach"


def test_a_retried_batch_records_once(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    body = {"facts": [_fact(member)]}
    first = _post(world, "facts", body, HTTP_IDEMPOTENCY_KEY="xxqg-2026-11")
    count = Entry.objects.count()
    again = _post(world, "facts", body, HTTP_IDEMPOTENCY_KEY="xxqg-2026-11")
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert Entry.objects.count() == count
    other = _post(
        world, "facts", {"facts": [_fact(member, value="3")]}, HTTP_IDEMPOTENCY_KEY="xxqg-2026-11"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Entry.objects.count() == count
    fresh = _post(world, "facts", body, HTTP_IDEMPOTENCY_KEY="xxqg-2026-11-b")
    assert fresh.status_code == 201
    assert Entry.objects.count() == count + 1


def test_a_refused_batch_is_not_remembered_under_its_key(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    bad = _post(world, "facts", {"facts": [_fact(member, value="x")]}, HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 422
    fixed = _post(world, "facts", {"facts": [_fact(member, value="x")]}, HTTP_IDEMPOTENCY_KEY="k1")
    assert fixed.status_code == 422  # checked again, not replayed from memory
    assert fixed.json()["code"] == "rows_refused"


def test_corrections_void_and_replace_by_reference(world: SimpleNamespace) -> None:
    entry = world.entries["B1"]
    answer = _post(
        world,
        "corrections",
        {"reason": "签到机重复上传", "corrections": [{"entry_id": entry.pk, "value": "1"}]},
    )
    assert answer.status_code == 201, answer.content
    (made,) = answer.json()["entries"]
    assert made["corrects_id"] == entry.pk
    assert made["correction"] == "replace"
    assert made["value"] == "1"
    assert Entry.objects.get(pk=entry.pk).value == "2"  # the entry itself never changes
    no_reason = _post(
        world, "corrections", {"reason": " ", "corrections": [{"entry_id": entry.pk}]}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    foreign = world.entries["XB"]
    refused = _post(
        world, "corrections", {"reason": "x", "corrections": [{"entry_id": foreign.pk}]}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"row": 1, "field": "entry_id", "message": "没有这条台账记录，或不在这个组织的台账中"}
    ]


def test_the_ledger_is_read_page_by_page(world: SimpleNamespace) -> None:
    member = world.people["B1"].pk
    facts = [_fact(member, date=f"2026-11-{day:02d}") for day in range(2, 9)]
    assert _post(world, "facts", {"facts": facts}).status_code == 201
    expected = list(
        Entry.objects.filter(organization=world.tree.b1)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    seen: list[int] = []
    cursor = ""
    pages = 0
    while True:
        url = f"/api/v1/organizations/{world.tree.b1.pk}/entries?limit=3"
        page = (
            Client()
            .get(
                url + (f"&cursor={cursor}" if cursor else ""), **bearer(world.tokens[Role.AUDITOR])
            )
            .json()
        )
        seen += [e["seq"] for e in page["entries"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert seen == expected
    assert pages == -(-len(expected) // 3)
    bad = Client().get(
        f"/api/v1/organizations/{world.tree.b1.pk}/entries?cursor=abc",
        **bearer(world.tokens[Role.AUDITOR]),
    )
    assert bad.status_code == 422
