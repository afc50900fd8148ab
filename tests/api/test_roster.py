"""An HR system keeps the roster in step through the API: upload (checked, nothing written), then
apply (all or nothing, once); a bad file names row and column; adoption as on the page."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization, Person
from jifen.roster.columns import HEADERS
from tests.api.world import bearer, world_build
from tests.clock import Clock
from tests.conftest import valid_id_number

pytestmark = pytest.mark.django_db
ROW = f"张新,男,{valid_id_number(901)},,入党积极分子,,,B1,2020-01-01"


@pytest.fixture
def world(clock: Clock) -> SimpleNamespace:
    return world_build()


def _upload(world: SimpleNamespace, text: str) -> Any:
    return Client().post(
        f"/api/v1/organizations/{world.tree.b1.pk}/roster-imports",
        data={"file": SimpleUploadedFile("花名册.csv", text.encode("gb18030"))},
        **bearer(world.tokens[Role.BRANCH_SECRETARY]),
    )


def _apply(world: SimpleNamespace, import_id: int) -> Any:
    return Client().post(
        f"/api/v1/organizations/{world.tree.b1.pk}/roster-imports/{import_id}/apply",
        **bearer(world.tokens[Role.BRANCH_SECRETARY]),
    )


def test_check_then_apply_once(world: SimpleNamespace) -> None:
    checked = _upload(world, f"{','.join(HEADERS)}\n{ROW}\n")
    assert checked.status_code == 201, checked.content
    body = checked.json()
    assert body["status"] == "pending"
    assert body["errors"] == []
    assert not Person.objects.filter(name="张新").exists()  # checking writes nothing
    applied = _apply(world, body["id"])
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert Person.objects.get(name="张新").category == "activist"
    again = _apply(world, body["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "import_closed"


def test_a_bad_roster_names_row_and_column(world: SimpleNamespace) -> None:
    good = valid_id_number(902)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")  # a wrong check digit
    bad = ROW.replace(valid_id_number(901), wrong)
    checked = _upload(world, f"{','.join(HEADERS)}\n{ROW}\n{bad.replace('张新', '李新')}\n")
    body = checked.json()
    assert body["status"] == "invalid"
    assert {(e["row"], e["field"]) for e in body["errors"]} >= {(3, "身份证号")}
    assert _apply(world, body["id"]).status_code == 409
    assert not Person.objects.filter(name__in=["张新", "李新"]).exists()
    unreadable = _upload(world, "")
    assert unreadable.status_code == 422
    assert unreadable.json()["code"] == "file_refused"


def test_adoption_needs_a_reason_to_replace(world: SimpleNamespace) -> None:
    url = f"/api/v1/organizations/{world.tree.g.pk}/adoptions"
    admin = bearer(world.tokens[Role.COMMITTEE_ADMIN])
    made = Client().post(
        url, data={"year": 2027, "rulebook": "seed003"}, content_type="application/json", **admin
    )
    assert made.status_code == 201, made.content
    assert made.json()["rulebook"] == "seed003"
    replaced = Client().post(
        url, data={"year": 2027, "rulebook": "seed001"}, content_type="application/json", **admin
    )
    assert replaced.status_code == 422
    assert replaced.json()["errors"][0]["field"] == "reason"


def test_a_tree_is_checked_then_applied_once(world: SimpleNamespace) -> None:
    url = f"/api/v1/organizations/{world.tree.g.pk}/tree-imports"
    admin = bearer(world.tokens[Role.GENERAL_BRANCH_ADMIN])
    text = "组织代码,名称,类别,上级组织代码,成立日期\nG9,退休党支部,党支部,G,2021-03-01\n"
    checked = (
        Client()
        .post(url, data={"file": SimpleUploadedFile("树.csv", text.encode("utf-8-sig"))}, **admin)
        .json()
    )
    assert checked["status"] == "pending", checked
    assert not Organization.objects.filter(code="G9").exists()
    applied = Client().post(f"{url}/{checked['id']}/apply", **admin)
    assert applied.status_code == 200, applied.content
    assert Organization.objects.get(code="G9").parent == world.tree.g
    assert Client().post(f"{url}/{checked['id']}/apply", **admin).status_code == 409
    bad = "组织代码,名称,类别,上级组织代码,成立日期\nG9,重复的代码,党支部,G,2021-03-01\n"
    refused = (
        Client()
        .post(url, data={"file": SimpleUploadedFile("树.csv", bad.encode())}, **admin)
        .json()
    )
    assert refused["status"] == "invalid"
    assert refused["errors"][0]["row"] == 2
