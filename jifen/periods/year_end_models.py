"""The year end's own records: the branch reports its signed year-end sheet to the level above
(上报), which approves it (审核通过) or returns it with a reason (退回). Append-only, like every
record of the close; the latest step of the latest signature counts. The signature itself, the
public notice and the objections are the quarter's models (``Signature.quarter`` = 0)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyModel
from jifen.periods.models import Signature


class YearEndStep(AppendOnlyModel):
    """One step of a year-end sheet's way up: who, when, which figures (the signed sheet's
    SHA-256, copied so the record says what was decided even on its own) and why."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", gettext_noop("上报")
        APPROVE = "approve", gettext_noop("审核通过")
        RETURN = "return", gettext_noop("退回")

    refusal = "年度上报与审核记录不能修改或删除；请重新上报或重新审核"

    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="year_steps")
    kind = models.CharField("环节", max_length=8, choices=Kind.choices)
    sheet_hash = models.CharField("年度表 SHA-256", max_length=64)
    reason = models.CharField("意见或理由", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "年度上报与审核"
        verbose_name_plural = "年度上报与审核"
        db_table = appendonly.register("periods_yearendstep")
        ordering = ["at", "pk"]
