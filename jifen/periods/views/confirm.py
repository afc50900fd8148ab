"""A member's own quarter: the row they are asked to confirm, or to question."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.periods.confirmations import confirmation_record
from jifen.periods.forms import ConfirmForm
from jifen.periods.selectors import latest_confirmations, signatures_of, status_of
from jifen.periods.sheet import quarter_of
from jifen.periods.views.common import checked_quarter, sheet_or_404
from jifen.rulebooks.services import adoption_for, rulebook_of


def _own_branch(person: Person, year: int, number: int) -> Organization:
    """The organization the member belonged to last during the quarter."""
    memberships = list(
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(person=person)
        .select_related("organization")
        .order_by("start")
    )
    if not memberships:
        raise Http404(_("您当年不在任何组织中"))
    adoption = adoption_for(memberships[-1].organization, year)
    if adoption is None:
        raise Http404(_("当年没有适用的积分办法"))
    span = quarter_of(rulebook_of(adoption), year, number)
    within = [
        m for m in memberships if m.start <= span.end and (m.end is None or m.end > span.start)
    ]
    if not within:
        raise Http404(_("您在这个季度不在任何组织中"))
    return within[-1].organization


@login_required
def confirm(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    person = access.own_person(request.user)
    organization = _own_branch(person, year, checked_quarter(quarter))
    sheet = sheet_or_404(organization, year, quarter)
    row = next((r for r in sheet.rows if r.person.pk == person.pk), None)
    if row is None:
        raise Http404(_("您不在这个季度的考评表中"))
    latest = latest_confirmations(organization, year, quarter).get(person.pk)
    signatures = signatures_of(organization, year, quarter)
    form = ConfirmForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: confirmation_record(
            organization=organization,
            year=year,
            quarter=quarter,
            person=person,
            kind=data["kind"],
            reason=data["reason"],
            actor=signed_in(request),
        ),
        done=lambda _result: redirect("periods:confirm", year, quarter),
        message=lambda c: _("已记录：%(kind)s") % {"kind": _(c.get_kind_display())},
        template="periods/confirm.html",
        context={
            "person": person,
            "organization": organization,
            "sheet": sheet,
            "row": row,
            "latest": latest,
            "changed": latest is not None and latest.row_hash != row.row_hash,
            "status": status_of(sheet, signatures[-1] if signatures else None),
            "year": year,
        },
    )
