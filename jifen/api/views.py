"""A user's own API tokens: create (the secret shown once), list, revoke (asked first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jifen.accounts.current import signed_in
from jifen.api.models import ApiToken
from jifen.api.tokens import token_create, token_revoke
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=100,
        help_text=gettext_lazy("写明谁用它做什么，例如“学习强国月度导入”"),
    )
    read_only = forms.BooleanField(label=gettext_lazy("只读（只能查询，不能写入）"), required=False)
    expires_on = forms.DateField(
        label=gettext_lazy("到期日期"),
        required=False,
        help_text=gettext_lazy("不填则一直有效，直到吊销"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _expiry(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    # Valid through the whole of the chosen day, in the installation's time zone.
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(end)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    listed = ApiToken.objects.filter(user=user)
    context: dict[str, Any] = {"tokens": listed}

    def save(data: dict[str, Any]) -> tuple[ApiToken, str]:
        return token_create(
            user,
            name=data["name"],
            read_only=data["read_only"],
            expires_at=_expiry(data["expires_on"]),
        )

    def done(result: tuple[ApiToken, str]) -> HttpResponse:
        # Rendered, never redirected: the secret is not put in the session or a message.
        made, secret = result
        return render(
            request,
            "api/tokens.html",
            {**context, "form": TokenForm(), "made": made, "secret": secret},
        )

    return form_page(
        request,
        TokenForm(request.POST or None),
        save=save,
        done=done,
        message=lambda result: (
            _("已创建令牌“%(name)s”。请立即复制，离开本页后不会再显示。") % {"name": result[0].name}
        ),
        template="api/tokens.html",
        context=context,
    )


@login_required
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    user = signed_in(request)
    token = access.object_for(
        user, ApiToken.objects.all(), token_id, org_field=None, also=Q(user_id=user.pk)
    )
    if request.method != "POST":
        return render(request, "api/token_revoke.html", {"token": token})
    button_action(
        request,
        lambda: token_revoke(token),
        _("已吊销令牌“%(name)s”，它不能再访问接口。") % {"name": token.name},
    )
    return redirect("api:tokens")
