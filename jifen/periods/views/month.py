"""The monthly 考核表 (seed 003): its page, print and xlsx, and the secretary's signature after a
confirmation page. Once signed, every view shows the signed figures and lists what has changed
since."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import button_action
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.periods.models import MonthSignature
from jifen.periods.month_forms import legend, month_form, shown, signature_line
from jifen.periods.month_sheet import MONTHS, MonthSheet, month_sheet
from jifen.periods.month_signing import (
    Difference,
    MonthStatus,
    month_differences,
    month_sign,
    month_signatures,
    month_status,
)


@dataclass(frozen=True)
class MonthState:
    sheet: MonthSheet
    signatures: list[MonthSignature]
    latest: MonthSignature | None
    status: MonthStatus
    canonical: dict[str, Any]  # what the pages show: the signed sheet once there is one
    differences: list[Difference]


def _state(organization: Organization, year: int, month: int) -> MonthState:
    if month not in MONTHS:
        raise Http404("未找到")
    sheet = month_sheet(organization, year, month)
    if sheet is None:
        raise Http404(
            _("%(name)s %(year)s 年还没有采用积分办法") % {"name": organization.name, "year": year}
        )
    signatures = month_signatures(organization, year, month)
    latest = signatures[-1] if signatures else None
    status = month_status(sheet, latest)
    differences = (
        month_differences(latest.sheet, sheet.canonical)
        if latest is not None and status == MonthStatus.CHANGED
        else []
    )
    canonical = latest.sheet if latest is not None else sheet.canonical
    return MonthState(sheet, signatures, latest, status, canonical, differences)


def _context(organization: Organization, state: MonthState) -> dict[str, Any]:
    return {
        "organization": organization,
        "sheet": state.sheet,
        "month": state.sheet.month,
        "table": shown(state.canonical),
        "legend": legend(state.sheet),
        "signatures": state.signatures,
        "latest": state.latest,
        "status": state.status,
        "differences": state.differences,
        "monthly": any(c.period == "month" for c in state.sheet.rulebook.categories),
    }


@login_required
def month(request: HttpRequest, org_id: int, year: int, month: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    state = _state(organization, year, month)
    context = _context(organization, state)
    context.update(
        {
            "can_sign": access.can(request.user, Action.SIGN_PERIOD, organization),
            "month_ended": clock.today() > state.sheet.month.end,
            "previous": month - 1 if month > 1 else None,
            "next": month + 1 if month < 12 else None,
        }
    )
    return render(request, "periods/month.html", context)


@login_required
def month_print(request: HttpRequest, org_id: int, year: int, month: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    context = _context(organization, _state(organization, year, month))
    context["landscape"] = True
    context["signature_line"] = signature_line(context["latest"])
    context["xlsx_url"] = reverse("periods:month_xlsx", args=[organization.pk, year, month])
    return render(request, "periods/month_print.html", context)


@login_required
def month_xlsx(request: HttpRequest, org_id: int, year: int, month: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    state = _state(organization, year, month)
    name = state.sheet.month.name
    form = month_form(state.canonical, organization.name, name, state.latest, state.differences)
    return xlsx_response(form_xlsx(form), f"{organization.name}-{name}考核表.xlsx")


@login_required
def month_sign_view(request: HttpRequest, org_id: int, year: int, month: int) -> HttpResponse:
    """GET: the figures the secretary is about to sign, with their SHA-256, and a confirmation.
    POST (confirmed, with the SHA-256 seen): sign exactly those figures."""
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    state = _state(organization, year, month)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context = _context(organization, state)
            context["error"] = _("请勾选“我已核对”后再签名")
            context["current"] = shown(state.sheet.canonical)
            return render(request, "periods/month_sign.html", context, status=400)
        button_action(
            request,
            lambda: month_sign(
                organization=organization,
                year=year,
                month=month,
                seen_hash=request.POST.get("sheet_hash", ""),
                actor=signed_in(request),
                today=clock.today(),
            ),
            lambda signature: (
                _("已签名：考核表 SHA-256 %(hash)s…") % {"hash": signature.sheet_hash[:16]}
            ),
        )
        return redirect("periods:month", organization.pk, year, month)
    context = _context(organization, state)
    context["current"] = shown(state.sheet.canonical)
    return render(request, "periods/month_sign.html", context)
