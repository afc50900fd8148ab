"""Leave (请假) before an activity: the member asks from their own page, whoever records the
activity's attendance approves it into the member's excused mark (an ``excused`` attendance
fact in the ledger, through attendance_record like any mark) or refuses it with a reason.

Each is one transaction and audited. A request is decided once: two people deciding at the
same time, the second is told it was decided already. Nobody decides their own request.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.models import Person
from jifen.recording.models import Activity, LeaveRequest
from jifen.recording.services import Mark, attendance_current, attendance_record, attendance_roster

Status = LeaveRequest.Status


@transaction.atomic
def leave_ask(*, activity: Activity, person: Person, reason: str, actor: User) -> LeaveRequest:
    """A member's request for leave from an activity not yet held, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请写明请假原因")})
    if activity.cancelled:
        raise ValidationError(_("活动已取消，无须请假"))
    if activity.date < clock.today():
        raise ValidationError(_("活动已经举行，不能再请假；如有异议请联系记分员"))
    if person not in attendance_roster(activity):
        raise ValidationError(_("活动当天您不属于举办活动的组织，无须请假"))
    if person.pk in attendance_current(activity):
        raise ValidationError(_("您的签到已经记录，不能再请假；如有异议请联系记分员"))
    try:
        with transaction.atomic():
            leave = LeaveRequest.objects.create(
                activity=activity, person=person, reason=reason[:500], asked_by=actor
            )
    except IntegrityError:  # a pending or approved request exists (another tab, a double click)
        raise ValidationError(_("您已经为这次活动请过假")) from None
    audit_record(
        action="leave.ask",
        actor=actor,
        target=leave,
        summary=f"{person.name} 请假：{activity.date} {activity.title}（{reason}）",
    )
    return leave


def _claim(leave: LeaveRequest, actor: User, status: str, refusal: str = "") -> LeaveRequest:
    if leave.person.user_id == actor.pk:
        raise ValidationError(_("不能审批自己的请假"))
    now = clock.now()
    claimed = LeaveRequest.objects.filter(pk=leave.pk, status=Status.PENDING).update(
        status=status, decided_by=actor, decided_at=now, refusal=refusal
    )
    if not claimed:
        raise ValidationError(_("这份请假已由他人处理"))
    leave.status, leave.decided_by, leave.decided_at, leave.refusal = status, actor, now, refusal
    return leave


@transaction.atomic
def leave_approve(*, leave: LeaveRequest, actor: User) -> LeaveRequest:
    """Approve: the member's mark for the activity becomes 请假 (excused), with the reason."""
    leave = _claim(leave, actor, Status.APPROVED)
    attendance_record(
        activity=leave.activity,
        marks={leave.person.pk: Mark("excused", f"请假：{leave.reason}")},
        actor=actor,
    )
    audit_record(
        action="leave.approve",
        actor=actor,
        target=leave,
        summary=f"准假：{leave.person.name} {leave.activity.date} {leave.activity.title}",
    )
    return leave


@transaction.atomic
def leave_refuse(*, leave: LeaveRequest, reason: str, actor: User) -> LeaveRequest:
    """Refuse, saying why; nothing is recorded in the ledger."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"refusal": _("不准假须写明理由")})
    leave = _claim(leave, actor, Status.REFUSED, reason[:500])
    audit_record(
        action="leave.refuse",
        actor=actor,
        target=leave,
        summary=(
            f"不准假：{leave.person.name} {leave.activity.date} {leave.activity.title}（{reason}）"
        ),
    )
    return leave


def pending_leaves(activity: Activity) -> list[LeaveRequest]:
    """The requests waiting on the activity's page, oldest first."""
    rows = LeaveRequest.objects.filter(activity=activity, status=Status.PENDING)
    return list(rows.select_related("person").order_by("asked_at", "id"))
