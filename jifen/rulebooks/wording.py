"""The rulebook's own words for what the ledger stores as codes: a person reads
组织生活会：无故缺席, never ``group_meeting = absent``, and chooses an item or a value from them.

The ledger keeps codes (``party_day``) and values (``present``, ``2``, ``好``) because the engine
reads them; every page, notice and export meant for people goes through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.orgs.models import Organization
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring.model import Allowance, Grade, Graded, Rulebook

T = TypeVar("T")

# The attendance marks, as the engine names them (jifen/scoring/member_items.py LABELS).
MARKS = {
    "present": gettext_noop("出席"),
    "absent": gettext_noop("无故缺席"),
    "excused": gettext_noop("请假"),
}


def item_said(rulebook: Rulebook | None, code: str) -> str:
    """The title of an item, a category's deduction or a veto; an unknown code as it is."""
    if rulebook is None or not code:
        return code
    found = rulebook.item(code)
    if found is not None:
        return found[1].title
    deduction = rulebook.deduction(code)
    if deduction is not None:
        return deduction[1].title
    veto = rulebook.veto(code)
    return veto.title if veto is not None else code


def value_said(value: object) -> str:
    """A fact's value in words: an attendance mark translated, a number as written (2, 0.5),
    a grade (好) as the rulebook writes it."""
    if value is None:
        return ""
    text = str(value)
    if text in MARKS:
        return _(MARKS[text])
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


def fact_said(rulebook: Rulebook | None, code: str, value: object) -> str:
    """One fact in words: 组织生活会：无故缺席 (an item with no value: its title alone)."""
    said = value_said(value)
    title = item_said(rulebook, code)
    return _("%(item)s：%(value)s") % {"item": title, "value": said} if said else title


def item_choices(rulebook: Rulebook | None) -> list[tuple[str, str]]:
    """Every member item of the rulebook as (code, category · title), for a select."""
    if rulebook is None:
        return []
    return [
        (item.code, f"{category.title} · {item.title}")
        for category in rulebook.categories
        for item in category.items
    ]


def value_choices(rulebook: Rulebook | None) -> list[tuple[str, str]]:
    """The worded values a fact of this rulebook may take, for a select: the attendance marks
    (when an item is recorded by attendance) and every grade label. Numbers are typed."""
    choices: list[tuple[str, str]] = []
    items = [i for c in rulebook.categories for i in c.items] if rulebook is not None else []
    if any(isinstance(i, Allowance) and i.absent is not None for i in items):
        choices += [(mark, _(word)) for mark, word in MARKS.items()]
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Grade | Graded):
            for label in item.grades:
                if label not in seen:
                    seen.add(label)
                    choices.append((label, label))
    return choices


def with_item_titles(rows: Iterable[T], *, code: str = "item") -> list[T]:
    """Each row (a declaration, a veto proposal: anything with ``organization``, ``date`` and an
    item code in ``code``) given ``item_title``, its item in the words of the rulebook adopted
    for its organization that year. One rulebook lookup per organization and year."""
    rulebooks: dict[tuple[int, int], Rulebook | None] = {}
    found = list(rows)
    for row in found:
        organization: Organization = row.organization  # type: ignore[attr-defined]
        year: int = row.date.year  # type: ignore[attr-defined]
        key = (organization.pk, year)
        if key not in rulebooks:
            rulebooks[key] = rulebook_for(organization, year)
        row.item_title = item_said(rulebooks[key], getattr(row, code))  # type: ignore[attr-defined]
    return found


def rulebook_for(organization: Organization, year: int) -> Rulebook | None:
    """The rulebook adopted for ``organization`` in ``year``, if any."""
    adoption = adoption_for(organization, year)
    return rulebook_of(adoption) if adoption is not None else None


def stored_words(say: Callable[..., str], *args: Any) -> str:
    """``say(*args)`` in the site's language, for text that is stored (an audit summary) and so
    reads the same whoever's request wrote it."""
    with translation.override(settings.LANGUAGE_CODE):
        return say(*args)
