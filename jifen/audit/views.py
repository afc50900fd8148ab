from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jifen.audit.models import AuditEvent
from jifen.orgs.access import Action, reach, refused
from jifen.orgs.models import RoleAssignment


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The audit log, for auditors: events by people who hold a role within the auditor's reach,
    and the admin's writes to their accounts."""
    within = reach(request.user, Action.VIEW_AUDIT)
    if not within.paths:
        raise refused(request.user, "audit:log", Action.VIEW_AUDIT)
    actors = RoleAssignment.objects.filter(within.org_filter("organization__path")).values(
        "user_id"
    )
    # And what the platform operator did in the admin to those people's accounts (a password
    # reset, a change of name): the operator holds no role, so is no actor within reach.
    accounts = RoleAssignment.objects.filter(within.org_filter("organization__path")).values(
        target=Concat(Value("auth.User:"), Cast("user_id", CharField()))
    )
    events = AuditEvent.objects.filter(
        Q(actor_id__in=actors) | Q(action__startswith="admin.", target__in=accounts)
    ).select_related("actor")
    filters = {
        "who": request.GET.get("who", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
    }
    if filters["who"]:
        events = events.filter(actor_name__icontains=filters["who"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if since := _date(filters["since"]):
        events = events.filter(at__date__gte=since)
    if until := _date(filters["until"]):
        events = events.filter(at__date__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    context = {"page": page, "filters": filters, "actions": sorted(set(actions))}
    return render(request, "audit/log.html", context)
