"""The lists: the quarters a user reviews and what waits for them, the notices they may read, and
one organization's year of quarters."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.periods.holidays import may_enter, years_missing
from jifen.periods.models import Objection
from jifen.periods.selectors import (
    notices_for,
    notices_of,
    objection_state,
    objections_waiting_for,
    signatures_of,
    status_of,
)
from jifen.periods.sheet import QUARTERS, quarter_sheet


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The organizations whose quarters this user reviews, and the notices they may read."""
    year = clock.today().year
    organizations = access.orgs_for(request.user, Action.VIEW_ORG).order_by("path")
    return render(
        request,
        "periods/index.html",
        {
            "organizations": organizations,
            "year": year,
            "notices": notices_for(request.user, clock.today()),
            "waiting": objections_waiting_for(request.user),
            "holidays_missing": years_missing(),
            "may_enter_holidays": may_enter(request.user),
        },
    )


def _own_years(request: HttpRequest) -> list[int]:
    """Last year and this year, those the signed-in member belonged somewhere in: last year's
    result is the one reported and publicized early this year."""
    person = Person.objects.filter(access.own(request.user, "user_id")).first()
    if person is None:
        return []
    this = clock.today().year
    return [
        year
        for year in (this - 1, this)
        if memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(person=person)
        .exists()
    ]


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """For members and 群众代表: the notices within reach and their own objections."""
    mine = (
        Objection.objects.filter(filed_by_id=request.user.pk)
        .select_related("notice__signature__organization", "person")
        .order_by("-filed_at")
    )
    return render(
        request,
        "periods/notices.html",
        {
            "notices": notices_for(request.user, clock.today()),
            "mine": [(o, objection_state(o)) for o in mine],
            "own_years": _own_years(request),
        },
    )


@login_required
def year_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    quarters = []
    for number in QUARTERS:
        sheet = quarter_sheet(organization, year, number)
        if sheet is None:
            break
        signatures = signatures_of(organization, year, number)
        status = status_of(sheet, signatures[-1] if signatures else None)
        count = len(notices_of(organization, year, number))
        quarters.append((sheet.quarter, _(status.label), count))
    return render(
        request,
        "periods/year.html",
        {
            "organization": organization,
            "year": year,
            "quarters": quarters,
            # Seed 003's monthly 考核表, one link a month of the scoring year.
            "months": [
                (m + 1, label)
                for q, _status, _count in quarters
                for m, label in zip(q.months, q.month_labels, strict=True)
            ],
        },
    )
