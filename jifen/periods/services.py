"""Closing a quarter: confirmations, the secretary's signature, the public notice (公示),
objections, findings and escalations. Each service is one transaction and is audited; nothing is
updated or deleted — every step is a new record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.accounts.roles import Role
from jifen.audit.chain import audit_head_lock
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.anchors import anchor_after_commit
from jifen.core.locks import row_lock
from jifen.ledger.models import GENESIS, Entry, LedgerHead, Origin
from jifen.ledger.services import entry_append, entry_correct, seal_add
from jifen.orgs.access import Action, assignments_of, can
from jifen.orgs.models import Organization, Person
from jifen.periods.models import (
    Escalation,
    Finding,
    Level,
    Notice,
    Objection,
    Signature,
)
from jifen.periods.selectors import (
    Status,
    notice_is_open,
    objection_state,
    signatures_of,
    status_of,
)
from jifen.periods.sheet import QUARTERS, QuarterSheet, quarter_sheet
from jifen.periods.told import finding_told
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, cn_date, notice_window, shown_date

# Stored in Chinese with the notice; the notice pages show it in the reader's language (a
# branch's own wording is shown as written).
DEFAULT_HOW_TO_OBJECT = gettext_noop(
    "对公示的分数有异议的，请在公示期内登录积分系统，在本公示页面点击“提出异议”并写明理由；"
    "也可向支部委员会当面反映。"
)


def quarter_sheet_or_refuse(organization: Organization, year: int, quarter: int) -> QuarterSheet:
    """The quarter's sheet, or a ValidationError saying why there is none."""
    if quarter not in QUARTERS:
        raise ValidationError({"quarter": _("季度应为 1 至 4")})
    sheet = quarter_sheet(organization, year, quarter)
    if sheet is None:
        raise ValidationError(
            _("%(name)s %(year)s 年还没有采用积分办法") % {"name": organization.name, "year": year}
        )
    return sheet


@transaction.atomic
def period_sign(
    *,
    organization: Organization,
    year: int,
    quarter: int,
    actor: User,
    today: dt.date,
) -> Signature:
    """The branch secretary's 签名确认: records the sheet as it stands, its SHA-256 and the
    organization's ledger head, and seals the quarter in the ledger (later facts dated there
    enter only as corrections, which reopen it)."""
    sheet = quarter_sheet_or_refuse(organization, year, quarter)
    if today <= sheet.quarter.end:
        raise ValidationError(
            _("%(quarter)s到 %(end)s 才结束，季度结束后才能签名确认")
            % {"quarter": sheet.quarter.title, "end": shown_date(sheet.quarter.end)}
        )
    # One signer at a time per organization: lock the chain head as a writer would.
    audit_head_lock()  # the audit chain first, then the ledger: one lock order
    head, _created = LedgerHead.objects.select_for_update().get_or_create(organization=organization)
    previous = signatures_of(organization, year, quarter)
    latest = previous[-1] if previous else None
    if status_of(sheet, latest) == Status.SIGNED:
        raise ValidationError(
            _("%(quarter)s已签名，分数没有变动，不需要重新签名") % {"quarter": sheet.quarter.title}
        )
    if not sheet.rows:
        raise ValidationError(
            _("%(organization)s%(quarter)s没有党员，无需签名")
            % {"organization": organization.name, "quarter": sheet.quarter.title}
        )
    signature = signature_sealed(
        organization=organization,
        year=year,
        quarter=quarter,
        span=(sheet.quarter.start, sheet.quarter.end),
        label=sheet.quarter.name,
        sheet=(sheet.canonical, sheet.sheet_hash),
        head=head,
        actor=actor,
    )
    again = "重新" if latest is not None else ""
    audit_record(
        action="period.sign",
        actor=actor,
        target=signature,
        summary=(
            f"支部书记{again}签名确认 {organization.name}{sheet.quarter.name}："
            f"{len(sheet.rows)} 人，季度表 SHA-256 {sheet.sheet_hash[:12]}…，"
            f"台账第 {head.seq} 条"
        ),
        detail={"sheet_hash": sheet.sheet_hash, "ledger_head": signature.ledger_head},
    )
    return signature


@transaction.atomic
def notice_open(
    *,
    signature: Signature,
    actor: User,
    today: dt.date,
    days: int = DEFAULT_NOTICE_DAYS,
    how_to_object: str = "",
) -> Notice:
    """Publicize a signed sheet for ``days`` working days from ``today``. Only the latest
    signature, only while the sheet is still exactly what was signed, and once per signature."""
    # Two clicks at once must not open two notices of one signature.
    row_lock(Signature, signature.pk)
    sheet = quarter_sheet_or_refuse(signature.organization, signature.year, signature.quarter)
    signatures = signatures_of(signature.organization, signature.year, signature.quarter)
    if signatures[-1].pk != signature.pk:
        raise ValidationError(_("这不是最新的签名：请公示最新签名的考评表"))
    if status_of(sheet, signature) != Status.SIGNED:
        raise ValidationError(_("签名后分数有更正，季度已重开：请先重新签名，再公示"))
    if Notice.objects.filter(signature=signature).exists():
        raise ValidationError(_("这份签名的考评表已经公示过了"))
    return notice_create(
        signature=signature,
        actor=actor,
        today=today,
        days=days,
        how_to_object=how_to_object,
        what=f"{signature.organization.name}{sheet.quarter.name}考评结果",
    )


