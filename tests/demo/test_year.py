"""The demo's year of facts: three rulebooks, a ledger that verifies, scores for everyone."""

from __future__ import annotations

import datetime as dt

import pytest

from jifen.demo.college import college_load
from jifen.demo.year import year_load
from jifen.ledger.models import Entry
from jifen.ledger.scores import branch_year
from jifen.ledger.verify import ledger_verify
from jifen.orgs.models import Organization
from jifen.rulebooks.models import Adoption

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 30)


def test_the_demo_year_is_scored_with_three_rulebooks_and_verifies() -> None:
    college_load(2026, today=AS_OF)
    assert year_load(AS_OF) == 6
    adopted = dict(Adoption.objects.values_list("organization__code", "rulebook_id"))
    assert adopted == {"ZYXY": "seed003", "ZYXY01": "seed001", "ZYXY03": "econ-2026"}
    assert Entry.objects.count() > 5000
    assert ledger_verify() == []
    for code, expected in (
        ("ZYXY0202", "seed003"),
        ("ZYXY0102", "seed001"),
        ("ZYXY0302", "econ-2026"),
    ):
        sheet = branch_year(Organization.objects.get(code=code), 2026)
        assert sheet is not None
        assert sheet.rulebook.id == expected
        assert len(sheet.results) >= 20
        assert all(0 < r.total <= 100 for r in sheet.results.values())
    # Loading again records nothing twice.
    before = Entry.objects.count()
    assert year_load(AS_OF) == 0
    assert Entry.objects.count() == before
