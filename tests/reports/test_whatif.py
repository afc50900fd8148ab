"""试算 before adopting: a branch's real year under its rulebook and under a draft, on the page.

The year is tests/reports/conftest.py's, worked by hand (seed 003, 2025, "last year" on the
clock's 2026-11-18). The numbers are also checked against ``jifen simulate`` run on the
branch's ``jifen facts export`` under each rulebook.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.ledger.scores import person_key
from jifen.rulebooks.drafts import draft_revise, draft_start, latest
from jifen.rulebooks.models import Draft
from jifen.rulebooks.services import adoption_set
from jifen.simulation.cli import simulate_main
from tests.clock import Clock

pytestmark = pytest.mark.django_db

PARTY_DAY_8 = {"categories": {"base": {"items": {"party_day": {"points": 8}}}}}


def _draft(organization: Any, changes: dict[str, Any], title: str = "我院积分办法") -> Draft:
    draft = draft_start(organization=organization, title=title, base="seed003", actor=None)
    draft_revise(draft=draft, changes=changes, reason="试一试", actor=None)
    return draft


def _page(client: Client, org_id: int, **query: object) -> Any:
    response = client.get(reverse("reports:whatif", kwargs={"org_id": org_id}), query)
    assert response.status_code == 200
    return response


@pytest.fixture
def trying(client: Client, clock: Clock, committee_admin: User) -> Client:
    client.force_login(committee_admin)
    return client


def _rows(response: Any) -> dict[str, Any]:
    result = response.context["result"]
    assert result is not None
    assert not result.error, result.error
    return {m.person.name: m for m in result.members}


def test_party_day_from_10_to_8_with_one_known_absence(
    trying: Client, branch: SimpleNamespace
) -> None:
    """Each month's base loses 2 (party_day 8 instead of 10). 乙 was absent once in January:
    (11×68 + 63)/12 = 67.58, plus 合格 7 = 74.58, from 76.58: −2.00. 丙 falls from 70.00 to
    68.00, into 约谈提醒 (60 ≤ total < 70)."""
    draft = _draft(branch.tree.c, PARTY_DAY_8)
    response = _page(trying, branch.b1.pk, rulebook=f"draft:{draft.pk}", year=2025)
    rows = _rows(response)
    yi, bing = rows["乙"], rows["丙"]
    assert (yi.old.total, yi.new.total, yi.delta) == (
        Decimal("76.58"),
        Decimal("74.58"),
        Decimal("-2.00"),
    )
    assert not yi.warnings_changed
    assert (bing.old.total, bing.new.total) == (Decimal("70.00"), Decimal("68.00"))
    assert "黄色预警 约谈提醒" not in bing.warnings_old
    assert "黄色预警 约谈提醒" in bing.warnings_new  # by level and label, never "yellow"
    html = response.content.decode()
    assert "74.58" in html
    assert "-2.00" in html
    assert "约谈提醒" in html
    # The chart is drawn on the server; no page script comes from elsewhere.
    assert "<svg" in html
    assert "https://" not in html.split("<body", 1)[0]


def test_the_page_equals_jifen_simulate_under_each_rulebook(
    trying: Client, branch: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = _draft(branch.tree.c, PARTY_DAY_8)
    response = _page(trying, branch.tree.g.pk, rulebook=f"draft:{draft.pk}", year=2025)
    members = response.context["result"].members
    assert len(members) == 6  # B1's five and B2's 己

    facts, roster = tmp_path / "facts.csv", tmp_path / "roster.csv"
    call_command("export_facts", "G", "2025", "--output", str(facts), "--roster", str(roster))
    tried = tmp_path / "draft.yaml"
    tried.write_text(latest(draft).yaml_text, encoding="utf-8")

    def simulate(rulebook: str) -> dict[str, Decimal]:
        capsys.readouterr()
        argv = [rulebook, str(facts), "--roster", str(roster), "--year", "2025"]
        assert simulate_main([*argv, "--format", "json"]) == 0
        return {
            r["subject"]: Decimal(r["total"])
            for r in json.loads(capsys.readouterr().out)["results"]
        }

    old, new = simulate("seed003"), simulate(str(tried))
    for m in members:
        key = person_key(m.person.pk)
        assert (m.old.total, m.new.total) == (old[key], new[key]), m.person.name
        assert m.delta == new[key] - old[key]
    assert any(m.delta for m in members)


def test_stars_and_the_quota_effect_worked_by_hand(trying: Client, branch: SimpleNamespace) -> None:
    """B1 adopts seed003 with 五星 from 70 within 20 % (5 members: 1 place): 甲 (82.92) has it.
    The draft sets 五星 from 75 within 40 % (2 places): 甲 and 乙 (76.58) have it, so 乙 gains a
    place; 丙 (70.00) keeps 0 stars."""
    adoption_set(
        organization=branch.b1,
        year=2025,
        rulebook="",
        yaml_text="extends: seed003\nid: starred\nversion: 1\n"
        "stars:\n  levels:\n    5: {min: 70, quota: 0.2}\n  else: 0\n",
    )
    wider = {"stars": {"levels": {5: {"min": 75, "quota": 0.4}}, "else": 0}}
    draft = _draft(branch.b1, wider, title="五星放宽")
    response = _page(trying, branch.b1.pk, rulebook=f"draft:{draft.pk}", year=2025, changed="on")
    result = response.context["result"]
    (b1,) = result.branches
    (five,) = b1.quotas
    assert (five.stars, five.places_old, five.places_new) == (5, 1, 2)
    assert (five.held_old, five.held_new, five.lost, five.gained) == (1, 2, (), ("乙",))
    assert b1.stars_old == [1, 0, 0, 0, 0, 4]
    assert b1.stars_new == [2, 0, 0, 0, 0, 3]
    shown = response.context["members"]
    assert [m.person.name for m in shown] == ["乙"]  # 只看有变化的: totals are the same
    assert shown[0].quota == "得到 5 星名额"
    assert "得到 5 星名额" in response.content.decode()


def test_nothing_is_written(trying: Client, branch: SimpleNamespace) -> None:
    draft = _draft(branch.tree.c, PARTY_DAY_8)
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    events = AuditEvent.objects.count()
    _page(trying, branch.tree.c.pk, rulebook=f"draft:{draft.pk}", year=2025)
    _page(trying, branch.tree.c.pk, rulebook="builtin:seed001", year=2025)
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
    assert AuditEvent.objects.count() == events


def test_largest_change_first(trying: Client, branch: SimpleNamespace) -> None:
    """Volunteering capped at 2 a year instead of 5: 己 (volunteer 5) loses 3, 甲 (3) loses 1."""
    changes = {"categories": {"featured": {"items": {"volunteer": {"caps": {"year": 2}}}}}}
    draft = _draft(branch.tree.c, changes)
    response = _page(trying, branch.tree.g.pk, rulebook=f"draft:{draft.pk}", year=2025)
    members = response.context["result"].members
    assert [(m.person.name, m.delta) for m in members[:2]] == [
        ("己", Decimal("-3.00")),
        ("甲", Decimal("-1.00")),
    ]
    assert not any(m.delta for m in members[2:])


def test_a_rulebook_that_cannot_read_the_facts_is_said_not_a_500(
    trying: Client, branch: SimpleNamespace
) -> None:
    response = _page(trying, branch.tree.c.pk, rulebook="builtin:seed001", year=2025)
    assert response.context["result"].error
    assert "不能给本年度的记录计分" in response.content.decode()


def test_a_year_without_a_rulebook_and_an_unknown_choice(
    trying: Client, branch: SimpleNamespace
) -> None:
    response = _page(trying, branch.tree.c.pk, rulebook="builtin:seed003", year=2026)
    assert "还没有采用积分办法" in response.content.decode()
    response = _page(trying, branch.tree.c.pk, rulebook="draft:999999", year=2025)
    assert response.context["result"] is None
    assert response.context["form"].errors


def test_a_foreign_organization_and_a_foreign_draft_are_not_found(
    client: Client, clock: Clock, outsider: User, branch: SimpleNamespace
) -> None:
    client.force_login(outsider)
    url = reverse("reports:whatif", kwargs={"org_id": branch.b1.pk})
    assert client.get(url).status_code == 404
    # Their own page does not offer our drafts.
    ours = _draft(branch.tree.c, PARTY_DAY_8)
    page = client.get(reverse("reports:whatif", kwargs={"org_id": branch.tree.x.pk}))
    keys = [key for key, _ in page.context["form"].fields["rulebook"].choices]
    assert f"draft:{ours.pk}" not in keys
    assert "builtin:seed003" in keys


def test_a_general_branch_does_not_see_the_committees_drafts(
    client: Client, clock: Clock, general_admin: User, branch: SimpleNamespace
) -> None:
    theirs = _draft(branch.tree.c, PARTY_DAY_8)
    own = _draft(branch.tree.g, PARTY_DAY_8, title="党总支的办法")
    client.force_login(general_admin)
    page = _page(client, branch.b1.pk)
    keys = [key for key, _ in page.context["form"].fields["rulebook"].choices]
    assert f"draft:{own.pk}" in keys
    assert f"draft:{theirs.pk}" not in keys
    response = _page(client, branch.b1.pk, rulebook=f"draft:{own.pk}", year=2025)
    assert _rows(response)["乙"].delta == Decimal("-2.00")


def test_the_year_overview_links_here_for_those_who_adopt(
    trying: Client, secretary: User, branch: SimpleNamespace
) -> None:
    overview = reverse("reports:overview", kwargs={"org_id": branch.b1.pk, "year": 2025})
    link = reverse("reports:whatif", kwargs={"org_id": branch.b1.pk}) + "?year=2025"
    assert link in trying.get(overview).content.decode()
    assert trying.get(link).context["form"].initial["year"] == 2025
    trying.force_login(secretary)
    assert link not in trying.get(overview).content.decode()
