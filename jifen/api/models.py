"""Personal API tokens: a secret shown once, kept only as its SHA-256 digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One token of one user. It acts as that user (the same door, the same audit); a revoked or
    expired token, or one whose account is locked, answers 401."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField("用途", max_length=100)
    # The first characters of the secret, shown on the page so a user can tell tokens apart.
    prefix = models.CharField("开头", max_length=12)
    # SHA-256 of the whole secret: the secret is 32 random bytes, so a plain digest is as good
    # as a slow hash and lets the lookup use the unique index.
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField("只读", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        # ninja's AuthRateThrottle keys the rate on str(request.auth): one budget per token.
        return f"api-token:{self.pk}"


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key``: its answer, so a client that retries after a
    lost connection gets the same answer and the write happens once. Written in the write's own
    transaction; a second request with the key waits on the unique index until the first ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # The method, path and body digest: the same key with another request is refused, not
    # answered with a stranger's result.
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key} → {self.status}"
