"""The scorekeeper's home lists the ended months whose figures (学习强国 …) were not imported,
where the branch's rulebook scores such figures; importing a month — at the branch or above it
— takes it off."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.core.todo import todos_for
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.recording.monthly import monthly_apply, monthly_check
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
TITLE = "没有导入月度数据的月份"


def _count(user: User, clock: Clock) -> int | None:
    found = [t for t in todos_for(user, clock.now.date()) if TITLE in t.title]
    return found[0].count if found else None


def _import(organization: object, month: int, actor: User) -> None:
    checked = monthly_check(
        organization=organization,  # type: ignore[arg-type]
        year=2026,
        month=month,
        data="姓名,登录学习强国\n张三,1\n".encode(),
    )
    assert not checked.problems, checked.problems
    monthly_apply(organization=organization, checked=checked, filename="a.csv", actor=actor)  # type: ignore[arg-type]


def test_months_not_imported_until_they_are(
    tree: SimpleNamespace, clock: Clock, make_person: Callable[..., Person]
) -> None:
    make_person("张三", tree.b1)
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    keeper = User.objects.create_user("jifenyuan")
    role_grant(user=keeper, role=Role.SCOREKEEPER, organization=tree.b1)
    assert _count(keeper, clock) == 10  # November: January to October have ended
    _import(tree.b1, 3, keeper)
    assert _count(keeper, clock) == 9
    _import(tree.g, 4, keeper)  # the general branch imported April for its members
    assert _count(keeper, clock) == 8


def test_no_line_where_the_rulebook_scores_no_monthly_figures(
    tree: SimpleNamespace, clock: Clock
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    keeper = User.objects.create_user("jifenyuan")
    role_grant(user=keeper, role=Role.SCOREKEEPER, organization=tree.b1)
    assert _count(keeper, clock) is None
