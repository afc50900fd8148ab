from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("通过电子邮件接收通知和提醒"),
        required=False,
        help_text=_("收件地址是您账号的电子邮箱；站内通知不受影响。"),
    )


class RobotForm(forms.Form):
    url = forms.URLField(
        label=_("群机器人地址（Webhook）"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("企业微信或钉钉群机器人的地址；留空并保存即删除。"),
    )
    secret = forms.CharField(
        label=_("加签密钥（钉钉，可不填）"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("已设置的密钥不会显示；不填则保留原来的。"),
    )
    enabled = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # An empty secret field keeps the stored one (it is never shown back).
        data["secret"] = data.get("secret") or None
        return data
