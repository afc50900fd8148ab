"""Jobs: work asked for on a page that may take longer than a page should wait (a roster of
tens of thousands, a month's figures for a whole committee), run by ``jifen worker``.

A job is a row (jifen.core.models.Job). A page enqueues it and shows its progress; a worker
claims it, runs the handler registered for its kind, and records what came of it. Apps register
their kinds (``job_kind_register`` in their AppConfig.ready), so this module knows none of them.

- **Claiming** is safe with several workers: on PostgreSQL the next queued row is locked with
  ``FOR UPDATE SKIP LOCKED`` (another worker skips it instead of waiting), and the move to
  ``running`` is a conditional UPDATE (``WHERE status = 'queued'``) that only one claim can win
  — on SQLite, where the first does nothing, that UPDATE alone decides.
- **All or nothing**: the handler runs in one transaction. A failure rolls everything back and
  leaves a Chinese message for the page; the traceback goes to the log, never to the user.
- **Audit**: enqueueing is recorded as the user who asked (the request's context), and so are
  the handler's writes and the job's end — the worker acts for that user.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.context import audit_context
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.job_progress import Progress, progress_forget
from jifen.core.models import Job
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization

logger = logging.getLogger(__name__)
Status = Job.Status

# What the user reads when a job fails for a reason nobody foresaw: the details are in the log.
UNEXPECTED = "任务出错，没有写入任何数据。请把任务编号 {pk} 告诉系统管理员（服务器日志中有详情）。"
ORPHANED = "任务在运行中被中断（工作进程已退出），没有写入任何数据。请重新提交。"
NO_LONGER_ALLOWED = "提交任务的人现在已没有这项权限，任务没有执行，没有写入任何数据。"


@dataclass(frozen=True)
class Done:
    """What a handler reports: a message for the page, a link back, what it produced. ``ok``
    False: nothing was applied, for a reason the message gives (the data moved since the
    preview …); the handler's own bookkeeping (a new preview) is kept."""

    message: str
    link: str = ""  # where to go back to, if not the kind's usual page
    result: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


class JobFailedError(Exception):
    """Raised by a handler: nothing is written, and the message is shown to the user as is."""


Handler = Callable[[Job, Progress], Done]


@dataclass(frozen=True)
class Kind:
    name: str  # "roster.apply"
    title: str  # 导入花名册, shown on the job page
    # Who may see the job: this action on its organization (the door, jifen.orgs.access).
    action: Action
    run: Handler
    # The page to go back to when the job ends (the preview, the month's sheet).
    back: Callable[[Job], str]
    # A step on the way, not an end (reading a file leads to its preview): when it is done the
    # job page goes on to its link by itself.
    follow: bool = False


KINDS: dict[str, Kind] = {}


def job_kind_register(kind: Kind) -> None:
    KINDS[kind.name] = kind


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@transaction.atomic
def job_enqueue(
    *,
    kind: str,
    organization: Organization,
    actor: User,
    arguments: dict[str, Any],
    data: bytes = b"",
    summary: str = "",
) -> Job:
    """Queue a job of a registered kind; audited as ``actor`` (the user on the page)."""
    title = KINDS[kind].title
    job = Job.objects.create(
        kind=kind, organization=organization, requested_by=actor, arguments=arguments, data=data
    )
    audit_record(
        action="job.enqueue",
        actor=actor,
        target=job,
        summary=f"提交后台任务 #{job.pk}：{title}（{organization.name}）{summary}"[:500],
        detail={"kind": kind, "arguments": arguments},
    )
    return job


def job_claim(worker: str | None = None) -> Job | None:
    """The oldest queued job, now running under ``worker``; None when there is none."""
    worker = worker or worker_name()
    while True:
        with transaction.atomic():
            candidate = (
                Job.objects.select_for_update(skip_locked=True)
                .filter(status=Status.QUEUED)
                .order_by("created_at", "id")
                .values_list("pk", flat=True)
                .first()
            )
            if candidate is None:
                return None
            now = clock.now()
            won = Job.objects.filter(pk=candidate, status=Status.QUEUED).update(
                status=Status.RUNNING, started_at=now, worker=worker
            )
        if won:
            return Job.objects.select_related("organization", "requested_by").get(pk=candidate)
        # Another worker took it between the read and the UPDATE (SQLite ignores the row
        # lock): try the next one.


def _finish(job: Job, status: str, message: str, done: Done | None) -> None:
    fields: dict[str, Any] = {
        "status": status,
        "message": message[:1000],
        "finished_at": clock.now(),
        "data": b"",
    }
    kind = KINDS.get(job.kind)
    link = done.link if done is not None and done.link else (kind.back(job) if kind else "")
    fields["result"] = {**(done.result if done is not None else {}), "link": link}
    if status == Status.DONE:
        fields["done"] = fields["total"] = max(job.total, 1)
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    title = kind.title if kind is not None else job.kind
    audit_record(
        action="job.done" if status == Status.DONE else "job.failed",
        actor=job.requested_by,
        target=job,
        summary=f"后台任务 #{job.pk} {title}：{message}"[:500],
        detail={"kind": job.kind, "status": status},
    )


def _handled(job: Job, progress: Progress) -> tuple[str, str, Done | None]:
    """Run the job's handler in one transaction: (status, message, what it reported)."""
    kind = KINDS.get(job.kind)
    if kind is None:
        return Status.FAILED, f"不认识的任务种类：{job.kind}", None
    if not access.can(job.requested_by, kind.action, job.organization):
        # Asked for by someone whose role has been revoked (or moved) while it waited.
        return Status.FAILED, NO_LONGER_ALLOWED, None
    try:
        with transaction.atomic():
            done = kind.run(job, progress)
    except JobFailedError as error:
        return Status.FAILED, str(error), None
    except ValidationError as error:
        return Status.FAILED, "没有写入任何数据：" + "；".join(error.messages), None
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        return Status.FAILED, UNEXPECTED.format(pk=job.pk), None
    return (Status.DONE if done.ok else Status.FAILED), done.message, done


def job_run(job: Job) -> Job:
    """Run a claimed job to its end, as the user who asked for it; never raises."""
    progress = Progress(job)
    with audit_context(user=job.requested_by, path=f"jifen worker · 任务 #{job.pk}"):
        status, message, done = _handled(job, progress)
        progress.close()
        _finish(job, status, message, done)
    progress_forget(job)
    return job


def jobs_orphaned_fail(worker: str | None = None) -> int:
    """Jobs left running by a worker of this host that is gone (killed, restarted): failed with
    a message. Their transaction died with the worker, so nothing of them was written."""
    host = (worker or worker_name()).split(":")[0]
    count = 0
    for job in Job.objects.filter(status=Status.RUNNING, worker__startswith=f"{host}:"):
        pid = job.worker.rpartition(":")[2]
        if pid.isdigit() and _alive(int(pid)):
            continue
        claimed = Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(status=Status.FAILED)
        if claimed:
            _finish(job, Status.FAILED, ORPHANED, None)
            count += 1
    return count


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
