from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from jifen.core import appendonly, clock
from jifen.core.appendonly import AppendOnlyError, AppendOnlyModel

__all__ = ["GENESIS", "AppendOnlyError", "AuditEvent", "AuditHead", "RepeatTally"]

# The hash "before" the first event, as the ledger's chains start (jifen.ledger.models.GENESIS).
GENESIS = "0" * 64


def _now() -> dt.datetime:
    # Looked up when an event is made, so a test holding the clock holds the event's time too.
    return clock.now()


class AuditEvent(AppendOnlyModel):
    """One write or one refused access: who, when, what, from where. Never changed or deleted.

    The events form one hash chain for the installation (jifen.audit.chain): ``seq`` numbers
    them one after another, ``hash`` covers the event's content and the hash before it, so a
    row edited, removed or slipped in by someone who owns the database breaks the chain."""

    refusal = "审计记录不能修改或删除"

    at = models.DateTimeField("时间", default=_now, db_index=True)
    # Kept as text too, so the record still says who it was if the account is later renamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    target = models.CharField("对象", max_length=200, blank=True, db_index=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("请求路径", max_length=500, blank=True)
    seq = models.PositiveBigIntegerField("序号", unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        db_table = appendonly.register("audit_auditevent")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An event saved without its place in the chain (``AuditEvent.objects.create``) takes
        # the next one: no way through the ORM writes an event the chain does not hold.
        if self._state.adding and self.seq is None:
            from jifen.audit.chain import events_append  # noqa: PLC0415 (chain imports models)

            events_append([self])
            return
        super().save(*args, **kwargs)

    @property
    def repeats(self) -> int:
        """How many refusals or failed logins this summary event stands for (0: a plain one)."""
        return (
            int((self.detail or {}).get("repeats", 0)) if self.action.endswith(".repeated") else 0
        )

    @property
    def repeats_text(self) -> str:
        return f"{self.repeats:,}"

    def _repeat_time(self, key: str) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(str((self.detail or {}).get(key, "")))
        except ValueError:
            return None

    @property
    def repeats_first(self) -> dt.datetime | None:
        return self._repeat_time("first")

    @property
    def repeats_last(self) -> dt.datetime | None:
        return self._repeat_time("last")

    @property
    def repeats_samples(self) -> list[str]:
        return [str(sample) for sample in (self.detail or {}).get("samples", [])]


class AuditHead(models.Model):
    """The end of the audit chain, one row for the installation: appending locks it, so
    events are numbered one after another however many requests write at once."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    head = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "审计日志链头"
        verbose_name_plural = "审计日志链头"

    def __str__(self) -> str:
        return f"审计日志 #{self.seq}"


class RepeatTally(models.Model):
    """Refusals or failed logins repeated within a window, counted here instead of written one
    event each (jifen.audit.repeats): a scan of thousands of addresses leaves a few events and
    one summary. Mutable on purpose — it is a counter, not a record; what it counts reaches the
    audit log as a summary event when the window closes."""

    action = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # "" for no address: a NULL would make every anonymous key distinct to the unique constraint.
    ip = models.CharField(max_length=45, blank=True)
    opened = models.DateTimeField()
    written = models.PositiveIntegerField(default=0)  # written in full within the window
    count = models.PositiveIntegerField(default=0)  # counted, not yet in the log
    first = models.DateTimeField(null=True, blank=True)
    last = models.DateTimeField(null=True, blank=True)
    samples = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "actor", "ip"], name="audit_repeat_key"),
            # The unique constraint treats NULL actors as distinct: anonymous keys need their own.
            models.UniqueConstraint(
                fields=["action", "ip"],
                condition=models.Q(actor__isnull=True),
                name="audit_repeat_key_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.actor_id or '-'} {self.ip} ×{self.count}"
