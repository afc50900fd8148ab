"""A large roster as jobs (jifen.core.jobs): reading and checking a large file, and applying a
long one — what the page does within the request for a small one — run by ``jifen worker``
with a progress bar on the page.

The messages are the page's: the same words whether the apply ran in the request or in a job.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from jifen.core.job_progress import Progress
from jifen.core.jobs import Done, JobFailedError, Kind, job_enqueue, job_kind_register
from jifen.core.models import Job
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.roster import services
from jifen.roster.models import RosterImport
from jifen.roster.reading import RosterFileError, table_read

KIND = "roster.apply"
CHECK = "roster.check"


def closed_message(done: RosterImport) -> tuple[str, str]:
    """(level, message) for an import applied or discarded before, or found invalid."""
    if done.status == RosterImport.Status.APPLIED:
        when = timezone.localtime(done.applied_at).strftime("%Y-%m-%d %H:%M")
        return "warning", f"这个文件已于 {when} 导入，没有重复导入。"
    if done.status == RosterImport.Status.DISCARDED:
        return "warning", "这次导入已放弃，不能再导入。请重新上传文件。"
    return "error", "文件有错误，不能导入。请改正后重新上传。"


def outcome_message(outcome: services.Outcome) -> tuple[str, str]:
    counts = outcome.counts
    if outcome.kind == "applied":
        return "success", (
            f"导入完成：新增 {counts['new']} 人，更新 {counts['update']} 人，"
            f"转接 {counts['transfer']} 人，{counts['unchanged']} 人没有变化。"
        )
    if outcome.kind == "changed":
        return "warning", (
            "预览之后系统中的数据有了变化，没有导入。下面是按最新数据重新生成的预览，请再次确认。"
        )
    return "error", "预览之后系统中的数据有了变化，文件现在有错误，没有导入。请查看下面的错误。"


def in_background(roster_import: RosterImport) -> bool:
    """A pending import longer than JOB_ROWS rows is applied by the worker."""
    return (
        roster_import.status == RosterImport.Status.PENDING
        and len(roster_import.rows) > settings.JOB_ROWS
    )


def active_job(roster_import: RosterImport) -> Job | None:
    """The queued or running job applying this import, if any: a second click goes there."""
    return (
        Job.objects.filter(
            kind=KIND,
            arguments__import_id=roster_import.pk,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .defer("data")
        .first()
    )


def apply_enqueue(*, roster_import: RosterImport, actor: User) -> Job:
    return active_job(roster_import) or job_enqueue(
        kind=KIND,
        organization=roster_import.organization,
        actor=actor,
        arguments={"import_id": roster_import.pk},
        summary=f"：{roster_import.filename}，{len(roster_import.rows)} 行",
    )


def _apply(job: Job, progress: Progress) -> Done:
    roster_import = RosterImport.objects.select_related("organization").get(
        pk=job.arguments["import_id"]
    )
    try:
        outcome = services.roster_import_apply(
            roster_import=roster_import, actor=job.requested_by, progress=progress
        )
    except services.ImportClosedError as closed:
        return Done(closed_message(closed.roster_import)[1], ok=False)
    return Done(
        outcome_message(outcome)[1], ok=outcome.kind == "applied", result={"counts": outcome.counts}
    )


def _preview(job: Job) -> str:
    return reverse(
        "roster:preview",
        kwargs={"org_id": job.organization_id, "import_id": job.arguments["import_id"]},
    )


def check_in_background(data: bytes) -> bool:
    """A file this large is read and checked by the worker (about 2 s at JOB_CHECK_BYTES)."""
    return len(data) > settings.JOB_CHECK_BYTES


def check_enqueue(*, organization: Organization, data: bytes, filename: str, actor: User) -> Job:
    return job_enqueue(
        kind=CHECK,
        organization=organization,
        actor=actor,
        arguments={"filename": filename},
        data=data,
        summary=f"：{filename}，{len(data) // 1024} KB",
    )


def _check(job: Job, progress: Progress) -> Done:
    """Read and check an uploaded roster: what the upload page does for a small file."""
    filename = job.arguments["filename"]
    progress(0, 2)
    try:
        table = table_read(bytes(job.data), filename)
    except RosterFileError as error:
        raise JobFailedError(str(error)) from None
    progress(1, 2)
    roster_import = services.roster_import_create(
        organization=job.organization, table=table, filename=filename, actor=job.requested_by
    )
    link = reverse(
        "roster:preview", kwargs={"org_id": job.organization_id, "import_id": roster_import.pk}
    )
    errors = len(roster_import.errors)
    found = f"有 {errors} 处错误" if errors else "没有错误"
    message = f"已读取并检查 {len(table.rows)} 行，{found}。请查看预览。"
    return Done(message, link=link, result={"import_id": roster_import.pk})


def _upload_page(job: Job) -> str:
    return reverse("roster:import", kwargs={"org_id": job.organization_id})


def register() -> None:
    job_kind_register(
        Kind(name=KIND, title="导入花名册", action=Action.MANAGE_PEOPLE, run=_apply, back=_preview)
    )
    job_kind_register(
        Kind(
            name=CHECK,
            title="检查花名册",
            action=Action.MANAGE_PEOPLE,
            run=_check,
            back=_upload_page,
            follow=True,
        )
    )
