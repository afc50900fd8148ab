"""Stars with a quota and ties, proposed by the branch and decided by the general branch.

Hand-worked from seed 001: 五星 ≥ 90 with at most 20 % of the branch. Ten members → 2 places.
Totals 95, 92, 92, 92, 85, 80, 75, 70, 65, 55: the 95 takes one place; three members tie at 92
for the one place left, so all three are held at 4★ and listed; the general branch may raise
one of them (never two).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.audit.models import AuditEvent
from jifen.core.appendonly import AppendOnlyError
from jifen.orgs.models import Person
from jifen.ratings.models import StarDecision
from jifen.ratings.selectors import approved_stars, proposals_of, year_of
from jifen.ratings.stars import stars_propose, stars_verdict, tie_decide
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db
TOTALS = (95, 92, 92, 92, 85, 80, 75, 70, 65, 55)


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> dict[int, Person]:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    people = {}
    for i, total in enumerate(TOTALS):
        person = make_person(f"党员{i:02d}", tree.b1)
        seed001_total(tree.b1, person, total, 2026)
        people[i] = person
    return people


def test_the_engine_holds_the_tied_at_the_next_level_and_lists_them(
    tree: SimpleNamespace, branch: dict[int, Person]
) -> None:
    year = year_of(tree.b1, 2026)
    assert year is not None
    stars = {pk: r.stars for pk, r in year.results.items()}
    assert stars[branch[0].pk] == 5
    assert [stars[branch[i].pk] for i in (1, 2, 3)] == [4, 4, 4]
    assert stars[branch[4].pk] == 4
    assert stars[branch[9].pk] == 1
    (tie,) = year.ties
    assert (tie.stars, tie.held_at, tie.quota, str(tie.rated)) == (5, 4, 2, "92.00")


def test_a_tie_is_decided_within_the_quota_and_over_quota_is_refused(
    tree: SimpleNamespace, branch: dict[int, Person], secretary: User, general_admin: User
) -> None:
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    (tie,) = proposal.ties
    assert tie["free"] == 1
    assert sorted(tie["people"]) == sorted(branch[i].pk for i in (1, 2, 3))
    with pytest.raises(ValidationError, match="只剩 1 个名额"):
        tie_decide(
            proposal=proposal,
            tie_index=0,
            chosen=[branch[1].pk, branch[2].pk],
            reason="两人都优秀",
            actor=general_admin,
        )
    with pytest.raises(ValidationError, match="还有并列人员没有决定"):
        stars_verdict(proposal=proposal, approve=True, reason="", actor=general_admin)
    tie_decide(
        proposal=proposal,
        tie_index=0,
        chosen=[branch[2].pk],
        reason="一贯表现突出，获校级表彰",
        actor=general_admin,
    )
    with pytest.raises(ValidationError, match="已经决定过了"):
        tie_decide(proposal=proposal, tie_index=0, chosen=[], reason="再议", actor=general_admin)
    stars_verdict(proposal=proposal, approve=True, reason="同意", actor=general_admin)

    final = approved_stars(tree.b1, 2026)
    assert final is not None
    assert [final[branch[i].pk] for i in range(4)] == [5, 4, 5, 4]
    assert sum(1 for s in final.values() if s == 5) == 2  # never over the quota
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"ratings.propose", "ratings.tie", "ratings.approve"} <= actions


def test_the_proposer_cannot_approve_and_a_stranger_cannot_be_chosen(
    tree: SimpleNamespace, branch: dict[int, Person], general_admin: User
) -> None:
    proposal = stars_propose(organization=tree.b1, year=2026, actor=general_admin)
    with pytest.raises(ValidationError, match="不能审批自己的提名"):
        stars_verdict(proposal=proposal, approve=False, reason="x", actor=general_admin)


def test_a_new_proposal_supersedes_and_the_old_one_takes_no_decision(
    tree: SimpleNamespace, branch: dict[int, Person], secretary: User, general_admin: User
) -> None:
    first = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    with pytest.raises(ValidationError, match="只能在并列的人员中选择"):
        tie_decide(
            proposal=first, tie_index=0, chosen=[branch[0].pk], reason="x", actor=general_admin
        )
    stars_propose(organization=tree.b1, year=2026, actor=secretary, note="补录后重新提名")
    with pytest.raises(ValidationError, match="已被新的提名取代"):
        tie_decide(proposal=first, tie_index=0, chosen=[], reason="x", actor=general_admin)
    states = proposals_of(tree.b1, 2026)
    assert [s.status for s in states] == ["待党总支决定并列人员", "已被新提名取代"]
    assert approved_stars(tree.b1, 2026) is None


def test_a_return_needs_a_reason_and_records_are_append_only(
    tree: SimpleNamespace, branch: dict[int, Person], secretary: User, general_admin: User
) -> None:
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    with pytest.raises(ValidationError, match="退回必须写明原因"):
        stars_verdict(proposal=proposal, approve=False, reason=" ", actor=general_admin)
    decision = stars_verdict(
        proposal=proposal, approve=False, reason="民主评议未完成", actor=general_admin
    )
    assert decision.kind == StarDecision.Kind.RETURN
    with pytest.raises(ValidationError, match="已退回"):
        stars_verdict(proposal=proposal, approve=True, reason="", actor=general_admin)
    proposal.note = "改一下"
    with pytest.raises(AppendOnlyError):
        proposal.save()


def test_without_a_tie_the_quota_takes_the_top_and_nothing_waits(
    tree: SimpleNamespace, make_person: Callable[..., Person], secretary: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    for i, total in enumerate((99, 95, 91, 90, 50)):
        seed001_total(tree.b1, make_person(f"甲{i}", tree.b1), total, 2026)
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    assert proposal.ties == []
    # 5 members × 20 % = 1 place: only the 99.
    assert [row["stars"] for row in proposal.rows] == [5, 4, 4, 4, 1]
    assert dt.date.today()  # the proposal is timestamped by the server, not the test


def test_an_activist_at_the_level_takes_no_place_of_the_tie(
    tree: SimpleNamespace,
    branch: dict[int, Person],
    make_person: Callable[..., Person],
    secretary: User,
) -> None:
    # Two activists join the ten party members, one at 96: the base stays ten (2 places), the
    # activist has 5★ by the threshold, and the tie at 92 still has its one free place.
    for name, total in (("积极分子甲", 96), ("积极分子乙", 60)):
        person = make_person(name, tree.b1, category="activist", joined_party=None)
        seed001_total(tree.b1, person, total, 2026)
    proposal = stars_propose(organization=tree.b1, year=2026, actor=secretary)
    (tie,) = proposal.ties
    assert (tie["quota"], tie["free"]) == (2, 1)
    stars = {row["person"]: row["stars"] for row in proposal.rows}
    assert stars[branch[0].pk] == 5
    assert sorted(stars.values()).count(5) == 2  # the party member and the activist
