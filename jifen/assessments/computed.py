"""Organization indicators the records decide: computed, pre-filled on the committee sheet with
their source shown, and kept only once the assessor confirms them.

Beyond the suggestions (``suggestions.py``, shown and never written), three items are measured
by the records themselves (issue 15):

- seed002 ``party_day`` — "每月组织一次“支部主题党日”活动，党员参与率在90%以上": a month counts
  when one of its 主题党日 (not cancelled) had at least 90 % of the branch's party members
  (正式党员、预备党员 on the day, the subtree included) marked present; 请假 is not present.
- ``dues`` (seed002 "按月按标准缴纳党费", seed000-branch "党员按月足额交纳党费") — a party
  member's month is on time unless a standing ``dues`` fact of that month has a value above 0
  (late months or late payments in the member rulebooks).
- seed000-branch ``theory_study`` — "“学习强国”平台参与度高": the share of days logged in, from
  the standing ``xxqg_login`` facts (days not logged in a month), over the member-months that
  have one; no such fact → no value (the records do not decide it).

(解释) The value is the item's max × the share (months that count / months of the round;
on-time member-months / member-months; days logged in / days), rounded **down** to the sheet's
0.5 step: the records must earn every half point. The seeds give the standard, not the scale.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.urls import reverse

from jifen.assessments.suggestions import MONTHS, PARTY_DAY_ITEMS
from jifen.ledger.models import Correction, Entry
from jifen.orgs.models import Organization
from jifen.orgs.selectors import memberships_overlapping
from jifen.recording.models import Activity
from jifen.scoring import Rulebook
from jifen.scoring.model import ScoreItem

PARTY = ("full", "probationary")
PARTY_DAY_RATE = Decimal("0.9")  # seed002: 党员参与率在90%以上
STEP = Decimal("0.5")

# rulebook id → item code → the measure that decides it
COMPUTED: dict[str, dict[str, str]] = {
    "seed002": {"party_day": "party_day_rate", "dues": "dues_on_time"},
    "seed000-branch": {"dues": "dues_on_time", "theory_study": "xxqg_participation"},
}


@dataclass(frozen=True)
class Computed:
    value: Decimal | None  # None: the records do not decide the item
    text: str  # how, from which records
    links: tuple[tuple[str, str], ...] = ()


def _bounds(year: int, period: str) -> tuple[dt.date, dt.date]:
    months = MONTHS[period]
    last = months[-1]
    return dt.date(year, months[0], 1), dt.date(year, last, monthrange(year, last)[1])


def share_points(most: Decimal, part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``most`` × part / whole, rounded down to the 0.5 step."""
    exact = Decimal(most) * Decimal(part) / Decimal(whole)
    return (exact / STEP).to_integral_value(rounding=ROUND_FLOOR) * STEP


def plain(value: Decimal | int) -> str:
    """A number as written on the sheet: ``4``, ``2.5``, ``0``."""
    return format(Decimal(value).normalize(), "f") if value else "0"


def _pct(part: int | Decimal, whole: int | Decimal) -> str:
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1')).normalize():f}%"


def _party_spans(
    org: Organization, year: int, period: str
) -> list[tuple[int, dt.date, dt.date | None]]:
    """The party members' memberships of ``org`` (subtree) touching the round, as tuples."""
    first, last = _bounds(year, period)
    return list(
        memberships_overlapping(first=first, last=last, organization=org, subtree=True)
        .filter(person__category__in=PARTY)
        .values_list("person_id", "start", "end")
    )


def _on(
    spans: list[tuple[int, dt.date, dt.date | None]], first: dt.date, last: dt.date
) -> set[int]:
    """Who of ``spans`` belonged at some day of [first, last]."""
    return {pid for pid, start, end in spans if start <= last and (end is None or end > first)}


def _month_party(org: Organization, year: int, period: str) -> dict[int, set[int]]:
    """Month → the party members of ``org`` (subtree) who belonged at some day of it."""
    spans = _party_spans(org, year, period)
    return {
        month: _on(spans, dt.date(year, month, 1), dt.date(year, month, monthrange(year, month)[1]))
        for month in MONTHS[period]
    }


def _present(activities: list[Activity]) -> dict[str, set[int]]:
    """Activity ref → who stands marked present (corrections applied: the entry no later
    entry corrects; a void carries no value). Two queries for the whole round."""
    rows = (
        Entry.objects.filter(
            origin_ref__in=[a.ref for a in activities],
            person__isnull=False,
            corrections__isnull=True,
        )
        .exclude(value="")
        .order_by("seq")
        .values_list("origin_ref", "person_id", "value")
    )
    marks: dict[tuple[str, int], str] = {}
    for ref, person_id, value in rows:
        marks[(ref, person_id)] = value
    found: dict[str, set[int]] = defaultdict(set)
    for (ref, person_id), value in marks.items():
        if value == "present":
            found[ref].add(person_id)
    return found


