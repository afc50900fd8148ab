"""Spreadsheet uploads (a roster, an organization tree) waiting between preview and apply."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


class Upload(models.Model):
    """What every spreadsheet import keeps between its preview and its application: who
    uploaded which file into which organization, its rows as read, the problems found, and
    where it stands. The file itself is not kept; the rows are (as text, dates as YYYY-MM-DD),
    so applying checks them again against the database as it is then."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        INVALID = "invalid", "有错误"
        APPLIED = "applied", "已导入"
        DISCARDED = "discarded", "已放弃"

    organization = models.ForeignKey(
        Organization, verbose_name="导入到", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField("文件名", max_length=255)
    file_format = models.CharField("格式", max_length=8)
    encoding = models.CharField("编码", max_length=32, blank=True)
    # [{"row": 2, "cells": […]}, …] — every data row, as read.
    rows = models.JSONField("数据行", default=list)
    errors = models.JSONField("错误", default=list)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"


class RosterImport(Upload):
    """One uploaded roster: besides its rows, the headers it had and the plan last previewed."""

    headers = models.JSONField("表头", default=list)
    ignored_headers = models.JSONField("未使用的列", default=list)
    numeric_cells = models.JSONField(default=list)
    plan = models.JSONField("变更", default=dict)
    result = models.JSONField("导入结果", default=dict)

    class Meta(Upload.Meta):
        verbose_name = "花名册导入"
        verbose_name_plural = "花名册导入"


class TreeImport(Upload):
    """An uploaded organization tree (组织树导入): besides its rows, the organizations it would
    create."""

    plan = models.JSONField("将新建的组织", default=list)

    class Meta(Upload.Meta):
        verbose_name = "组织树导入"
        verbose_name_plural = "组织树导入"
