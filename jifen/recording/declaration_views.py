"""Declaration pages: a member's own list and form (phone first), the reviewers' to-do list,
one declaration with its evidence and the actions open to the reader."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import service_errors_to_form
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.services import membership_current
from jifen.recording.declarations import (
    declarable_items,
    declaration_decide,
    declaration_resubmit,
    declaration_review,
    declaration_submit,
)
from jifen.recording.entries import may_decide_in
from jifen.recording.evidence import file_response, uploads
from jifen.recording.forms import DeclarationForm
from jifen.recording.models import Declaration, Evidence
from jifen.rulebooks.wording import with_item_titles


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    declarations = with_item_titles(
        Declaration.objects.filter(person=person).select_related("organization")
    )
    return render(request, "recording/declarations_mine.html", {"declarations": declarations})


@login_required
def new(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    today = clock.today()
    membership = membership_current(person, today)
    items = declarable_items(membership.organization, today.year) if membership else []
    form = DeclarationForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            created = declaration_submit(
                person=person,
                actor=signed_in(request),
                files=uploads(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, _("申报已提交，请等待审核"))
            return redirect("recording:declaration", declaration_id=created.pk)
    status = 400 if form.errors else 200
    return render(request, "recording/declaration_new.html", {"form": form}, status=status)


def _readable(request: HttpRequest, declaration_id: int) -> Declaration:
    """The declaration if the reader is its member or may see the member's organization."""
    return access.object_for(
        request.user,
        Declaration.objects.select_related("person", "organization"),
        declaration_id,
        also=access.own(request.user, "person__user_id"),
    )


@login_required
def queue(request: HttpRequest, org_id: int) -> HttpResponse:
    """The reviewers' to-do list: declarations waiting for review, and disputed ones."""
    organization = access.org_for(request.user, org_id, Action.RECORD)
    waiting = with_item_titles(
        Declaration.objects.filter(
            organization__path__startswith=organization.path,
            status__in=[Declaration.Status.SUBMITTED, Declaration.Status.DISPUTED],
        )
        .exclude(person__user_id=signed_in(request).pk)
        .select_related("person", "organization")
        .order_by("submitted_at")
    )
    return render(
        request,
        "recording/declarations_queue.html",
        {"organization": organization, "waiting": waiting},
    )


def _points(request: HttpRequest) -> Decimal | None:
    raw = request.POST.get("points", "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError({"points": _("核定分数应是一个数")}) from None


@login_required
def detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    found = _readable(request, declaration_id)
    user = signed_in(request)
    own = found.person.user_id == user.pk
    reviewer = not own and access.can(user, Action.RECORD, found.organization)
    committee = not own and may_decide_in(user, found.organization)
    above = not own and access.can(user, Action.APPROVE_DECLARATIONS, found.organization)
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")
        try:
            if action == "resubmit" and own:
                declaration_resubmit(
                    declaration=found,
                    files=uploads(request),
                    note=note,
                    actor=user,
                )
            elif action in {"approve", "reject", "return", "dispute"} and reviewer:
                declaration_review(
                    declaration=found,
                    decision=action,
                    note=note,
                    points=_points(request),
                    actor=user,
                )
            elif action in {"committee_approve", "committee_reject"} and committee:
                declaration_decide(
                    declaration=found,
                    approve=action == "committee_approve",
                    note=note,
                    points=_points(request),
                    actor=user,
                )
            else:
                raise Http404("未找到")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已保存"))
        return redirect("recording:declaration", declaration_id=found.pk)
    context = {
        "declaration": found,
        "evidence": found.evidence.all(),
        "own": own,
        "reviewer": reviewer,
        "committee": committee,
        "above": above,
    }
    with_item_titles([found])
    return render(request, "recording/declaration.html", context)


@login_required
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """An evidence file, to those who may read its declaration; never from the web root."""
    found = access.object_for(
        request.user,
        Evidence.objects.all(),
        evidence_id,
        org_field="declaration__organization",
        also=access.own(request.user, "declaration__person__user_id"),
    )
    return file_response(request, found)
