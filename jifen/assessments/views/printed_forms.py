"""The printed forms: an organization's 考核打分表 and the round's ranking bulletin, each as an A4
page and as xlsx (the forms themselves are built in ``jifen.assessments.exports``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from jifen.assessments import exports
from jifen.assessments.results import results_visible
from jifen.assessments.selectors import organizations_seen
from jifen.assessments.views.doors import ROUNDS, organization_in
from jifen.documents.paper_forms import xlsx_response


@login_required
def form_print(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id)
    form = exports.score_form(found, org, with_committee=results_visible(request.user, found))
    context = {
        "form": form,
        "xlsx_url": reverse("assessments:form_xlsx", args=[found.pk, org.pk]),
        "landscape": True,
    }
    return render(request, "assessments/print.html", context)


@login_required
def form_xlsx(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id)
    form = exports.score_form(found, org, with_committee=results_visible(request.user, found))
    return xlsx_response(exports.as_xlsx(form), f"{org.name}-考核打分表.xlsx")


@login_required
def bulletin(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    form = exports.bulletin_form(
        found,
        {o.code for o in organizations_seen(request.user, found)},
        visible=results_visible(request.user, found),
    )
    context = {
        "form": form,
        "xlsx_url": reverse("assessments:bulletin_xlsx", args=[found.pk]),
        "landscape": False,
    }
    return render(request, "assessments/print.html", context)


@login_required
def bulletin_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    form = exports.bulletin_form(
        found,
        {o.code for o in organizations_seen(request.user, found)},
        visible=results_visible(request.user, found),
    )
    return xlsx_response(exports.as_xlsx(form), f"{found.title}-排名通报.xlsx")
