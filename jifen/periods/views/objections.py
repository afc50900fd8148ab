"""Objections to a notice: filing one, reading it, the branch committee's or the general
branch's finding, and a member's escalation to 专项查核."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Person
from jifen.periods.forms import EscalationForm, FindingForm, ObjectionForm
from jifen.periods.models import Level, Objection
from jifen.periods.selectors import objection_state, quarter_entries
from jifen.periods.services import Fix, escalation_file, finding_record, objection_file
from jifen.periods.views.common import NOTICES
from jifen.rulebooks.services import adoption_for, rulebook_of


@login_required
def objection_new(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = NOTICES.open(request.user, notice_id, Action.OBJECT)
    ids = [m["person"] for m in found.signature.sheet["members"]]
    form = ObjectionForm(request.POST or None, people=Person.objects.filter(pk__in=ids))
    return form_page(
        request,
        form,
        save=lambda data: objection_file(
            notice=found,
            actor=signed_in(request),
            text=data["text"],
            person=data["person"],
            today=clock.today(),
        ),
        done=lambda objection: redirect("periods:objection", objection.pk),
        message=lambda objection: (
            _("异议已提交（第 %(number)s 号），支委会将调查并答复") % {"number": objection.pk}
        ),
        template="periods/objection_new.html",
        context={"notice": found, "organization": found.signature.organization},
    )


# An objection belongs to the organization whose quarter its notice shows.
NOTICED = "notice__signature__organization"


@login_required
def objection(request: HttpRequest, objection_id: int) -> HttpResponse:
    # Its filer follows it even where they may not read the branch's pages (群众代表).
    found = access.object_for(
        request.user,
        Objection.objects.select_related(NOTICED, "person", "filed_by"),
        objection_id,
        org_field=NOTICED,
        also=access.own(request.user, "filed_by_id"),
    )
    state = objection_state(found)
    organization = found.notice.signature.organization
    user = request.user
    return render(
        request,
        "periods/objection.html",
        {
            "objection": found,
            "state": state,
            "organization": organization,
            "findings": list(found.findings.select_related("decided_by").order_by("decided_at")),
            "escalation": getattr(found, "escalation", None) if state.escalated else None,
            "can_investigate": state.branch is None
            and access.can(user, Action.INVESTIGATE, organization),
            "can_review": state.escalated
            and state.general is None
            and access.can(user, Action.SPECIAL_REVIEW, organization),
            "can_escalate": found.filed_by_id == user.pk
            and found.filed_role == "member"
            and state.branch is not None
            and not state.escalated,
            # An observer may follow their objection without being allowed the branch's pages.
            "can_view_quarter": access.can(user, Action.VIEW_ORG, organization),
        },
    )


@login_required
def finding(request: HttpRequest, objection_id: int) -> HttpResponse:
    """The branch committee's finding, or, after an escalation, the general branch's."""
    # Before an escalation the branch committee investigates; after it, the general branch.
    user = request.user
    objection_found = access.object_for(
        user,
        Objection.objects.select_related(NOTICED, "person", "filed_by"),
        objection_id,
        Action.INVESTIGATE,
        org_field=None,
        also=Q(escalation__isnull=True) & access.within_reach(user, Action.INVESTIGATE, NOTICED)
        | Q(escalation__isnull=False) & access.within_reach(user, Action.SPECIAL_REVIEW, NOTICED),
    )
    escalated = objection_state(objection_found).escalated
    level = Level.GENERAL if escalated else Level.BRANCH
    signature = objection_found.notice.signature
    rulebook = rulebook_of(adoption_for(signature.organization, signature.year))  # type: ignore[arg-type]
    form = FindingForm(
        request.POST or None, entries=quarter_entries(objection_found), rulebook=rulebook
    )

    def save(data: dict[str, Any]) -> Any:
        fixes = []
        if data["entry"] is not None:
            value = FindingForm.said(data["value"], data["number"])
            fixes.append(Fix(entry=data["entry"], value=value or None))
        if data["item"]:
            value = FindingForm.said(data["add_value"], data["add_number"])
            fixes.append(Fix(item=data["item"], date=data["date"], value=value))
        return finding_record(
            objection=objection_found,
            level=level,
            outcome=data["outcome"],
            text=data["text"],
            fixes=fixes,
            actor=signed_in(request),
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda _result: redirect("periods:objection", objection_found.pk),
        message=lambda f: (
            _("已记录结论：%(outcome)s") % {"outcome": _(f.get_outcome_display())}
            + (_("；台账已更正，本季度需要重新签名并重新公示") if f.corrections else "")
        ),
        template="periods/finding.html",
        context={
            "objection": objection_found,
            "level": _(Level(level).label),
            "organization": signature.organization,
        },
    )


@login_required
def escalate(request: HttpRequest, objection_id: int) -> HttpResponse:
    # Only the objection's filer escalates it.
    found = access.object_for(
        request.user,
        Objection.objects.select_related(NOTICED),
        objection_id,
        Action.OBJECT,
        org_field=None,
        also=access.own(request.user, "filed_by_id"),
    )
    form = EscalationForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: escalation_file(
            objection=found, actor=signed_in(request), reason=data["reason"]
        ),
        done=lambda _result: redirect("periods:objection", found.pk),
        message=lambda _result: _("已申请党总支专项查核；专项查核的结论为最终结论"),
        template="periods/escalate.html",
        context={"objection": found},
    )
