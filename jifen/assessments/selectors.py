"""Reading assessments for the pages: the rounds within a user's reach, the activities a sheet
may link to."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jifen.assessments.models import Round
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser, Reach
from jifen.orgs.models import Organization
from jifen.recording.models import Activity


def rounds_within(view: Reach, assess: Reach) -> QuerySet[Round]:
    """The rounds with an organization in ``view``, and those opened by a committee in
    ``assess``."""
    return (
        Round.objects.filter(
            Q(pk__in=Round.objects.filter(view.org_filter("organizations__path")).values("pk"))
            | Q(assess.org_filter("owner__path"))
        )
        .select_related("owner")
        .distinct()
    )


def organizations_seen(user: AnyUser, assessment_round: Round) -> list[Organization]:
    """The round's organizations ``user`` sees. The committee that opened the round sees them
    all: they lie within its subtree (round_open sees to that) and assessors read."""
    within = access.within_reach(user, Action.VIEW_ORG, "")
    return list(
        assessment_round.organizations.filter(within).select_related("kind").order_by("path")
    )


def activities_to_link(organization: Organization, year: int) -> list[Activity]:
    """The organization's activities of the round's year a sheet may cite as evidence."""
    return list(Activity.objects.filter(organization=organization, date__year=year)[:100])
