"""Reading the year end of an organization: where its year-end sheet stands on its way up
(signed, reported, approved or returned, publicized) — for the branch, for the level above's
overview of its organizations, and for each member."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from jifen.ledger.models import Entry
from jifen.orgs.models import Organization
from jifen.periods.models import Notice, Signature
from jifen.periods.year_end_models import YearEndStep
from jifen.periods.year_end_sheet import YEAR_END


# Chinese in the records and the printed forms; pages translate them ({% translate %}).
class YearStatus(models.TextChoices):
    NOT_STARTED = "not_started", gettext_noop("未开始")
    SIGNED = "signed", gettext_noop("已签名，待上报")
    SUBMITTED = "submitted", gettext_noop("已上报，待审核")
    RETURNED = "returned", gettext_noop("已退回")
    APPROVED = "approved", gettext_noop("已审核通过，待公示")
    PUBLICIZED = "publicized", gettext_noop("已公示")
    REOPENED = "reopened", gettext_noop("已重开（需重新签名）")


@dataclass(frozen=True)
class YearEndState:
    status: YearStatus
    signatures: list[Signature] = field(default_factory=list)
    steps: list[YearEndStep] = field(default_factory=list)  # of the latest signature
    notice: Notice | None = None  # the latest signature's notice

    @property
    def latest(self) -> Signature | None:
        return self.signatures[-1] if self.signatures else None

    @property
    def last_step(self) -> YearEndStep | None:
        return self.steps[-1] if self.steps else None

    @property
    def approval(self) -> YearEndStep | None:
        step = self.last_step
        return step if step is not None and step.kind == YearEndStep.Kind.APPROVE else None


def _recorded(
    signature: Signature | None, steps: list[YearEndStep], notice: Notice | None
) -> YearStatus:
    if signature is None:
        return YearStatus.NOT_STARTED
    if notice is not None:
        return YearStatus.PUBLICIZED
    last = steps[-1] if steps else None
    if last is None:
        return YearStatus.SIGNED
    return {
        YearEndStep.Kind.SUBMIT: YearStatus.SUBMITTED,
        YearEndStep.Kind.APPROVE: YearStatus.APPROVED,
        YearEndStep.Kind.RETURN: YearStatus.RETURNED,
    }[YearEndStep.Kind(last.kind)]


def year_end_state(
    organization: Organization, year: int, sheet_hash: str | None = None
) -> YearEndState:
    """The organization's year end. With ``sheet_hash`` (the year-end sheet as it stands), a
    latest signature whose figures differ reads as reopened: it must be signed again."""
    signatures = list(
        Signature.objects.filter(organization=organization, year=year, quarter=YEAR_END)
        .select_related("signed_by")
        .order_by("signed_at", "pk")
    )
    latest = signatures[-1] if signatures else None
    steps = (
        list(YearEndStep.objects.filter(signature=latest).select_related("by"))
        if latest is not None
        else []
    )
    notice = (
        Notice.objects.filter(signature=latest).order_by("opened_at", "pk").last()
        if latest is not None
        else None
    )
    status = _recorded(latest, steps, notice)
    if latest is not None and sheet_hash is not None and latest.sheet_hash != sheet_hash:
        status = YearStatus.REOPENED
    return YearEndState(status, signatures, steps, notice)


@dataclass(frozen=True)
class ReportRow:
    organization: Organization
    status: YearStatus
    signature: Signature | None
    step: YearEndStep | None
    notice: Notice | None
    # The organization's ledger has entries dated in the year appended after the signature
    # (corrections, which reopen it when they change a figure): its own page says which.
    changed_since: bool = False


def year_end_reports(organization: Organization, year: int) -> list[ReportRow]:
    """Every organization below ``organization`` with its year end as recorded (上报情况), in
    five queries whatever their number. Whether a signed sheet still matches the ledger is
    checked on the organization's own page, which scores it; here, whether anything dated in the
    year reached its ledger after the signature (``changed_since``)."""
    below = list(
        Organization.objects.filter(path__startswith=organization.path)
        .exclude(pk=organization.pk)
        .select_related("kind")
        .order_by("path")
    )
    latest: dict[int, Signature] = {}
    for signature in Signature.objects.filter(
        organization__in=below, year=year, quarter=YEAR_END
    ).order_by("signed_at", "pk"):
        latest[signature.organization_id] = signature
    steps: dict[int, YearEndStep] = {}
    for step in YearEndStep.objects.filter(signature__in=latest.values()).select_related("by"):
        steps[step.signature_id] = step  # ordered by time: the last one wins
    notices: dict[int, Notice] = {}
    for notice in Notice.objects.filter(signature__in=latest.values()).order_by("opened_at"):
        notices[notice.signature_id] = notice
    changed = _changed_since(list(latest.values()))
    rows = []
    for org in below:
        found = latest.get(org.pk)
        last = steps.get(found.pk) if found else None
        noticed = notices.get(found.pk) if found else None
        rows.append(
            ReportRow(
                org,
                _recorded(found, [last] if last else [], noticed),
                found,
                last,
                noticed,
                found is not None and found.organization_id in changed,
            )
        )
    return rows


def _changed_since(signatures: list[Signature]) -> set[int]:
    """The organizations (pks) whose own ledger has an entry dated in the signed year that was
    appended after the signature: one query, each organization's part by its chain's index."""
    if not signatures:
        return set()
    after = Q()
    for signature in signatures:
        start, end = signature.sheet.get("start"), signature.sheet.get("end")
        after |= Q(
            organization_id=signature.organization_id,
            seq__gt=signature.ledger_seq,
            date__gte=start,
            date__lte=end,
        )
    return set(Entry.objects.filter(after).values_list("organization_id", flat=True).distinct())
