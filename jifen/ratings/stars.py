"""Stars: the branch secretary proposes (a recorded snapshot of the engine's ratings), the
general branch decides the ties at a quota's cut-off and approves or returns the proposal.

The quota is never exceeded: for a tie the general branch picks at most the places left at that
level. Every record is append-only; a new proposal supersedes the older ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.locks import row_lock
from jifen.inbox.models import Notification
from jifen.inbox.services import notify
from jifen.orgs.models import Organization
from jifen.ratings.followups import followups_raise
from jifen.ratings.models import StarDecision, StarProposal
from jifen.ratings.selectors import (
    MIXED,
    ProposalState,
    mixed,
    proposals_of,
    snapshot,
    year_of,
)
from jifen.ratings.year_end_checks import star_warnings


@transaction.atomic
def stars_propose(
    *,
    organization: Organization,
    year: int,
    actor: User,
    note: str = "",
) -> StarProposal:
    """Record the engine's stars for ``organization``'s ``year`` as the branch's proposal."""
    if mixed(organization, year):
        raise ValidationError(MIXED)
    current = year_of(organization, year)
    if current is None:
        raise ValidationError(f"{organization.name} {year} 年没有采用积分办法")
    if current.rulebook.stars is None:
        raise ValidationError(f"{current.rulebook.title} 没有星级评定")
    rows, ties, digest = snapshot(current)
    if not rows:
        raise ValidationError(f"{organization.name} {year} 年没有参加评定的党员")
    early = star_warnings(organization, year, clock.today())
    proposal = StarProposal.objects.create(
        organization=organization,
        year=year,
        rulebook_id=current.adoption.rulebook_id,
        rulebook_version=current.adoption.rulebook_version,
        rows=rows,
        ties=ties,
        digest=digest,
        note=note.strip()[:500],
        proposed_by=actor,
        proposed_at=clock.now(),
    )
    audit_record(
        action="ratings.propose",
        actor=actor,
        target=proposal,
        summary=f"{organization.name} {year} 年星级提名：{len(rows)} 人，并列 {len(ties)} 处"
        + ("；提示：" + "；".join(early) if early else ""),
        detail={"digest": digest, "warnings": early},
    )
    return proposal


def _open_state(proposal: StarProposal) -> ProposalState:
    states = proposals_of(proposal.organization, proposal.year)
    state = next(s for s in states if s.proposal.pk == proposal.pk)
    if state.superseded:
        raise ValidationError("这份提名已被新的提名取代，请审批最新的提名")
    if state.verdict is not None:
        raise ValidationError(f"这份提名已{state.verdict.get_kind_display()}，不能再改变")
    return state


def _not_the_proposer(proposal: StarProposal, actor: User) -> None:
    if proposal.proposed_by_id == actor.pk:
        raise ValidationError("提名人不能审批自己的提名")


@transaction.atomic
def tie_decide(
    *,
    proposal: StarProposal,
    tie_index: int,
    chosen: Sequence[int],
    reason: str,
    actor: User,
) -> StarDecision:
    """The general branch's decision on one tie: which of the tied members get the higher
    level. Never more than the places the quota leaves; a written reason is required."""
    # Lock the proposal's row so two decisions on the same tie cannot both pass the checks.
    row_lock(StarProposal, proposal.pk)
    state = _open_state(proposal)
    _not_the_proposer(proposal, actor)
    if not 0 <= tie_index < len(proposal.ties):
        raise ValidationError("没有这一处并列")
    if tie_index in state.tie_decisions:
        raise ValidationError("这一处并列已经决定过了")
    tie = proposal.ties[tie_index]
    picked = sorted(set(chosen))
    strangers = [p for p in picked if p not in tie["people"]]
    if strangers:
        raise ValidationError("只能在并列的人员中选择")
    if len(picked) > tie["free"]:
        raise ValidationError(
            f"{tie['stars']} 星名额 {tie['quota']} 名，只剩 {tie['free']} 个名额，"
            f"不能评定 {len(picked)} 人；请最多选择 {tie['free']} 人"
        )
    if not reason.strip():
        raise ValidationError({"reason": "请写明决定的理由"})
    decision = StarDecision.objects.create(
        proposal=proposal,
        kind=StarDecision.Kind.TIE,
        tie_index=tie_index,
        chosen=picked,
        reason=reason.strip()[:500],
        decided_by=actor,
        decided_at=clock.now(),
    )
    names = {row["person"]: row["name"] for row in proposal.rows}
    shown = "、".join(names[p] for p in picked) or "无人"
    audit_record(
        action="ratings.tie",
        actor=actor,
        target=proposal,
        summary=(
            f"{proposal.organization.name} {proposal.year} 年 {tie['stars']} 星并列"
            f"（{tie['rated']} 分）：{shown} 评为 {tie['stars']} 星；理由：{decision.reason}"
        ),
    )
    return decision


@transaction.atomic
def stars_verdict(
    *,
    proposal: StarProposal,
    approve: bool,
    reason: str,
    actor: User,
) -> StarDecision:
    """Approve (every tie decided first) or return a proposal, with who, when and why. An
    approval raises the follow-ups the year's warnings call for."""
    row_lock(StarProposal, proposal.pk)
    state = _open_state(proposal)
    _not_the_proposer(proposal, actor)
    if approve and len(state.tie_decisions) < len(proposal.ties):
        raise ValidationError("还有并列人员没有决定，请先逐一决定")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "退回必须写明原因"})
    decision = StarDecision.objects.create(
        proposal=proposal,
        kind=StarDecision.Kind.APPROVE if approve else StarDecision.Kind.RETURN,
        reason=reason.strip()[:500],
        decided_by=actor,
        decided_at=clock.now(),
    )
    audit_record(
        action="ratings.approve" if approve else "ratings.return",
        actor=actor,
        target=proposal,
        summary=(
            f"{proposal.organization.name} {proposal.year} 年星级提名"
            f"{'批准' if approve else '退回'}" + (f"：{decision.reason}" if decision.reason else "")
        ),
    )
    if approve:
        _stars_told(proposal, state.final_stars())
        followups_raise(organization=proposal.organization, year=proposal.year, actor=actor)
    return decision


def _stars_told(proposal: StarProposal, stars: dict[int, int | None]) -> None:
    """Tell each member rated a star that the approval is in (one call a star level)."""
    by_level: dict[int, list[int]] = {}
    for person_id, level in stars.items():
        if level:
            by_level.setdefault(level, []).append(person_id)
    for level, person_ids in sorted(by_level.items()):
        notify(
            kind=Notification.Kind.STARS_APPROVED,
            person_ids=person_ids,
            params={
                "organization": proposal.organization.name,
                "year": proposal.year,
                "stars": level,
            },
            link=reverse("ledger:my_points"),
        )
