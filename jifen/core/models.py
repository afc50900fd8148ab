"""Work that may take longer than a page should wait runs as a job: a row here, taken and run by
``jifen worker`` (jifen/core/jobs.py; docs/decisions.md says why a table and not Celery)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


class Job(models.Model):
    """One piece of work asked for on a page: what kind, for which organization, by whom, with
    which arguments; where it stands, how far it got, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("种类", max_length=64)
    organization = models.ForeignKey(
        Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+"
    )
    arguments = models.JSONField("参数", default=dict)
    # An uploaded file the job reads (a month's figures): kept only until the job ends, since
    # such files carry names and ID numbers.
    data = models.BinaryField("文件", default=b"", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总量", default=0)
    message = models.CharField("说明", max_length=1000, blank=True)
    result = models.JSONField("结果", default=dict)
    # host:pid of the worker running it: a worker restarted on the same host finds the jobs
    # its dead predecessor left running (jifen.core.jobs.jobs_orphaned_fail).
    worker = models.CharField("工作进程", max_length=100, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="core_job_queue")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}（{self.get_status_display()}）"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
