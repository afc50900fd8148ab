from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jifen.assessments.models import Round, SpotCheck
from jifen.core.widgets import DateInput
from jifen.orgs.models import Organization
from jifen.scoring import builtin_ids, load_rulebook

DATE = DateInput()


def organization_rulebooks() -> list[tuple[str, str]]:
    choices = []
    for rid in builtin_ids():
        book = load_rulebook(rid)
        if book.kind == "organization":
            choices.append((rid, f"{rid} · {book.title}"))
    return choices


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("考核轮次"), choices=Round.Period.choices)
    rulebook = forms.ChoiceField(label=_("考核办法"))
    yaml_text = forms.CharField(
        label=_("或粘贴本组织自己的考核办法（YAML，可 extends 内置办法）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    title = forms.CharField(label=_("名称（可不填）"), required=False, max_length=200)
    organizations = forms.ModelMultipleChoiceField(
        label=_("参加考核的组织"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    self_deadline = forms.DateField(label=_("自评截止日期"), widget=DATE)
    committee_deadline = forms.DateField(label=_("考评截止日期"), widget=DATE)

    def __init__(self, *args: Any, owner: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rulebook"].choices = organization_rulebooks()  # type: ignore[attr-defined]
        field = self.fields["organizations"]
        field.queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(path__startswith=owner.path, active_until__isnull=True)
            .exclude(pk=owner.pk)
            .select_related("kind")
            .order_by("path")
        )
        field.label_from_instance = lambda o: f"{o.name}（{o.kind.name}）"  # type: ignore[attr-defined]


class SpotCheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SpotCheck.Kind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE)
    text = forms.CharField(label=_("发现的情况"), widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.MultipleChoiceField(
        label=_("涉及的考核项目"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = items  # type: ignore[attr-defined]
