"""What assessment rounds have waiting for a person on the home page (jifen/core/todo.py): the
organization's own self sheet (自评表) of an open round, and the committee's sheets (考评表)
still to fill. Only rounds not yet published; counted, never scored."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.assessments.models import Round, Sheet
from jifen.core.todo import Todo, day_text, held_in, provider
from jifen.orgs.access import Action, AnyUser


@provider
def self_sheets_due(user: AnyUser, today: dt.date) -> list[Todo]:
    """The open rounds an organization the person answers for takes part in, whose self sheet
    is not submitted yet."""
    own = held_in(user, Action.SELF_ASSESS)
    if not own:
        return []
    items = []
    rounds = (
        Round.objects.filter(published_at__isnull=True, organizations__in=own)
        .select_related("owner")
        .order_by("self_deadline", "pk")
        .distinct()[:10]
    )
    for found in rounds:
        done = set(
            Sheet.objects.filter(
                round=found,
                organization__in=own,
                source=Sheet.Source.SELF,
                status=Sheet.Status.SUBMITTED,
            ).values_list("organization_id", flat=True)
        )
        taking = found.organizations.filter(pk__in=[o.pk for o in own]).order_by("path")
        for organization in taking:
            if organization.pk in done:
                continue
            # A year round of seed002 collects the self sheet twice: its page lists both.
            url = (
                reverse("assessments:round", args=[found.pk])
                if found.period == Round.Period.Y
                else reverse(
                    "assessments:self_sheet", args=[found.pk, organization.pk, found.period]
                )
            )
            items.append(
                Todo(
                    _("待填报的自评表 · %(org)s") % {"org": organization.name},
                    url,
                    1,
                    _("%(round)s，%(day)s 截止")
                    % {"round": found.title, "day": day_text(found.self_deadline)},
                    urgent=found.self_deadline < today,
                    order=36,
                )
            )
    return items


@provider
def committee_sheets_due(user: AnyUser, today: dt.date) -> list[Todo]:
    """The rounds a committee the assessor sits in opened: its organizations whose committee
    sheet (考评表) is not submitted yet."""
    owners = held_in(user, Action.ASSESS)
    if not owners:
        return []
    items = []
    for found in Round.objects.filter(published_at__isnull=True, owner__in=owners).order_by(
        "committee_deadline", "pk"
    )[:10]:
        total = found.organizations.count()
        submitted = Sheet.objects.filter(
            round=found, source=Sheet.Source.COMMITTEE, status=Sheet.Status.SUBMITTED
        ).count()
        items.append(
            Todo(
                _("待填写的考评表 · %(round)s") % {"round": found.title},
                reverse("assessments:round", args=[found.pk]),
                max(total - submitted, 0),
                _("%(day)s 截止") % {"day": day_text(found.committee_deadline)},
                urgent=found.committee_deadline < today,
                order=38,
            )
        )
    return items
