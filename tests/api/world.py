"""A small world for the API's tests: our committee C → G → B1 and another committee's XB, one
member in each, one account per role holding it in G, a token for each."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.api.tokens import token_create
from jifen.assessments.services import round_open, round_publish
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.recording.services import activity_create
from jifen.roster.columns import HEADERS
from jifen.roster.reading import Table
from jifen.roster.services import roster_import_create
from jifen.roster.tree_reading import tree_table_read
from jifen.roster.tree_services import tree_import_create
from jifen.rulebooks.services import adoption_set
from tests.conftest import person_maker, tree_build

YEAR = 2026


def world_build() -> SimpleNamespace:
    tree = tree_build()
    make_person = person_maker(tree.b1)
    for committee in (tree.c, tree.x):
        adoption_set(organization=committee, year=YEAR, rulebook="seed003")
    people = {org.code: make_person(f"成员{org.code}", org) for org in (tree.g, tree.b1, tree.xb)}
    places = {"own": tree.g, "child": tree.b1, "foreign": tree.xb}
    # The member's account is a member of B1 (for what a member does as themself: declare).
    # One fact in each organization's ledger, about its member: something to read and correct.
    entries = {
        code: entry_append(
            organization=person.memberships.get().organization,
            person=person,
            date=dt.date(YEAR, 3, 5),
            item="xxqg_login",
            value=2,
            origin=Origin.MANUAL,
            recorded_by=None,
        )
        for code, person in people.items()
    }
    users = {role: User.objects.create_user(f"api-{role.value}") for role in Role}
    tokens = {}
    for role, user in users.items():
        role_grant(user=user, role=role, organization=places["own"])
        tokens[role] = token_create(user, name=f"测试 {role.label}")[1]
    me = make_person("我", tree.b1)
    Person.objects.filter(pk=me.pk).update(user=users[Role.MEMBER])
    # An activity in each organization, to record attendance at.
    activities = {
        org.code: activity_create(
            organization=org, item="party_day", title="主题党日", date=dt.date(YEAR, 11, 16)
        )
        for org in places.values()
    }
    # A checked roster import in each organization, waiting to be applied (no rows: nothing
    # changes, the apply only closes it).
    roster_imports = {
        org.code: roster_import_create(
            organization=org,
            table=Table(headers=list(HEADERS), rows=[], file_format="csv"),
            filename="花名册.csv",
            actor=users[Role.COMMITTEE_ADMIN],
        )
        for org in places.values()
    }
    # An assessment round in each committee, published: G and B1 take part in ours.
    rounds = {}
    assessor = User.objects.create_user("api-assessor-XB")
    role_grant(user=assessor, role=Role.COMMITTEE_ADMIN, organization=tree.xb)
    for owner, members, publisher in (
        (tree.g, [tree.g, tree.b1], users[Role.COMMITTEE_ADMIN]),
        (tree.xb, [tree.xb], assessor),
    ):
        opened = round_open(
            owner=owner,
            year=YEAR,
            period="Y",
            rulebook="seed004",
            organizations=members,
            self_deadline=dt.date(YEAR, 12, 1),
            committee_deadline=dt.date(YEAR, 12, 20),
        )
        round_publish(assessment_round=opened, actor=publisher)
        rounds.update({org.code: opened for org in members})
    # A tree import waiting in each organization: one new branch under it.
    tree_imports = {
        org.code: tree_import_create(
            organization=org,
            table=tree_table_read(
                f"组织代码,名称,类别,上级组织代码,成立日期\n"
                f"N{org.code},新组织{org.code},{'党支部' if org is tree.g else '党小组'},"
                f"{org.code},2020-01-01\n".encode()
            ),
            filename="组织树.csv",
            actor=users[Role.COMMITTEE_ADMIN],
        )
        for org in places.values()
    }
    return SimpleNamespace(
        me=me,
        tree_imports=tree_imports,
        rounds=rounds,
        roster_imports=roster_imports,
        activities=activities,
        tree=tree,
        people=people,
        places=places,
        users=users,
        tokens=tokens,
        entries=entries,
        year=YEAR,
    )


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
