"""Reading the state of a quarter: signed or reopened, its notices, confirmations, objections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.ledger.models import Entry
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.orgs.models import Organization
from jifen.periods.models import Confirmation, Finding, Level, Notice, Objection, Signature
from jifen.periods.sheet import QuarterSheet


# Status and notice_state stay Chinese: the bulletin writes them into its printed form and its
# xlsx. Pages translate them where they show them ({% translate status.label %}).
class Status(models.TextChoices):
    UNSIGNED = "unsigned", gettext_noop("未签名")
    SIGNED = "signed", gettext_noop("已签名")
    REOPENED = "reopened", gettext_noop("已重开（需重新签名）")


def signatures_of(organization: Organization, year: int, quarter: int) -> list[Signature]:
    return list(
        Signature.objects.filter(organization=organization, year=year, quarter=quarter)
        .select_related("signed_by")
        .order_by("signed_at", "pk")
    )


def status_of(sheet: QuarterSheet, latest: Signature | None) -> Status:
    """Signed while the sheet is exactly what was signed; reopened once a correction changed it."""
    if latest is None:
        return Status.UNSIGNED
    return Status.SIGNED if latest.sheet_hash == sheet.sheet_hash else Status.REOPENED


def notice_state(notice: Notice, today: dt.date) -> str:
    if today < notice.opened_on:
        return gettext_noop("未开始")
    if today <= notice.ends:
        return gettext_noop("公示中")
    return gettext_noop("已结束")


def notice_is_open(notice: Notice, today: dt.date) -> bool:
    """Objections are received from the day the notice is opened to its last working day."""
    return notice.opened_on <= today <= notice.ends


def latest_confirmations(
    organization: Organization, year: int, quarter: int
) -> dict[int, Confirmation]:
    latest: dict[int, Confirmation] = {}
    for c in Confirmation.objects.filter(
        organization=organization, year=year, quarter=quarter
    ).order_by("recorded_at", "pk"):
        latest[c.person_id] = c
    return latest


@dataclass(frozen=True)
class Tally:
    """Where a quarter's members stand before it is signed: who confirmed the row now on the
    sheet, who disputed it, and who has not answered (or confirmed a row that has changed)."""

    confirmed: list[str]
    disputed: list[str]
    waiting: list[str]

    @property
    def total(self) -> int:
        return len(self.confirmed) + len(self.disputed) + len(self.waiting)


def confirmation_tally(sheet: QuarterSheet, confirmations: dict[int, Confirmation]) -> Tally:
    tally = Tally([], [], [])
    for row in sheet.rows:
        found = confirmations.get(row.person.pk)
        if found is None or found.row_hash != row.row_hash:
            tally.waiting.append(row.person.name)
        elif found.kind == Confirmation.Kind.DISPUTE:
            tally.disputed.append(row.person.name)
        else:
            tally.confirmed.append(row.person.name)
    return tally


def notices_of(organization: Organization, year: int, quarter: int) -> list[Notice]:
    return list(
        Notice.objects.filter(
            signature__organization=organization,
            signature__year=year,
            signature__quarter=quarter,
        )
        .select_related("signature", "opened_by")
        .order_by("opened_at", "pk")
    )


def objections_of(notices: list[Notice]) -> list[Objection]:
    return list(
        Objection.objects.filter(notice__in=notices)
        .select_related("person", "filed_by", "notice", "notice__signature")
        .prefetch_related("findings")
        .order_by("filed_at", "pk")
    )


@dataclass(frozen=True)
class ObjectionState:
    branch: Finding | None
    general: Finding | None
    escalated: bool

    @property
    def final(self) -> Finding | None:
        return self.general or (self.branch if not self.escalated else None)

    @property
    def label(self) -> str:
        """Shown on the pages only, so in the reader's language."""
        if self.general is not None:
            return _("专项查核：%(outcome)s（最终结论）") % {
                "outcome": _(self.general.get_outcome_display())
            }
        if self.escalated:
            return _("已申请党总支专项查核，待查核")
        if self.branch is not None:
            return _("支委会：%(outcome)s") % {"outcome": _(self.branch.get_outcome_display())}
        return _("待支委会调查")


def objection_state(objection: Objection) -> ObjectionState:
    findings = {f.level: f for f in objection.findings.all()}
    return ObjectionState(
        findings.get(Level.BRANCH),
        findings.get(Level.GENERAL),
        hasattr(objection, "escalation"),
    )


def notices_for(user: AnyUser, today: dt.date) -> list[tuple[Notice, str]]:
    """The latest notices within the user's reach, each with its state on ``today``."""
    reach = access.reach(user, Action.VIEW_NOTICE)
    found = (
        Notice.objects.filter(reach.org_filter("signature__organization__path"))
        .select_related("signature__organization")
        .order_by("-opened_at")[:50]
    )
    return [(n, notice_state(n, today)) for n in found]


def objections_waiting_for(user: AnyUser) -> list[tuple[Objection, str]]:
    """Objections waiting for this user: the branch committee's finding, or the general
    branch's 专项查核 of an escalated one."""
    investigate = access.reach(user, Action.INVESTIGATE)
    review = access.reach(user, Action.SPECIAL_REVIEW)
    where = "notice__signature__organization__path"
    found = (
        Objection.objects.filter(investigate.org_filter(where) | review.org_filter(where))
        .select_related("notice__signature__organization", "person")
        .prefetch_related("findings")
        .order_by("filed_at")[:100]
    )
    waiting = []
    for objection in found:
        state = objection_state(objection)
        organization = objection.notice.signature.organization
        if state.branch is None and investigate.covers(organization):
            waiting.append((objection, _("待支委会调查")))
        elif state.escalated and state.general is None and review.covers(organization):
            waiting.append((objection, _("待专项查核")))
    return waiting


def quarter_entries(objection: Objection) -> QuerySet[Entry]:
    """The objected-to member's standing entries in the notice's quarter, for the finding form."""
    sheet = objection.notice.signature.sheet
    if objection.person is None:
        return Entry.objects.none()
    voided = Entry.objects.filter(corrects__isnull=False).values("corrects_id")
    return (
        Entry.objects.filter(
            person=objection.person, date__gte=sheet["start"], date__lte=sheet["end"]
        )
        .exclude(pk__in=voided)
        .exclude(correction="void")
        .order_by("date", "seq")
    )