def _party_day_rate(most: Decimal, org: Organization, year: int, period: str) -> Computed:
    first, last = _bounds(year, period)
    activities = list(
        Activity.objects.filter(
            organization=org,
            item__in=PARTY_DAY_ITEMS,
            date__gte=first,
            date__lte=last,
            cancelled_at__isnull=True,
        ).order_by("date", "pk")
    )
    spans = _party_spans(org, year, period)
    present = _present(activities)
    best: dict[int, tuple[Decimal, str]] = {}
    for activity in activities:
        party = _on(spans, activity.date, activity.date)
        if not party:
            continue
        came = len(present.get(activity.ref, set()) & party)
        rate = Decimal(came) / len(party)
        shown = f"{_pct(came, len(party))}（{came}/{len(party)}）"
        if activity.date.month not in best or rate > best[activity.date.month][0]:
            best[activity.date.month] = (rate, shown)
    months = MONTHS[period]
    met = [m for m in months if m in best and best[m][0] >= PARTY_DAY_RATE]
    parts = [f"{m}月 {best[m][1]}" if m in best else f"{m}月 没有记录" for m in months]
    value = share_points(most, len(met), len(months))
    text = (
        f"主题党日党员参与率（达到 90% 的月份计入）：{'，'.join(parts)}；"
        f"{len(months)} 个月中 {len(met)} 个月达到 → {plain(most)} × {len(met)}/{len(months)}"
        f" = {plain(value)} 分（按 0.5 分向下取整）"
    )
    links = tuple(
        (f"{a.date:%m-%d} {a.title}", reverse("recording:activity", args=[a.pk]))
        for a in activities[:24]
    )
    return Computed(value, text, links)


def _standing(org: Organization, item: str, year: int, period: str) -> list[Entry]:
    """The item's facts about people of ``org`` (subtree) in the round, corrections applied:
    an entry no later entry corrects, a void not counted."""
    first, last = _bounds(year, period)
    return list(
        Entry.objects.filter(
            organization__path__startswith=org.path,
            person__isnull=False,
            item=item,
            date__gte=first,
            date__lte=last,
            corrections__isnull=True,
        ).exclude(correction=Correction.VOID)
    )


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _dues_on_time(most: Decimal, org: Organization, year: int, period: str) -> Computed:
    party = _month_party(org, year, period)
    whole = sum(len(people) for people in party.values())
    if not whole:
        return Computed(None, "党费按时交纳：本期没有党员，无法由记录计算")
    late = {
        (e.person_id, e.date.month)
        for e in _standing(org, "dues", year, period)
        if (_number(e.value) or 0) > 0 and e.person_id in party.get(e.date.month, set())
    }
    value = share_points(most, whole - len(late), whole)
    text = (
        f"党费按时交纳：党员月数 {whole}，迟交 {len(late)} 人次（台账中的党费迟交记录）→ "
        f"{plain(most)} × {whole - len(late)}/{whole} = {plain(value)} 分（按 0.5 分向下取整）"
    )
    return Computed(value, text)


def _xxqg_participation(most: Decimal, org: Organization, year: int, period: str) -> Computed:
    party = _month_party(org, year, period)
    missed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for entry in _standing(org, "xxqg_login", year, period):
        not_in = _number(entry.value)
        if not_in is not None and entry.person_id in party.get(entry.date.month, set()):
            missed[(entry.person_id, entry.date.month)] += not_in
    if not missed:
        return Computed(
            None, "“学习强国”参与度：本期没有登录记录（请先导入月度数据），由考核人评定"
        )
    days: int = sum(monthrange(year, month)[1] for _, month in missed)
    off: Decimal = min(sum(missed.values(), Decimal(0)), Decimal(days))
    value = share_points(most, days - off, days)
    text = (
        f"“学习强国”登录：有记录的党员月数 {len(missed)}，应登录 {days} 天，"
        f"未登录 {plain(off)} 天，"
        f"登录率 {_pct(days - off, days)} → {plain(most)} × {plain(days - off)}/{days}"
        f" = {plain(value)} 分（按 0.5 分向下取整；学习制度、学习笔记由考核人核对）"
    )
    return Computed(value, text)


MEASURES: dict[str, Callable[[Decimal, Organization, int, str], Computed]] = {
    "party_day_rate": _party_day_rate,
    "dues_on_time": _dues_on_time,
    "xxqg_participation": _xxqg_participation,
}


def computed_for(
    rulebook: Rulebook, org: Organization, year: int, period: str
) -> dict[str, Computed]:
    """Item code → the value the records give it for ``org`` in the round."""
    table = COMPUTED.get(rulebook.id) or COMPUTED.get(rulebook.extends or "", {})
    found = {}
    for code, name in table.items():
        located = rulebook.item(code)
        if located is not None and isinstance(located[1], ScoreItem):
            found[code] = MEASURES[name](located[1].max, org, year, period)
    return found


def unconfirmed(computed: dict[str, Computed], confirmed: Iterable[str]) -> list[str]:
    """The computed items (with a value) the assessor has not confirmed."""
    ticked = set(confirmed)
    return [code for code, c in computed.items() if c.value is not None and code not in ticked]
