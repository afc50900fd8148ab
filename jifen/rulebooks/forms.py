from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jifen.core import clock
from jifen.rulebooks.reading import builtin_rulebooks


class AdoptForm(forms.Form):
    """A built-in rulebook for one year of an organization (and its subtree)."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    rulebook = forms.ChoiceField(label=_("积分办法"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year
        choices = [
            (
                book.id,
                _("%(title)s（内置，第 %(version)s 版）")
                % {"title": book.title, "version": book.version},
            )
            for book in builtin_rulebooks()
        ]
        self.fields["rulebook"].choices = choices  # type: ignore[attr-defined]
