"""The year end's pages: the branch's year-end sheet with its signature, report and notice; the
level above's approval or return; its overview of every organization below; and each member's
own result. Every object through ``access``; the services decide and audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.periods.forms import NoticeForm
from jifen.periods.models import Signature
from jifen.periods.selectors import notice_is_open, notice_state
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, shown_date
from jifen.periods.year_end import (
    year_end_decide,
    year_end_notice_open,
    year_end_sign,
    year_end_submit,
)
from jifen.periods.year_end_sheet import YEAR_END, year_sheet
from jifen.periods.year_end_state import YearStatus, year_end_reports, year_end_state
from jifen.rulebooks.services import notice_days_for


def _ask(organization: Organization, year: int, title: str, consequence: str, button: str) -> Ask:
    """The year end's confirmation: the sheet's member count, what happens, the way back."""
    sheet = year_sheet(organization, year)
    facts = [_("年度汇总表 %(count)s 人") % {"count": len(sheet.rows)}] if sheet else []
    incomplete = [row.person.name for row in sheet.rows if row.incomplete] if sheet else []
    if incomplete:
        facts.append(
            _("尚未完成 %(count)s 人：%(names)s")
            % {"count": len(incomplete), "names": names_brief(incomplete)}
        )
    return Ask(
        title=title % {"name": organization.name, "year": year},
        consequence=consequence,
        button=button,
        back=reverse("periods:year_end", args=[organization.pk, year]),
        facts=facts,
    )


@login_required
def year_end(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    sheet = year_sheet(organization, year)
    if sheet is None:  # a page, not a 404: the year-end tabs link every year
        return render(
            request, "periods/year_end_none.html", {"organization": organization, "year": year}
        )
    state = year_end_state(organization, year, sheet.sheet_hash)
    on = clock.today()
    parent = organization.parent
    context: dict[str, Any] = {
        "organization": organization,
        "year": year,
        "sheet": sheet,
        "state": state,
        "status": state.status,
        "year_ended": on > sheet.end,
        "can_sign": access.can(request.user, Action.SIGN_PERIOD, organization),
        "can_decide": parent is not None
        and access.can(request.user, Action.APPROVE_YEAR_END, parent),
        "notice_days": notice_days_for(organization, year) or DEFAULT_NOTICE_DAYS,
        "notice_form": NoticeForm(),
        "notice_state": notice_state(state.notice, on) if state.notice else None,
        "can_see_reports": access.can(request.user, Action.VIEW_BULLETIN, organization),
    }
    return render(request, "periods/year_end.html", context)


@login_required
@require_POST
def sign(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    if not confirmed(request):
        ask = _ask(
            organization,
            year,
            _("确认签名：%(name)s %(year)s 年度汇总表？"),
            _(
                "我已核对全年每名党员的分数和评议等次。签名后本年度分数即封存，不能撤回：之后只能以"
                "更正方式录入，更正会使年度汇总表重开。"
            ),
            _("确认签名"),
        )
        return confirm_page(request, ask)
    button_action(
        request,
        lambda: year_end_sign(
            organization=organization, year=year, actor=signed_in(request), today=clock.today()
        ),
        lambda signature: (
            _("已签名：年度表 SHA-256 %(hash)s…，本年度分数已封存；请上报上级审核")
            % {"hash": signature.sheet_hash[:16]}
        ),
    )
    return redirect("periods:year_end", organization.pk, year)


def _latest(organization: Organization, year: int) -> Signature | None:
    return year_end_state(organization, year).latest


@login_required
@require_POST
def submit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    latest = _latest(organization, year)
    if latest is None:
        messages.error(request, _("年度汇总表尚未签名，不能上报"))
    else:
        button_action(
            request,
            lambda: year_end_submit(
                signature=latest, actor=signed_in(request), note=request.POST.get("note", "")
            ),
            _("已上报上级党组织审核"),
        )
    return redirect("periods:year_end", organization.pk, year)


@login_required
@require_POST
def decide(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.APPROVE_YEAR_END)
    latest = _latest(organization, year)
    verdict = request.POST.get("verdict")
    if latest is None:
        messages.error(request, _("年度汇总表尚未签名上报，没有可以审核的内容"))
    elif verdict not in ("approve", "return"):
        messages.error(request, _("请选择审核通过或退回"))
    elif verdict == "approve" and not confirmed(request):
        ask = _ask(
            organization,
            year,
            _("确认审核通过：%(name)s %(year)s 年度汇总表？"),
            _("审核通过不能撤回：以其 SHA-256 为准，审核通过后支部即可公示。"),
            _("确认审核通过"),
        )
        return confirm_page(request, ask)
    else:
        button_action(
            request,
            lambda: year_end_decide(
                signature=latest,
                approve=verdict == "approve",
                reason=request.POST.get("reason", ""),
                actor=signed_in(request),
            ),
            _("已审核通过") if verdict == "approve" else _("已退回，支部将看到退回原因"),
        )
    return redirect("periods:year_end", organization.pk, year)


@login_required
@require_POST
def notice_open_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD)
    latest = _latest(organization, year)
    form = NoticeForm(request.POST)
    if latest is None:
        messages.error(request, _("年度汇总表尚未签名，不能公示"))
    elif not form.is_valid():
        messages.error(request, _("异议方式不超过 500 字"))
    elif not confirmed(request):
        days = notice_days_for(organization, year) or DEFAULT_NOTICE_DAYS
        ask = _ask(
            organization,
            year,
            _("确认开始公示：%(name)s %(year)s 年度汇总？"),
            _("开启后公示 %(days)s 个工作日，不能撤回。") % {"days": days},
            _("确认开始公示"),
        )
        return confirm_page(request, ask)
    else:
        notice = button_action(
            request,
            lambda: year_end_notice_open(
                signature=latest,
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
    return redirect("periods:year_end", organization.pk, year)


@login_required
def reports(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """The level above's overview (上报情况): each organization below and its year end."""
    organization = access.org_for(request.user, org_id, Action.VIEW_BULLETIN)
    rows = year_end_reports(organization, year)
    counts = dict.fromkeys(YearStatus, 0)
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "periods/year_end_reports.html",
        {
            "organization": organization,
            "year": year,
            "rows": rows,
            "counts": [(s, counts[s]) for s in YearStatus if s != YearStatus.REOPENED],
        },
    )


