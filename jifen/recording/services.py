"""Recording activities and who attended: every mark is a ledger entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.ledger.models import Entry, Origin
from jifen.ledger.scores import collector_paused, facts_refused
from jifen.ledger.services import NewFact, entries_append, entries_correct, entry_correct
from jifen.orgs import selectors
from jifen.orgs.models import Organization, Person
from jifen.recording.models import Activity, Attachment
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring.model import Allowance

# Chinese in the ledger's correction reasons; the checklist page translates them.
MARKS = {
    "present": gettext_noop("出席"),
    "absent": gettext_noop("无故缺席"),
    "excused": gettext_noop("请假"),
}


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


def _check_attendance_item(organization: Organization, item: str, year: int) -> dict[str, str]:
    """The organization's attendance items that year (code → title); ``item`` must be one."""
    codes = dict(attendance_items(organization, year))
    if not codes:
        raise ValidationError(
            {
                "date": _("%(name)s %(year)s 年还没有采用积分办法")
                % {"name": organization.name, "year": year}
            }
        )
    if item not in codes:
        raise ValidationError({"item": _("%(item)s 不是按签到记分的项目") % {"item": item}})
    return codes


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
) -> Activity:
    codes = _check_attendance_item(organization, item, date.year)
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
) -> int:
    """Record the marks; returns how many entries were written.

    A member already marked the same way is left alone, so a form submitted twice records once;
    a changed mark is a correction of the earlier entry, with the reason given.
    """
    # 500 marks allocate thousands of short-lived model instances: see collector_paused.
    with collector_paused():
        return _attendance_record(activity=activity, marks=marks, actor=actor)


def _attendance_record(
    *,
    activity: Activity,
    marks: dict[int, Mark],
    actor: User | None,
) -> int:
    locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if locked is None or locked.cancelled:
        raise ValidationError({"marks": _("活动已取消，不再记录签到")})
    roster = _roster_by_id(activity)
    unknown = set(marks) - set(roster)
    if unknown:
        raise ValidationError({"marks": _("%(n)s 人在活动当天不属于本组织") % {"n": len(unknown)}})
    problems = {pid: m for pid, m in marks.items() if m.label not in MARKS}
    if problems:
        raise ValidationError({"marks": _("签到状态只能是 出席、无故缺席 或 请假")})
    missing_reason = [
        roster[pid].name
        for pid, mark in marks.items()
        if mark.label == "excused" and not mark.reason.strip()
    ]
    if missing_reason:
        raise ValidationError(
            {"marks": _("请假须写明原因：%(names)s") % {"names": _("、").join(missing_reason)}}
        )
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
            )
        written += 1
    refused = facts_refused(activity.organization, fresh)
    if refused:
        raise ValidationError({"marks": refused[:10]})
    entries_append(
        organization=activity.organization,
        facts=fresh,
        origin=Origin.ACTIVITY,
        origin_ref=activity.ref,
        recorded_by=actor,
        summary=f"{activity.title} 签到 {len(fresh)} 人",
    )
    return written


# --- editing and cancelling an activity ---------------------------------------------------------

MAX_CHECKIN_WINDOW = dt.timedelta(hours=12)
EDITABLE = ("item", "title", "date", "place", "organizer", "content")


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def _locked(activity: Activity) -> Activity:
    locked = Activity.objects.select_for_update().select_related("organization").get(pk=activity.pk)
    if locked.cancelled:
        raise ValidationError(_("活动已取消，不能再修改"))
    return locked


def _check_window(opens: dt.datetime | None, closes: dt.datetime | None) -> None:
    if (opens is None) != (closes is None):
        raise ValidationError({"checkin_closes": _("扫码签到的开始和截止时间要么都填，要么都不填")})
    if opens is not None and closes is not None:
        if closes <= opens:
            raise ValidationError({"checkin_closes": _("扫码签到的截止时间必须晚于开始时间")})
        if closes - opens > MAX_CHECKIN_WINDOW:
            raise ValidationError({"checkin_closes": _("扫码签到时长不能超过 12 小时")})


def _check_item_kept(locked: Activity, item: str, current: dict[int, Entry]) -> None:
    """The type cannot change once attendance is recorded: the marks were scored under it."""
    if item != locked.item and current:
        raise ValidationError(
            {
                "item": _(
                    "已有 %(n)s 人的签到记录，不能更改活动类型："
                    "请取消本活动（签到记录随之作废）后重新登记"
                )
                % {"n": len(current)}
            }
        )


