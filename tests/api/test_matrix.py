"""Every API operation × every role × own / child / foreign organization, with the answer expected.

Like the pages' matrix (tests/orgs/test_access_matrix.py): a user holds one role in the general
branch G ("own"); "child" is branch B1 under G; "foreign" is branch XB of another committee.
Anything a role may not reach answers 404 (the door's answer), never 403. An operation in the
OpenAPI document without an entry here fails ``test_every_operation_has_an_entry``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from jifen.accounts.roles import Role
from jifen.api.api import api
from jifen.audit.models import AuditEvent
from jifen.orgs.models import Organization
from jifen.roster.columns import HEADERS
from tests.api.world import bearer, world_build
from tests.clock import clock_held

R = Role
ALL = frozenset(Role)
READERS = frozenset(
    {
        R.COMMITTEE_ADMIN,
        R.GENERAL_BRANCH_ADMIN,
        R.BRANCH_SECRETARY,
        R.BRANCH_COMMITTEE,
        R.SCOREKEEPER,
        R.AUDITOR,
    }
)
RECORDERS = frozenset(
    {R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.BRANCH_SECRETARY, R.SCOREKEEPER}
)
ROLE_ADMINS = frozenset({R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MANAGERS = frozenset({R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.BRANCH_SECRETARY})
PLACES = ("own", "child", "foreign")


@dataclass(frozen=True)
class Op:
    """How to call an operation for a target organization, and which roles succeed."""

    path: Callable[[SimpleNamespace, Organization], str]
    allowed: frozenset[Role]
    method: str = "get"
    ok: int = 200
    scoped: bool = True
    body: Callable[[SimpleNamespace, Organization], dict[str, Any]] = lambda w, org: {}
    # Roles the door lets in whose request the service then refuses (a 422 saying why).
    refused: dict[Role, int] = field(default_factory=dict)


def _person(world: SimpleNamespace, org: Organization) -> int:
    return int(world.people[org.code].pk)


MATRIX: dict[str, Op] = {
    "GET /api/v1/organizations": Op(lambda w, org: "/api/v1/organizations", ALL, scoped=False),
    "GET /api/v1/organizations/{org_id}": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}", READERS
    ),
    "GET /api/v1/people/{person_id}": Op(
        lambda w, org: f"/api/v1/people/{_person(w, org)}", READERS
    ),
    "GET /api/v1/people/{person_id}/years/{year}": Op(
        lambda w, org: f"/api/v1/people/{_person(w, org)}/years/{w.year}", READERS
    ),
    "POST /api/v1/organizations/{org_id}/activities": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/activities",
        RECORDERS,
        method="post",
        ok=201,
        body=lambda w, org: {"item": "party_day", "title": "主题党日", "date": "2026-11-20"},
    ),
    "POST /api/v1/organizations/{org_id}/facts": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/facts",
        RECORDERS,
        method="post",
        ok=201,
        body=lambda w, org: {
            "facts": [
                {
                    "person_id": _person(w, org),
                    "date": "2026-11-16",
                    "item": "xxqg_login",
                    "value": "1",
                }
            ]
        },
    ),
    "POST /api/v1/organizations/{org_id}/corrections": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/corrections",
        RECORDERS,
        method="post",
        ok=201,
        body=lambda w, org: {
            "reason": "重复录入",
            "corrections": [{"entry_id": w.entries[org.code].pk}],
        },
    ),
    "GET /api/v1/organizations/{org_id}/years/{year}": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/years/{w.year}", READERS
    ),
    "GET /api/v1/organizations/{org_id}/signatures": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/signatures?year={w.year}", READERS
    ),
    "GET /api/v1/organizations/{org_id}/rulebooks/{year}": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/rulebooks/{w.year}", READERS
    ),
    "POST /api/v1/activities/{activity_id}/attendance": Op(
        lambda w, org: f"/api/v1/activities/{w.activities[org.code].pk}/attendance",
        RECORDERS,
        method="post",
        body=lambda w, org: {"marks": [{"person_id": _person(w, org), "mark": "present"}]},
    ),
    "POST /api/v1/organizations/{org_id}/monthly/{year}/{month}": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/monthly/{w.year}/10",
        RECORDERS,
        method="multipart",
        body=lambda w, org: {
            "file": SimpleUploadedFile(
                "10月.csv", f"姓名,登录学习强国\n成员{org.code},1\n".encode()
            ),
            "absent": "keep",
        },
    ),
    "POST /api/v1/organizations/{org_id}/roster-imports": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/roster-imports",
        MANAGERS,
        method="multipart",
        ok=201,
        body=lambda w, org: {
            "file": SimpleUploadedFile(
                "花名册.csv",
                f"{','.join(HEADERS)}\n张新,男,110105198501010011,,入党积极分子,,,{org.code},2020-01-01\n".encode(),
            )
        },
    ),
    "POST /api/v1/organizations/{org_id}/roster-imports/{import_id}/apply": Op(
        lambda w, org: (
            f"/api/v1/organizations/{org.pk}/roster-imports/{w.roster_imports[org.code].pk}/apply"
        ),
        MANAGERS,
        method="post",
    ),
    "POST /api/v1/organizations/{org_id}/adoptions": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/adoptions",
        # The general branch's admin adopts only once the committee allows its own rulebook
        # (jifen/rulebooks/own.py), which this world does not: a 422 naming that, not a 404.
        frozenset({R.COMMITTEE_ADMIN}),
        method="post",
        ok=201,
        body=lambda w, org: {"year": 2027, "rulebook": "seed003"},
        refused={R.GENERAL_BRANCH_ADMIN: 422},
    ),
    "GET /api/v1/organizations/{org_id}/assessment-rounds": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/assessment-rounds", READERS
    ),
    "GET /api/v1/assessment-rounds/{round_id}/results": Op(
        lambda w, org: f"/api/v1/assessment-rounds/{w.rounds[org.code].pk}/results", READERS
    ),
    "GET /api/v1/organizations/{org_id}/people": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/people", READERS
    ),
    "POST /api/v1/organizations/{org_id}/tree-imports": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/tree-imports",
        ROLE_ADMINS,
        method="multipart",
        ok=201,
        body=lambda w, org: {
            "file": SimpleUploadedFile(
                "组织树.csv",
                f"组织代码,名称,类别,上级组织代码,成立日期\nM{org.code},另一新支部,党支部,{org.code},2020-01-01\n".encode(),
            )
        },
    ),
    "POST /api/v1/organizations/{org_id}/tree-imports/{import_id}/apply": Op(
        lambda w, org: (
            f"/api/v1/organizations/{org.pk}/tree-imports/{w.tree_imports[org.code].pk}/apply"
        ),
        ROLE_ADMINS,
        method="post",
    ),
    # One's own declaration: the account whose person it is (here the member's), whatever
    # the place; an account with no person is told 404.
    "POST /api/v1/me/declarations": Op(
        lambda w, org: "/api/v1/me/declarations",
        frozenset({R.MEMBER}),
        method="multipart",
        ok=201,
        scoped=False,
        body=lambda w, org: {
            "item": "volunteer",
            "date": "2026-11-16",
            "description": "社区志愿服务",
            "points": "1",
            "files": [SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")],
        },
    ),
    "GET /api/v1/organizations/{org_id}/entries": Op(
        lambda w, org: f"/api/v1/organizations/{org.pk}/entries", READERS
    ),
}


def _operations() -> set[str]:
    document = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_every_operation_has_an_entry() -> None:
    missing = _operations() - set(MATRIX)
    assert not missing, f"add these operations to the API's access matrix: {sorted(missing)}"
    assert not set(MATRIX) - _operations(), "the matrix names operations that are gone"


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """Built once for the module inside a transaction rolled back at its end; each case runs in
    a savepoint of it (pytest-django's ``db``)."""
    with django_db_blocker.unblock(), clock_held(), transaction.atomic():
        yield world_build()
        transaction.set_rollback(True)


def _call(world: SimpleNamespace, name: str, role: Role | None, place: str) -> Any:
    op = MATRIX[name]
    url = op.path(world, world.places[place])
    headers = bearer(world.tokens[role]) if role is not None else {}
    if op.method == "get":
        return Client().get(url, **headers)
    body = op.body(world, world.places[place])
    if op.method == "multipart":
        return Client().post(url, data=body, **headers)
    return Client().post(url, data=body, content_type="application/json", **headers)


CASES = [
    (name, role, place)
    for name, op in MATRIX.items()
    for role in Role
    for place in (PLACES if op.scoped else ("own",))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "place"), CASES)
