from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from jifen.orgs.models import Organization
from jifen.recording.evidence import evidence_store


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
    # Members may check in by scanning the activity's QR code between these two moments.
    checkin_opens = models.DateTimeField("扫码签到开始", null=True, blank=True)
    checkin_closes = models.DateTimeField("扫码签到截止", null=True, blank=True)
    # An activity recorded by mistake is cancelled, never deleted: it stays listed, marked
    # 已取消, its attendance facts voided in the ledger with this reason.
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancel_reason = models.CharField("取消原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    def checkin_is_open(self, now: dt.datetime) -> bool:
        if self.cancelled_at is not None:
            return False
        return bool(self.checkin_opens and self.checkin_closes) and (
            self.checkin_opens <= now < self.checkin_closes  # type: ignore[operator]
        )

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def ref(self) -> str:
        """How ledger entries name the activity they came from."""
        return f"activity:{self.pk}"


class VetoProposal(models.Model):
    """A negative-list fact (负面清单) waiting for the branch committee: it enters the ledger,
    and zeroes the member's year, only when someone other than the proposer confirms it."""

    # The statuses stay Chinese in the audit summaries; pages translate them.
    class Status(models.TextChoices):
        PENDING = "pending", gettext_noop("待支委会确认")
        CONFIRMED = "confirmed", gettext_noop("已确认")
        REJECTED = "rejected", gettext_noop("未确认")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    code = models.CharField("负面清单项目", max_length=64)
    reason = models.CharField("事实与依据", max_length=500)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("支委会意见", max_length=500, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "负面清单认定"
        verbose_name_plural = "负面清单认定"
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.code} {self.get_status_display()}"


class Declaration(models.Model):
    """个人申报: a member asks for points with evidence; the branch decides."""

    # The statuses stay Chinese in the audit summaries; pages translate them.
    class Status(models.TextChoices):
        SUBMITTED = "submitted", gettext_noop("待审核")
        RETURNED = "returned", gettext_noop("退回补充材料")
        APPROVED = "approved", gettext_noop("已通过")
        REJECTED = "rejected", gettext_noop("未通过")
        DISPUTED = "disputed", gettext_noop("提交支委会")
        # The branch approved; the rulebook's category wants the committee's approval too
        # (``committee_approval``): nothing is in the ledger until the committee approves.
        AWAITING = "awaiting", gettext_noop("待党委审批")

    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="declarations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    item = models.CharField("申报项目", max_length=64)
    date = models.DateField("日期")
    description = models.TextField("事由")
    points_asked = models.DecimalField("申报分数", max_digits=6, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    points_granted = models.DecimalField(
        "核定分数", max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    committee_note = models.CharField("支委会决定", max_length=500, blank=True)
    # The committee's (党委) approval or return, where the rulebook asks for it.
    above_note = models.CharField("党委审批意见", max_length=500, blank=True)
    above_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    above_at = models.DateTimeField("党委审批时间", null=True, blank=True)
    entry = models.OneToOneField(
        "ledger.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "个人申报"
        verbose_name_plural = "个人申报"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.item} {self.points_asked}"

    @property
    def ref(self) -> str:
        return f"declaration:{self.pk}"


class StoredFile(models.Model):
    """A file kept by ``jifen.recording.evidence``: checked by content, stored outside the web
    root under a random ``name``, served only through a permission-checked view."""

    name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @classmethod
    def store(cls, data: bytes, filename: str, **links: Any) -> Self:
        """Check ``data`` by its content, keep it on disk and record it with ``links`` (the
        declaration, activity or organization it belongs to). Raises ValidationError."""
        kept = evidence_store(data, filename)
        return cls._default_manager.create(
            name=kept.name,
            original_name=filename[:200],
            content_type=kept.content_type,
            size=kept.size,
            sha256=kept.sha256,
            **links,
        )


class Evidence(StoredFile):
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="evidence")

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"


class Attachment(StoredFile):
    """A file kept with an activity (photos, the sign-in sheet scan, minutes as PDF)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"


class FactFile(StoredFile):
    """Evidence for a scorekeeper's entry or a negative-list proposal (照片、处分决定……)."""

    entry = models.ForeignKey(
        "ledger.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.ForeignKey(
        VetoProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "事实证明材料"
        verbose_name_plural = "事实证明材料"


class MonthlyUpload(models.Model):
    """A month's figures file that leaves some of the branch's members out, kept between its
    preview (which names them) and the decision on them (保持满分 / 按缺勤处理). The file is
    emptied once applied or discarded: its names and numbers are not kept."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_noop("待确认")
        APPLIED = "applied", gettext_noop("已导入")
        DISCARDED = "discarded", gettext_noop("已放弃")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField("文件名", max_length=255)
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    data = models.BinaryField("文件", default=b"")
    # The ids of the members the preview named as absent, in its order: the decision is taken
    # on exactly these, so a roster change in between shows a new preview first.
    absent = models.JSONField("文件中没有的党员", default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decision = models.CharField("对文件中没有的党员", max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "月度数据导入"
        verbose_name_plural = "月度数据导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月 {self.filename}"


class XuexiAccount(models.Model):
    """A member's 学习强国号 (the user ID in 学习强国's organization export), learned the first
    time an export's row was matched to them by name and phone: later exports match by it, so a
    namesake or a changed phone number no longer matters."""

    person = models.OneToOneField(
        "orgs.Person", on_delete=models.PROTECT, related_name="xuexi_account"
    )
    xuexi_id = models.CharField("学习强国号", max_length=64, unique=True)
    learned_at = models.DateTimeField(auto_now=True)
    learned_from = models.CharField("来自文件", max_length=255, blank=True)

    class Meta:
        verbose_name = "学习强国号"
        verbose_name_plural = "学习强国号"

    def __str__(self) -> str:
        return self.xuexi_id


class LeaveRequest(models.Model):
    """A member's request for leave (请假) before an activity. Approved, it becomes the member's
    excused mark (请假) for the activity in the ledger; refused, it carries the reason. The
    member sees where it stands on their own page."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_noop("待审批")
        APPROVED = "approved", gettext_noop("已准假")
        REFUSED = "refused", gettext_noop("未准假")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="leaves")
    person = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("请假原因", max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField("不准假的理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "请假申请"
        verbose_name_plural = "请假申请"
        ordering = ["-asked_at", "-id"]
        constraints = [
            # One request open at a time per member and activity; a refused one may be asked anew.
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="one_open_leave_per_activity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"
