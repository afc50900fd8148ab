"""党委审批 pages: the committee's queue of declarations waiting for its approval, and its
decision on one (approve after ticking the confirmation, or return with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.recording.declarations_committee import (
    awaiting_committee,
    declaration_committee_approve,
    declaration_committee_return,
)
from jifen.recording.models import Declaration
from jifen.rulebooks.wording import with_item_titles


@login_required
def committee_queue(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.APPROVE_DECLARATIONS)
    waiting = with_item_titles(awaiting_committee(organization, signed_in(request)))
    return render(
        request,
        "recording/declarations_committee.html",
        {"organization": organization, "waiting": waiting},
    )


@login_required
@require_POST
def committee_decide(request: HttpRequest, declaration_id: int) -> HttpResponse:
    found = access.object_for(
        request.user,
        Declaration.objects.select_related("person", "organization"),
        declaration_id,
        Action.APPROVE_DECLARATIONS,
    )
    user = signed_in(request)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    try:
        if action == "approve":
            if request.POST.get("confirm") != "yes":
                raise ValidationError(_("请先勾选确认：已核对证明材料，同意记入台账"))
            declaration_committee_approve(declaration=found, note=note, actor=user)
            messages.success(request, _("已审批通过，积分已记入台账"))
        elif action == "return":
            declaration_committee_return(declaration=found, note=note, actor=user)
            messages.success(request, _("已退回支部重新审核"))
        else:
            raise ValidationError(_("未知的审批操作"))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("recording:declaration", declaration_id=found.pk)
