"""Reads for the year end: a branch's year with the engine's ratings, and what a proposal's
decisions make of it. Nothing is computed in templates; nothing here writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.ledger.scores import BranchYear, person_key
from jifen.ledger.stored import stored_branch_year
from jifen.orgs.models import Organization, Person
from jifen.ratings.models import FollowUp, StarDecision, StarProposal
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import FactsError, SubjectResult

CATEGORY_LABELS = {
    "full": gettext_noop("正式党员"),
    "probationary": gettext_noop("预备党员"),
    "activist": gettext_noop("入党积极分子"),
    "development_target": gettext_noop("发展对象"),
}
STAR_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星", 0: "零星"}


def prior_totals(
    organization: Organization, year: int, years: int
) -> dict[str, dict[int, Decimal]]:
    """Each member's total in the ``years`` − 1 years before ``year``, as the engine wants them
    for its consecutive-year flags. Earlier years are scored with their own adopted rulebooks."""
    totals: dict[str, dict[int, Decimal]] = {}
    for back in range(1, years):
        earlier = (
            None
            if mixed(organization, year - back)
            else stored_branch_year(organization, year - back)
        )
        if earlier is None:
            break
        for pk, result in earlier.results.items():
            totals.setdefault(person_key(pk), {})[year - back] = result.total
    return totals


MIXED = "下属组织采用了不同的积分办法，请按党总支或党支部分别查看和评定"


def mixed(organization: Organization, year: int) -> list[Organization]:
    """The organizations below ``organization`` that adopted their own rulebook for ``year``:
    its members are then not all scored with one rulebook, so its year is taken branch by
    branch (or general branch by general branch) instead."""
    return [
        a.organization
        for a in Adoption.objects.current()
        .filter(year=year, organization__path__startswith=organization.path)
        .exclude(organization=organization)
        .select_related("organization")
        .order_by("organization__path")
    ]


def year_of(organization: Organization, year: int) -> BranchYear | None:
    """``organization``'s year as stored (``jifen.ledger.stored``: what the engine gives), with
    stars, ties, bands, warnings and the consecutive-year flags (which need the earlier years).
    None when no rulebook applies, or when organizations below adopted rulebooks of their own
    (see :func:`mixed`). A ledger the rulebook cannot score is a ValidationError naming the
    facts."""
    if mixed(organization, year):
        return None
    try:
        adoption = adoption_for(organization, year)
        if adoption is None:
            return None
        flags = rulebook_of(adoption).consecutive
        years = max((flag.years for flag in flags), default=1)
        priors = prior_totals(organization, year, years) if years > 1 else None
        # The stored results, rated over the whole organization on their totals.
        return stored_branch_year(organization, year, prior_totals=priors)
    except FactsError as error:
        raise ValidationError(
            f"{organization.name} {year} 年的台账中有不符合所采用积分办法的记录"
            f"（常见于年中从采用其他积分办法的组织转入的党员），暂时不能评定：{error}"
        ) from error


@dataclass(frozen=True)
class Row:
    """One member's line of the year: the engine's result and, when stars were proposed,
    the stars as proposed and as finally decided."""

    number: int
    person: Person
    result: SubjectResult
    category_label: str
    branch_name: str = ""


def branch_names(codes: set[str]) -> dict[str, str]:
    """Organization code → name, for showing the branch a member is rated in."""
    return dict(Organization.objects.filter(code__in=codes).values_list("code", "name"))


def rows_of(year: BranchYear) -> list[Row]:
    """Members by total, highest first (name order within a total)."""
    ordered = sorted(
        (p for p in year.people if p.pk in year.results),
        key=lambda p: (-year.results[p.pk].total, p.name_pinyin, p.pk),
    )
    names = branch_names({r.group for r in year.results.values()})
    return [
        Row(
            number=i,
            person=p,
            result=year.results[p.pk],
            category_label=CATEGORY_LABELS.get(p.category, p.category),
            branch_name=names.get(year.results[p.pk].group, year.results[p.pk].group),
        )
        for i, p in enumerate(ordered, start=1)
    ]


def snapshot(year: BranchYear) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """The rows and ties a proposal records, and the digest of the rows."""
    rows: list[dict[str, Any]] = []
    for row in rows_of(year):
        r = row.result
        rows.append(
            {
                "person": row.person.pk,
                "name": row.person.name,
                "branch": r.group,
                "category": row.person.category,
                "categories": {c.code: str(c.score) for c in r.categories},
                "total": str(r.total),
                "stars": r.stars,
                "tied": r.tied,
                "vetoed": r.vetoed,
                "incomplete": r.incomplete,
                "warnings": list(r.warnings),
                "bands": [b.code for b in r.bands],
            }
        )
    by_key = {person_key(p.pk): p.pk for p in year.people}
    ties: list[dict[str, Any]] = []
    base = year.rulebook.stars.quota_base if year.rulebook.stars is not None else ()
    for tie in year.ties:
        # Only those the quota counts take its places (an activist at the level takes none).
        at_level = sum(
            1
            for r in year.results.values()
            if r.group == tie.group and r.stars == tie.stars and r.member_category in base
        )
        ties.append(
            {
                "group": tie.group,
                "stars": tie.stars,
                "held_at": tie.held_at,
                "rated": str(tie.rated),
                "people": [by_key[s] for s in tie.subjects if s in by_key],
                "quota": tie.quota,
                # Places left at the level once the members clearly above the cut-off have theirs.
                "free": max(0, tie.quota - at_level),
            }
        )
    digest = hashlib.sha256(
        json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return rows, ties, digest


@dataclass(frozen=True)
class ProposalState:
    proposal: StarProposal
    decisions: list[StarDecision]
    tie_decisions: dict[int, StarDecision]
    verdict: StarDecision | None
    superseded: bool

    @property
    def status(self) -> str:
        if self.verdict is not None:
            return _(self.verdict.get_kind_display())
        if self.superseded:
            return _("已被新提名取代")
        if len(self.tie_decisions) < len(self.proposal.ties):
            return _("待党总支决定并列人员")
        return _("待党总支审批")

    @property
    def approved(self) -> bool:
        return self.verdict is not None and self.verdict.kind == StarDecision.Kind.APPROVE

    @property
    def open(self) -> bool:
        return self.verdict is None and not self.superseded

    def final_stars(self) -> dict[int, int | None]:
        """Person id → stars: as proposed, raised to the tie's level for those the general
        branch chose."""
        stars: dict[int, int | None] = {row["person"]: row["stars"] for row in self.proposal.rows}
        for index, decision in self.tie_decisions.items():
            tie = self.proposal.ties[index]
            for person_id in decision.chosen:
                stars[person_id] = tie["stars"]
        return stars


def proposals_of(organization: Organization, year: int) -> list[ProposalState]:
    """Every proposal for the organization's year, newest first, with its decisions."""
    proposals = list(
        StarProposal.objects.filter(organization=organization, year=year).select_related(
            "proposed_by"
        )
    )
    decisions: dict[int, list[StarDecision]] = {}
    for decision in StarDecision.objects.filter(proposal__in=proposals).select_related(
        "decided_by"
    ):
        decisions.setdefault(decision.proposal_id, []).append(decision)
    return [
        _state(proposal, decisions.get(proposal.pk, []), superseded=i > 0)
        for i, proposal in enumerate(proposals)
    ]


