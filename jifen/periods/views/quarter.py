"""The quarterly sheet (季度考评表): its page, print and xlsx, the secretary's signature, and
opening the public notice once it is signed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import button_action
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.periods.exports import sheet_form
from jifen.periods.forms import NoticeForm
from jifen.periods.holidays import may_enter, years_missing
from jifen.periods.selectors import (
    latest_confirmations,
    notice_state,
    notices_of,
    objection_state,
    objections_of,
    signatures_of,
    status_of,
)
from jifen.periods.services import notice_open, period_sign
from jifen.periods.views.common import checked_quarter, paper_of, sheet_or_404
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, shown_date
from jifen.rulebooks.services import notice_days_for


@login_required
def quarter(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    sheet = sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    latest = signatures[-1] if signatures else None
    status = status_of(sheet, latest)
    confirmations = latest_confirmations(organization, year, quarter)
    rows = [(row, confirmations.get(row.person.pk), row.row_hash) for row in sheet.rows]
    found_notices = notices_of(organization, year, quarter)
    on = clock.today()
    can_sign = access.can(request.user, Action.SIGN_PERIOD, organization)
    context = {
        "organization": organization,
        "sheet": sheet,
        "rows": rows,
        "signatures": signatures,
        "latest": latest,
        "status": status,
        "notices": [(n, notice_state(n, on)) for n in found_notices],
        "objections": [(o, objection_state(o)) for o in objections_of(found_notices)],
        "can_sign": can_sign,
        "can_open_notice": can_sign
        and status == "signed"
        and latest is not None
        and not any(n.signature_id == latest.pk for n in found_notices),
        "notice_form": NoticeForm(),
        "quarter_ended": on > sheet.quarter.end,
        "holidays_missing": years_missing(on) if can_sign else [],
        "may_enter_holidays": can_sign and may_enter(request.user),
    }
    return render(request, "periods/quarter.html", context)


@login_required
def quarter_print(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    sheet = sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    latest = signatures[-1] if signatures else None
    return render(
        request,
        "periods/quarter_print.html",
        {
            "organization": organization,
            "sheet": sheet,
            "rows": [(row, None, row.row_hash) for row in sheet.rows],
            "latest": latest,
            "status": status_of(sheet, latest),
            "paper": paper_of(latest) if latest is not None else None,
            "landscape": True,
            "xlsx_url": reverse("periods:quarter_xlsx", args=[organization.pk, year, quarter]),
        },
    )


@login_required
def quarter_xlsx(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    sheet = sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    data = form_xlsx(sheet_form(sheet, signatures[-1] if signatures else None))
    name = f"{organization.name}-{sheet.quarter.name}考评表.xlsx"
    return xlsx_response(data, name)


@login_required
@require_POST
def sign(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    checked_quarter(quarter)
    button_action(
        request,
        lambda: period_sign(
            organization=organization,
            year=year,
            quarter=quarter,
            actor=signed_in(request),
            today=clock.today(),
        ),
        lambda signature: (
            _("已签名确认：季度表 SHA-256 %(hash)s…，本季度分数已封存")
            % {"hash": signature.sheet_hash[:16]}
        ),
    )
    return redirect("periods:quarter", organization.pk, year, quarter)


@login_required
@require_POST
def notice_open_view(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    checked_quarter(quarter)
    signatures = signatures_of(organization, year, quarter)
    form = NoticeForm(request.POST)
    if not signatures:
        messages.error(request, _("尚未签名，不能公示"))
    elif not form.is_valid():
        messages.error(request, _("异议方式不超过 500 字"))
    else:
        notice = button_action(
            request,
            lambda: notice_open(
                signature=signatures[-1],
                actor=signed_in(request),
                today=clock.today(),
                days=notice_days_for(organization, year) or DEFAULT_NOTICE_DAYS,
                how_to_object=form.cleaned_data["how_to_object"],
            ),
            lambda opened: (
                _("已开始公示：%(starts)s 至 %(ends)s")
                % {"starts": shown_date(opened.starts), "ends": shown_date(opened.ends)}
            ),
        )
        if notice is not None:
            return redirect("periods:notice", notice.pk)
    return redirect("periods:quarter", organization.pk, year, quarter)
