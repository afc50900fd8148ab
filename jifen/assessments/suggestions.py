"""Suggestions from Jifen's own records for items that can be measured.

Shown beside the item with the records behind them; the assessor decides. Nothing here is ever
written into a sheet. Which item is measured by what is data: ``MEASURES`` (one small table
per built-in rulebook; an organization's own rulebook that ``extends`` one inherits its codes,
so the table is looked up by item code within the rulebook id, then the id it extends).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from jifen.ledger.models import Entry
from jifen.orgs.models import Organization
from jifen.periods.models import Notice, Signature
from jifen.recording.models import Activity, Declaration
from jifen.scoring import Rulebook

# Activity types (the member rulebooks' attendance items) that count as “三会一课”.
MEETING_ITEMS = ("branch_meeting", "party_lecture", "group_meeting", "org_life", "group_study")
PARTY_DAY_ITEMS = ("party_day",)

# rulebook id → item code → measures shown beside it
MEASURES: dict[str, dict[str, tuple[str, ...]]] = {
    "seed000-branch": {
        "three_one": ("meetings_per_quarter",),
        "party_day_28": ("party_days_per_month",),
        "member_points": ("monthly_archive", "quarter_closes", "declarations_reviewed"),
    },
    "seed002": {
        "three_one": ("meetings_per_quarter",),
        "party_day": ("party_days_per_month",),
    },
    "seed004": {
        "points_system": ("monthly_archive", "quarter_closes", "declarations_reviewed"),
        "ledger_complete": ("meetings_per_quarter",),
    },
}

MONTHS = {"H1": range(1, 7), "H2": range(7, 13), "Y": range(1, 13)}

# A quarter's close (签名确认) counts as on time when signed within this many days of the
# quarter's end. The seeds set no deadline (seed 003: 每季度召开一次考评小组会议 … 季评结束后公示);
# a month is what the assessors we modelled would accept — change it here.
CLOSE_GRACE_DAYS = 31


@dataclass(frozen=True)
class Suggestion:
    text: str
    links: tuple[tuple[str, str], ...]  # (label, url)


def _bounds(year: int, period: str) -> tuple[dt.date, dt.date]:
    months = MONTHS[period]
    first = dt.date(year, months[0], 1)
    last_month = months[-1]
    last = (
        dt.date(year, 12, 31)
        if last_month == 12
        else dt.date(year, last_month + 1, 1) - dt.timedelta(days=1)
    )
    return first, last


def _activities(
    org: Organization, items: tuple[str, ...], year: int, period: str
) -> list[Activity]:
    first, last = _bounds(year, period)
    return list(
        Activity.objects.filter(
            organization=org, item__in=items, date__gte=first, date__lte=last
        ).order_by("date")
    )


def _activity_links(found: list[Activity]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"{a.date:%m-%d} {a.title}", reverse("recording:activity", args=[a.pk]))
        for a in found[:24]
    )


def measure(name: str, org: Organization, year: int, period: str) -> Suggestion:
    """One measure of ``org`` over the round's months."""
    months = MONTHS[period]
    if name == "meetings_per_quarter":
        found = _activities(org, MEETING_ITEMS, year, period)
        per = Counter((a.date.month - 1) // 3 + 1 for a in found)
        quarters = sorted({(m - 1) // 3 + 1 for m in months})
        shown = "，".join(f"第{q}季度 {per[q]} 次" for q in quarters)
        missing = [q for q in quarters if not per[q]]
        gap = f"；第{'、'.join(map(str, missing))}季度没有记录" if missing else ""
        return Suggestion(f"“三会一课”记录：{shown}{gap}", _activity_links(found))
    if name == "party_days_per_month":
        found = _activities(org, PARTY_DAY_ITEMS, year, period)
        per = Counter(a.date.month for a in found)
        missing = [m for m in months if not per[m]]
        gap = f"；{'、'.join(f'{m}月' for m in missing)}没有记录" if missing else "；每月都有"
        return Suggestion(
            f"主题党日：{len(found)} 次，{sum(1 for m in months if per[m])} 个月有记录{gap}",
            _activity_links(found),
        )
    if name == "declarations_reviewed":
        first, last = _bounds(year, period)
        rows = list(
            Declaration.objects.filter(organization=org, date__gte=first, date__lte=last).order_by(
                "date"
            )
        )
        pending = [d for d in rows if d.status == Declaration.Status.SUBMITTED]
        links = tuple(
            (
                f"{d.date:%m-%d} {d.get_status_display()}",
                reverse("recording:declaration", args=[d.pk]),
            )
            for d in rows[:24]
        )
        return Suggestion(
            f"个人申报 {len(rows)} 件，已审核 {len(rows) - len(pending)} 件，"
            f"待审核 {len(pending)} 件",
            links,
        )
    if name == "monthly_archive":
        first, last = _bounds(year, period)
        dates = Entry.objects.filter(
            organization=org, person__isnull=False, date__gte=first, date__lte=last
        ).values_list("date", flat=True)
        per = Counter(d.month for d in dates)
        missing = [m for m in months if not per[m]]
        gap = f"；{'、'.join(f'{m}月' for m in missing)}没有积分记录" if missing else ""
        links = tuple(
            (
                f"{m}月 {per[m]} 条",
                reverse("ledger:month_sheet", kwargs={"org_id": org.pk, "year": year, "month": m}),
            )
            for m in months
        )
        return Suggestion(
            f"党员积分台账：{sum(1 for m in months if per[m])} 个月有记录{gap}", links
        )
    if name == "quarter_closes":
        return _quarter_closes(org, year, months)
    raise KeyError(name)


def _quarter_closes(org: Organization, year: int, months: range) -> Suggestion:
    """The quarters of the round signed by the branch secretary, and how soon after the
    quarter's end (on time: within ``CLOSE_GRACE_DAYS``), with their public notices."""
    quarters = sorted({(m - 1) // 3 + 1 for m in months})
    first_signed: dict[int, Signature] = {}
    for signature in Signature.objects.filter(
        organization=org, year=year, quarter__in=quarters
    ).order_by("signed_at", "pk"):
        first_signed.setdefault(signature.quarter, signature)
    noticed = set(
        Notice.objects.filter(
            signature__organization=org, signature__year=year, signature__quarter__in=quarters
        ).values_list("signature__quarter", flat=True)
    )
    parts: list[str] = []
    on_time = 0
    for quarter in quarters:
        end = dt.date(year, quarter * 3, monthrange(year, quarter * 3)[1])
        found = first_signed.get(quarter)
        if found is None:
            parts.append(f"第{quarter}季度未签名")
            continue
        late = (timezone.localdate(found.signed_at) - end).days
        timely = late <= CLOSE_GRACE_DAYS
        on_time += timely
        overdue = "" if timely else f"（逾期 {late - CLOSE_GRACE_DAYS} 天）"
        published = "，已公示" if quarter in noticed else "，未公示"
        signed_on = timezone.localdate(found.signed_at)
        parts.append(f"第{quarter}季度 {signed_on:%m-%d} 签名{overdue}{published}")
    links = tuple(
        (
            f"第{q}季度考评表",
            reverse("periods:quarter", kwargs={"org_id": org.pk, "year": year, "quarter": q}),
        )
        for q in quarters
    )
    return Suggestion(
        f"季度签名确认：{len(quarters)} 个季度中按时 {on_time} 个（季度结束后 "
        f"{CLOSE_GRACE_DAYS} 天内）；" + "；".join(parts),
        links,
    )


def suggestions_for(
    rulebook: Rulebook, org: Organization, year: int, period: str
) -> dict[str, list[Suggestion]]:
    """Item code → the suggestions shown beside it for ``org`` in the round."""
    table = MEASURES.get(rulebook.id) or MEASURES.get(rulebook.extends or "", {})
    return {
        code: [measure(name, org, year, period) for name in names]
        for code, names in table.items()
        if rulebook.item(code) is not None
    }
