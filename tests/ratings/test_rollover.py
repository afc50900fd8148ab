"""The year rollover: next year adopts the same frozen rulebook text; the new year starts from
zero; a past year's scores, ratings and exports are unchanged; nothing is deleted."""

from __future__ import annotations

import io
from collections.abc import Callable
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.ratings.rollover import year_rollover
from jifen.ratings.selectors import year_of
from jifen.ratings.stars import stars_propose
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db


def cells(xlsx: bytes) -> list[list[object]]:
    """Every cell's value (the file's bytes also hold the time it was written)."""
    from openpyxl import load_workbook

    return [[c.value for c in row] for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows()]


@pytest.fixture
def year2025(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2025, rulebook="seed001")
    adoption_set(organization=tree.x, year=2025, rulebook="seed003")
    for i, total in enumerate((95, 88, 61)):
        seed001_total(tree.b1, make_person(f"党员{i}", tree.b1), total, 2025)
    return tree


def test_rollover_carries_the_frozen_text_forward_and_the_new_year_starts_at_zero(
    year2025: SimpleNamespace, secretary: User, committee_admin: User
) -> None:
    stars_propose(organization=year2025.b1, year=2025, actor=secretary)
    before = year_of(year2025.b1, 2025)
    assert before is not None
    client = Client()
    client.force_login(committee_admin)
    url = reverse("ratings:statistics_xlsx", kwargs={"org_id": year2025.b1.pk, "year": 2025})
    export_before = cells(client.get(url).content)
    entries = Entry.objects.count()

    done = year_rollover(year=2025, actor=committee_admin, scope=year2025.c)

    assert [a.organization for a in done.adopted] == [year2025.c]  # not the other committee
    new = Adoption.objects.get(organization=year2025.c, year=2026)
    assert new.yaml_text == Adoption.objects.get(organization=year2025.c, year=2025).yaml_text
    after = year_of(year2025.b1, 2025)
    assert after is not None
    assert {pk: (r.total, r.stars) for pk, r in after.results.items()} == {
        pk: (r.total, r.stars) for pk, r in before.results.items()
    }
    assert cells(client.get(url).content) == export_before
    assert Entry.objects.count() == entries
    fresh = year_of(year2025.b1, 2026)
    assert fresh is not None
    # No facts yet: full base (70), nothing earned.
    assert {str(r.total) for r in fresh.results.values()} == {"70.00"}
    again = year_rollover(year=2025, actor=committee_admin, scope=year2025.c)
    assert again.adopted == []
    assert len(again.already) == 1


def test_the_command_rolls_every_committee_over(year2025: SimpleNamespace) -> None:
    out = StringIO()
    call_command("year_rollover", "2025", stdout=out)
    assert "2026 年：2 个组织沿用上年积分办法" in out.getvalue()
    assert set(Adoption.objects.filter(year=2026).values_list("rulebook_id", flat=True)) == {
        "seed001",
        "seed003",
    }
