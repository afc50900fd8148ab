"""The branch's members a monthly figures file leaves out, and what "按缺勤处理" records for them.

A member with no figure keeps the item's full points (an allowance deducts only what is
recorded), so a file that forgets someone would quietly give them full marks. The import lists
them, and the person importing decides for all of them before anything is written
(docs/decisions.md, "Members absent from a monthly file"):

- ``keep`` — 本月没有数据，保持满分: nothing is written for them (a later file of the same
  month may still bring their figures);
- ``absence`` — 按缺勤处理: each item the file has is recorded as nothing done — every day of
  the month not logged in, a quiz score of 0, and for a counted item (次) the fewest times that
  take its whole points.

Not listed: whoever the month's file has already brought figures for (a month imported in two
halves lists nobody twice), and whoever is exempt (不列入管理) for the whole month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Q
from django.utils.translation import gettext_noop

from jifen.ledger.models import Entry
from jifen.orgs.models import Exemption, Membership, Person
from jifen.scoring import Rulebook
from jifen.scoring.model import Allowance

KEEP, ABSENCE = "keep", "absence"
CHUNK = 5000  # ids in one IN (…): well below SQLite's limit on parameters
# Chinese in the audit summary; the page translates them.
CHOICES = {
    KEEP: gettext_noop("这些人本月没有数据，保持满分（不记录）"),
    ABSENCE: gettext_noop("这些人按缺勤处理（按全月未登录、答题 0 分记录）"),
}


@dataclass(frozen=True)
class Absent:
    person: Person
    date: dt.date  # the month's last day on which they belonged: their facts are dated so


def absent_from(
    memberships: dict[int, list[Membership]],
    seen: set[int],
    first: dt.date,
    last: dt.date,
    ref: str,
) -> list[Absent]:
    """Who belonged on some day of the month, is not in the file, has no figures of this month
    yet and is not exempt for all of it; by name."""
    missing = [pk for pk in memberships if pk not in seen]
    if not missing:
        return []
    brought: set[int] = set()
    exempt: set[int] = set()
    for at in range(0, len(missing), CHUNK):  # a committee-wide file may leave out many
        some = missing[at : at + CHUNK]
        entries = Entry.objects.filter(origin_ref=ref, person_id__in=some)
        brought.update(entries.values_list("person_id", flat=True))
        exemptions = Exemption.objects.filter(person_id__in=some, start__lte=first).filter(
            Q(end__isnull=True) | Q(end__gt=last)
        )
        exempt.update(exemptions.values_list("person_id", flat=True))
    absent = []
    for pk in missing:
        if pk in brought or pk in exempt:
            continue
        ends = [min(m.end - dt.timedelta(days=1), last) if m.end else last for m in memberships[pk]]
        absent.append(Absent(memberships[pk][0].person, max(d for d in ends if d >= first)))
    return sorted(absent, key=lambda a: (a.person.name_pinyin, a.person.pk))


def absence_values(rulebook: Rulebook, codes: set[str], days: int) -> dict[str, Decimal]:
    """Item code → the figure that means "nothing done this month" for the items of a file."""
    values: dict[str, Decimal] = {}
    for code in sorted(codes):
        found = rulebook.item(code)
        item = found[1] if found else None
        if not isinstance(item, Allowance) or item.deduct is None:
            continue
        if item.target is not None:
            values[code] = Decimal(0)  # a score: none earned
        elif item.unit == "天":
            values[code] = Decimal(days)  # days not logged in: all of them
        else:
            values[code] = (item.points / item.deduct).to_integral_value(ROUND_CEILING)
    return values
