"""Recording activities and who attended: every mark is a ledger entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from jifen.audit.services import audit_record
from jifen.ledger.models import Entry, Origin
from jifen.ledger.scores import collector_paused
from jifen.ledger.services import NewFact, entries_append, entry_correct
from jifen.orgs import selectors
from jifen.orgs.models import Organization, Person
from jifen.recording.models import Activity, Attachment
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring.model import Allowance

MARKS = {"present": "出席", "absent": "无故缺席", "excused": "请假"}


def attendance_items(organization: Organization, year: int) -> list[tuple[str, str]]:
    """(code, title) of the adopted rulebook's items recorded by attendance."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return []
    rulebook = rulebook_of(adoption)
    return [
        (item.code, item.title)
        for category in rulebook.categories
        for item in category.items
        if isinstance(item, Allowance) and item.absent is not None
    ]


@transaction.atomic
def activity_create(
    *,
    organization: Organization,
    item: str,
    title: str,
    date: dt.date,
    place: str = "",
    organizer: str = "",
    content: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Activity:
    codes = dict(attendance_items(organization, date.year))
    if not codes:
        raise ValidationError({"date": f"{organization.name} {date.year} 年还没有采用积分办法"})
    if item not in codes:
        raise ValidationError({"item": f"{item} 不是按签到记分的项目"})
    activity = Activity.objects.create(
        organization=organization,
        item=item,
        title=title.strip(),
        date=date,
        place=place,
        organizer=organizer,
        content=content,
        created_by=actor,
    )
    audit_record(
        action="activity.create",
        actor=actor,
        request=request,
        target=activity,
        summary=f"{organization.name} {date} {codes[item]}：{activity.title}",
    )
    return activity


@dataclass(frozen=True)
class Mark:
    label: str  # present | absent | excused
    reason: str = ""


def attendance_current(activity: Activity) -> dict[int, Entry]:
    """Each member's standing mark for the activity: the latest entry not corrected since."""
    entries = list(
        Entry.objects.filter(person__isnull=False, date=activity.date)
        .filter(origin_ref=activity.ref)
        .order_by("seq")
    )
    corrected = {e.corrects_id for e in Entry.objects.filter(corrects__in=entries)}
    current: dict[int, Entry] = {}
    for entry in entries:
        if entry.pk not in corrected and entry.value and entry.person_id is not None:
            current[entry.person_id] = entry
    return current


def attendance_roster(activity: Activity) -> list[Person]:
    """The members who belonged to the activity's organization (and below) that day."""
    return selectors.people_on(organization=activity.organization, day=activity.date, subtree=True)


def _roster_by_id(activity: Activity) -> dict[int, Person]:
    """attendance_roster's people by id, with only the columns recording needs (500 members in
    a few milliseconds: no membership or organization rows, no ordering)."""
    where = Q(memberships__organization__path__startswith=activity.organization.path)
    people = Person.objects.filter(where & selectors.on_day(activity.date, "memberships__"))
    return {p.pk: p for p in people.only("id", "name")}


@transaction.atomic
def attendance_record(
    *,
    activity: Activity,
    marks: dict[int, Mark],
    actor: User | None,
    request: HttpRequest | None = None,
) -> int:
    """Record the marks; returns how many entries were written.

    A member already marked the same way is left alone, so a form submitted twice records once;
    a changed mark is a correction of the earlier entry, with the reason given.
    """
    # 500 marks allocate thousands of short-lived model instances: see collector_paused.
    with collector_paused():
        return _attendance_record(activity=activity, marks=marks, actor=actor, request=request)


def _attendance_record(
    *,
    activity: Activity,
    marks: dict[int, Mark],
    actor: User | None,
    request: HttpRequest | None,
) -> int:
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    roster = _roster_by_id(activity)
    unknown = set(marks) - set(roster)
    if unknown:
        raise ValidationError({"marks": f"{len(unknown)} 人在活动当天不属于本组织"})
    problems = {pid: m for pid, m in marks.items() if m.label not in MARKS}
    if problems:
        raise ValidationError({"marks": "签到状态只能是 出席、无故缺席 或 请假"})
    missing_reason = [
        roster[pid].name
        for pid, mark in marks.items()
        if mark.label == "excused" and not mark.reason.strip()
    ]
    if missing_reason:
        raise ValidationError({"marks": f"请假须写明原因：{'、'.join(missing_reason)}"})
    current = attendance_current(activity)
    fresh: list[NewFact] = []
    written = 0
    for pid, mark in marks.items():
        before = current.get(pid)
        if before is not None and before.value == mark.label:
            continue
        if before is None:
            note = mark.reason.strip() or activity.title
            fresh.append(NewFact(roster[pid], activity.date, activity.item, mark.label, note))
        else:
            current[pid] = entry_correct(
                entry=before,
                value=mark.label,
                reason=mark.reason.strip() or f"签到改为{MARKS[mark.label]}",
                recorded_by=actor,
                request=request,
            )
        written += 1
    entries_append(
        organization=activity.organization,
        facts=fresh,
        origin=Origin.ACTIVITY,
        origin_ref=activity.ref,
        recorded_by=actor,
        summary=f"{activity.title} 签到 {len(fresh)} 人",
        request=request,
    )
    return written


MAX_ATTACHMENTS = 20


@transaction.atomic
def attachment_add(
    *,
    activity: Activity,
    filename: str,
    data: bytes,
    actor: User,
    request: HttpRequest | None = None,
) -> Attachment:
    if activity.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(f"每个活动最多 {MAX_ATTACHMENTS} 个附件")
    attachment = Attachment.store(data, filename, activity=activity, uploaded_by=actor)
    audit_record(
        action="activity.attach",
        actor=actor,
        request=request,
        target=activity,
        summary=f"{activity.title} 添加附件 {attachment.original_name}",
    )
    return attachment
