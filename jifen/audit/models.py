from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyError, AppendOnlyModel

__all__ = ["AppendOnlyError", "AuditEvent"]


class AuditEvent(AppendOnlyModel):
    """One write or one refused access: who, when, what, from where. Never changed or deleted."""

    refusal = "审计记录不能修改或删除"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
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

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        db_table = appendonly.register("audit_auditevent")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"
