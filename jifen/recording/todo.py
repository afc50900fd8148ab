"""What recording has waiting for a person on the home page (jifen/core/todo.py): declarations
to review, to decide or to approve, negative-list proposals to confirm, leave to decide,
monthly files to confirm, months with no activity recorded; and for a member, their own
declarations and the activities coming up where they may ask leave.

Every count is one query within the door's reach; the oldest item's date comes with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.core.todo import MINE, Todo, day_text, held_in, provider, waited_days
from jifen.ledger.models import Entry, Origin
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.orgs.models import Membership, Organization, Person
from jifen.orgs.selectors import on_day
from jifen.recording.models import Activity, Declaration, LeaveRequest, MonthlyUpload, VetoProposal
from jifen.recording.monthly import month_ref, monthly_items
from jifen.rulebooks.services import adoption_for, rulebook_of

# A declaration waiting longer than this is marked on the home page.
LONG_WAIT_DAYS = 7
# Activities this many days ahead are "coming up" for a member.
COMING_DAYS = 14


def _waiting(rows: QuerySet[Declaration], today: dt.date) -> tuple[int, str, bool]:
    """How many, a note on how long the oldest has waited, and whether that is long."""
    found = rows.aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    if not found["n"]:
        return 0, "", False
    days = waited_days(found["oldest"], today)
    return found["n"], _("最早的已等待 %(days)s 天") % {"days": days}, days > LONG_WAIT_DAYS


@provider
def declarations_to_review(user: AnyUser, today: dt.date) -> list[Todo]:
    """The reviewers' queue (积分员, 支部书记 …) for each organization they record in."""
    items = []
    for organization in held_in(user, Action.RECORD)[:5]:
        rows = Declaration.objects.filter(
            organization__path__startswith=organization.path,
            status=Declaration.Status.SUBMITTED,
        ).exclude(access.own(user, "person__user_id"))
        count, note, late = _waiting(rows, today)
        items.append(
            Todo(
                _("待审核的个人申报 · %(org)s") % {"org": organization.name},
                reverse("recording:declarations_queue", args=[organization.pk]),
                count,
                note,
                urgent=late,
                order=10,
            )
        )
    return items


@provider
def declarations_to_decide(user: AnyUser, today: dt.date) -> list[Todo]:
    """Declarations the reviewer put to the branch committee (提交支委会), for its members."""
    rows = Declaration.objects.filter(
        access.within_reach(user, Action.DECIDE), status=Declaration.Status.DISPUTED
    ).exclude(access.own(user, "person__user_id"))
    count, note, late = _waiting(rows, today)
    if not count:
        return []
    oldest = rows.order_by("submitted_at", "pk").first()
    assert oldest is not None  # noqa: S101 (counted above)
    return [
        Todo(
            _("提交支委会决定的申报"),
            reverse("recording:declaration", args=[oldest.pk]),
            count,
            note,
            urgent=late,
            order=12,
        )
    ]


@provider
def declarations_to_approve(user: AnyUser, today: dt.date) -> list[Todo]:
    """The committee's approval (党委审批) where the rulebook asks for it."""
    items = []
    for organization in held_in(user, Action.APPROVE_DECLARATIONS)[:5]:
        rows = Declaration.objects.filter(
            organization__path__startswith=organization.path,
            status=Declaration.Status.AWAITING,
        ).exclude(access.own(user, "person__user_id"))
        count, note, late = _waiting(rows, today)
        items.append(
            Todo(
                _("待党委审批的申报 · %(org)s") % {"org": organization.name},
                reverse("recording:declarations_committee", args=[organization.pk]),
                count,
                note,
                urgent=late,
                order=14,
            )
        )
    return items


@provider
def vetoes_to_confirm(user: AnyUser, today: dt.date) -> list[Todo]:
    items = []
    for organization in held_in(user, Action.DECIDE)[:5]:
        count = (
            VetoProposal.objects.filter(
                organization__path__startswith=organization.path,
                status=VetoProposal.Status.PENDING,
            )
            .exclude(proposed_by_id=user.pk)
            .count()
        )
        items.append(
            Todo(
                _("待支委会确认的负面清单 · %(org)s") % {"org": organization.name},
                reverse("recording:vetoes", args=[organization.pk]),
                count,
                order=16,
            )
        )
    return items


@provider
def leaves_to_decide(user: AnyUser, today: dt.date) -> list[Todo]:
    rows = LeaveRequest.objects.filter(
        access.within_reach(user, Action.DECIDE_LEAVE, "activity__organization"),
        status=LeaveRequest.Status.PENDING,
    )
    found = rows.aggregate(n=Count("pk"), first=Min("activity__date"))
    if not found["n"]:
        return []
    oldest = rows.order_by("activity__date", "pk").first()
    assert oldest is not None  # noqa: S101 (counted above)
    return [
        Todo(
            _("待审批的请假"),
            reverse("recording:activity", args=[oldest.activity_id]),
            found["n"],
            _("最近的活动在 %(day)s") % {"day": day_text(found["first"])},
            urgent=found["first"] <= today + dt.timedelta(days=1),
            order=18,
        )
    ]


@provider
def uploads_to_confirm(user: AnyUser, today: dt.date) -> list[Todo]:
    rows = MonthlyUpload.objects.filter(
        access.within_reach(user, Action.RECORD), status=MonthlyUpload.Status.PENDING
    )
    count = rows.count()
    if not count:
        return []
    oldest = rows.order_by("created_at", "pk").first()
    assert oldest is not None  # noqa: S101 (counted above)
    return [
        Todo(
            _("待确认的月度数据导入"),
            reverse("recording:monthly_confirm", args=[oldest.pk]),
            count,
            order=20,
        )
    ]


