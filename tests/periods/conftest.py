"""A seed003 branch (B1) with two members and the people who close its quarters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.rulebooks.services import adoption_set


@pytest.fixture
def branch(
    tree: SimpleNamespace,
    member: User,
    secretary: User,
    general_admin: User,
    make_user: Callable[..., User],
    make_person: Callable[..., Person],
) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    committee = make_user("zhiwei", "孙丽")
    role_grant(user=committee, role=Role.BRANCH_COMMITTEE, organization=tree.b1)
    observer = make_user("qunzhong", "吴群")
    role_grant(user=observer, role=Role.OBSERVER, organization=tree.b1)
    zhao = Person.objects.get(user=member)
    qian = make_person("钱芳")
    return SimpleNamespace(
        tree=tree,
        org=tree.b1,
        member=member,
        secretary=secretary,
        general_admin=general_admin,
        committee=committee,
        observer=observer,
        zhao=zhao,
        qian=qian,
    )


def add(
    branch: SimpleNamespace, person: Person, day: dt.date, item: str, value: object, **extra: object
) -> Entry:
    return entry_append(
        organization=branch.org,
        person=person,
        date=day,
        item=item,
        value=value,  # type: ignore[arg-type]
        origin=extra.pop("origin", Origin.MANUAL),  # type: ignore[arg-type]
        recorded_by=None,
        **extra,  # type: ignore[arg-type]
    )
