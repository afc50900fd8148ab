"""The year end (seed003 六(三)): the branch secretary signs the year-end sheet, the branch
reports it to the level above (上报), which approves it or returns it with a reason; once
approved the branch publicizes it for the rulebook's working days, with objections exactly as a
quarter's. Each service is one transaction and is audited; every step is a new record."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.chain import audit_head_lock
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.locks import row_lock
from jifen.ledger.models import LedgerHead
from jifen.orgs.access import Action, can
from jifen.orgs.models import Organization
from jifen.periods.models import Notice, Signature
from jifen.periods.services import notice_create, signature_sealed
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, shown_date
from jifen.periods.year_end_models import YearEndStep
from jifen.periods.year_end_sheet import YEAR_END, YearSheet, year_end_blockers, year_sheet
from jifen.periods.year_end_state import YearEndState, YearStatus, year_end_state


def _sheet(organization: Organization, year: int) -> YearSheet:
    sheet = year_sheet(organization, year)
    if sheet is None:
        raise ValidationError(
            _("%(name)s %(year)s 年还没有采用积分办法") % {"name": organization.name, "year": year}
        )
    return sheet


def _current(signature: Signature) -> tuple[YearSheet, YearEndState]:
    """The sheet as it stands and the year end's state; refused unless ``signature`` is the
    latest and its figures are still exactly what was signed."""
    if signature.quarter != YEAR_END:
        raise ValidationError(_("这不是年度汇总表的签名"))
    sheet = _sheet(signature.organization, signature.year)
    state = year_end_state(signature.organization, signature.year, sheet.sheet_hash)
    if state.latest is None or state.latest.pk != signature.pk:
        raise ValidationError(_("这不是最新的签名：请处理最新签名的年度汇总表"))
    if state.status == YearStatus.REOPENED:
        raise ValidationError(
            _("签名后分数有更正，年度汇总表已重开：请支部书记重新签名，再上报审核")
        )
    return sheet, state


@transaction.atomic
def year_end_sign(
    *, organization: Organization, year: int, actor: User, today: dt.date
) -> Signature:
    """The branch secretary signs the year-end sheet: the sheet, its SHA-256 and the ledger head
    are recorded, and the whole scoring year is sealed (later facts dated in it enter only as
    corrections, which reopen the year end)."""
    sheet = _sheet(organization, year)
    if today <= sheet.end:
        raise ValidationError(
            _("%(year)s 年度到 %(end)s 才结束，年度结束后才能签名")
            % {"year": year, "end": shown_date(sheet.end)}
        )
    audit_head_lock()  # the audit chain first, then the ledger: one lock order
    head, _created = LedgerHead.objects.select_for_update().get_or_create(organization=organization)
    state = year_end_state(organization, year, sheet.sheet_hash)
    if state.latest is not None and state.status != YearStatus.REOPENED:
        raise ValidationError(
            _("年度汇总表已签名，分数没有变动，不需要重新签名（当前状态：%(status)s）")
            % {"status": _(state.status.label)}
        )
    if not sheet.rows:
        raise ValidationError(
            _("%(name)s %(year)s 年没有党员，无需签名") % {"name": organization.name, "year": year}
        )
    blockers = year_end_blockers(organization, year)
    if blockers:
        raise ValidationError("；".join(blockers))
    if sheet.missing_grades:
        raise ValidationError(
            _("以下党员尚未评定民主评议等次，年度得分不完整，请先录入评议结果：%(names)s")
            % {"names": "、".join(sheet.missing_grades)}
        )
    signature = signature_sealed(
        organization=organization,
        year=year,
        quarter=YEAR_END,
        span=(sheet.start, sheet.end),
        label=f"{year}年度",
        sheet=(sheet.canonical, sheet.sheet_hash),
        head=head,
        actor=actor,
    )
    again = "重新" if state.latest is not None else ""
    audit_record(
        action="period.year_sign",
        actor=actor,
        target=signature,
        summary=(
            f"支部书记{again}签名 {organization.name} {year} 年度积分汇总表："
            f"{len(sheet.rows)} 人，年度表 SHA-256 {sheet.sheet_hash[:12]}…，台账第 {head.seq} 条"
        ),
        detail={"sheet_hash": sheet.sheet_hash, "ledger_head": signature.ledger_head},
    )
    return signature


def _step(signature: Signature, kind: str, reason: str, actor: User) -> YearEndStep:
    return YearEndStep.objects.create(
        signature=signature,
        kind=kind,
        sheet_hash=signature.sheet_hash,
        reason=reason.strip()[:500],
        by=actor,
        at=clock.now(),
    )


@transaction.atomic
def year_end_submit(*, signature: Signature, actor: User, note: str = "") -> YearEndStep:
    """The branch reports its signed year-end sheet to the level above (上报), first or again
    after a return."""
    row_lock(Signature, signature.pk)
    _sheet_now, state = _current(signature)
    if state.status not in (YearStatus.SIGNED, YearStatus.RETURNED):
        raise ValidationError(
            _("年度汇总表%(status)s，不能上报") % {"status": _(state.status.label)}
        )
    if signature.organization.parent_id is None:
        raise ValidationError(_("最上级党组织没有上级，不需要上报"))
    step = _step(signature, YearEndStep.Kind.SUBMIT, note, actor)
    organization = signature.organization
    audit_record(
        action="period.year_submit",
        actor=actor,
        target=step,
        summary=(
            f"{organization.name} {signature.year} 年度积分汇总表上报"
            f"{organization.parent.name if organization.parent else ''}审核："
            f"年度表 SHA-256 {signature.sheet_hash[:12]}…"
        ),
        detail={"sheet_hash": signature.sheet_hash},
    )
    return step


@transaction.atomic
def year_end_decide(
    *, signature: Signature, approve: bool, reason: str, actor: User
) -> YearEndStep:
    """The level above approves the reported figures (who, when, which: the signed sheet's
    SHA-256) or returns them with a reason, which re-opens the year end for the branch."""
    row_lock(Signature, signature.pk)
    organization = signature.organization
    parent = organization.parent
    if parent is None or not can(actor, Action.APPROVE_YEAR_END, parent):
        raise ValidationError(_("只有上级党组织（党总支或党委）可以审核本组织的年度汇总表"))
    if signature.signed_by_id == actor.pk:
        raise ValidationError(_("签名人不能审核自己签名的年度汇总表"))
    _sheet_now, state = _current(signature)
    if state.status != YearStatus.SUBMITTED:
        raise ValidationError(
            _("年度汇总表%(status)s，没有待审核的上报") % {"status": _(state.status.label)}
        )
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("退回必须写明原因")})
    step = _step(
        signature, YearEndStep.Kind.APPROVE if approve else YearEndStep.Kind.RETURN, reason, actor
    )
    verdict = "审核通过" if approve else "退回"
    audit_record(
        action="period.year_approve" if approve else "period.year_return",
        actor=actor,
        target=step,
        summary=(
            f"{parent.name}{verdict} {organization.name} {signature.year} 年度积分汇总表"
            f"（年度表 SHA-256 {signature.sheet_hash[:12]}…）"
            + (f"：{step.reason}" if step.reason else "")
        ),
        detail={"sheet_hash": signature.sheet_hash},
    )
    return step


@transaction.atomic
def year_end_notice_open(
    *,
    signature: Signature,
    actor: User,
    today: dt.date,
    days: int = DEFAULT_NOTICE_DAYS,
    how_to_object: str = "",
) -> Notice:
    """Publicize the approved year-end sheet for ``days`` working days (the rulebook's
    ``notice_days``); objections then go exactly as a quarter's."""
    row_lock(Signature, signature.pk)
    _sheet_now, state = _current(signature)
    if state.status == YearStatus.PUBLICIZED:
        raise ValidationError(_("这份年度汇总表已经公示过了"))
    if state.status != YearStatus.APPROVED:
        raise ValidationError(
            _("年度汇总表须经上级审核通过后才能公示（当前状态：%(status)s）")
            % {"status": _(state.status.label)}
        )
    return notice_create(
        signature=signature,
        actor=actor,
        today=today,
        days=days,
        how_to_object=how_to_object,
        what=f"{signature.organization.name} {signature.year} 年度积分结果",
    )
