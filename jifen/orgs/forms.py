from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label="转入组织", queryset=Organization.objects.none())
    on = forms.DateField(label="转接日期", widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].queryset = organizations  # type: ignore[attr-defined]


class ExemptionForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DateInput)
    end = forms.DateField(label="结束日期（可不填）", widget=DateInput, required=False)
    reason = forms.CharField(label="原因", max_length=200, help_text="如：年老体弱、疾病")
    committee_decided_on = forms.DateField(label="支委会研究日期", widget=DateInput)
    general_meeting_on = forms.DateField(label="党员大会通过日期", widget=DateInput)
    filed_on = forms.DateField(label="报党总支备案日期", widget=DateInput)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色")

    def __init__(self, *args: object, roles: list[Role], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]

    def clean_username(self) -> object:
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"没有用户名为 {username} 的账号")
        return user
