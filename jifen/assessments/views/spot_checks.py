"""Spot checks (抽检): the committee records one, with its files, against an organization."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from jifen.accounts.current import signed_in
from jifen.assessments.facts import book_for, fillable_items
from jifen.assessments.forms import SpotCheckForm
from jifen.assessments.models import SpotCheckFile
from jifen.assessments.services import spot_check_record
from jifen.assessments.views.doors import ROUNDS, organization_in
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.recording.evidence import file_response, uploads


@login_required
def spot_check_add(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id, Action.ASSESS)
    book = book_for(found, org)
    items = [(item.code, item.title) for _, _, item in fillable_items(book)]
    return form_page(
        request,
        SpotCheckForm(request.POST or None, items=items),
        save=lambda data: spot_check_record(
            assessment_round=found,
            organization=org,
            files=uploads(request),
            actor=signed_in(request),
            **data,
        ),
        done=lambda _: redirect("assessments:committee_sheet", round_id=found.pk, org_id=org.pk),
        message=lambda check: f"已记录{check.get_kind_display()}",
        template="orgs/org_form.html",
        context={"organization": org, "form_title": "记录抽检情况", "with_files": True},
    )


@login_required
def spot_check_file(request: HttpRequest, file_id: int) -> HttpResponse:
    found = access.object_for(
        request.user,
        SpotCheckFile.objects.all(),
        file_id,
        Action.ASSESS,
        org_field="spot_check__organization",
    )
    return file_response(request, found)
