from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


class Activity(models.Model):
    """三会一课, 主题党日, 集中学习 …: typed by the adopted rulebook's attendance item."""

    organization = models.ForeignKey(
        Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="activities"
    )
    item = models.CharField("类型（积分项目）", max_length=64)
    title = models.CharField("主题", max_length=200)
    date = models.DateField("日期", db_index=True)
    place = models.CharField("地点", max_length=200, blank=True)
    organizer = models.CharField("组织者", max_length=100, blank=True)
    content = models.TextField("内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    @property
    def ref(self) -> str:
        """How ledger entries name the activity they came from."""
        return f"activity:{self.pk}"
