"""An account whose password an admin set (new, or reset) opens no page but the password page
until its holder chooses their own password.

Whether it is due is read once, at login, into the session: the middleware then asks the
session only, no query per request. A reset changes the stored hash, which ends every session
of the account, so the next login reads it afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.accounts.models import PasswordDue

SESSION_KEY = "jifen_password_due"


def _on_login(sender: Any, request: HttpRequest, user: Any, **_kwargs: Any) -> None:
    if PasswordDue.objects.filter(user_id=user.pk).exists():
        request.session[SESSION_KEY] = True


user_logged_in.connect(_on_login, dispatch_uid="jifen.accounts.password_due")


def password_done(request: HttpRequest, user: Any) -> None:
    """The holder chose their own password: nothing is due any more."""
    PasswordDue.objects.filter(user_id=user.pk).delete()
    request.session.pop(SESSION_KEY, None)


def password_due_first(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    """Every page but the password page, logging out and the language switch
    answers a holder whose password is due with a redirect to the password page."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            target = reverse("accounts:password_change")
            free = (target, reverse("accounts:logout"), reverse("set_language"))
            if not request.path.startswith(free):
                messages.warning(request, _("您的密码由管理员设置，请先修改密码再使用系统"))
                return redirect(target)
        return get_response(request)

    return middleware
