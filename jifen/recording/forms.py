"""Forms of the activities, entries and declarations. Labels in Chinese, translated when English
is chosen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jifen.core import clock
from jifen.core.widgets import DateInput


class ActivityForm(forms.Form):
    item = forms.ChoiceField(label=_("类型"))
    title = forms.CharField(label=_("主题"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=clock.today)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    organizer = forms.CharField(label=_("组织者"), max_length=100, required=False)
    content = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: object) -> str:
        return str(obj)


class EntryForm(forms.Form):
    person = PersonChoiceField(label=_("党员"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=clock.today)
    code = forms.ChoiceField(label=_("项目"))
    value = forms.CharField(
        label=_("值"), max_length=20, help_text=_("差几天、少几分、扣几次或加几分")
    )
    note = forms.CharField(label=_("说明（扣分须写明原因）"), max_length=500, required=False)

    def __init__(
        self, *args: object, people: object, codes: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["code"].choices = codes  # type: ignore[attr-defined]


class VetoForm(forms.Form):
    person = PersonChoiceField(label=_("党员"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=clock.today)
    code = forms.ChoiceField(label=_("负面清单项目"))
    reason = forms.CharField(
        label=_("事实与依据"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: object, people: object, codes: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["code"].choices = codes  # type: ignore[attr-defined]


class DeclarationForm(forms.Form):
    item = forms.ChoiceField(label=_("申报项目"))
    date = forms.DateField(label=_("日期"), widget=DateInput, initial=clock.today)
    description = forms.CharField(
        label=_("事由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    points = forms.DecimalField(label=_("申报分数"), max_digits=6, decimal_places=2, min_value=0)

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class ActivityEditForm(ActivityForm):
    """Editing an activity: its details and the QR check-in window."""

    checkin_opens = forms.DateTimeField(
        label=_("扫码签到开始"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        required=False,
    )
    checkin_closes = forms.DateTimeField(
        label=_("扫码签到截止"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        required=False,
        help_text=_("两项都留空即关闭扫码签到；时长不超过 12 小时"),
    )
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=200,
        required=False,
        help_text=_("改日期时写入台账的更正记录"),
    )

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, items=items, **kwargs)
        self.fields["date"].help_text = _(
            "改日期后，已记录的签到随之移到新日期：原记录在台账中作废（写明原因），"
            "再按新日期记入，不删除任何记录"
        )


class ActivityCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：误登记、重复登记、活动未举行"),
    )
