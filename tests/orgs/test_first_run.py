"""The first-run guide (开始使用) on a committee's page: what is still missing, linked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization, Person
from jifen.orgs.services import organization_create, role_grant
from jifen.rulebooks.first_run import first_run
from jifen.rulebooks.services import adoption_set
from tests.conftest import person_maker

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(clock: Any) -> Organization:
    """Only the committee, as after `jifen committee`."""
    return organization_create(
        code="C01", name="中共某某学院委员会", kind="committee", active_from=dt.date(2020, 1, 1)
    )


@pytest.fixture
def admin(make_user: Callable[..., User], committee: Organization) -> User:
    user = make_user("admin", "王建国")
    role_grant(user=user, role=Role.COMMITTEE_ADMIN, organization=committee)
    return user


def card(client: Client, user: User, organization: Organization) -> str:
    client.force_login(user)
    response = client.get(reverse("orgs:detail", args=[organization.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('id="first-run"')
    return "" if start < 0 else html[start : html.find("</section>", start) + 10]


def test_an_empty_committee_sees_four_open_steps_with_their_links(
    client: Client, admin: User, committee: Organization
) -> None:
    html = card(client, admin, committee)
    assert "开始使用" in html
    assert "已完成" not in html
    for name in ("orgs:organization_add", "roster:import", "rulebooks:adopt", "orgs:roles"):
        assert f'href="{reverse(name, args=[committee.pk])}"' in html, name


def test_each_step_turns_done_and_then_the_card_says_ready(
    client: Client,
    admin: User,
    committee: Organization,
    make_user: Callable[..., User],
) -> None:
    branch = organization_create(
        code="B1",
        name="教工第一党支部",
        kind="branch",
        parent=committee,
        active_from=dt.date(2020, 1, 1),
    )
    html = card(client, admin, committee)
    assert html.count("✓ 已完成") == 1
    assert reverse("orgs:organization_add", args=[committee.pk]) not in html

    make_person: Callable[..., Person] = person_maker(branch)
    make_person("张三")
    html = card(client, admin, committee)
    assert html.count("✓ 已完成") == 2
    assert reverse("roster:import", args=[committee.pk]) not in html

    adoption_set(organization=committee, year=2026, rulebook="seed003")
    html = card(client, admin, committee)
    assert html.count("✓ 已完成") == 3
    assert reverse("rulebooks:adopt", args=[committee.pk]) not in html

    role_grant(user=make_user("sec", "李书记"), role=Role.BRANCH_SECRETARY, organization=branch)
    html = card(client, admin, committee)
    assert html.count("✓ 已完成") == 3  # a secretary alone is not enough: nobody records yet

    role_grant(user=make_user("keeper", "赵记分"), role=Role.SCOREKEEPER, organization=branch)
    html = card(client, admin, committee)
    assert "已就绪" in html
    assert "<ol>" not in html


def test_last_years_rulebook_does_not_count_for_this_year(
    admin: User, committee: Organization
) -> None:
    adoption_set(organization=committee, year=2025, rulebook="seed003")
    assert not first_run(organization=committee, day=dt.date(2026, 11, 18)).has_rulebook
    assert first_run(organization=committee, day=dt.date(2025, 6, 1)).has_rulebook


def test_a_revoked_officer_does_not_count(
    admin: User, committee: Organization, make_user: Callable[..., User]
) -> None:
    sec = role_grant(
        user=make_user("sec", "李书记"), role=Role.BRANCH_SECRETARY, organization=committee
    )
    role_grant(user=make_user("keeper", "赵记分"), role=Role.SCOREKEEPER, organization=committee)
    assert first_run(organization=committee, day=dt.date(2026, 11, 18)).has_officers
    sec.revoked_at = dt.datetime(2026, 11, 18, tzinfo=dt.UTC)
    sec.save()
    assert not first_run(organization=committee, day=dt.date(2026, 11, 18)).has_officers


def test_a_branch_secretary_does_not_see_the_card(
    client: Client, secretary: User, tree: Any, clock: Any
) -> None:
    assert card(client, secretary, tree.b1) == ""


def test_a_general_branch_admin_sees_it_on_their_own_page_only(
    client: Client, general_admin: User, committee_admin: User, tree: Any, clock: Any
) -> None:
    assert "开始使用" in card(client, general_admin, tree.g)
    assert card(client, committee_admin, tree.g) == ""  # not the committee admin's own page
    assert card(client, general_admin, tree.b1) == ""


def test_the_guide_costs_four_queries_whatever_the_tree(
    client: Client,
    committee_admin: User,
    tree: Any,
    make_person: Callable[..., Person],
    django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
    clock: Any,
) -> None:
    for i in range(12):
        make_person(f"党员{i}", tree.b1 if i % 2 else tree.b2)
    with django_assert_num_queries(4):
        first_run(organization=tree.c, day=dt.date(2026, 11, 18))
    client.force_login(committee_admin)
    # The page with its card: 15 today on both engines (one of them the header's unread count,
    # jifen/inbox); a loop over organizations or members in the guide would grow it with the tree.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("orgs:detail", args=[tree.c.pk])).status_code == 200


def test_the_card_reads_in_english(client: Client, admin: User, committee: Organization) -> None:
    client.force_login(admin)
    html = client.get(
        reverse("orgs:detail", args=[committee.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Getting started" in html
    assert "Assign a branch secretary and a scorekeeper" in html
