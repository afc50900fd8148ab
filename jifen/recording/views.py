"""Activities and their attendance checklists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.recording.checkin import (
    Checkin,
    activity_from_token,
    checkin_open,
    checkin_record,
    checkin_token,
    person_of,
    qr_svg,
)
from jifen.recording.entries import (
    entry_choices,
    manual_entry,
    may_decide,
    veto_decide,
    veto_propose,
)
from jifen.recording.evidence import MAX_BYTES, file_response, uploads
from jifen.recording.forms import (
    ActivityCancelForm,
    ActivityEditForm,
    ActivityForm,
    EntryForm,
    VetoForm,
)
from jifen.recording.leave import pending_leaves
from jifen.recording.models import Activity, Attachment, FactFile, LeaveRequest, VetoProposal
from jifen.recording.services import (
    MARKS,
    Mark,
    activity_cancel,
    activity_create,
    activity_update,
    attachment_add,
    attendance_current,
    attendance_items,
    attendance_record,
    attendance_roster,
)
from jifen.recording.signin import signin_read
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.rulebooks.wording import with_item_titles

# The pages of one activity reach it through the organization that holds it.
ACTIVITIES = access.Door(Activity.objects.select_related("organization"))


@login_required
def activities(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    context = {
        "organization": organization,
        # With the leave requests waiting on each: where the scorekeeper finds them.
        "activities": Activity.objects.filter(organization=organization).annotate(
            leaves_waiting=Count("leaves", filter=Q(leaves__status=LeaveRequest.Status.PENDING))
        )[:200],
        "can_record": access.can(request.user, Action.RECORD, organization),
    }
    return render(request, "recording/activities.html", context)


@login_required
def activity_add(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    items = attendance_items(organization, clock.today().year)
    if not items:
        messages.warning(request, _("本组织今年还没有采用积分办法，无法按积分项目登记活动"))
    return form_page(
        request,
        ActivityForm(request.POST or None, items=items),
        save=lambda data: activity_create(
            organization=organization, actor=signed_in(request), **data
        ),
        done=lambda created: redirect("recording:activity", activity_id=created.pk),
        message=lambda _result: _("活动已登记，请记录签到"),
        template="orgs/org_form.html",
        context={"organization": organization, "form_title": _("登记活动")},
    )


@login_required
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Change an activity's details and check-in window; a new date moves its attendance."""
    found = ACTIVITIES.open(request.user, activity_id, Action.RECORD)
    if found.cancelled:
        messages.error(request, _("活动已取消，不能再修改"))
        return redirect("recording:activity", activity_id=found.pk)
    items = attendance_items(found.organization, found.date.year)
    if found.item not in dict(items):
        items = [(found.item, found.item), *items]
    initial = {
        field: getattr(found, field)
        for field in ("item", "title", "date", "place", "organizer", "content")
    }
    initial["checkin_opens"] = found.checkin_opens
    initial["checkin_closes"] = found.checkin_closes
    return form_page(
        request,
        ActivityEditForm(request.POST or None, items=items, initial=initial),
        save=lambda data: activity_update(activity=found, actor=signed_in(request), **data),
        done=lambda updated: redirect("recording:activity", activity_id=updated.pk),
        message=lambda _result: _("活动已修改"),
        template="recording/activity_form.html",
        context={
            "activity": found,
            "form_title": _("修改活动"),
            "recorded": len(attendance_current(found)),
        },
    )


