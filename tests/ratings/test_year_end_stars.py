"""seed001: "每年党员星级评定工作结束后……将每名党员年度得星情况进行公示". The year-end sheet of a
rulebook with stars carries each member's approved stars (jifen.ratings.year_end_stars): pending
until the general branch approves, refused for signing until then, and publicized with the
year's points once approved. Ten members (95, 92, 92, 92, 85, …): the 95 takes one five-star
place, the general branch gives the second to one of the three tied at 92."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.orgs.models import Person
from jifen.periods.year_end import year_end_sign
from jifen.periods.year_end_sheet import year_sheet
from jifen.ratings.stars import stars_propose, stars_verdict, tie_decide
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db
TOTALS = (95, 92, 92, 92, 85, 80, 75, 70, 65, 55)
AFTER = dt.date(2027, 1, 6)


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> dict[int, Person]:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    people = {}
    for i, total in enumerate(TOTALS):
        person = make_person(f"党员{i:02d}", tree.b1)
        seed001_total(tree.b1, person, total, 2026)
        people[i] = person
    return people


def _stars(sheet: object) -> dict[str, str]:
    at = [code for code, _ in sheet.columns].index("stars")  # type: ignore[attr-defined]
    return {row.person.name: row.cells[at] for row in sheet.rows}  # type: ignore[attr-defined]


def test_the_stars_join_the_year_end_sheet_once_approved(
    tree: SimpleNamespace, branch: dict[int, Person], secretary: User, general_admin: User
) -> None:
    sheet = year_sheet(tree.b1, 2026)
    assert sheet is not None
    assert ("stars", "星级") in sheet.columns
    assert set(_stars(sheet).values()) == {"待党总支审批"}
    with pytest.raises(ValidationError, match="请先提交星级提名"):
        year_end_sign(organization=tree.b1, year=2026, actor=secretary, today=AFTER)
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    with pytest.raises(ValidationError, match="等待党总支审批星级提名"):
        year_end_sign(organization=tree.b1, year=2026, actor=secretary, today=AFTER)
    tie_decide(
        proposal=proposal,
        tie_index=0,
        chosen=[branch[2].pk],
        reason="一贯表现突出",
        actor=general_admin,
    )
    stars_verdict(proposal=proposal, approve=True, reason="同意", actor=general_admin)
    sheet = year_sheet(tree.b1, 2026)
    assert sheet is not None
    stars = _stars(sheet)
    assert [stars[f"党员{i:02d}"] for i in range(4)] == ["5 星", "4 星", "5 星", "4 星"]
    signature = year_end_sign(organization=tree.b1, year=2026, actor=secretary, today=AFTER)
    # The signed (and later publicized) sheet holds each member's approved stars.
    signed = {m["name"]: m["year"]["stars"] for m in signature.sheet["members"]}
    assert signed["党员02"] == "5 星"


def test_a_rulebook_without_stars_has_no_star_column(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    make_person("甲", tree.b1)
    sheet = year_sheet(tree.b1, 2026)
    assert sheet is not None
    assert "stars" not in [code for code, _ in sheet.columns]
