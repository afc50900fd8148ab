"""A monthly figures file that leaves members out waits here for the decision on them.

``monthly_upload_create`` keeps the file and the members its preview named;
``monthly_upload_apply`` checks the file again, and applies it with the decision only if the
members left out are still exactly those the person saw (otherwise the preview is renewed and
nothing is written); ``monthly_upload_discard`` drops it. Each is one transaction, audited; a
pending upload is claimed once, so a second click or another tab cannot apply it twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.core.models import Job
from jifen.orgs.models import Organization
from jifen.recording.models import MonthlyUpload
from jifen.recording.monthly import Applied, Checked, absent_decision, monthly_apply
from jifen.recording.monthly_jobs import in_background, monthly_enqueue

Status = MonthlyUpload.Status


@transaction.atomic
def monthly_upload_create(
    *, organization: Organization, checked: Checked, data: bytes, filename: str, actor: User
) -> MonthlyUpload:
    upload = MonthlyUpload.objects.create(
        organization=organization,
        uploaded_by=actor,
        filename=filename[:255],
        year=checked.year,
        month=checked.month,
        data=data,
        absent=[absent.person.pk for absent in checked.absent],
    )
    audit_record(
        action="monthly.upload",
        actor=actor,
        target=upload,
        summary=(
            f"上传 {checked.year}年{checked.month}月数据 {upload.filename} 到 {organization.name}："
            f"文件中没有本月的 {len(checked.absent)} 名党员，待确认"
        ),
        detail={"absent": upload.absent},
    )
    return upload


class UploadClosedError(Exception):
    """Applied or discarded before (a second click, another tab)."""


@dataclass(frozen=True)
class Outcome:
    """``applied`` (with the counts) or ``queued`` (with the job); or ``changed``: the members
    left out are not those previewed any more, the upload now names the new ones."""

    kind: str
    applied: Applied | None = None
    job: Job | None = None


def _claim(upload: MonthlyUpload, status: str, decision: str = "") -> None:
    claimed = MonthlyUpload.objects.filter(pk=upload.pk, status=Status.PENDING).update(
        status=status, decision=decision, data=b""
    )
    if not claimed:
        raise UploadClosedError(upload.pk)


@transaction.atomic
def monthly_upload_apply(
    *, upload: MonthlyUpload, checked: Checked, decision: str, actor: User
) -> Outcome:
    """Apply ``checked`` (the upload's file checked again, without problems) with the decision
    on the members it leaves out; ValidationError when no decision was made."""
    now_absent = [absent.person.pk for absent in checked.absent]
    if now_absent != upload.absent:
        MonthlyUpload.objects.filter(pk=upload.pk, status=Status.PENDING).update(absent=now_absent)
        upload.absent = now_absent
        return Outcome("changed")
    absent_decision(checked, decision)
    data = bytes(upload.data)
    _claim(upload, Status.APPLIED, decision)
    if in_background(checked):
        job = monthly_enqueue(
            organization=upload.organization,
            checked=checked,
            data=data,
            filename=upload.filename,
            actor=actor,
            absent=decision,
        )
        return Outcome("queued", job=job)
    applied = monthly_apply(
        organization=upload.organization,
        checked=checked,
        filename=upload.filename,
        actor=actor,
        absent=decision,
    )
    return Outcome("applied", applied=applied)


@transaction.atomic
def monthly_upload_discard(*, upload: MonthlyUpload, actor: User) -> None:
    _claim(upload, Status.DISCARDED)
    audit_record(
        action="monthly.discard",
        actor=actor,
        target=upload,
        summary=f"放弃导入 {upload.year}年{upload.month}月数据 {upload.filename}",
    )
