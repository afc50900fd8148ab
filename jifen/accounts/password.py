"""Users change their own password: the current one, the new one twice, the configured validators.

A wrong current password counts as a failed login with django-axes (five within 15 minutes lock
the account, as at the login page), so a session left open on a shared office computer cannot be
used to guess the password; while the account is locked the form refuses to check at all.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jifen.accounts.current import signed_in
from jifen.accounts.password_due import password_done
from jifen.audit.services import audit_record

LOCKED = _("当前密码错误次数过多，账号已暂时锁定，请 15 分钟后再试")


class OwnPasswordForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("当前密码不正确，请重新输入"),
        "password_mismatch": _("两次输入的新密码不一致"),
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(signed_in(request), *args, **kwargs)
        self.request = request
        self.fields["old_password"].label = _("当前密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再输入一次新密码")

    def clean_old_password(self) -> str:
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            return str(super().clean_old_password())
        except forms.ValidationError:
            # Straight to axes, not through Django's user_login_failed signal: this is not a
            # login, and the audit log says what it was.
            AxesProxyHandler.user_login_failed(
                sender=OwnPasswordForm, credentials=credentials, request=self.request
            )
            audit_record(
                action="accounts.password_change_failed",
                target=self.user,
                summary="修改密码：当前密码错误",
            )
            raise


@transaction.atomic
def own_password_change(request: HttpRequest, form: OwnPasswordForm) -> User:
    """Save the new password (hashed by the first of PASSWORD_HASHERS, Argon2), record it in the
    audit log (never the password) and keep this session signed in: Django ends every other
    session of the account, whose stored hash no longer matches."""
    user = form.save()
    password_done(request, user)
    audit_record(action="accounts.password_change", actor=user, target=user, summary="修改密码")
    update_session_auth_hash(request, user)
    return user
