"""The door for rounds: which round, and which organizations in it, a user may see."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from jifen.assessments.models import Round
from jifen.audit.services import audit_record
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization


def _deny(request: HttpRequest, what: str) -> Http404:
    audit_record(
        action="access.denied",
        actor=request.user,
        request=request,
        target=what,
        summary=f"拒绝访问 {what}",
    )
    return Http404("未找到")


def _round_for(request: HttpRequest, round_id: int) -> Round:
    """A round, to the committee that opened it and to those who see an organization in it."""
    found = Round.objects.select_related("owner").filter(pk=round_id).first()
    if found is None:
        raise _deny(request, f"assessments.Round:{round_id}")
    user = request.user
    if access.can(user, Action.ASSESS, found.owner):
        return found
    reach = access.reach(user, Action.VIEW_ORG)
    if found.organizations.filter(reach.org_filter()).exists():
        return found
    raise _deny(request, f"assessments.Round:{round_id}")


def _org_in_round(
    request: HttpRequest, found: Round, org_id: int, action: Action = Action.VIEW_ORG
) -> Organization:
    organization = access.org_for(request.user, org_id, action, request=request)
    if not found.organizations.filter(pk=organization.pk).exists():
        raise _deny(request, f"orgs.Organization:{org_id}")
    return organization


def _visible_orgs(request: HttpRequest, found: Round) -> list[Organization]:
    if access.can(request.user, Action.ASSESS, found.owner):
        query = found.organizations.all()
    else:
        query = found.organizations.filter(access.reach(request.user, Action.VIEW_ORG).org_filter())
    return list(query.select_related("kind").order_by("path"))
