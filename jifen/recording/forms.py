from __future__ import annotations

from django import forms
from django.utils import timezone

from jifen.orgs.forms import DateInput


class ActivityForm(forms.Form):
    item = forms.ChoiceField(label="类型")
    title = forms.CharField(label="主题", max_length=200)
    date = forms.DateField(label="日期", widget=DateInput, initial=timezone.localdate)
    place = forms.CharField(label="地点", max_length=200, required=False)
    organizer = forms.CharField(label="组织者", max_length=100, required=False)
    content = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: object, items: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["item"].choices = items  # type: ignore[attr-defined]
