from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jifen.accounts.roles import Role
from jifen.core import clock
from jifen.core.widgets import DateInput
from jifen.orgs.models import Category, Gender, Organization, OrganizationKind


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("转入组织"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("转接日期"), widget=DateInput, initial=clock.today)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].queryset = organizations  # type: ignore[attr-defined]


class ExemptionForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DateInput)
    end = forms.DateField(label=_("结束日期（可不填）"), widget=DateInput, required=False)
    reason = forms.CharField(label=_("原因"), max_length=200, help_text=_("如：年老体弱、疾病"))
    committee_decided_on = forms.DateField(label=_("支委会研究日期"), widget=DateInput)
    general_meeting_on = forms.DateField(label=_("党员大会通过日期"), widget=DateInput)
    filed_on = forms.DateField(label=_("报党总支备案日期"), widget=DateInput)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    role = forms.ChoiceField(label=_("角色"))

    def __init__(
        self, *args: object, roles: list[Role], accounts: QuerySet[Any], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        self.accounts = accounts

    def clean_username(self) -> object:
        # Only accounts the admin may manage (or that nobody holds yet) are found; another
        # committee's account is "not there", exactly like a missing one.
        username = self.cleaned_data["username"].strip()
        user = self.accounts.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(f"没有用户名为 {username} 的账号")
        return user


class OrganizationForm(forms.Form):
    code = forms.CharField(label=_("组织代码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ModelChoiceField(label=_("类型"), queryset=OrganizationKind.objects.all())
    active_from = forms.DateField(label=_("成立日期"), widget=DateInput, initial=clock.today)
    # The rules (code format and uniqueness, kind under the parent's kind, dates) are the
    # service's (orgs.services.organization_problems), shown on these fields by form_page.


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    joined_party = forms.DateField(label=_("入党日期"), widget=DateInput, required=False)
    probation_ends = forms.DateField(label=_("预备期满日期"), widget=DateInput, required=False)
    start = forms.DateField(label=_("加入本组织日期"), widget=DateInput, initial=clock.today)


class PersonEditForm(PersonForm):
    """The same fields less the membership start: memberships change through transfers."""

    start = None  # type: ignore[assignment]


class LeaveForm(forms.Form):
    on = forms.DateField(label=_("离开日期"), widget=DateInput, initial=clock.today)
    note = forms.CharField(
        label=_("原因"), max_length=200, required=False, help_text=_("如：出党、去世、转出本单位")
    )


class CloseForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), widget=DateInput, initial=clock.today)
