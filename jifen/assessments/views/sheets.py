"""The self and committee sheets: filling, saving and submitting them with evidence, sending a
submitted one back, and a sheet's files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.assessments.facts import book_for, fillable_items
from jifen.assessments.models import Round, Sheet, SheetFile, SheetLink
from jifen.assessments.selectors import activities_to_link
from jifen.assessments.services import (
    ItemInput,
    may_fill,
    sheet_check,
    sheet_get,
    sheet_reopen,
    sheet_save,
)
from jifen.assessments.sheets import inputs_from_post, inputs_of, link_url, sheet_rows
from jifen.assessments.views.doors import ROUNDS, organization_in
from jifen.core.confirm import Ask, confirm_page, confirmed
from jifen.core.formflow import button_action
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.evidence import file_response, uploads
from jifen.recording.models import Activity


def _links_from_post(request: HttpRequest, org: Organization) -> list[tuple[str, str, str]]:
    """The activity the form cites as evidence, refused when it is not the organization's."""
    link = request.POST.get("link_activity", "")
    if not link.isdigit():
        return []
    activity = Activity.objects.filter(pk=int(link), organization=org).first()
    if activity is None:
        raise ValidationError("所选活动不属于本组织")
    label = f"{activity.date:%Y-%m-%d} {activity.title}"
    return [(request.POST.get("link_item", ""), activity.ref, label)]


def _save_from_post(
    request: HttpRequest,
    sheet: Sheet,
    inputs: dict[str, ItemInput],
    org: Organization,
    user: User,
) -> HttpResponse | None:
    """Saves (or submits) the posted sheet: a redirect once saved, None when it was refused,
    with the problems as messages."""
    submit = request.POST.get("action") == "submit"
    # Submitting locks the sheet: the first press saves the draft (files too) and asks; the
    # confirmation's button submits exactly that saved draft (jifen/core/confirm.py).
    if submit and confirmed(request):
        return _submit_saved(request, sheet, user)
    try:
        if submit:
            sheet_check(sheet=sheet, inputs=inputs, submit=True, actor=user)
        files = [(request.POST.get("file_item", ""), name, data) for name, data in uploads(request)]
        sheet_save(
            sheet=sheet,
            inputs=inputs,
            notes=request.POST.get("notes", ""),
            submit=False,
            files=files,
            links=_links_from_post(request, org),
            actor=user,
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return None
    if submit:
        return confirm_page(request, _submit_ask(sheet, request.path), carry=["action"])
    messages.success(request, _("草稿已保存"))
    return redirect(request.path)


def _submit_saved(request: HttpRequest, sheet: Sheet, user: User) -> HttpResponse:
    try:
        sheet_save(
            sheet=sheet,
            inputs=inputs_of(sheet),
            notes=sheet.notes,
            submit=True,
            files=[],
            links=[],
            actor=user,
        )
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("已提交，考核表已锁定"))
    return redirect(request.path)


def _submit_ask(sheet: Sheet, back: str) -> Ask:
    return Ask(
        title=_("确认提交%(source)s表：%(name)s？")
        % {"source": sheet.get_source_display(), "name": sheet.organization.name},
        facts=[_("草稿已保存")],
        consequence=_("提交后考核表即锁定，不能再修改；需要修改时只能由考核组退回。"),
        button=_("确认提交并锁定"),
        back=back,
    )


def _sheet_page(
    request: HttpRequest, found: Round, org: Organization, source: str, collection: str
) -> HttpResponse:
    try:
        sheet = sheet_get(
            assessment_round=found, organization=org, source=source, collection=collection
        )
    except ValidationError as error:
        raise Http404("未找到") from error
    user = signed_in(request)
    fillable = may_fill(user, sheet) and not sheet.locked
    book = book_for(found, org)
    inputs = inputs_of(sheet)
    status = 200
    if request.method == "POST":
        if not fillable:
            messages.error(request, "考核表已提交并锁定，或你不能填写这张表")
            return redirect(request.path)
        inputs = inputs_from_post(book, request.POST)
        saved = _save_from_post(request, sheet, inputs, org, user)
        if saved is not None:
            return saved
        status = 400
    context: dict[str, Any] = {
        "round": found,
        "organization": org,
        "sheet": sheet,
        "rows": sheet_rows(sheet, inputs, with_suggestions=source == "committee"),
        "fillable": fillable,
        "can_reopen": sheet.locked and access.can(user, Action.ASSESS, org),
        "is_assessor": access.can(user, Action.ASSESS, org),
        "items": [(item.code, item.title) for _, _, item in fillable_items(book)],
        "activities": activities_to_link(org, found.year) if fillable else [],
        "sheet_files": SheetFile.objects.filter(sheet=sheet, item=""),
        "sheet_links": [
            (link.label or link.ref, link_url(link.ref))
            for link in SheetLink.objects.filter(sheet=sheet, item="")
        ],
        "notes": request.POST.get("notes", sheet.notes) if status == 400 else sheet.notes,
        "reopens": sheet.reopens.select_related("reopened_by"),
        "deadline": found.self_deadline if source == "self" else found.committee_deadline,
    }
    return render(request, "assessments/sheet.html", context, status=status)


@login_required
def self_sheet(request: HttpRequest, round_id: int, org_id: int, collection: str) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id)
    return _sheet_page(request, found, org, "self", collection)


@login_required
def committee_sheet(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id, Action.ASSESS)
    return _sheet_page(request, found, org, "committee", found.period)


@login_required
@require_POST
def reopen(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = access.object_for(
        request.user,
        Sheet.objects.select_related("round", "organization"),
        sheet_id,
        Action.ASSESS,
    )
    button_action(
        request,
        lambda: sheet_reopen(
            sheet=sheet,
            reason=request.POST.get("reason", ""),
            actor=signed_in(request),
        ),
        "已退回，填表人可以修改后重新提交",
    )
    return redirect(_sheet_url(sheet))


def _sheet_url(sheet: Sheet) -> str:
    if sheet.source == Sheet.Source.COMMITTEE:
        return reverse("assessments:committee_sheet", args=[sheet.round_id, sheet.organization_id])
    return reverse(
        "assessments:self_sheet", args=[sheet.round_id, sheet.organization_id, sheet.collection]
    )


@login_required
def sheet_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """A sheet's evidence: a self sheet's to those who see the organization, a committee
    sheet's to the assessors."""
    user = request.user
    found = access.object_for(
        user,
        SheetFile.objects.all(),
        file_id,
        Action.ASSESS,
        org_field="sheet__organization",
        also=Q(sheet__source=Sheet.Source.SELF)
        & access.within_reach(user, Action.VIEW_ORG, "sheet__organization"),
    )
    return file_response(request, found)
