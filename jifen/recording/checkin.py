"""Checking in by scanning an activity's QR code on a phone.

The code carries a signed token naming the activity, so nobody can make one for another
activity; the window (opened by the scorekeeper) is checked against the database, so closing it
takes effect at once. A second check-in does nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum

import segno
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append, entry_correct
from jifen.orgs.models import Person
from jifen.recording.models import Activity
from jifen.recording.services import attendance_current, attendance_roster

SALT = "jifen.recording.checkin"
MAX_WINDOW = dt.timedelta(hours=12)


def checkin_token(activity: Activity) -> str:
    return signing.dumps({"activity": activity.pk}, salt=SALT, compress=True)


def activity_from_token(token: str) -> Activity | None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return (
        Activity.objects.select_related("organization").filter(pk=payload.get("activity")).first()
    )


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG: drawn here, nothing fetched from outside."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@transaction.atomic
def checkin_open(
    *,
    activity: Activity,
    now: dt.datetime,
    minutes: int,
    actor: User,
) -> Activity:
    if Activity.objects.select_for_update().get(pk=activity.pk).cancelled:
        raise ValidationError(_("活动已取消，不能开放扫码签到"))
    window = dt.timedelta(minutes=minutes)
    if not dt.timedelta(minutes=5) <= window <= MAX_WINDOW:
        raise ValidationError({"minutes": _("签到时长应在 5 分钟到 12 小时之间")})
    Activity.objects.filter(pk=activity.pk).update(checkin_opens=now, checkin_closes=now + window)
    activity.refresh_from_db()
    audit_record(
        action="activity.checkin_open",
        actor=actor,
        target=activity,
        summary=f"开放扫码签到 {minutes} 分钟：{activity.title}",
    )
    return activity


class Checkin(Enum):
    RECORDED = "recorded"
    ALREADY = "already"


def person_of(user: User, activity: Activity) -> Person | None:
    """The user's own Person, if they belonged to the activity's organization that day."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        return None
    return person if person in attendance_roster(activity) else None


@transaction.atomic
def checkin_record(
    *,
    activity: Activity,
    person: Person,
    now: dt.datetime,
    actor: User,
) -> Checkin:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.cancelled:
        raise ValidationError(_("活动已取消，不能签到"))
    if not locked.checkin_is_open(now):
        raise ValidationError(_("不在签到时间内：请向记分员确认签到时间"))
    current = attendance_current(locked).get(person.pk)
    if current is not None and current.value == "present":
        return Checkin.ALREADY
    if current is None:
        entry_append(
            organization=locked.organization,
            person=person,
            date=locked.date,
            item=locked.item,
            value="present",
            note="扫码签到",
            origin=Origin.ACTIVITY,
            origin_ref=locked.ref,
            recorded_by=actor,
        )
    else:
        entry_correct(entry=current, value="present", reason="本人扫码签到", recorded_by=actor)
    return Checkin.RECORDED