def months_unrecorded(organization_id: int, today: dt.date) -> list[int]:
    """The months of ``today``'s year that have ended with no activity (组织生活) recorded for
    the branch: every branch holds its 主题党日 each month. Read from the activities (a small
    table), not the ledger: the ledger has no index by organization and date, and counting a
    branch's year of facts took a second at 10,000 members (docs/decisions.md)."""
    ended = range(1, today.month)
    if not ended:
        return []
    counted = Activity.objects.filter(
        organization_id=organization_id,
        cancelled_at__isnull=True,
        date__gte=dt.date(today.year, 1, 1),
        date__lt=today.replace(day=1),
    ).aggregate(
        **{
            f"m{m}": Count(
                "pk",
                filter=Q(date__gte=dt.date(today.year, m, 1), date__lt=_next_month(today.year, m)),
            )
            for m in ended
        }
    )
    return [m for m in ended if not counted[f"m{m}"]]


def _next_month(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1)


def _months_missing(
    user: AnyUser,
    today: dt.date,
    *,
    title: str,
    page: str,
    missing_of: Callable[[Organization], list[int]],
    order: int,
) -> list[Todo]:
    """A line a branch where ``user`` records: the ended months ``missing_of`` names, by their
    names in the reader's language (3月, Mar), one tap from ``page``."""
    items = []
    branches = [o for o in held_in(user, Action.RECORD) if o.kind.code == "branch"]
    for organization in branches[:5]:
        missing = missing_of(organization)
        items.append(
            Todo(
                _(title) % {"org": organization.name},
                reverse(page, args=[organization.pk]),
                len(missing),
                _("、").join(
                    dateformat.format(dt.date(today.year, m, 1), _("n月")) for m in missing
                ),
                order=order,
            )
        )
    return items


@provider
def months_to_record(user: AnyUser, today: dt.date) -> list[Todo]:
    """For those who record in a branch: the ended months of the year with no activity."""
    return _months_missing(
        user,
        today,
        title=gettext_noop("没有登记组织生活的月份 · %(org)s"),
        page="recording:activities",
        missing_of=lambda organization: months_unrecorded(organization.pk, today),
        order=40,
    )


@provider
def my_declarations(user: AnyUser, today: dt.date) -> list[Todo]:
    """A member's own declarations still open: returned for more evidence (their move), or
    waiting for the branch or the committee."""
    rows = Declaration.objects.filter(access.own(user, "person__user_id"))
    counts = dict(
        rows.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
    )
    url = reverse("recording:declarations_mine")
    waiting = sum(
        counts.get(s, 0)
        for s in (
            Declaration.Status.SUBMITTED,
            Declaration.Status.DISPUTED,
            Declaration.Status.AWAITING,
        )
    )
    return [
        Todo(
            _("退回补充材料的申报"),
            url,
            counts.get(Declaration.Status.RETURNED, 0),
            _("补充材料后重新提交"),
            section=MINE,
            urgent=True,
            order=10,
        ),
        Todo(_("审核中的申报"), url, waiting, section=MINE, order=20),
    ]


def _own_paths(person_id: int, today: dt.date) -> set[str]:
    """The member's organizations today and those above them (their activities name them)."""
    paths: set[str] = set()
    rows = Membership.objects.filter(on_day(today), person_id=person_id)
    for path in rows.values_list("organization__path", flat=True):
        parts = [part for part in path.strip("/").split("/") if part]
        paths.update("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
    return paths


@provider
def activities_coming(user: AnyUser, today: dt.date) -> list[Todo]:
    person = Person.objects.filter(access.own(user, "user_id")).values_list("pk", flat=True)
    person_id = next(iter(person), None)
    if person_id is None:
        return []
    rows = Activity.objects.filter(
        Q(organization__path__in=_own_paths(person_id, today)),
        date__gte=today,
        date__lte=today + dt.timedelta(days=COMING_DAYS),
        cancelled_at__isnull=True,
    )
    found = rows.aggregate(n=Count("pk"), first=Min("date"))
    if not found["n"]:
        return []
    return [
        Todo(
            _("近期的组织生活和活动"),
            reverse("recording:my_activities"),
            found["n"],
            _("最近一次在 %(day)s，不能参加可以请假") % {"day": day_text(found["first"])},
            section=MINE,
            order=30,
        )
    ]


def months_unimported(organization: Organization, today: dt.date) -> list[int]:
    """The months of ``today``'s year that have ended with no monthly figures (学习强国 …)
    imported for the branch — by it or by an organization above it for its members — where
    its rulebook scores such figures. One query on the ledger's (organization, origin_ref)."""
    ended = range(1, today.month)
    adoption = adoption_for(organization, today.year) if ended else None
    if adoption is None or not monthly_items(rulebook_of(adoption)):
        return []
    refs = {month_ref(today.year, m): m for m in ended}
    imported = set(
        Entry.objects.filter(
            organization_id__in=[*organization.ancestor_ids(), organization.pk],
            origin=Origin.IMPORT,
            origin_ref__in=list(refs),
        )
        .values_list("origin_ref", flat=True)
        .distinct()
    )
    return [month for ref, month in refs.items() if ref not in imported]


@provider
def months_to_import(user: AnyUser, today: dt.date) -> list[Todo]:
    """For those who record in a branch: the ended months whose figures were not imported."""
    return _months_missing(
        user,
        today,
        title=gettext_noop("没有导入月度数据的月份 · %(org)s"),
        page="recording:monthly",
        missing_of=lambda organization: months_unimported(organization, today),
        order=41,
    )