def _attendance_void_for_move(
    *,
    activity: Activity,
    current: dict[int, Entry],
    date: dt.date,
    reason: str,
    actor: User | None,
) -> list[NewFact]:
    """Void the standing marks of an activity moving to ``date``; returns them as facts on the
    new date, to be recorded once the activity is saved there (facts are never edited)."""
    # attendance_current holds member entries only (person_id set).
    people = Person.objects.in_bulk(list(current))
    moved = [
        NewFact(people[pid], date, entry.item, entry.value, entry.note)
        for pid, entry in current.items()
    ]
    refused = facts_refused(activity.organization, moved)
    if refused:
        raise ValidationError({"date": refused[:10]})
    why = f"活动日期由 {activity.date} 改为 {date}" + (
        f"：{reason.strip()}" if reason.strip() else ""
    )
    entries_correct(
        corrections=[(entry, None) for entry in current.values()],
        reason=why,
        recorded_by=actor,
        summary=f"{activity.title} 改期，原日期的签到作废",
    )
    return moved


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    item: str,
    title: str,
    date: dt.date,
    place: str = "",
    organizer: str = "",
    content: str = "",
    checkin_opens: dt.datetime | None = None,
    checkin_closes: dt.datetime | None = None,
    reason: str = "",
    actor: User | None,
) -> Activity:
    """Change an activity's details; audited with every changed field before and after.

    A new date moves the attendance with it: every standing mark is voided in the ledger
    (a correction naming the old and new dates and ``reason``) and recorded again on the new
    date — facts are never edited. The type (rulebook item) cannot change once attendance is
    recorded: the marks were scored under it (cancel the activity and record it again).
    """
    locked = _locked(activity)
    _check_attendance_item(locked.organization, item, date.year)
    _check_window(checkin_opens, checkin_closes)
    current = attendance_current(locked)
    _check_item_kept(locked, item, current)
    after: dict[str, object] = {
        "item": item,
        "title": title.strip(),
        "date": date,
        "place": place.strip(),
        "organizer": organizer.strip(),
        "content": content,
        "checkin_opens": checkin_opens,
        "checkin_closes": checkin_closes,
    }
    changed = {
        field: (_shown(getattr(locked, field)), _shown(value))
        for field, value in after.items()
        if getattr(locked, field) != value
    }
    if not changed:
        return locked
    old_date = locked.date
    moved: list[NewFact] = []
    if date != old_date and current:
        moved = _attendance_void_for_move(
            activity=locked, current=current, date=date, reason=reason, actor=actor
        )
    for field, value in after.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(after))
    if moved:
        entries_append(
            organization=locked.organization,
            facts=moved,
            origin=Origin.ACTIVITY,
            origin_ref=locked.ref,
            recorded_by=actor,
            summary=f"{locked.title} 改期 {old_date} → {date}，签到 {len(moved)} 人随之移到新日期",
        )
    audit_record(
        action="activity.update",
        actor=actor,
        target=locked,
        summary=f"修改活动 {locked.title}：{'、'.join(changed)}"
        + (f"（签到 {len(moved)} 人移到新日期）" if moved else ""),
        detail={
            "before": {field: old for field, (old, _new) in changed.items()},
            "after": {field: new for field, (_old, new) in changed.items()},
            "reason": reason.strip(),
            "moved": len(moved),
        },
    )
    return locked


@transaction.atomic
def activity_cancel(
    *,
    activity: Activity,
    reason: str,
    actor: User | None,
    now: dt.datetime | None = None,
) -> Activity:
    """Cancel an activity recorded by mistake: it stays (marked 已取消, with ``reason``), every
    attendance fact it produced is voided in the ledger with that reason, and it takes no more
    attendance or check-ins. Nothing is deleted."""
    if not reason.strip():
        raise ValidationError({"reason": _("取消活动必须写明原因")})
    locked = _locked(activity)
    current = attendance_current(locked)
    entries_correct(
        corrections=[(entry, None) for entry in current.values()],
        reason=f"活动取消：{reason.strip()}",
        recorded_by=actor,
        summary=f"取消活动 {locked.title}，作废其签到",
    )
    locked.cancelled_at = now or clock.now()
    locked.cancelled_by = actor
    locked.cancel_reason = reason.strip()[:500]
    locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit_record(
        action="activity.cancel",
        actor=actor,
        target=locked,
        summary=f"取消活动 {locked.date} {locked.title}：{locked.cancel_reason}；"
        f"作废签到 {len(current)} 条",
        detail={"reason": locked.cancel_reason, "voided": [e.pk for e in current.values()]},
    )
    return locked


MAX_ATTACHMENTS = 20


@transaction.atomic
def attachment_add(
    *,
    activity: Activity,
    filename: str,
    data: bytes,
    actor: User,
) -> Attachment:
    if activity.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("每个活动最多 %(n)s 个附件") % {"n": MAX_ATTACHMENTS})
    attachment = Attachment.store(data, filename, activity=activity, uploaded_by=actor)
    audit_record(
        action="activity.attach",
        actor=actor,
        target=activity,
        summary=f"{activity.title} 添加附件 {attachment.original_name}",
    )
    return attachment
