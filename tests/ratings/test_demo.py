"""The demo's closed previous year: grades, an approved star proposal with its tie decided
within the quota, warnings with one follow-up done; loading it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from jifen.demo.college import college_load
from jifen.demo.ratings import ratings_load
from jifen.orgs.models import Organization
from jifen.ratings.selectors import followups_of, proposals_of, year_of

pytestmark = pytest.mark.django_db


def test_the_demo_closes_the_previous_year() -> None:
    college_load(2026, today=dt.date(2026, 6, 1))
    assert ratings_load(2025)
    branch = Organization.objects.get(code="ZYXY0202")
    (state,) = proposals_of(branch, 2025)
    assert state.approved
    (tie,) = state.proposal.ties
    year = year_of(branch, 2025)
    assert year is not None
    # 20 % of the branch's party members: activists neither count nor take a place.
    party = [r for r in year.results.values() if r.member_category in ("full", "probationary")]
    assert len(party) < len(year.results)
    places = len(party) // 5
    assert (tie["stars"], tie["rated"], len(tie["people"]), tie["free"]) == (
        5,
        "93.00",
        places + 1,
        places,
    )
    final = state.final_stars()
    assert sum(1 for r in party if final[int(r.subject[1:])] == 5) == places
    followups = followups_of(Organization.objects.get(code="ZYXY02"), 2025)
    assert [(f.kind, is_open) for f, is_open in followups if f.kind == "talk"] == [("talk", False)]
    assert any(is_open for _, is_open in followups)
    assert not ratings_load(2025)
