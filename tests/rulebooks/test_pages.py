"""A fresh install adopts a rulebook in the browser: the library, the adopt form, what applies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.own import own_rulebook_allow
from jifen.rulebooks.services import adoption_set
from jifen.scoring import builtin_ids, load_rulebook
from tests.clock import Clock

NOT_ADOPTED = "本组织今年还没有采用积分办法"


@pytest.fixture
def adopting(client: Client, clock: Clock) -> Client:
    return client


def test_a_committee_admin_adopts_seed003_and_recording_can_start(
    adopting: Client, committee_admin: User, tree: SimpleNamespace
) -> None:
    client = adopting
    client.force_login(committee_admin)
    assert not Adoption.objects.exists()
    activity_add = reverse("recording:activity_add", kwargs={"org_id": tree.b1.pk})
    assert NOT_ADOPTED in client.get(activity_add).content.decode()

    form = client.get(reverse("rulebooks:adopt", kwargs={"org_id": tree.c.pk}))
    assert "seed003" in form.content.decode()
    assert "下级组织" in form.content.decode()  # the page says what adopting changes
    response = client.post(
        reverse("rulebooks:adopt", kwargs={"org_id": tree.c.pk}),
        {"year": 2026, "rulebook": "seed003"},
        follow=True,
    )
    assert response.status_code == 200
    adoption = Adoption.objects.get()
    assert (adoption.organization, adoption.year, adoption.rulebook_id) == (tree.c, 2026, "seed003")
    assert adoption.adopted_by == committee_admin
    event = AuditEvent.objects.get(action="rulebook.adopt")
    assert event.actor == committee_admin
    assert NOT_ADOPTED not in client.get(activity_add).content.decode()


def test_adopting_again_without_a_reason_is_refused_in_chinese_and_changes_nothing(
    adopting: Client, committee_admin: User, tree: SimpleNamespace
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    adopting.force_login(committee_admin)
    response = adopting.post(
        reverse("rulebooks:adopt", kwargs={"org_id": tree.c.pk}),
        {"year": 2026, "rulebook": "seed001"},
    )
    assert response.status_code == 400
    assert "已采用了 2026 年的积分办法" in response.content.decode()
    assert "更换须写明理由" in response.content.decode()
    assert list(Adoption.objects.values_list("rulebook_id", flat=True)) == ["seed003"]


def test_an_unknown_rulebook_is_refused(
    adopting: Client, committee_admin: User, tree: SimpleNamespace
) -> None:
    adopting.force_login(committee_admin)
    response = adopting.post(
        reverse("rulebooks:adopt", kwargs={"org_id": tree.c.pk}),
        {"year": 2026, "rulebook": "nosuch"},
    )
    assert response.status_code == 400
    assert not Adoption.objects.exists()


def test_a_general_branch_admin_cannot_adopt_outside_reach(
    adopting: Client, general_admin: User, committee_admin: User, tree: SimpleNamespace
) -> None:
    adopting.force_login(general_admin)
    for org in (tree.c, tree.b3, tree.xb):
        url = reverse("rulebooks:adopt", kwargs={"org_id": org.pk})
        assert adopting.post(url, {"year": 2026, "rulebook": "seed003"}).status_code == 404
    assert not Adoption.objects.exists()
    own_rulebook_allow(organization=tree.g, allowed=True, actor=committee_admin)
    ok = adopting.post(
        reverse("rulebooks:adopt", kwargs={"org_id": tree.g.pk}),
        {"year": 2026, "rulebook": "seed003"},
    )
    assert ok.status_code == 302
    assert Adoption.objects.get().organization == tree.g


def test_the_library_shows_seed003_item_names_not_codes(
    adopting: Client, committee_admin: User
) -> None:
    adopting.force_login(committee_admin)
    library = adopting.get(reverse("rulebooks:library")).content.decode()
    assert reverse("rulebooks:builtin", kwargs={"rulebook_id": "seed003"}) in library
    html = adopting.get(
        reverse("rulebooks:builtin", kwargs={"rulebook_id": "seed003"})
    ).content.decode()
    assert "登录学习强国" in html
    assert "基础分" in html
    assert "xxqg_login" not in html
    assert "rule: allowance" not in html
    missing = adopting.get(reverse("rulebooks:builtin", kwargs={"rulebook_id": "nosuch"}))
    assert missing.status_code == 404


def test_which_rulebook_applies_shows_a_subtree_with_its_own(
    adopting: Client, committee_admin: User, tree: SimpleNamespace
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    adoption_set(organization=tree.g, year=2026, rulebook="seed001")
    adopting.force_login(committee_admin)
    html = adopting.get(reverse("rulebooks:applies") + "?year=2026").content.decode()
    rows = {
        org.code: html.split(f'id="org-{org.pk}"')[1].split("</tr>")[0]
        for org in (tree.c, tree.g, tree.b1, tree.b3)
    }
    seed003, seed001 = load_rulebook("seed003").title, load_rulebook("seed001").title
    assert seed003 in rows["C"]
    assert "本组织自己采用" in rows["C"]
    assert seed001 in rows["G"]
    assert "本组织自己采用" in rows["G"]
    assert seed001 in rows["B1"]
    assert f"沿用 {tree.g.name}" in rows["B1"]
    assert seed003 in rows["B3"]
    assert tree.xb.name not in html
    applied = adopting.get(
        reverse("rulebooks:applied", kwargs={"org_id": tree.b1.pk, "year": 2026})
    ).content.decode()
    assert f"由上级组织 {tree.g.name} 采用" in applied


def test_the_navigation_and_the_organization_page_link_the_pages(
    adopting: Client, committee_admin: User, secretary: User, tree: SimpleNamespace
) -> None:
    adopting.force_login(committee_admin)
    home = adopting.get(reverse("orgs:detail", kwargs={"org_id": tree.b1.pk})).content.decode()
    assert reverse("rulebooks:library") in home
    assert reverse("rulebooks:adopt", kwargs={"org_id": tree.b1.pk}) in home
    adopting.force_login(secretary)
    page = adopting.get(reverse("orgs:detail", kwargs={"org_id": tree.b1.pk})).content.decode()
    assert reverse("rulebooks:library") not in page
    assert adopting.get(reverse("rulebooks:library")).status_code == 404


@pytest.mark.parametrize("rulebook_id", builtin_ids())
def test_every_built_in_rulebook_reads_as_a_table(
    adopting: Client, general_admin: User, rulebook_id: str
) -> None:
    adopting.force_login(general_admin)
    rulebook = load_rulebook(rulebook_id)
    html = adopting.get(
        reverse("rulebooks:builtin", kwargs={"rulebook_id": rulebook_id})
    ).content.decode()
    for category in rulebook.categories:
        assert category.title in html
        for item in category.items:
            assert item.title in html
