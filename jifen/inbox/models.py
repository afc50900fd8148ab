"""Notifications to a person's inbox, what was sent out by e-mail or to a branch's group robot,
and which reminders each person has had.

A notification is addressed to an account (officers without a member record get them too: a
reminder of declarations waiting for review). Its words are not stored but its kind and the
figures in it, so each reader sees it in their own language (``texts.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


class Notification(models.Model):
    class Kind(models.TextChoices):
        DECLARATION_APPROVED = "declaration_approved", "申报通过"
        DECLARATION_RETURNED = "declaration_returned", "申报退回"
        DECLARATION_REJECTED = "declaration_rejected", "申报未通过"
        CORRECTION = "correction", "积分更正"
        QUARTER_CONFIRM = "quarter_confirm", "季度确认"
        OBJECTION_ANSWERED = "objection_answered", "异议结论"
        WARNING_RAISED = "warning_raised", "预警"
        STARS_APPROVED = "stars_approved", "星级批准"
        REMIND_SIGN = "remind_sign", "提醒：季度签名"
        REMIND_NOTICE = "remind_notice", "提醒：公示截止"
        REMIND_REVIEW = "remind_review", "提醒：申报待审"
        REMIND_ACTIVITY = "remind_activity", "提醒：明天的活动"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("种类", max_length=32, choices=Kind.choices)
    # The figures the kind's sentence names (names, dates as ISO strings, points as strings).
    params = models.JSONField("内容", default=dict)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_id}"


class Preference(models.Model):
    """A person's own choices; a person without a row gets e-mail (when the deployment sends it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_preference"
    )
    email = models.BooleanField("接收邮件", default=True)

    class Meta:
        verbose_name = "通知设置"

    def __str__(self) -> str:
        return f"{self.user_id}: {'邮件' if self.email else '不要邮件'}"


class BranchWebhook(models.Model):
    """The group robot (企业微信 or 钉钉) of a branch's group chat, set by the branch's admin.
    The secret is DingTalk's 加签 key; a 企业微信 robot has none."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="webhook"
    )
    url = models.URLField("机器人地址", max_length=500)
    secret = models.CharField("加签密钥", max_length=200, blank=True)
    enabled = models.BooleanField("启用", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "群机器人"

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.url}"


class Delivery(models.Model):
    """One message handed to a channel, and what came of it: sent, or failed and why."""

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件"
        WEBHOOK = "webhook", "群机器人"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    channel = models.CharField(max_length=16, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, related_name="deliveries"
    )
    webhook = models.ForeignKey(
        BranchWebhook, on_delete=models.CASCADE, null=True, related_name="deliveries"
    )
    address = models.CharField("收件地址", max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "发送记录"
        indexes = [models.Index(fields=["status", "created_at"], name="inbox_delivery_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address} {self.get_status_display()}"


class ReminderSent(models.Model):
    """A reminder given once: ``key`` names the deadline (``sign:2026Q3:12``), ``recipient`` whom
    (``user:7``, ``webhook:3``). The unique pair is what keeps a second run from repeating it."""

    key = models.CharField(max_length=120)
    recipient = models.CharField(max_length=40)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = "已发提醒"
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient"], name="inbox_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"
