"""Rounds: the list, opening one, its page of sheets, publishing its results."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.assessments.facts import book_for, collections, rulebook_of_round
from jifen.assessments.forms import RoundForm
from jifen.assessments.models import Round, Sheet
from jifen.assessments.results import results_visible
from jifen.assessments.selectors import organizations_seen, rounds_within
from jifen.assessments.services import round_open, round_publish
from jifen.assessments.views.doors import ROUNDS
from jifen.core.confirm import Ask, confirm_page, confirmed
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization

PERIOD_LABEL = dict(Round.Period.choices)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The rounds a user takes part in or runs."""
    view = access.reach(request.user, Action.VIEW_ORG)
    if not view.paths:
        raise access.refused(request.user, "assessments:index", Action.VIEW_ORG)
    assess = access.reach(request.user, Action.ASSESS)
    rounds = rounds_within(view, assess)
    openable = access.orgs_for(request.user, Action.ASSESS).filter(
        kind__code__in=["committee", "general_branch"]
    )
    return render(request, "assessments/index.html", {"rounds": rounds, "openable": openable[:20]})


@login_required
def round_new(request: HttpRequest, org_id: int) -> HttpResponse:
    owner = access.org_for(request.user, org_id, Action.ASSESS)
    return form_page(
        request,
        RoundForm(request.POST or None, owner=owner),
        save=lambda data: round_open(
            owner=owner,
            year=data["year"],
            period=data["period"],
            rulebook=data["rulebook"],
            yaml_text=data["yaml_text"] or None,
            title=data["title"],
            organizations=list(data["organizations"]),
            self_deadline=data["self_deadline"],
            committee_deadline=data["committee_deadline"],
            actor=signed_in(request),
        ),
        done=lambda created: redirect("assessments:round", round_id=created.pk),
        message=lambda created: f"已开启考核：{created.title}",
        template="orgs/org_form.html",
        context={"organization": owner, "form_title": "开启组织考核"},
    )


def _sheet_cells(
    request: HttpRequest, found: Round, org: Organization, sheets: dict[tuple[int, str, str], Sheet]
) -> list[dict[str, str]]:
    """One organization's sheets in the round: label, address (when the user may open it),
    status."""
    own_book = book_for(found, org)
    cells = []
    for source in ("self", "committee"):
        for collection in collections(own_book, found.period, source):
            sheet = sheets.get((org.pk, source, collection))
            if source == "self":
                url = reverse("assessments:self_sheet", args=[found.pk, org.pk, collection])
                label = "自评" + (PERIOD_LABEL[collection] if collection != found.period else "")
                visible = True
            else:
                url = reverse("assessments:committee_sheet", args=[found.pk, org.pk])
                label = "考评"
                visible = access.can(request.user, Action.ASSESS, org)
            status = sheet.get_status_display() if sheet else "未填写"
            cells.append({"label": label, "url": url if visible else "", "status": status})
    return cells


@login_required
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    book = rulebook_of_round(found)
    user = request.user
    sheets = {
        (s.organization_id, s.source, s.collection): s for s in Sheet.objects.filter(round=found)
    }
    rows = [
        {"org": org, "cells": _sheet_cells(request, found, org, sheets)}
        for org in organizations_seen(request.user, found)
    ]
    context = {
        "round": found,
        "book": book,
        "rows": rows,
        "is_committee": access.can(user, Action.ASSESS, found.owner),
        "visible": results_visible(user, found),
        # 试算 (reports:round_whatif): a published round, for those who may adopt for its owner.
        "may_try": found.published_at is not None and access.can(user, Action.ADOPT, found.owner),
    }
    return render(request, "assessments/round.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, round_id: int) -> HttpResponse:
    found = access.object_for(
        request.user, Round.objects.all(), round_id, Action.ASSESS, org_field="owner"
    )
    if not confirmed(request):
        submitted = Sheet.objects.filter(
            round=found, source=Sheet.Source.COMMITTEE, status=Sheet.Status.SUBMITTED
        ).count()
        ask = Ask(
            title=_("确认公布考核结果：%(name)s？") % {"name": found.title},
            facts=[
                _("考评表已提交 %(done)s/%(total)s 个组织")
                % {"done": submitted, "total": found.organizations.count()}
            ],
            consequence=_("公布后参加考核的组织都能看到结果和排名，不能撤回。"),
            button=_("确认公布"),
            back=reverse("assessments:round", args=[found.pk]),
        )
        return confirm_page(request, ask)
    button_action(
        request,
        lambda: round_publish(assessment_round=found, actor=signed_in(request)),
        "考核结果已公布给参加考核的组织",
    )
    return redirect("assessments:results", round_id=found.pk)
