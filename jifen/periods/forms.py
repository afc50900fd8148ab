"""Forms of the quarter's close. Labels and errors in Chinese, translated when English is chosen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jifen.core.widgets import DateInput
from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.periods.holidays import Day, day_problem, package_knows
from jifen.periods.models import Confirmation, Finding, HolidayDay
from jifen.periods.workdays import shown_date
from jifen.rulebooks.wording import fact_said, item_choices, value_choices
from jifen.scoring.model import Rulebook


def _shown(choices: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    """A model's choices with their (Chinese, stored) labels translated for the form."""
    return [(value, _(label)) for value, label in choices]


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("我的意见"), choices=_shown(Confirmation.Kind.choices), widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("理由（有异议时必填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoticeForm(forms.Form):
    how_to_object = forms.CharField(
        label=_("异议方式"),
        required=False,
        max_length=500,
        help_text=_("留空则使用默认说明：在公示期内登录系统提出异议，或向支部委员会反映。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("涉及党员（可不选）"), queryset=Person.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("异议内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class EntryChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ledger entry in the rulebook's words: #12 2026年5月8日 组织生活会：无故缺席（批量录入）."""

    rulebook: Rulebook | None = None

    def label_from_instance(self, obj: Any) -> str:
        how = obj.note or gettext(obj.get_origin_display())
        fact = fact_said(self.rulebook, obj.item, obj.value)
        return f"#{obj.seq} {shown_date(obj.date)} {fact}（{how}）"


class FindingForm(forms.Form):
    """The committee's finding. What to change is chosen from the rulebook's words (an entry
    of the quarter, an item, 出席 / 无故缺席 / 请假 or a grade); only a number is typed."""

    outcome = forms.ChoiceField(
        label=_("结论"), choices=_shown(Finding.Outcome.choices), widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("调查情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    entry = EntryChoice(
        label=_("异议成立时：更正哪一条记录"), queryset=Entry.objects.none(), required=False
    )
    value = forms.ChoiceField(label=_("改为"), required=False, choices=[])
    number = forms.DecimalField(
        label=_("或改为数字"), required=False, max_digits=8, decimal_places=2, min_value=0
    )
    item = forms.ChoiceField(label=_("或补录：项目"), required=False, choices=[])
    date = forms.DateField(label=_("补录：日期"), required=False, widget=DateInput)
    add_value = forms.ChoiceField(label=_("补录：情况"), required=False, choices=[])
    add_number = forms.DecimalField(
        label=_("或补录：数字"), required=False, max_digits=8, decimal_places=2, min_value=0
    )

    def __init__(
        self,
        *args: Any,
        entries: QuerySet[Entry],
        rulebook: Rulebook | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        entry: Any = self.fields["entry"]
        entry.queryset = entries
        entry.rulebook = rulebook
        values = value_choices(rulebook)
        self.fields["value"].choices = [("", _("—（作废该条，或改为下面的数字）")), *values]  # type: ignore[attr-defined]
        self.fields["item"].choices = [("", "—"), *item_choices(rulebook)]  # type: ignore[attr-defined]
        self.fields["add_value"].choices = [("", "—"), *values]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for word, number in (("value", "number"), ("add_value", "add_number")):
            if data.get(word) and data.get(number) is not None:
                self.add_error(number, _("选了情况就不要再填数字，二者只填一项"))
        return data

    @staticmethod
    def said(word: str, number: Decimal | None) -> str:
        """The value the ledger stores: the chosen word's code, or the typed number."""
        return word or ("" if number is None else format(number.normalize(), "f"))


class EscalationForm(forms.Form):
    reason = forms.CharField(
        label=_("申请专项查核的理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )


class HolidayScheduleForm(forms.Form):
    """A year's schedule typed as the State Council's notice gives it: one date a line, with
    the holiday's name after it (``2027-01-01 元旦``)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("放假日期（假日）"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一个日期，格式 2027-01-01，可在日期后写节日名称，如：2027-01-01 元旦"),
    )
    workdays = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("需要上班的周六或周日，每行一个，如：2027-02-06 春节调休"),
    )

    def _days(self, field: str, kind: str) -> list[Day]:
        days, problems = [], []
        for number, line in enumerate(self.cleaned_data.get(field, "").splitlines(), 1):
            text, _sep, name = line.strip().partition(" ")
            if not text:
                continue
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(
                    gettext("第 %(n)d 行：“%(text)s” 不是日期，请写成 2027-01-01")
                    % {"n": number, "text": text}
                )
                continue
            days.append(Day(day, kind, name.strip()))
        for problem in problems:
            self.add_error(field, problem)
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        holidays = self._days("holidays", HolidayDay.Kind.HOLIDAY)
        workdays = self._days("workdays", HolidayDay.Kind.WORKDAY)
        year = data["year"]
        for field, days in (("holidays", holidays), ("workdays", workdays)):
            for item in days:
                problem = day_problem(year, item)
                if problem:
                    self.add_error(field, problem)
        off = {d.day for d in holidays}
        for item in workdays:
            if item.day in off:
                self.add_error(
                    "workdays",
                    gettext("%(day)s 已列为假日，一天不能既是假日又是调休上班")
                    % {"day": item.day.isoformat()},
                )
        if package_knows(year):
            self.add_error(
                "year",
                gettext("chinese-calendar 已包含 %(year)d 年的节假日安排，无需录入")
                % {"year": year},
            )
        data["days"] = holidays + workdays
        return data
