"""The public notice (公示): its page, print and xlsx, and the page its QR code opens without a
login."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.core import clock
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.periods.exports import notice_file_name, notice_form, notice_rows, quarter_of_signature
from jifen.periods.models import Notice, Signature
from jifen.periods.selectors import (
    notice_is_open,
    notice_state,
    objection_state,
    objections_of,
    signatures_of,
)
from jifen.periods.sheet import QUARTER_NAMES
from jifen.periods.views.common import NOTICES, paper_of
from jifen.periods.workdays import shown_date
from jifen.recording.checkin import qr_svg

PUBLIC_SALT = "jifen.periods.notice"


def public_token(notice: Notice) -> str:
    return signing.dumps({"notice": notice.pk}, salt=PUBLIC_SALT, compress=True)


def _notice_context(request: HttpRequest, notice: Notice) -> dict[str, Any]:
    headers, rows = notice_rows(notice)
    on = clock.today()
    public_url = request.build_absolute_uri(
        reverse("periods:notice_public", args=[public_token(notice)])
    )
    signature = notice.signature
    latest = signatures_of(signature.organization, signature.year, signature.quarter)[-1]
    return {
        "notice": notice,
        "organization": signature.organization,
        "quarter": _quarter_shown(signature),
        "form_quarter": quarter_of_signature(signature),
        "headers": headers,
        "rows": rows,
        "state": notice_state(notice, on),
        "open": notice_is_open(notice, on),
        "superseded": latest.pk != signature.pk,
        "public_url": public_url,
        "qr": qr_svg(public_url),
        "paper": paper_of(signature),
    }


def _quarter_shown(signature: Signature) -> str:
    """quarter_of_signature in the reader's language, for the pages."""
    sheet = signature.sheet
    start, end = dt.date.fromisoformat(sheet["start"]), dt.date.fromisoformat(sheet["end"])
    return _("%(year)s年%(quarter)s（%(start)s 至 %(end)s）") % {
        "year": signature.year,
        "quarter": _(QUARTER_NAMES[signature.quarter]),
        "start": shown_date(start),
        "end": shown_date(end),
    }


@login_required
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = NOTICES.open(request.user, notice_id, Action.VIEW_NOTICE)
    context = _notice_context(request, found)
    organization = found.signature.organization
    context["can_object"] = access.can(request.user, Action.OBJECT, organization)
    if access.can(request.user, Action.VIEW_ORG, organization):
        context["objections"] = [(o, objection_state(o)) for o in objections_of([found])]
    else:
        own = objections_of([found])
        context["objections"] = [
            (o, objection_state(o)) for o in own if o.filed_by_id == request.user.pk
        ]
    return render(request, "periods/notice.html", context)


@login_required
def notice_print(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = NOTICES.open(request.user, notice_id, Action.VIEW_NOTICE)
    context = _notice_context(request, found)
    context["xlsx_url"] = reverse("periods:notice_xlsx", args=[found.pk])
    return render(request, "periods/notice_print.html", context)


@login_required
def notice_xlsx(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = NOTICES.open(request.user, notice_id, Action.VIEW_NOTICE)
    return xlsx_response(form_xlsx(notice_form(found)), notice_file_name(found))


def notice_public(request: HttpRequest, token: str) -> HttpResponse:
    """The page the paper notice's QR code opens: no login, the list only while the notice runs.

    The signed token names one notice, so nobody can guess another's address; once the window
    ends the page shows only the dates."""
    try:
        payload = signing.loads(token, salt=PUBLIC_SALT)
    except signing.BadSignature:
        raise Http404("未找到") from None
    found = (
        Notice.objects.select_related("signature__organization")
        .filter(pk=payload.get("notice"))
        .first()
    )
    if found is None:
        raise Http404("未找到")
    on = clock.today()
    headers, rows = notice_rows(found)
    is_open = notice_is_open(found, on)
    return render(
        request,
        "periods/notice_public.html",
        {
            "notice": found,
            "organization": found.signature.organization,
            "quarter": _quarter_shown(found.signature),
            "headers": headers,
            "rows": rows if is_open else [],
            "open": is_open,
            "state": notice_state(found, on),
            "paper": paper_of(found.signature),
            "object_url": reverse("periods:objection_new", args=[found.pk]),
        },
    )
