"""What Jifen adds to Django's account: the password its holder must change before anything else.

A locked account is Django's own ``is_active = False``: the login refuses it and the session
middleware no longer finds its user, so every open session of it ends at the next request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PasswordDue(models.Model):
    """The account's password was set by an admin (a new account, a reset): its holder must
    choose their own at the next login before any other page opens. Removed when they do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="password_due",
    )
    since = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = "须修改密码"
        verbose_name_plural = "须修改密码"

    def __str__(self) -> str:
        return str(self.user_id)
