"""The member's score "so far": months up to and including today's month count; later months
are 未到 — neither scored at full points nor counted in a mean. ``today`` is passed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.ledger.scores import branch_year, member_year, months_reached
from jifen.scoring import Calendar
from tests.clock import Clock
from tests.reports.conftest import YEAR

D = dt.date


def test_months_reached_counts_todays_month() -> None:
    calendar = Calendar(2025)
    assert months_reached(calendar, None) == 12
    assert months_reached(calendar, D(2024, 12, 31)) == 0
    assert months_reached(calendar, D(2025, 1, 1)) == 1
    assert months_reached(calendar, D(2025, 4, 30)) == 4
    assert months_reached(calendar, D(2025, 12, 31)) == 12
    assert months_reached(calendar, D(2026, 1, 1)) == 12
    school = Calendar(2025, 9)  # a scoring year from September 2025 to August 2026
    assert months_reached(school, D(2025, 8, 31)) == 0
    assert months_reached(school, D(2026, 1, 15)) == 5


@pytest.mark.django_db
def test_future_months_are_not_counted(branch: SimpleNamespace) -> None:
    whole = member_year(branch.yi, YEAR)
    assert whole is not None
    assert whole.result.category("base").score == Decimal("69.58")  # (11 × 70 + 65) / 12
    so_far = member_year(branch.yi, YEAR, today=D(YEAR, 2, 10))
    assert so_far is not None
    assert so_far.reached == 2
    base = so_far.result.category("base")
    assert base.score == Decimal("67.50")  # (65 + 70) / 2, not (65 + 11 × 70) / 12
    assert set(base.periods) == {"M01", "M02"}
    assert so_far.result.total == Decimal("67.50")  # the December grade is not yet
    assert so_far.active_months == tuple(range(12))  # still a member all year


@pytest.mark.django_db
def test_a_year_not_begun_has_no_points(branch: SimpleNamespace) -> None:
    found = member_year(branch.bing, YEAR, today=D(YEAR - 1, 12, 1))
    assert found is not None
    assert found.reached == 0
    assert branch_year(branch.b1, YEAR, today=D(YEAR - 1, 12, 1)).results == {}  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_branch_so_far_uses_the_same_cut(branch: SimpleNamespace) -> None:
    found = branch_year(branch.b1, YEAR, today=D(YEAR, 2, 10))
    assert found is not None
    assert found.reached == 2
    assert found.results[branch.yi.pk].total == Decimal("67.50")


@pytest.fixture
def own(branch: SimpleNamespace, make_user: object) -> User:
    user = make_user("yi", "乙")  # type: ignore[operator]
    branch.yi.user = user
    branch.yi.save(update_fields=["user"])
    return user


@pytest.mark.django_db
def test_the_year_page_shows_the_score_so_far(
    client: Client, branch: SimpleNamespace, own: User, clock: Clock
) -> None:
    clock.set(D(YEAR, 2, 10))
    client.force_login(own)
    html = client.get(reverse("ledger:member_year", args=[branch.yi.pk, YEAR])).content.decode()
    assert "至今总分" in html
    assert "<strong>67.50</strong>" in html
    assert html.count('<td class="future">未到</td>') >= 10 * 10  # ten months × each base row
    assert "逐月积分" in html
    assert "<svg" in html
    clock.set(D(YEAR + 1, 1, 5))
    client.force_login(own)  # months later: a new session
    html = client.get(reverse("ledger:member_year", args=[branch.yi.pk, YEAR])).content.decode()
    assert "年度总分" in html
    assert "<strong>76.58</strong>" in html
    assert "未到</td>" not in html


@pytest.mark.django_db
def test_the_year_page_of_a_year_not_begun(
    client: Client, branch: SimpleNamespace, own: User, clock: Clock
) -> None:
    clock.set(D(YEAR - 1, 12, 1))
    client.force_login(own)
    html = client.get(reverse("ledger:member_year", args=[branch.yi.pk, YEAR])).content.decode()
    assert f"{YEAR} 年尚未开始" in html
    assert "<strong>—</strong>" in html


@pytest.mark.django_db
def test_a_member_moving_between_rulebooks_brings_no_facts_along(
    tree: SimpleNamespace, make_person: object
) -> None:
    """C (seed003) → B3; G (seed001) → B1. 孙 moves from B3 to B1 on 1 July 2025. Her March
    fact (seed003's 学习强国) stays in B3's year; her August 贡献 is scored by seed001 only.
    Both used to raise: each rulebook refused the other's item codes."""
    from jifen.orgs.services import membership_transfer
    from jifen.rulebooks.services import adoption_set
    from tests.reports.conftest import add

    adoption_set(organization=tree.c, year=2025, rulebook="seed003")
    adoption_set(organization=tree.g, year=2025, rulebook="seed001")
    sun = make_person("孙", tree.b3, start=D(2020, 1, 1))  # type: ignore[operator]
    add(tree.b3, sun, D(2025, 3, 5), "xxqg_login", 2)
    membership_transfer(person=sun, to=tree.b1, on=D(2025, 7, 1))
    add(tree.b1, sun, D(2025, 8, 3), "center_work", 5)
    found = member_year(sun, 2025)
    assert found is not None
    assert found.rulebook.id == "seed001"
    assert found.result.total == Decimal("75.00")  # 70 base + 5
    before = branch_year(tree.b3, 2025)
    assert before is not None
    base = before.results[sun.pk].category("base")
    assert base.score == Decimal("69.83")  # (5 × 70 + 69) / 6: January to June only
    after = branch_year(tree.b1, 2025)
    assert after is not None
    assert after.results[sun.pk].total == Decimal("75.00")
