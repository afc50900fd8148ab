"""The quarter's close: members' confirmations, the secretary's signatures, public notices (公示),
objections, their findings and escalations. Every record here is append-only: a new decision is a
new row, nothing is edited or deleted (the model refuses and a database trigger refuses)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyModel
from jifen.ledger.models import Seal
from jifen.orgs.models import Organization, Person

# The choices' labels stay Chinese in the records (audit summaries); gettext_noop marks them for
# the catalogue, and pages and forms translate them where they show them.


class Confirmation(AppendOnlyModel):
    """A member confirms, or disputes with a reason, their quarter's score. The latest counts."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", gettext_noop("确认")
        DISPUTE = "dispute", gettext_noop("有异议")

    refusal = "确认记录不能修改或删除；请重新确认"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("意见", max_length=8, choices=Kind.choices)
    reason = models.CharField("理由", max_length=500, blank=True)
    row_hash = models.CharField(max_length=64)  # the member's row as confirmed
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "季度得分确认"
        verbose_name_plural = "季度得分确认"
        db_table = appendonly.register("periods_confirmation")
        indexes = [models.Index(fields=["organization", "year", "quarter"])]


class Signature(AppendOnlyModel):
    """The branch secretary's 签名确认 of a quarter: who, when and exactly which scores — the
    canonical sheet itself, its SHA-256 and the organization's ledger head at that moment."""

    refusal = "签名记录不能修改或删除；分数有变动时请重新签名"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")  # 0: the year-end sheet (year_end_sheet.py)
    sheet = models.JSONField("签名的季度表")
    sheet_hash = models.CharField("季度表 SHA-256", max_length=64)
    ledger_seq = models.PositiveBigIntegerField("台账序号")
    ledger_head = models.CharField("台账链头", max_length=64)
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签名时间")

    class Meta:
        verbose_name = "支部书记签名"
        verbose_name_plural = "支部书记签名"
        db_table = appendonly.register("periods_signature")
        indexes = [models.Index(fields=["organization", "year", "quarter"])]
        ordering = ["signed_at", "pk"]


class Notice(AppendOnlyModel):
    """A public notice (公示) of one signature's sheet, for ``working_days`` working days."""

    refusal = "公示记录不能修改或删除；需要重新公示时请重新开启"

    signature = models.ForeignKey(Signature, on_delete=models.PROTECT, related_name="notices")
    opened_on = models.DateField("开启日期")
    starts = models.DateField("公示开始")
    ends = models.DateField("公示截止")  # the last working day, inclusive
    working_days = models.PositiveSmallIntegerField("工作日数")
    holidays_known = models.BooleanField("节假日已知", default=True)
    how_to_object = models.CharField("异议方式", max_length=500)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("开启时间")

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        db_table = appendonly.register("periods_notice")
        ordering = ["opened_at", "pk"]


class Objection(AppendOnlyModel):
    """An objection to a notice, filed by a member or a 群众代表 inside the window."""

    refusal = "异议记录不能修改或删除"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    person = models.ForeignKey(
        Person,
        verbose_name="涉及党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField("异议内容", max_length=1000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_role = models.CharField("身份", max_length=32)
    filed_at = models.DateTimeField("提出时间")

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        db_table = appendonly.register("periods_objection")
        ordering = ["filed_at", "pk"]


class Level(models.TextChoices):
    BRANCH = "branch", gettext_noop("支委会调查")
    GENERAL = "general", gettext_noop("党总支专项查核")


class Finding(AppendOnlyModel):
    """What the branch committee (or, escalated, the general branch) found. One per level; the
    general branch's is final."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", gettext_noop("异议成立")
        REJECTED = "rejected", gettext_noop("异议不成立")

    refusal = "查核结论不能修改或删除"

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="findings")
    level = models.CharField("层级", max_length=8, choices=Level.choices)
    outcome = models.CharField("结论", max_length=8, choices=Outcome.choices)
    text = models.CharField("调查情况", max_length=1000)
    corrections = models.JSONField("更正的台账记录", default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "查核结论"
        verbose_name_plural = "查核结论"
        db_table = appendonly.register("periods_finding")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objection", "level"], name="one_finding_per_level")
        ]


class Escalation(AppendOnlyModel):
    """A member asks the general branch for 专项查核 — once per objection."""

    refusal = "申请记录不能修改或删除"

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="escalation")
    reason = models.CharField("理由", max_length=1000)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "专项查核申请"
        verbose_name_plural = "专项查核申请"
        db_table = appendonly.register("periods_escalation")


class HolidaySchedule(AppendOnlyModel):
    """One version of a year's State Council holiday schedule (国务院办公厅节假日安排), entered
    where the ``chinese-calendar`` package does not know the year. National, not per
    organization: one schedule per installation. A correction is a new version; the latest
    version of a year counts (docs/decisions.md)."""

    class Source(models.TextChoices):
        PAGE = "page", gettext_noop("页面录入")
        FILE = "file", gettext_noop("文件导入")

    refusal = "节假日安排不能修改或删除；请录入新的版本"

    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本")
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        db_table = appendonly.register("periods_holidayschedule")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="holiday_year_version")
        ]


class HolidayDay(AppendOnlyModel):
    """A day of a schedule: a day off (假日), or a weekend day that is a working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", gettext_noop("假日")
        WORKDAY = "workday", gettext_noop("调休上班")

    refusal = "节假日安排不能修改或删除；请录入新的版本"

    schedule = models.ForeignKey(HolidaySchedule, on_delete=models.PROTECT, related_name="days")
    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("名称", max_length=40, blank=True)

    class Meta:
        db_table = appendonly.register("periods_holidayday")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "day"], name="holiday_schedule_day")
        ]


class MonthSignature(AppendOnlyModel):
    """The branch secretary's signature (支部书记签名) of one month's 考核表 (seed 003): who,
    when and exactly which figures — the canonical sheet, its SHA-256 and the organization's
    ledger head. It seals nothing: a later change to the month's figures shows as a difference
    from what was signed until the secretary signs again (docs/decisions.md)."""

    refusal = "月度考核表的签名记录不能修改或删除；分数有变动时请重新签名"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")  # 1..12 of the rulebook's scoring year
    sheet = models.JSONField("签名的考核表")
    sheet_hash = models.CharField("考核表 SHA-256", max_length=64)
    ledger_seq = models.PositiveBigIntegerField("台账序号")
    ledger_head = models.CharField("台账链头", max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签名时间")

    class Meta:
        verbose_name = "月度考核表签名"
        verbose_name_plural = "月度考核表签名"
        db_table = appendonly.register("periods_monthsignature")
        indexes = [models.Index(fields=["organization", "year", "month"])]
        ordering = ["signed_at", "pk"]


# The year end's steps live in their own module; imported here so Django finds the model.
from jifen.periods.year_end_models import YearEndStep  # noqa: E402

__all__ = ["YearEndStep"]
