"""Leave pages: a member's coming activities with their requests for leave and where each
stands (the member's notification, until an inbox comes), asking for one; deciding one, from the
activity's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Membership, Person
from jifen.orgs.selectors import on_day
from jifen.recording.leave import leave_approve, leave_ask, leave_refuse
from jifen.recording.models import Activity, LeaveRequest

LEAVES = access.Door(
    LeaveRequest.objects.select_related("activity__organization", "person"),
    "activity__organization",
)


def _own_activities(person: Person) -> Q:
    """Activities of the member's organizations today and of the organizations above them: the
    ones whose attendance list names them."""
    paths: set[str] = set()
    rows = Membership.objects.filter(on_day(clock.today()), person=person)
    for path in rows.values_list("organization__path", flat=True):
        parts = [part for part in path.strip("/").split("/") if part]
        paths.update("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    return Q(organization__path__in=paths)


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    today = clock.today()
    leaves = list(LeaveRequest.objects.filter(person=person).select_related("activity"))
    open_for = {
        leave.activity_id: leave for leave in leaves if leave.status != LeaveRequest.Status.REFUSED
    }
    coming = (
        Activity.objects.filter(_own_activities(person), date__gte=today, cancelled_at__isnull=True)
        .select_related("organization")
        .order_by("date", "id")
    )
    rows = [{"activity": a, "leave": open_for.get(a.pk)} for a in coming[:50]]
    context = {"rows": rows, "leaves": leaves}
    return render(request, "recording/my_activities.html", context)


@login_required
@require_POST
def ask(request: HttpRequest, activity_id: int) -> HttpResponse:
    person = access.own_person(request.user)
    found = access.object_for(
        request.user,
        Activity.objects.select_related("organization"),
        activity_id,
        Action.ASK_LEAVE,
        also=_own_activities(person),
    )
    try:
        leave_ask(
            activity=found,
            person=person,
            reason=request.POST.get("reason", ""),
            actor=signed_in(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("请假已提交，请等待记分员审批"))
    return redirect("recording:my_activities")


@login_required
@require_POST
def decide(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = LEAVES.open(request.user, leave_id, Action.DECIDE_LEAVE)
    user = signed_in(request)
    decision = request.POST.get("decision", "")
    try:
        if decision == "approve":
            leave_approve(leave=leave, actor=user)
            messages.success(
                request, _("已准假：%(name)s，签到记为请假") % {"name": leave.person.name}
            )
        elif decision == "refuse":
            leave_refuse(leave=leave, reason=request.POST.get("refusal", ""), actor=user)
            messages.success(request, _("已不准假：%(name)s") % {"name": leave.person.name})
        else:
            messages.error(request, _("请选择准假或不准假"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("recording:activity", activity_id=leave.activity_id)
