"""党委审批: featured points the branch approved wait for the committee where the rulebook's
category says so (``committee_approval``; seed003 特色分 "由各支部评定、机关党委审批").

The committee approves — only then is the fact appended to the ledger — or returns the
declaration to the branch with a reason, where it is reviewed again. Nobody approves their own
declaration; every decision is audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.declarations import (
    declaration_record,
    declaration_told,
    declared_item_title,
)
from jifen.recording.models import Declaration

Status = Declaration.Status


def awaiting_committee(organization: Organization, user: User) -> QuerySet[Declaration]:
    """The declarations of ``organization``'s subtree waiting for the committee, oldest first;
    never the reader's own."""
    return (
        Declaration.objects.filter(
            organization__path__startswith=organization.path, status=Status.AWAITING
        )
        .exclude(person__user_id=user.pk)
        .select_related("person", "organization", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )


def _lock(declaration: Declaration, actor: User) -> Declaration:
    locked = (
        Declaration.objects.select_for_update()
        .select_related("person", "organization")
        .get(pk=declaration.pk)
    )
    if locked.status != Status.AWAITING:
        raise ValidationError(
            _("这份申报已由他人处理（%(status)s）") % {"status": _(locked.get_status_display())}
        )
    if locked.person.user_id == actor.pk:
        raise ValidationError(_("不能审批自己的申报"))
    if not access.can(actor, Action.APPROVE_DECLARATIONS, locked.organization):
        raise ValidationError(_("只能由党委审批"))
    return locked


@transaction.atomic
def declaration_committee_approve(
    *, declaration: Declaration, note: str, actor: User
) -> Declaration:
    """The committee approves: the points the branch granted are appended to the ledger."""
    locked = _lock(declaration, actor)
    declaration_record(locked, actor)
    locked.above_note = note.strip()[:500]
    locked.above_by = actor
    locked.above_at = clock.now()
    locked.save()
    audit_record(
        action="declaration.committee_approve",
        actor=actor,
        target=locked,
        summary=(
            f"党委审批通过 {locked.person.name} 的申报 {declared_item_title(locked)} "
            f"{locked.points_granted} 分"
        ),
    )
    declaration_told(locked)
    return locked


@transaction.atomic
def declaration_committee_return(
    *, declaration: Declaration, note: str, actor: User
) -> Declaration:
    """The committee returns it to the branch with a reason; the branch reviews it again."""
    locked = _lock(declaration, actor)
    if not note.strip():
        raise ValidationError({"note": _("请写明退回的理由")})
    granted = locked.points_granted
    locked.status = Status.SUBMITTED
    locked.points_granted = None
    locked.above_note = note.strip()[:500]
    locked.above_by = actor
    locked.above_at = clock.now()
    locked.save()
    audit_record(
        action="declaration.committee_return",
        actor=actor,
        target=locked,
        summary=f"党委退回 {locked.person.name} 的申报（支部核定 {granted} 分）：{note.strip()}",
    )
    return locked
