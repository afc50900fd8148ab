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
from jifen.core.confirm import Ask, confirm_page, confirmed, names_brief
from jifen.core.formflow import button_action
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.periods.exports import sheet_form
from jifen.periods.forms import NoticeForm
from jifen.periods.holidays import may_enter, years_missing
from jifen.periods.models import Signature
from jifen.periods.selectors import (
    Tally,
    confirmation_tally,
    latest_confirmations,
    notice_state,
    notices_of,
    objection_state,
    objections_of,
    signatures_of,
    status_of,
)
from jifen.periods.services import notice_open, period_sign
from jifen.periods.sheet import QUARTER_NAMES, QuarterSheet, SheetRow
from jifen.periods.views.common import checked_quarter, paper_of, sheet_or_404
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, shown_date
from jifen.rulebooks.services import notice_days_for


def labelled(sheet: QuarterSheet, row: SheetRow) -> list[tuple[str, str]]:
    """A member's quarter scores with their columns' titles: a phone shows each under its title."""
    return list(zip(sheet.quarter_columns, row.quarter, strict=True))


@login_required
def quarter(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    sheet = sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    latest = signatures[-1] if signatures else None
    status = status_of(sheet, latest)
    confirmations = latest_confirmations(organization, year, quarter)
    rows = [
        (row, confirmations.get(row.person.pk), row.row_hash, labelled(sheet, row))
        for row in sheet.rows
    ]
    # ?table=1: the whole table on a phone too (by default a phone shows a card a member).
    as_table = request.GET.get("table") == "1"
    found_notices = notices_of(organization, year, quarter)
    on = clock.today()
    can_sign = access.can(request.user, Action.SIGN_PERIOD, organization)
    context = {
        "organization": organization,
        "sheet": sheet,
        "rows": rows,
        "as_table": as_table,
        "cards": not as_table,
        "tally": confirmation_tally(sheet, confirmations),
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
            "rows": [(row, None, row.row_hash, labelled(sheet, row)) for row in sheet.rows],
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
    if not confirmed(request):
        return confirm_page(request, _sign_ask(organization, year, quarter))
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
    elif not confirmed(request):
        return confirm_page(request, _notice_ask(organization, signatures[-1]))
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


def _tally_facts(tally: Tally) -> list[str]:
    """The confirmation's figures: how many confirmed, who disputed, who has not answered."""
    facts = [
        _("党员已确认 %(done)s/%(total)s 人") % {"done": len(tally.confirmed), "total": tally.total}
    ]
    if tally.disputed:
        facts.append(
            _("有异议 %(count)s 人：%(names)s")
            % {"count": len(tally.disputed), "names": names_brief(tally.disputed)}
        )
    if tally.waiting:
        facts.append(
            _("未确认 %(count)s 人：%(names)s")
            % {"count": len(tally.waiting), "names": names_brief(tally.waiting)}
        )
    return facts


def _sign_ask(organization: Organization, year: int, quarter: int) -> Ask:
    sheet = sheet_or_404(organization, year, quarter)
    tally = confirmation_tally(sheet, latest_confirmations(organization, year, quarter))
    warnings = []
    if tally.waiting:
        warnings.append(
            _("还有党员没有确认本季度的分数。可以先提醒他们在“我的积分”中确认，再签名。")
        )
    return Ask(
        title=_("确认签名：%(name)s %(quarter)s？")
        % {"name": organization.name, "quarter": sheet.quarter.title},
        facts=_tally_facts(tally),
        warnings=warnings,
        consequence=_(
            "签名后本季度分数即封存，不能撤回：之后本季度的记录只能以更正方式录入，"
            "更正会使本季度重开、需要重新签名。"
        ),
        button=_("确认签名"),
        back=reverse("periods:quarter", args=[organization.pk, year, quarter]),
    )


def _notice_ask(organization: Organization, signature: Signature) -> Ask:
    days = notice_days_for(organization, signature.year) or DEFAULT_NOTICE_DAYS
    year, quarter = signature.year, signature.quarter
    return Ask(
        title=_("确认开始公示：%(name)s %(year)s年%(quarter)s？")
        % {"name": organization.name, "year": year, "quarter": _(QUARTER_NAMES[quarter])},
        facts=[
            _("公示 %(days)s 个工作日") % {"days": days},
            _("公示名单 %(count)s 人（签名时的分数）")
            % {"count": len(signature.sheet.get("members", []))},
        ],
        consequence=_("公示开始后不能撤回：本支部党员都能看到名单和分数，公示期内可以提出异议。"),
        button=_("确认开始公示"),
        back=reverse("periods:quarter", args=[organization.pk, year, quarter]),
    )