@login_required
def activity_cancel_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Cancel an activity recorded by mistake: its attendance is voided, nothing deleted."""
    found = ACTIVITIES.open(request.user, activity_id, Action.RECORD)
    if found.cancelled:
        messages.info(request, _("活动已经取消"))
        return redirect("recording:activity", activity_id=found.pk)
    return form_page(
        request,
        ActivityCancelForm(request.POST or None),
        save=lambda data: activity_cancel(activity=found, actor=signed_in(request), **data),
        done=lambda cancelled: redirect("recording:activity", activity_id=cancelled.pk),
        message=lambda _result: _("活动已取消，签到记录已在台账中作废"),
        template="recording/activity_cancel.html",
        context={
            "activity": found,
            "form_title": _("取消活动"),
            "recorded": len(attendance_current(found)),
        },
    )


@login_required
def activity(request: HttpRequest, activity_id: int) -> HttpResponse:
    """An activity's attendance checklist; a POST saves an attachment, an uploaded sign-in
    sheet or the marks ticked on the page, and re-displays the checklist with the problems."""
    found = ACTIVITIES.open(
        request.user, activity_id, Action.RECORD if request.method == "POST" else Action.VIEW_ORG
    )
    roster = attendance_roster(found)
    errors: list[str] = []
    attached = request.FILES.get("attachment") if request.method == "POST" else None
    if attached is not None:
        _attachment_save(request, found, attached)
        return redirect("recording:activity", activity_id=found.pk)
    upload = request.FILES.get("sheet") if request.method == "POST" else None
    if upload is not None:
        errors = _sheet_import(
            request, found, upload.read() if (upload.size or 0) <= 5 * 1024 * 1024 else b""
        )
        if not errors:
            return redirect("recording:activity", activity_id=found.pk)
    elif request.method == "POST":
        errors = _marks_record(request, found, roster)
        if not errors:
            return redirect("recording:activity", activity_id=found.pk)
    context = _checklist_context(request, found, roster, errors)
    return render(request, "recording/activity.html", context, status=400 if errors else 200)


def _attachment_save(request: HttpRequest, found: Activity, attached: UploadedFile[bytes]) -> None:
    """Keep an uploaded attachment (a file over MAX_BYTES is passed on empty, and refused)."""
    button_action(
        request,
        lambda: attachment_add(
            activity=found,
            filename=attached.name or "file",
            data=attached.read() if (attached.size or 0) <= MAX_BYTES else b"",
            actor=signed_in(request),
        ),
        _("附件已保存"),
    )


def _marks_record(request: HttpRequest, found: Activity, roster: list[Person]) -> list[str]:
    """Record the marks ticked on the checklist; the problems found, or none when recorded."""
    marks = {
        person.pk: Mark(
            request.POST.get(f"mark-{person.pk}", "present"),
            request.POST.get(f"reason-{person.pk}", ""),
        )
        for person in roster
    }
    try:
        written = attendance_record(
            activity=found,
            marks=marks,
            actor=signed_in(request),
        )
    except ValidationError as error:
        return [problem for problems in error.message_dict.values() for problem in problems]
    if written:
        messages.success(request, _("签到已记录：%(n)s 人") % {"n": written})
    else:
        messages.info(request, _("签到没有变化，未重复记录"))
    return []


def _checklist_context(
    request: HttpRequest, found: Activity, roster: list[Person], errors: list[str]
) -> dict[str, object]:
    """The checklist page: each member's standing mark (or the one just submitted), the counts,
    and the check-in QR code while check-in is open."""
    current = attendance_current(found)
    rows = [
        {
            "person": person,
            "mark": request.POST.get(f"mark-{person.pk}")
            or (current[person.pk].value if person.pk in current else "present"),
            "reason": request.POST.get(f"reason-{person.pk}", ""),
            "recorded": person.pk in current,
        }
        for person in roster
    ]
    counts = {label: sum(1 for e in current.values() if e.value == label) for label in MARKS}
    context: dict[str, object] = {
        "activity": found,
        # The rulebook's name for the item (主题党日), not its code.
        "item_title": dict(attendance_items(found.organization, found.date.year)).get(
            found.item, found.item
        ),
        "rows": rows,
        "marks": MARKS,
        "counts": counts,
        "errors": errors,
        "can_record": access.can(request.user, Action.RECORD, found.organization),
        # A cancelled activity is shown as it was, read-only: no marks, check-ins or edits.
        "can_mark": not found.cancelled
        and access.can(request.user, Action.RECORD, found.organization),
        "checkin_open": found.checkin_is_open(clock.now()),
        "attachments": found.attachments.all(),
        # Members with no mark yet (未登记) and the leave requests waiting for a decision.
        "unmarked": [row["person"] for row in rows if not row["recorded"]],
        "leaves": pending_leaves(found),
    }
    if context["checkin_open"] and context["can_mark"]:
        url = request.build_absolute_uri(
            reverse("recording:checkin", kwargs={"token": checkin_token(found)})
        )
        context.update({"checkin_url": url, "checkin_qr": qr_svg(url)})
    return context


def _sheet_import(request: HttpRequest, found: Activity, data: bytes) -> list[str]:
    """Record an uploaded sign-in sheet; the problems found, or none when it was recorded."""
    sheet = signin_read(found, data)
    errors = [str(problem) for problem in sheet.problems] or (
        [] if sheet.marks else [_("签到表中没有任何党员")]
    )
    if errors:
        return errors
    try:
        written = attendance_record(activity=found, marks=sheet.marks, actor=signed_in(request))
    except ValidationError as error:
        return list(error.messages)
    messages.success(
        request,
        _("已按签到表记录：%(n)s 人（未变的 %(same)s 人）")
        % {"n": written, "same": len(sheet.marks) - written},
    )
    return []


def _people_of(organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__organization__path__startswith=organization.path
    ).distinct()


@login_required
def entry_add(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    codes = entry_choices(organization, clock.today().year)
    return form_page(
        request,
        EntryForm(request.POST or None, people=_people_of(organization), codes=codes),
        save=lambda data: manual_entry(
            organization=organization,
            actor=signed_in(request),
            files=uploads(request),
            **data,
        ),
        done=lambda _result: redirect("recording:entry_add", org_id=organization.pk),
        message=lambda entry: (
            _("已记入台账：%(name)s %(date)s %(item)s %(value)s")
            % {
                "name": entry.person.name,
                "date": entry.date,
                "item": entry.item,
                "value": entry.value,
            }
        ),
        template="orgs/org_form.html",
        context={
            "organization": organization,
            "form_title": _("录入积分事实"),
            "with_files": True,
        },
    )


@login_required
def veto_add(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    adoption = adoption_for(organization, clock.today().year)
    codes = [(v.code, v.title) for v in rulebook_of(adoption).vetoes] if adoption else []
    return form_page(
        request,
        VetoForm(request.POST or None, people=_people_of(organization), codes=codes),
        save=lambda data: veto_propose(
            organization=organization,
            actor=signed_in(request),
            files=uploads(request),
            **data,
        ),
        done=lambda _result: redirect("recording:vetoes", org_id=organization.pk),
        message=lambda _result: _("已提交支委会确认；确认之前不影响积分"),
        template="orgs/org_form.html",
        context={
            "organization": organization,
            "form_title": _("负面清单认定"),
            "with_files": True,
        },
    )


@login_required
def vetoes(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    proposals = with_item_titles(
        VetoProposal.objects.filter(
            organization__path__startswith=organization.path
        ).select_related("person", "organization", "proposed_by", "decided_by"),
        code="code",
    )
    user = signed_in(request)
    rows = [(p, p.status == VetoProposal.Status.PENDING and may_decide(user, p)) for p in proposals]
    context = {
        "organization": organization,
        "rows": rows,
        "can_record": access.can(request.user, Action.RECORD, organization),
    }
    return render(request, "recording/vetoes.html", context)


@login_required
@require_POST
def veto_decide_view(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access.object_for(
        request.user,
        VetoProposal.objects.select_related("organization"),
        proposal_id,
    )
    button_action(
        request,
        lambda: veto_decide(
            proposal=proposal,
            confirm=request.POST.get("decision") == "confirm",
            note=request.POST.get("note", ""),
            actor=signed_in(request),
        ),
        _("已记录支委会的决定"),
    )
    return redirect("recording:vetoes", org_id=proposal.organization_id)


@login_required
@require_POST
def checkin_open_view(request: HttpRequest, activity_id: int) -> HttpResponse:
    found = ACTIVITIES.open(request.user, activity_id, Action.RECORD)
    try:
        minutes = int(request.POST.get("minutes", "120"))
        checkin_open(
            activity=found,
            now=clock.now(),
            minutes=minutes,
            actor=signed_in(request),
        )
    except (ValueError, ValidationError) as error:
        problem = (
            "；".join(error.messages) if isinstance(error, ValidationError) else _("请填写分钟数")
        )
        messages.error(request, problem)
    else:
        messages.success(request, _("扫码签到已开放 %(minutes)s 分钟") % {"minutes": minutes})
    return redirect("recording:activity", activity_id=found.pk)


@login_required
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """What a member's phone opens after scanning: one button, then the answer."""
    found = activity_from_token(token)
    user = signed_in(request)
    person = person_of(user, found) if found is not None else None
    if found is None or person is None:
        raise Http404(_("这个签到码不是您所在组织的活动"))
    now = clock.now()
    outcome = ""
    status = 200
    if request.method == "POST":
        try:
            result = checkin_record(activity=found, person=person, now=now, actor=user)
        except ValidationError as error:
            outcome, status = "；".join(error.messages), 400
        else:
            outcome = _("签到成功") if result is Checkin.RECORDED else _("您已签到，无需重复签到")
    context = {
        "activity": found,
        "person": person,
        "open": found.checkin_is_open(now),
        "outcome": outcome,
        "current": attendance_current(found).get(person.pk),
    }
    return render(request, "recording/checkin.html", context, status=status)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """An activity's file, to those who may see the activity's organization."""
    found = access.object_for(
        request.user,
        Attachment.objects.all(),
        attachment_id,
        org_field="activity__organization",
    )
    return file_response(request, found)


@login_required
def fact_file(request: HttpRequest, file_id: int) -> HttpResponse:
    """Evidence of an entry or a proposal, to those who may see its organization."""
    found = access.object_for(request.user, FactFile.objects.all(), file_id)
    return file_response(request, found)
