"""A long file of monthly figures applied as a job (jifen.core.jobs) by ``jifen worker``.

The page has checked the file already (its problems are shown at once); the job keeps the file
and checks it again when it runs — the members may have changed while it waited in the queue —
then writes it, all or nothing, as the page would.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from jifen.core.job_progress import Progress
from jifen.core.jobs import Done, JobFailedError, Kind, job_enqueue, job_kind_register
from jifen.core.models import Job
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.monthly import Applied, Checked, monthly_apply, monthly_check

KIND = "monthly.apply"
SHOWN_PROBLEMS = 10


def rows_of(checked: Checked) -> int:
    return len({figure.row for figure in checked.figures})


def in_background(checked: Checked) -> bool:
    return rows_of(checked) > settings.JOB_ROWS


def applied_message(applied: Applied) -> str:
    return (
        f"导入完成：新增 {applied.new} 项，更正 {applied.changed} 项，"
        f"{applied.unchanged} 项与已导入的相同（未重复记录）"
    )


def monthly_enqueue(
    *,
    organization: Organization,
    checked: Checked,
    data: bytes,
    filename: str,
    actor: User,
    absent: str = "",
) -> Job:
    """``absent``: the decision taken on the members the file leaves out (monthly_absent),
    kept with their ids — the worker applies it to exactly those people."""
    return job_enqueue(
        kind=KIND,
        organization=organization,
        actor=actor,
        arguments={
            "year": checked.year,
            "month": checked.month,
            "filename": filename,
            "absent": absent,
            "absent_ids": [a.person.pk for a in checked.absent],
        },
        data=data,
        summary=f"：{checked.year}年{checked.month}月 {filename}，{rows_of(checked)} 行",
    )


def _apply(job: Job, progress: Progress) -> Done:
    arguments = job.arguments
    checked = monthly_check(
        organization=job.organization,
        year=arguments["year"],
        month=arguments["month"],
        data=bytes(job.data),
        progress=lambda row, rows: progress(row, 2 * rows),
    )
    if checked.problems:
        shown = "；".join(str(problem) for problem in checked.problems[:SHOWN_PROBLEMS])
        more = "……" if len(checked.problems) > SHOWN_PROBLEMS else ""
        raise JobFailedError(
            f"文件有 {len(checked.problems)} 处问题，没有导入任何数据：{shown}{more}"
        )
    if [a.person.pk for a in checked.absent] != arguments.get("absent_ids", []):
        names = "、".join(a.person.name for a in checked.absent) or "（没有）"
        raise JobFailedError(
            "排队期间党员有了变化，文件中没有的党员已不是确认时的那些"
            f"（现在是：{names}），没有导入任何数据。请重新上传并确认。"
        )
    rows = rows_of(checked)
    applied = monthly_apply(
        organization=job.organization,
        checked=checked,
        filename=arguments["filename"],
        actor=job.requested_by,
        absent=arguments.get("absent", ""),
        progress=lambda step, of: progress(rows + rows * step // of, 2 * rows),
    )
    counts = {"new": applied.new, "changed": applied.changed, "unchanged": applied.unchanged}
    return Done(applied_message(applied), result={"counts": counts})


def _month_sheet(job: Job) -> str:
    return reverse(
        "ledger:month_sheet",
        kwargs={
            "org_id": job.organization_id,
            "year": job.arguments["year"],
            "month": job.arguments["month"],
        },
    )


def register() -> None:
    job_kind_register(
        Kind(name=KIND, title="导入月度数据", action=Action.RECORD, run=_apply, back=_month_sheet)
    )
