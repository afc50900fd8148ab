"""The forms of the account pages (jifen/accounts/manage_views.py). The rules are the
services' (jifen/accounts/services.py); form_page shows their refusals on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization


class ConfirmForm(forms.Form):
    """An irreversible step asks first: its box must be ticked."""

    confirm = forms.BooleanField(
        label=_("我已确认"),
        error_messages={"required": _("请先勾选确认框：这一步不能撤回")},
    )


def _role_choices(roles: list[Role], *, none: bool) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [(r.value, r.label) for r in roles]
    return [("", _("不授予角色")), *choices] if none else choices


class AccountCreateForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=30,
        help_text=_("按姓名拼音建议，可以修改；小写字母、数字和 . _ -"),
    )
    role = forms.ChoiceField(label=_("角色"), required=False)

    def __init__(self, *args: Any, roles: list[Role], organization_name: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        field.choices = _role_choices(roles, none=True)  # type: ignore[attr-defined]
        field.help_text = _("在 %(org)s 授予") % {"org": organization_name}


class RoleGrantForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("所在组织"), queryset=Organization.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("角色"))

    def __init__(
        self, *args: Any, roles: list[Role], organizations: QuerySet[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["role"].choices = _role_choices(roles, none=False)  # type: ignore[attr-defined]
