"""What the quarters have waiting for a person on the home page (jifen/core/todo.py): quarters
to sign, to sign again or to publicize; objections to investigate and escalations to decide;
the notices open now and when they close; year-end sheets reported from below to approve.

No quarter sheet is built here (that scores the whole branch): whether a signed quarter
changed is told by the ledger — a fact of the quarter entered after the signature's ledger
position — which is what reopens it (periods/services.py ``period_sign``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.core.todo import MINE, WORK, Todo, day_text, held_in, provider, waited_days
from jifen.ledger.models import Entry
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser, roles_held
from jifen.orgs.models import Organization
from jifen.periods.models import Level, Notice, Objection, Signature
from jifen.periods.sheet import QUARTERS, Quarter, quarter_of
from jifen.periods.year_end_models import YearEndStep
from jifen.periods.year_end_sheet import YEAR_END
from jifen.rulebooks.services import adoption_for, rulebook_of

# Objections wait for the committee this many days before they are marked.
LONG_WAIT_DAYS = 5


@dataclass(frozen=True)
class QuarterState:
    quarter: Quarter
    # "unsigned", "changed" (a fact entered since the signature), "unpublicized" (signed, no
    # notice opened) or "done".
    state: str


def quarters_ended(organization: Organization, today: dt.date) -> list[Quarter]:
    """The quarters of last year and this year that have ended, where a rulebook applies."""
    ended = []
    for year in (today.year - 1, today.year):
        adoption = adoption_for(organization, year)
        if adoption is None:
            continue
        rulebook = rulebook_of(adoption)
        ended += [q for n in QUARTERS if (q := quarter_of(rulebook, year, n)).end < today]
    return ended


def quarter_states(organization: Organization, today: dt.date) -> list[QuarterState]:
    """Each ended quarter's standing, from the signatures and the ledger alone."""
    ended = quarters_ended(organization, today)
    if not ended:
        return []
    latest: dict[tuple[int, int], Signature] = {}
    signature: Signature | None
    for signature in Signature.objects.filter(
        organization=organization, year__in={q.year for q in ended}, quarter__gt=0
    ).order_by("signed_at", "pk"):
        latest[(signature.year, signature.quarter)] = signature
    noticed = set(
        Notice.objects.filter(signature__in=list(latest.values())).values_list(
            "signature_id", flat=True
        )
    )
    states = []
    for quarter in ended:
        signature = latest.get((quarter.year, quarter.number))
        if signature is None:
            state = "unsigned"
        elif Entry.objects.filter(
            organization=organization,
            seq__gt=signature.ledger_seq,
            date__gte=quarter.start,
            date__lte=quarter.end,
        ).exists():
            state = "changed"
        elif signature.pk not in noticed:
            state = "unpublicized"
        else:
            state = "done"
        states.append(QuarterState(quarter, state))
    return _recent(states, today)


def _recent(states: list[QuarterState], today: dt.date) -> list[QuarterState]:
    """Last year's quarters count only where something of last year was signed: an
    installation started this year has no quarters of last year to sign."""
    signed_last_year = any(s.state != "unsigned" for s in states if s.quarter.year < today.year)
    return [s for s in states if s.quarter.year == today.year or signed_last_year]


# Each state's line (translated when shown) and its place on the page.
_QUARTER_WORK = {
    "unsigned": (gettext_noop("待签名确认的季度 · %(org)s"), 30),
    "changed": (gettext_noop("签名后有新的积分记录，请核对并重新签名 · %(org)s"), 31),
    "unpublicized": (gettext_noop("已签名、待开启公示的季度 · %(org)s"), 32),
}


@provider
def quarters_to_sign(user: AnyUser, today: dt.date) -> list[Todo]:
    items = []
    for organization in held_in(user, Action.SIGN_PERIOD)[:5]:
        states = quarter_states(organization, today)
        for state, (title, order) in _QUARTER_WORK.items():
            found = [s.quarter for s in states if s.state == state]
            if not found:
                continue
            first = found[0]
            items.append(
                Todo(
                    _(title) % {"org": organization.name},
                    reverse("periods:quarter", args=[organization.pk, first.year, first.number]),
                    len(found),
                    "、".join(q.title for q in found),
                    order=order,
                )
            )
    return items


def _objection_todo(
    rows: QuerySet[Objection], title: str, today: dt.date, order: int
) -> list[Todo]:
    found = rows.aggregate(n=Count("pk"), oldest=Min("filed_at"))
    if not found["n"]:
        return []
    oldest = rows.order_by("filed_at", "pk").first()
    assert oldest is not None  # noqa: S101 (counted above)
    days = waited_days(found["oldest"], today)
    return [
        Todo(
            title,
            reverse("periods:objection", args=[oldest.pk]),
            found["n"],
            _("最早的已等待 %(days)s 天") % {"days": days},
            urgent=days > LONG_WAIT_DAYS,
            order=order,
        )
    ]