def _state(proposal: StarProposal, mine: list[StarDecision], *, superseded: bool) -> ProposalState:
    return ProposalState(
        proposal=proposal,
        decisions=mine,
        tie_decisions={
            d.tie_index: d
            for d in mine
            if d.kind == StarDecision.Kind.TIE and d.tie_index is not None
        },
        verdict=next((d for d in mine if d.kind != StarDecision.Kind.TIE), None),
        superseded=superseded,
    )


def approved_stars(organization: Organization, year: int) -> Mapping[int, int | None] | None:
    """Person id → the approved stars of the organization's year, or None if not approved."""
    for state in proposals_of(organization, year):
        if state.approved:
            return state.final_stars()
    return None


def followups_of(organization: Organization, year: int) -> list[tuple[FollowUp, bool]]:
    """The follow-ups of members in ``organization`` (or below) for ``year``, each with
    whether it is still open."""
    followups = list(
        FollowUp.objects.filter(organization__path__startswith=organization.path, year=year)
        .select_related("person", "organization")
        .prefetch_related("steps")
    )
    return [(f, not any(s.closes for s in f.steps.all())) for f in followups]


def proposals_below(
    organization: Organization, year: int
) -> list[tuple[Organization, ProposalState]]:
    """Each organization below ``organization`` with a star proposal for ``year``, with its
    latest proposal's state: what the general branch (or the committee, for the branches
    directly under it) finds on its own stars page to decide or has approved (issue 17)."""
    below = (
        StarProposal.objects.filter(organization__path__startswith=organization.path, year=year)
        .exclude(organization=organization)
        .select_related("organization")
        .defer("rows")
        .order_by("organization__path", "-pk")
    )
    latest: dict[int, StarProposal] = {}
    for proposal in below:
        latest.setdefault(proposal.organization_id, proposal)
    decisions: dict[int, list[StarDecision]] = {}
    for decision in StarDecision.objects.filter(proposal__in=list(latest.values())):
        decisions.setdefault(decision.proposal_id, []).append(decision)
    return [
        (proposal.organization, _state(proposal, decisions.get(proposal.pk, []), superseded=False))
        for proposal in latest.values()
    ]