def _own_year_end(person: Person, year: int) -> Organization | None:
    """The organization the member belonged to last in ``year``, or the nearest above it whose
    year-end sheet was signed; None when they belonged nowhere that year."""
    memberships = list(
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(person=person)
        .select_related("organization__parent")
        .order_by("start")
    )
    if not memberships:
        return None
    first = memberships[-1].organization
    branch: Organization | None = first
    while branch is not None:  # a branch, its general branch, its committee: a few steps
        if Signature.objects.filter(organization=branch, year=year, quarter=YEAR_END).exists():
            return branch
        branch = branch.parent
    return first


@login_required
def mine(request: HttpRequest, year: int) -> HttpResponse:
    """A member's own year: the figures as the level above approved them, the notice and, while
    it runs, the way to object (seed003: 反馈党员本人)."""
    person = access.own_person(request.user)
    organization = _own_year_end(person, year)
    if organization is None:
        return render(
            request, "periods/year_end_mine.html", {"person": person, "year": year, "nowhere": True}
        )
    state = year_end_state(organization, year)
    # Publicized implies approved: a notice opens only on an approved sheet.
    approved = state.status in (YearStatus.APPROVED, YearStatus.PUBLICIZED)
    signature = state.latest
    row = None
    if approved and signature is not None:
        row = next((m for m in signature.sheet["members"] if m["person"] == person.pk), None)
    columns = signature.sheet.get("columns", []) if signature is not None else []
    cells = [(title, row["year"].get(code, "")) for code, title in columns] if row else []
    on = clock.today()
    return render(
        request,
        "periods/year_end_mine.html",
        {
            "person": person,
            "organization": organization,
            "year": year,
            "state": state,
            "approved": approved,
            "approval": state.approval,
            "row": row,
            "cells": cells,
            "notice": state.notice,
            "notice_state": notice_state(state.notice, on) if state.notice else None,
            "notice_open": state.notice is not None and notice_is_open(state.notice, on),
        },
    )
