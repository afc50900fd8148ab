"""``jifen remind``: reminders of deadlines, each to each person once.

Run daily by cron or a systemd timer (docs/deployment.md). What it looks for, on ``today``:

- a quarter that ended ``JIFEN_REMIND_SIGN_DAYS`` working days ago or more and is not signed:
  the branch's secretaries; and, once the quarter has ended, its members are told their sheet
  is ready to confirm (``quarter_confirm``);
- a public notice (公示) whose last day is tomorrow: the branch's members, and its group robot;
- declarations waiting for review more than ``JIFEN_REMIND_REVIEW_DAYS`` working days: the
  branch's secretaries and scorekeepers;
- an activity tomorrow: the members of its organization, and its group robot.

Lives in periods, not in inbox: it reads quarters and notices (periods) and declarations and
activities (recording), and only periods stands above both. Each reminder is claimed in the
sent-reminder table (``inbox.ReminderSent``, unique key and recipient) before it is written, so
a second run the same day, or two runs at once, remind nobody twice. Working days come from
``chinese-calendar`` (periods/workdays.py), as for notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.inbox.models import Notification
from jifen.inbox.services import announce, notify, reminder_claim, users_of
from jifen.inbox.texts import worded
from jifen.orgs.models import Organization, RoleAssignment
from jifen.orgs.selectors import memberships_on
from jifen.periods.models import Confirmation, Notice, Signature
from jifen.periods.sheet import QUARTERS
from jifen.periods.workdays import is_workday
from jifen.recording.models import Activity, Declaration
from jifen.rulebooks.services import adoption_for

K = Notification.Kind
ONE_DAY = dt.timedelta(days=1)


@dataclass
class Reminded:
    """What a run did, for the command's report."""

    notifications: int = 0
    announcements: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def workdays_after(end: dt.date, today: dt.date) -> int:
    """Working days after ``end`` up to and including ``today``."""
    known: dict[int, Any] = {}
    count = 0
    day = end + ONE_DAY
    while day <= today:
        count += is_workday(day, known)[0]
        day += ONE_DAY
    return count