@provider
def objections_to_answer(user: AnyUser, today: dt.date) -> list[Todo]:
    """The branch committee's finding on each objection; the general branch's 专项查核 of
    each escalated one."""
    where = "notice__signature__organization"
    investigate = Objection.objects.filter(
        access.within_reach(user, Action.INVESTIGATE, where)
    ).exclude(findings__level=Level.BRANCH)
    review = (
        Objection.objects.filter(access.within_reach(user, Action.SPECIAL_REVIEW, where))
        .filter(escalation__isnull=False)
        .exclude(findings__level=Level.GENERAL)
    )
    return [
        *_objection_todo(investigate, _("待支委会调查的异议"), today, 22),
        *_objection_todo(review, _("待党总支专项查核的异议"), today, 24),
    ]


@provider
def notices_open(user: AnyUser, today: dt.date) -> list[Todo]:
    """The public notices running today within reach, and the first to close."""
    rows = Notice.objects.filter(
        access.within_reach(user, Action.VIEW_NOTICE, "signature__organization"),
        opened_on__lte=today,
        ends__gte=today,
    )
    found = rows.aggregate(n=Count("pk"), closes=Min("ends"))
    if not found["n"]:
        return []
    member = bool(roles_held(user) & access.ALLOWED[Action.OBJECT])
    first = rows.order_by("ends", "pk").first()
    assert first is not None  # noqa: S101 (counted above)
    url = (
        reverse("periods:notice", args=[first.pk])
        if found["n"] == 1
        else reverse("periods:notices" if member else "periods:index")
    )
    return [
        Todo(
            _("正在公示"),
            url,
            found["n"],
            _("%(day)s 截止；有异议可在截止前提出") % {"day": day_text(found["closes"])},
            section=MINE if member else WORK,
            order=50,
        )
    ]


@provider
def year_ends_to_approve(user: AnyUser, today: dt.date) -> list[Todo]:
    """Year-end sheets the organizations directly below reported (上报) and the level above has
    not yet approved or returned: the latest signature's latest step is the report."""
    items = []
    for organization in held_in(user, Action.APPROVE_YEAR_END)[:5]:
        newer_signature = Signature.objects.filter(
            organization=OuterRef("organization"),
            year=OuterRef("year"),
            quarter=YEAR_END,
            pk__gt=OuterRef("pk"),
        )
        latest = Signature.objects.filter(
            organization__parent=organization,
            quarter=YEAR_END,
            year__in=(today.year - 1, today.year),
        ).filter(~Exists(newer_signature))
        newer_step = YearEndStep.objects.filter(
            signature=OuterRef("signature"), pk__gt=OuterRef("pk")
        )
        reported = YearEndStep.objects.filter(
            signature__in=latest, kind=YearEndStep.Kind.SUBMIT
        ).filter(~Exists(newer_step))
        found = reported.aggregate(n=Count("pk"), year=Max("signature__year"))
        if not found["n"]:
            continue
        items.append(
            Todo(
                _("待审核的年度上报 · %(org)s") % {"org": organization.name},
                reverse("periods:year_end_reports", args=[organization.pk, found["year"]]),
                found["n"],
                order=28,
            )
        )
    return items


@provider
def branches_not_signed(user: AnyUser, today: dt.date) -> list[Todo]:
    """For the general branch and the committee: the branches below that have not signed the
    quarter that ended last (审核: the level above follows its branches' quarters). One count
    query an organization held, whatever the number of branches."""
    items = []
    for organization in held_in(user, Action.APPROVE_YEAR_END)[:5]:
        ended = [q for q in quarters_ended(organization, today) if q.year == today.year]
        if not ended:
            continue
        last = ended[-1]
        branches = (
            Organization.objects.filter(
                path__startswith=organization.path,
                kind__code="branch",
                active_from__lte=last.end,
            )
            .exclude(active_until__lte=last.end)
            .exclude(
                Exists(
                    Signature.objects.filter(
                        organization=OuterRef("pk"), year=last.year, quarter=last.number
                    )
                )
            )
        )
        names = list(branches.order_by("path").values_list("name", flat=True)[:6])
        if not names:
            continue
        count = branches.count() if len(names) > 5 else len(names)
        shown = _("、").join(names[:5]) + ("…" if count > 5 else "")
        items.append(
            Todo(
                _("尚未签名确认%(quarter)s的下级支部 · %(org)s")
                % {"quarter": last.title, "org": organization.name},
                reverse("periods:index"),
                count,
                shown,
                order=33,
            )
        )
    return items
