"""The job page: where a job stands, a progress bar that moves (htmx asks every second while
the job is queued or running), and when it ends, what came of it and the way back."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from jifen.core import clock
from jifen.core.job_progress import progress_of
from jifen.core.jobs import KINDS
from jifen.core.models import Job
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser

STUCK = dt.timedelta(minutes=1)
JOBS = Job.objects.select_related("organization", "requested_by").defer("data")


def job_for(user: AnyUser, job_id: int) -> Job:
    """The job, if its kind's action (a roster's: MANAGE_PEOPLE; a month's figures': RECORD)
    is allowed on its organization; otherwise the door's audited 404, alike for a job that
    does not exist."""
    reachable = Q(pk__in=[])
    for kind in KINDS.values():
        reachable |= Q(kind=kind.name) & access.within_reach(user, kind.action)
    return access.object_for(user, JOBS, job_id, Action.VIEW_ORG, org_field=None, also=reachable)


@login_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = job_for(request.user, job_id)
    done, total = progress_of(found)
    kind = KINDS.get(found.kind)
    context = {
        "job": found,
        "title": kind.title if kind else found.kind,
        "done": done,
        "total": total,
        "percent": done * 100 // total if total else 0,
        # Queued this long, no worker is taking jobs: say so, instead of a bar that never moves.
        "stuck": found.status == Job.Status.QUEUED and clock.now() - found.created_at > STUCK,
        "Status": Job.Status,
    }
    follow = kind is not None and kind.follow and found.status == Job.Status.DONE
    context["follow"] = follow
    if not getattr(request, "htmx", False):
        return render(request, "core/job.html", context)
    if follow and found.result.get("link"):
        return HttpResponseClientRedirect(found.result["link"])
    response = render(request, "core/job.html#state", context)
    # The poll every second does not save the session (jifen/core/sessions.py says why).
    response.leaves_session = True  # type: ignore[attr-defined]
    return response
