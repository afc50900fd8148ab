"""Organization assessment rounds: the frozen rulebook, the sheets, spot checks, reopenings.

A sheet holds what an organization (self) or the committee (assessors) filled in; only a
submitted sheet becomes engine facts (``jifen.assessments.facts``). A submitted sheet is locked:
it changes only after a recorded reopen (``SheetReopen``, append-only, audited).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyModel
from jifen.orgs.models import Organization
from jifen.recording.models import StoredFile


class Round(models.Model):
    """One assessment round opened by a committee: a half-year or a year, one rulebook (kept
    as text, like ``rulebooks.Adoption``, so a later release never changes the round)."""

    class Period(models.TextChoices):
        H1 = "H1", "上半年"
        H2 = "H2", "下半年"
        Y = "Y", "全年"

    owner = models.ForeignKey(
        Organization, verbose_name="组织考核的党组织", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("考核轮次", max_length=2, choices=Period.choices)
    title = models.CharField("名称", max_length=200)
    rulebook_id = models.CharField("考核办法", max_length=64)
    rulebook_version = models.CharField("版本", max_length=32)
    yaml_text = models.TextField("规则全文")
    organizations = models.ManyToManyField(
        Organization, verbose_name="参加考核的组织", related_name="assessment_rounds"
    )
    self_deadline = models.DateField("自评截止日期")
    committee_deadline = models.DateField("考评截止日期")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Results are publicized like members' scores (公示): for working days counted with the
    # Chinese calendar from the day they are published.
    notice_starts = models.DateField("公示开始", null=True, blank=True)
    notice_ends = models.DateField("公示截止", null=True, blank=True)

    class Meta:
        verbose_name = "考核轮次"
        verbose_name_plural = "考核轮次"
        ordering = ["-year", "-period", "-id"]

    def __str__(self) -> str:
        return self.title


class Sheet(models.Model):
    """One organization's sheet of one round from one source. ``collection`` is the half for
    a rulebook that collects the self sheet twice a year (seed002: June and December)."""

    class Source(models.TextChoices):
        SELF = "self", "自评"
        COMMITTEE = "committee", "考评"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sheets")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    collection = models.CharField("期次", max_length=2, choices=Round.Period.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "考核表"
        verbose_name_plural = "考核表"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization", "source", "collection"], name="one_sheet"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.organization} {self.get_source_display()}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class SheetValue(models.Model):
    """A score (``score`` items) or a grade label (``graded`` items) with a note."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="values")
    item = models.CharField("项目", max_length=64)
    score = models.DecimalField("分数", max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等次", max_length=16, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    # An item the records decide (``computed.py``): how the records computed it, kept once the
    # assessor confirmed it; empty otherwise.
    computed = models.CharField("由记录计算（考核人已确认）", max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="one_value_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.score if self.score is not None else self.grade}"


class SheetDeduction(models.Model):
    """One deduction on a ``deduct`` item, always with its written reason."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="deductions")
    item = models.CharField("项目", max_length=64)
    points = models.DecimalField("扣分", max_digits=6, decimal_places=2)
    reason = models.CharField("扣分原因", max_length=500)

    def __str__(self) -> str:
        return f"{self.item} −{self.points}（{self.reason}）"


class SheetLink(models.Model):
    """A link from an item to one of Jifen's own records (an activity, a declaration, a month
    sheet), given as the ledger's reference form (``activity:12``)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="links")
    item = models.CharField("项目", max_length=64, blank=True)
    ref = models.CharField("记录", max_length=64)
    label = models.CharField("说明", max_length=200, blank=True)

    def __str__(self) -> str:
        return self.label or self.ref


class SheetFile(StoredFile):
    """Evidence for a sheet (材料清单、照片、PDF), kept by the shared evidence store."""

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="files")
    item = models.CharField("项目", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "考核材料"
        verbose_name_plural = "考核材料"


class SheetReopen(AppendOnlyModel):
    """The committee reopened a submitted sheet: who, when, why. Never changed or deleted."""

    refusal = "退回记录不能修改或删除"

    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="reopens")
    reason = models.CharField("退回原因", max_length=500)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = appendonly.register("assessments_sheetreopen")
        ordering = ["reopened_at", "id"]


class SpotCheck(AppendOnlyModel):
    """A spot-check finding (日常抽检, 专题抽检): date, text, the items it concerns. A finding
    is a record of what was seen; it is never changed (a later finding may say more)."""

    refusal = "抽检记录不能修改或删除；如有补充请另记一条"

    class Kind(models.TextChoices):
        DAILY = "daily", "日常抽检"
        SPECIAL = "special", "专题抽检"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="spot_checks")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    date = models.DateField("日期")
    text = models.TextField("发现的情况")
    items = models.JSONField("涉及项目", default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = appendonly.register("assessments_spotcheck")
        ordering = ["date", "id"]


class SpotCheckFile(StoredFile):
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="files")

    class Meta:
        verbose_name = "抽检材料"
        verbose_name_plural = "抽检材料"
