"""What the year end has waiting for a person on the home page (jifen/core/todo.py): star
proposals to approve and ties to decide, follow-ups of warnings still open (约谈, 帮教 …).

Counted from the recorded proposals and steps: no year is scored here."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.core.todo import Todo, held_in, provider
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.ratings.models import FollowUp, FollowUpStep, StarDecision, StarProposal


def proposals_open(organization_ids: list[int], years: tuple[int, ...]) -> list[StarProposal]:
    """The proposals of branches directly under these organizations (the level that approves
    them) that wait for a decision: the latest of their year, neither approved nor returned."""
    newer = StarProposal.objects.filter(
        organization=OuterRef("organization"), year=OuterRef("year"), pk__gt=OuterRef("pk")
    )
    verdict = StarDecision.objects.filter(
        proposal=OuterRef("pk"),
        kind__in=[StarDecision.Kind.APPROVE, StarDecision.Kind.RETURN],
    )
    return list(
        StarProposal.objects.filter(organization__parent_id__in=organization_ids, year__in=years)
        .filter(~Exists(newer), ~Exists(verdict))
        .annotate(ties_decided=Count("decisions", filter=Q(decisions__kind="tie")))
        .select_related("organization")
        .order_by("proposed_at", "pk")
    )


@provider
def stars_to_approve(user: AnyUser, today: dt.date) -> list[Todo]:
    above = [o.pk for o in held_in(user, Action.APPROVE_STARS)]
    if not above:
        return []
    found = proposals_open(above, (today.year - 1, today.year))
    if not found:
        return []
    ties = sum(max(len(p.ties) - p.ties_decided, 0) for p in found)  # type: ignore[attr-defined]
    first = found[0]
    note = "、".join(p.organization.name for p in found[:3])
    if ties:
        note += _("；其中 %(n)s 处名额线并列待决定") % {"n": ties}
    return [
        Todo(
            _("待审批的星级提名"),
            reverse("ratings:stars", args=[first.organization_id, first.year]),
            len(found),
            note,
            order=26,
        )
    ]


@provider
def followups_open(user: AnyUser, today: dt.date) -> list[Todo]:
    """Open follow-ups of last year's and this year's warnings, by kind, for each organization
    where the person follows up."""
    closed = FollowUpStep.objects.filter(followup=OuterRef("pk"), closes=True)
    items = []
    for organization in held_in(user, Action.FOLLOW_UP)[:5]:
        rows = (
            FollowUp.objects.filter(
                access.within_reach(user, Action.FOLLOW_UP),
                organization__path__startswith=organization.path,
                year__in=(today.year - 1, today.year),
            )
            .exclude(level="info")
            .filter(~Exists(closed))
        )
        kinds = dict(
            rows.values_list("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n")
        )
        if not kinds:
            continue
        year = rows.aggregate(latest=Max("year"))["latest"]
        labels = dict(FollowUp.Kind.choices)
        items.append(
            Todo(
                _("未完成的跟进事项 · %(org)s") % {"org": organization.name},
                reverse("ratings:followups", args=[organization.pk, year]),
                sum(kinds.values()),
                "、".join(f"{_(labels[k])} {n}" for k, n in sorted(kinds.items())),
                order=34,
            )
        )
    return items