def signature_sealed(
    *,
    organization: Organization,
    year: int,
    quarter: int,
    span: tuple[dt.date, dt.date],
    label: str,
    sheet: tuple[dict[str, Any], str],
    head: LedgerHead,
    actor: User,
) -> Signature:
    """Seal ``span`` of ``organization``'s ledger and record the signature of ``sheet`` (its
    canonical form and SHA-256) at the chain's ``head``: shared by the quarter's sheet and the
    year end's (``quarter`` 0)."""
    seal = seal_add(
        organization=organization,
        start=span[0],
        end=span[1],
        label=label,
        ref=f"periods:{organization.pk}:{year}" + (f"Q{quarter}" if quarter else "Y"),
        sealed_by=actor,
    )
    canonical, sheet_hash = sheet
    # Once this commits, every chain head is signed into an anchor outside the database.
    anchor_after_commit(f"签名 {organization.code} {year}" + (f"Q{quarter}" if quarter else "Y"))
    return Signature.objects.create(
        organization=organization,
        year=year,
        quarter=quarter,
        sheet=canonical,
        sheet_hash=sheet_hash,
        ledger_seq=head.seq,
        ledger_head=head.head or GENESIS,
        seal=seal,
        signed_by=actor,
        signed_at=clock.now(),
    )


def notice_create(
    *,
    signature: Signature,
    actor: User,
    today: dt.date,
    days: int,
    how_to_object: str,
    what: str,
) -> Notice:
    """The notice itself and its audit record, once the caller checked the signature may be
    publicized: shared by the quarter's notice and the year end's (periods/year_end.py)."""
    window = notice_window(today, days)
    anchor_after_commit(f"公示 {signature.organization.code} {signature.year}")
    notice = Notice.objects.create(
        signature=signature,
        opened_on=today,
        starts=window.starts,
        ends=window.ends,
        working_days=days,
        holidays_known=window.holidays_known,
        how_to_object=(how_to_object.strip() or DEFAULT_HOW_TO_OBJECT)[:500],
        opened_by=actor,
        opened_at=clock.now(),
    )
    audit_record(
        action="period.notice_open",
        actor=actor,
        target=notice,
        summary=(
            f"公示 {what}："
            f"{cn_date(window.starts)} 至 {cn_date(window.ends)}（{days} 个工作日）"
            + ("" if window.holidays_known else "；该年度节假日安排未知，按周一至周五计算")
        ),
    )
    return notice


def _objector_role(user: User, organization: Organization) -> str:
    if not can(user, Action.OBJECT, organization):
        raise ValidationError(_("只有本支部范围内的党员或群众代表可以提出异议"))
    held = {
        a.role for a in assignments_of(user) if organization.path.startswith(a.organization.path)
    }
    return Role.MEMBER if Role.MEMBER in held else Role.OBSERVER


@transaction.atomic
def objection_file(
    *,
    notice: Notice,
    actor: User,
    text: str,
    today: dt.date,
    person: Person | None = None,
) -> Objection:
    """A member or 群众代表 objects during the notice; after its last day the objection is
    refused with the dates."""
    organization = notice.signature.organization
    role = _objector_role(actor, organization)
    if not notice_is_open(notice, today):
        if today < notice.opened_on:
            raise ValidationError(
                _("公示自 %(day)s 起，尚未开始") % {"day": shown_date(notice.opened_on)}
            )
        raise ValidationError(
            _(
                "公示期为 %(starts)s 至 %(ends)s，已于 %(ends)s 结束，"
                "不能再提出异议；如有问题请向支部委员会反映"
            )
            % {"starts": shown_date(notice.starts), "ends": shown_date(notice.ends)}
        )
    if not text.strip():
        raise ValidationError({"text": _("请写明异议内容")})
    if person is not None and not any(
        m["person"] == person.pk for m in notice.signature.sheet["members"]
    ):
        raise ValidationError({"person": _("%(name)s 不在本次公示名单中") % {"name": person.name}})
    objection = Objection.objects.create(
        notice=notice,
        person=person,
        text=text.strip()[:1000],
        filed_by=actor,
        filed_role=role,
        filed_at=clock.now(),
    )
    audit_record(
        action="period.object",
        actor=actor,
        target=objection,
        summary=(
            f"对 {organization.name} 的公示提出异议"
            + (f"（涉及 {person.name}）" if person else "")
            + f"：{objection.text[:80]}"
        ),
    )
    return objection


@dataclass(frozen=True)
class Fix:
    """One correction an upheld objection makes: change (``value``) or void (``value`` None) an
    entry of the member's quarter, or add a missing fact (``item``, ``date``, ``value``)."""

    entry: Entry | None = None
    value: str | None = None
    item: str = ""
    date: dt.date | None = None