def test_the_answer_for(world: SimpleNamespace, name: str, role: Role, place: str) -> None:
    op = MATRIX[name]
    response = _call(world, name, role, place)
    allowed = role in op.allowed and place != "foreign"
    expected = op.ok if allowed else op.refused.get(role, 404) if place != "foreign" else 404
    assert response.status_code == expected, f"{role.label} {place} {name}: {response.content!r}"
    assert response["Content-Type"].startswith("application/json")
    if expected == 404:
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_token_is_401(world: SimpleNamespace, name: str) -> None:
    response = _call(world, name, None, "own")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_a_refusal_is_audited_as_the_tokens_user(world: SimpleNamespace) -> None:
    role = R.BRANCH_SECRETARY
    foreign = world.places["foreign"]
    response = Client().get(f"/api/v1/organizations/{foreign.pk}", **bearer(world.tokens[role]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == world.users[role]
    assert event.target == f"orgs.Organization:{foreign.pk}"
    assert event.path == f"/api/v1/organizations/{foreign.pk}"


@pytest.mark.django_db
def test_the_tree_lists_what_the_user_sees_and_under_narrows_it(world: SimpleNamespace) -> None:
    token = world.tokens[R.GENERAL_BRANCH_ADMIN]
    listed = Client().get("/api/v1/organizations", **bearer(token)).json()
    codes = [org["code"] for org in listed]
    assert codes == ["G", "B1", "B2"]  # G's subtree in the tree's order, nothing of X
    b1 = world.places["child"]
    under = Client().get(f"/api/v1/organizations?under={b1.pk}", **bearer(token)).json()
    assert [org["code"] for org in under] == ["B1"]
    foreign = world.places["foreign"]
    refused = Client().get(f"/api/v1/organizations?under={foreign.pk}", **bearer(token))
    assert refused.status_code == 404