def _quarter_span(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, after - ONE_DAY


def _officers(organization: Organization, roles: Iterable[Role]) -> list[int]:
    return list(
        RoleAssignment.objects.filter(
            organization=organization, role__in=[r.value for r in roles], revoked_at__isnull=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def _members(organization: Organization, day: dt.date) -> list[int]:
    return users_of(m.person_id for m in memberships_on(organization=organization, day=day))


def _tell(
    result: Reminded,
    *,
    key: str,
    kind: str,
    user_ids: Iterable[int],
    params: dict[str, Any],
    link: str = "",
) -> None:
    """Notify each of ``user_ids`` not yet reminded of ``key``, in one transaction per reminder
    so the claim and the notification stand or fall together."""
    with transaction.atomic():
        fresh = [
            pk for pk in dict.fromkeys(user_ids) if reminder_claim(key=key, recipient=f"user:{pk}")
        ]
        if fresh:
            notify(kind=kind, user_ids=fresh, params=params, link=link)
    result.notifications += len(fresh)
    result.by_kind[kind] = result.by_kind.get(kind, 0) + len(fresh)


def _announce(result: Reminded, *, key: str, organization: Organization, text: str) -> None:
    with transaction.atomic():
        if not settings.JIFEN_WEBHOOKS:
            return
        if not hasattr(organization, "webhook"):
            return
        if reminder_claim(key=key, recipient=f"webhook:{organization.pk}"):
            result.announcements += announce(organization=organization, text=text) is not None


def _quarters(today: dt.date, result: Reminded) -> None:
    """Ended quarters of this year and last: members may confirm; unsigned ones, once
    JIFEN_REMIND_SIGN_DAYS working days have passed, are the secretaries' to sign."""
    ended = [
        (year, quarter)
        for year in (today.year - 1, today.year)
        for quarter in QUARTERS
        if _quarter_span(year, quarter)[1] < today
    ][-2:]  # the last two ended quarters: older ones are long past reminding
    branches = Organization.objects.filter(
        pk__in=RoleAssignment.objects.filter(
            role=Role.BRANCH_SECRETARY.value, revoked_at__isnull=True
        ).values("organization_id")
    )
    for branch in branches:
        for year, quarter in ended:
            if adoption_for(branch, year) is None:
                continue
            end = _quarter_span(year, quarter)[1]
            if Signature.objects.filter(organization=branch, year=year, quarter=quarter).exists():
                continue
            params = {"organization": branch.name, "year": year, "quarter": quarter}
            link = reverse(
                "periods:quarter", kwargs={"org_id": branch.pk, "year": year, "quarter": quarter}
            )
            confirmed = set(
                Confirmation.objects.filter(
                    organization=branch, year=year, quarter=quarter
                ).values_list("person__user_id", flat=True)
            )
            members = [pk for pk in _members(branch, end) if pk not in confirmed]
            _tell(
                result,
                key=f"confirm:{year}Q{quarter}:{branch.pk}",
                kind=K.QUARTER_CONFIRM,
                user_ids=members,
                params=params,
                link=link,
            )
            days = settings.JIFEN_REMIND_SIGN_DAYS
            if workdays_after(end, today) >= days:
                _tell(
                    result,
                    key=f"sign:{year}Q{quarter}:{branch.pk}",
                    kind=K.REMIND_SIGN,
                    user_ids=_officers(branch, [Role.BRANCH_SECRETARY]),
                    params={**params, "days": days},
                    link=link,
                )


def _notices(today: dt.date, result: Reminded) -> None:
    tomorrow = today + ONE_DAY
    for notice in Notice.objects.filter(ends=tomorrow).select_related("signature__organization"):
        branch = notice.signature.organization
        params = {
            "organization": branch.name,
            "year": notice.signature.year,
            "quarter": notice.signature.quarter,
            "date": tomorrow.isoformat(),
        }
        _tell(
            result,
            key=f"notice:{notice.pk}",
            kind=K.REMIND_NOTICE,
            user_ids=_members(branch, today),
            params=params,
            link=reverse("periods:notice", kwargs={"notice_id": notice.pk}),
        )
        _announce(
            result,
            key=f"notice:{notice.pk}",
            organization=branch,
            text=_worded(K.REMIND_NOTICE, params),
        )


def _declarations(today: dt.date, result: Reminded) -> None:
    days = settings.JIFEN_REMIND_REVIEW_DAYS
    waiting: dict[int, list[Declaration]] = {}
    for declaration in Declaration.objects.filter(
        status=Declaration.Status.SUBMITTED
    ).select_related("organization"):
        submitted = declaration.submitted_at.astimezone().date()
        if workdays_after(submitted, today) > days:
            waiting.setdefault(declaration.organization_id, []).append(declaration)
    for declarations in waiting.values():
        branch = declarations[0].organization
        newest = max(d.pk for d in declarations)
        _tell(
            result,
            # A new declaration overdue is a new reminder; the same ones are not repeated.
            key=f"review:{branch.pk}:{newest}",
            kind=K.REMIND_REVIEW,
            user_ids=_officers(branch, [Role.BRANCH_SECRETARY, Role.SCOREKEEPER]),
            params={"organization": branch.name, "count": len(declarations), "days": days},
            link=reverse("recording:declarations_queue", kwargs={"org_id": branch.pk}),
        )


def _activities(today: dt.date, result: Reminded) -> None:
    tomorrow = today + ONE_DAY
    for activity in Activity.objects.filter(
        date=tomorrow, cancelled_at__isnull=True
    ).select_related("organization"):
        params = {"title": activity.title, "date": tomorrow.isoformat()}
        _tell(
            result,
            key=f"activity:{activity.pk}",
            kind=K.REMIND_ACTIVITY,
            user_ids=_members(activity.organization, tomorrow),
            params=params,
            link=reverse("recording:activity", kwargs={"activity_id": activity.pk}),
        )
        _announce(
            result,
            key=f"activity:{activity.pk}",
            organization=activity.organization,
            text=_worded(K.REMIND_ACTIVITY, params),
        )


def _worded(kind: str, params: dict[str, Any]) -> str:
    """A group message in the deployment's language (the group has no one reader)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("【积分提醒】") + worded(Notification(kind=kind, params=params))


def reminders_send(*, today: dt.date) -> Reminded:
    """Every reminder due on ``today``, each to each person once."""
    result = Reminded()
    _quarters(today, result)
    _notices(today, result)
    _declarations(today, result)
    _activities(today, result)
    if result.notifications or result.announcements:
        audit_record(
            action="inbox.remind",
            target="inbox:remind",
            summary=f"{today.isoformat()} 提醒 {result.notifications} 人次，"
            f"群消息 {result.announcements} 条",
            detail={"by_kind": result.by_kind},
        )
    return result
