"""The general branch's home lists the branches below that have not signed the quarter that
ended last; a branch's signature takes it off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.core.todo import todos_for
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.periods.services import period_sign
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
TITLE = "尚未签名确认"


def _line(user: User, today: dt.date) -> object:
    found = [t for t in todos_for(user, today) if TITLE in t.title]
    return found[0] if found else None


def test_branches_not_signed_are_counted_until_they_sign(
    tree: SimpleNamespace, clock: Clock, make_person: Callable[..., Person]
) -> None:
    make_person("张三", tree.b1)
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    admin = User.objects.create_user("zongzhi")
    role_grant(user=admin, role=Role.GENERAL_BRANCH_ADMIN, organization=tree.g)
    today = clock.now.date()  # November: the third quarter has ended
    line = _line(admin, today)
    assert line is not None
    assert line.count == 2  # B1 and B2; B3 is not under G, XB is another committee's
    assert "教工第一党支部" in line.note
    assert "第三季度" in line.title
    secretary = User.objects.create_user("shuji")
    role_grant(user=secretary, role=Role.BRANCH_SECRETARY, organization=tree.b1)
    period_sign(organization=tree.b1, year=2026, quarter=3, actor=secretary, today=today)
    line = _line(admin, today)
    assert line is not None
    assert line.count == 1
    assert "教工第一党支部" not in line.note
    assert _line(secretary, today) is None  # the secretary's own signing is another line