def _apply_fixes(
    objection: Objection,
    fixes: Sequence[Fix],
    reason: str,
    actor: User,
) -> list[int]:
    signature = objection.notice.signature
    start, end = (
        dt.date.fromisoformat(signature.sheet["start"]),
        dt.date.fromisoformat(signature.sheet["end"]),
    )
    person = objection.person
    written: list[int] = []
    for fix in fixes:
        if fix.entry is not None:
            if person is None or fix.entry.person_id != person.pk:
                raise ValidationError({"entry": _("只能更正异议涉及党员的记录")})
            if not start <= fix.entry.date <= end:
                raise ValidationError({"entry": _("只能更正本季度的记录")})
            written.append(
                entry_correct(
                    entry=fix.entry,
                    value=fix.value,
                    reason=reason,
                    recorded_by=actor,
                ).pk
            )
        else:
            if person is None:
                raise ValidationError({"item": _("异议没有指明党员，不能补录记录")})
            if fix.date is None or not start <= fix.date <= end:
                raise ValidationError(
                    {
                        "date": _("补录的日期应在 %(start)s 至 %(end)s 之间")
                        % {"start": shown_date(start), "end": shown_date(end)}
                    }
                )
            if not fix.item or fix.value in (None, ""):
                raise ValidationError({"item": _("补录须选择项目并填写值")})
            written.append(
                entry_append(
                    organization=signature.organization,
                    person=person,
                    date=fix.date,
                    item=fix.item,
                    value=fix.value or "",
                    origin=Origin.CORRECTION,
                    origin_ref=f"objection:{objection.pk}",
                    reason=reason,
                    note=f"异议 #{objection.pk} 补录",
                    recorded_by=actor,
                ).pk
            )
    return written


@transaction.atomic
def finding_record(
    *,
    objection: Objection,
    level: str,
    outcome: str,
    text: str,
    actor: User,
    fixes: Sequence[Fix] = (),
) -> Finding:
    """The branch committee's finding (``Level.BRANCH``) or, after an escalation, the general
    branch's 专项查核 (``Level.GENERAL``, final). An upheld objection writes its corrections to
    the ledger with the objection as the reason; the quarter then needs a new signature and a new
    notice."""
    row_lock(Objection, objection.pk)
    objection = Objection.objects.get(pk=objection.pk)
    state = objection_state(objection)
    if level == Level.BRANCH and state.branch is not None:
        raise ValidationError(_("支委会已对这件异议作出结论"))
    if level == Level.GENERAL:
        if not state.escalated:
            raise ValidationError(_("这件异议没有申请专项查核"))
        if state.general is not None:
            raise ValidationError(_("专项查核结论是最终结论，不能再次作出"))
    if level not in Level.values:
        raise ValidationError({"level": _("未知的层级")})
    if outcome not in Finding.Outcome.values:
        raise ValidationError({"outcome": _("请选择异议成立或不成立")})
    if not text.strip():
        raise ValidationError({"text": _("请写明调查情况")})
    upheld = outcome == Finding.Outcome.UPHELD
    if upheld and not fixes:
        raise ValidationError({"outcome": _("异议成立时请录入至少一项更正")})
    if not upheld and fixes:
        raise ValidationError({"outcome": _("异议不成立时不更正台账")})
    who = "党总支专项查核" if level == Level.GENERAL else "支委会调查"
    reason = f"异议 #{objection.pk} 经{who}成立：{text.strip()}"[:500]
    written = _apply_fixes(objection, fixes, reason, actor) if upheld else []
    finding = Finding.objects.create(
        objection=objection,
        level=level,
        outcome=outcome,
        text=text.strip()[:1000],
        corrections=written,
        decided_by=actor,
        decided_at=clock.now(),
    )
    audit_record(
        action="period.finding",
        actor=actor,
        target=finding,
        summary=(
            f"异议 #{objection.pk} {who}：{finding.get_outcome_display()}"
            + (f"，更正台账 {len(written)} 条，季度需重新签名并公示" if written else "")
        ),
    )
    finding_told(finding)
    return finding


@transaction.atomic
def escalation_file(
    *,
    objection: Objection,
    actor: User,
    reason: str,
) -> Escalation:
    """The member who objected, not satisfied with the branch committee's finding, asks the
    general branch for 专项查核 — once."""
    row_lock(Objection, objection.pk)
    objection = Objection.objects.get(pk=objection.pk)
    if objection.filed_by_id != actor.pk or objection.filed_role != Role.MEMBER:
        raise ValidationError(_("只有提出异议的党员本人可以申请专项查核"))
    state = objection_state(objection)
    if state.escalated:
        raise ValidationError(_("每件异议只能申请一次专项查核"))
    if state.branch is None:
        raise ValidationError(_("支委会作出结论后才能申请专项查核"))
    if not reason.strip():
        raise ValidationError({"reason": _("请写明申请理由")})
    escalation = Escalation.objects.create(
        objection=objection,
        reason=reason.strip()[:1000],
        escalated_by=actor,
        escalated_at=clock.now(),
    )
    audit_record(
        action="period.escalate",
        actor=actor,
        target=escalation,
        summary=f"异议 #{objection.pk} 申请党总支专项查核：{escalation.reason[:80]}",
    )
    return escalation
