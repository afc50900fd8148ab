"""Scorekeepers' entries: shortfalls, deductions and points entered by hand, and the negative
list, which takes effect only when the branch committee confirms it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import entry_append, normalize_value
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_on
from jifen.recording.models import FactFile, VetoProposal
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.rulebooks.wording import item_said
from jifen.scoring import Fact, Rulebook, check_fact
from jifen.scoring.model import Allowance, Earn


def _rulebook(organization: Organization, year: int) -> Rulebook:
    adoption = adoption_for(organization, year)
    if adoption is None:
        raise ValidationError(
            {
                "date": _("%(name)s %(year)s 年还没有采用积分办法")
                % {"name": organization.name, "year": year}
            }
        )
    return rulebook_of(adoption)


def entry_choices(organization: Organization, year: int) -> list[tuple[str, str]]:
    """What a scorekeeper may enter by hand: numeric shortfalls (allowances without
    attendance labels), points earned, and category deductions. The negative list is proposed
    separately; grades come with the year-end review."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return []
    rulebook = rulebook_of(adoption)
    choices: list[tuple[str, str]] = []
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Allowance) and item.absent is None:
                # The unit is the rulebook's word (天, 分, 次), as written there.
                unit = item.unit or _("数量")
                if item.target is not None:
                    what = _("（值：达到的%(unit)s）") % {"unit": unit}
                else:
                    what = _("（值：差的%(unit)s）") % {"unit": unit}
                choices.append((item.code, f"{category.title} · {item.title}{what}"))
            elif isinstance(item, Earn):
                bonus = _("%(title)s（加分）") % {"title": item.title}
                choices.append((item.code, f"{category.title} · {bonus}"))
        for deduction in category.deductions:
            deduct = _("扣分：%(title)s") % {"title": deduction.title}
            choices.append((deduction.code, f"{category.title} · {deduct}"))
    return choices


def _member_on(organization: Organization, person: Person, day: dt.date) -> None:
    members = memberships_on(organization=organization, day=day, subtree=True)
    if not members.filter(person=person).exists():
        raise ValidationError(
            {
                "person": _("%(day)s 当天 %(name)s 不属于 %(organization)s")
                % {"day": day, "name": person.name, "organization": organization.name}
            }
        )


MAX_FILES = 9


def _store_files(files: Sequence[tuple[str, bytes]], organization: Organization) -> list[FactFile]:
    """Evidence checked and stored before anything is written, so a bad file changes nothing."""
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("证明材料最多 %(n)s 个文件") % {"n": MAX_FILES}})
    return [FactFile.store(data, filename, organization=organization) for filename, data in files]


def entry_checked(
    *, organization: Organization, person: Person, date: dt.date, code: str, value: str, note: str
) -> Decimal:
    """The value of a fact a scorekeeper enters by hand, once the adopted rulebook, the member's
    branch that day and the value's form allow it (the page and the API's batch check alike);
    otherwise a ValidationError on the field at fault."""
    rulebook = _rulebook(organization, date.year)
    if code not in dict(entry_choices(organization, date.year)):
        raise ValidationError({"code": _("这个项目不能在这里录入")})
    _member_on(organization, person, date)
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError({"value": _("请填写一个数，如 1 或 0.5")}) from None
    if not number.is_finite():
        raise ValidationError({"value": _("请填写一个数，如 1 或 0.5")})
    if any(code == d.code for c in rulebook.categories for d in c.deductions) and not note.strip():
        raise ValidationError({"note": _("扣分必须写明原因")})
    issue = check_fact(rulebook, Fact("new", "p", date, code, number))
    if issue is not None:
        raise ValidationError({"value": issue.message})
    return number


@transaction.atomic
def manual_entry(
    *,
    organization: Organization,
    person: Person,
    date: dt.date,
    code: str,
    value: str,
    note: str,
    actor: User,
    files: Sequence[tuple[str, bytes]] = (),
) -> Entry:
    """One fact entered by the scorekeeper, checked against the adopted rulebook first, with
    its evidence (photos, PDF) if any."""
    number = entry_checked(
        organization=organization, person=person, date=date, code=code, value=value, note=note
    )
    stored = _store_files(files, organization)
    entry = entry_append(
        organization=organization,
        person=person,
        date=date,
        item=code,
        value=normalize_value(number),
        note=note.strip(),
        evidence=[f.name for f in stored],
        origin=Origin.MANUAL,
        recorded_by=actor,
    )
    FactFile.objects.filter(pk__in=[f.pk for f in stored]).update(entry=entry)
    return entry


@transaction.atomic
def veto_propose(
    *,
    organization: Organization,
    person: Person,
    date: dt.date,
    code: str,
    reason: str,
    actor: User,
    files: Sequence[tuple[str, bytes]] = (),
) -> VetoProposal:
    rulebook = _rulebook(organization, date.year)
    if code not in {veto.code for veto in rulebook.vetoes}:
        missing = _("%(title)s 的负面清单中没有 %(code)s") % {"title": rulebook.title, "code": code}
        raise ValidationError({"code": missing})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明事实与依据")})
    _member_on(organization, person, date)
    stored = _store_files(files, organization)
    proposal = VetoProposal.objects.create(
        organization=organization,
        person=person,
        date=date,
        code=code,
        reason=reason.strip(),
        proposed_by=actor,
    )
    FactFile.objects.filter(pk__in=[f.pk for f in stored]).update(proposal=proposal)
    audit_record(
        action="veto.propose",
        actor=actor,
        target=proposal,
        summary=f"提出负面清单认定：{person.name} " + item_said(rulebook, code),
    )
    return proposal


def may_decide(user: User, proposal: VetoProposal) -> bool:
    return user.pk != proposal.proposed_by_id and may_decide_in(user, proposal.organization)


def may_decide_in(user: User, organization: Organization) -> bool:
    """Whether ``user`` sits on the branch committee (支委, 支部书记) over ``organization``."""
    return access.can(user, Action.DECIDE, organization)


@transaction.atomic
def veto_decide(
    *,
    proposal: VetoProposal,
    confirm: bool,
    note: str,
    actor: User,
) -> VetoProposal:
    """The branch committee's decision. Two deciders acting at once: the second is told."""
    locked = VetoProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != VetoProposal.Status.PENDING:
        raise ValidationError(
            {"proposal": _("已由他人处理：%(status)s") % {"status": _(locked.get_status_display())}}
        )
    if not may_decide(actor, locked):
        raise ValidationError(
            {"proposal": _("只能由支委会（支委、支部书记）确认，且不能确认自己提出的认定")}
        )
    if not confirm and not note.strip():
        raise ValidationError({"note": _("不予确认时请写明理由")})
    locked.status = VetoProposal.Status.CONFIRMED if confirm else VetoProposal.Status.REJECTED
    locked.decided_by = actor
    locked.decided_at = clock.now()
    locked.decision_note = note.strip()
    if confirm:
        locked.entry = entry_append(
            organization=locked.organization,
            person=locked.person,
            date=locked.date,
            item=locked.code,
            value="1",
            note=f"{locked.reason}（支委会确认：{note.strip() or '属实'}）",
            evidence=[f.name for f in locked.files.all()],
            origin=Origin.MANUAL,
            origin_ref=f"veto:{locked.pk}",
            recorded_by=actor,
        )
    locked.save()
    if locked.entry is not None:
        locked.files.update(entry=locked.entry)
    audit_record(
        action="veto.decide",
        actor=actor,
        target=locked,
        summary=f"负面清单认定 {locked.person.name}：{locked.get_status_display()}",
    )
    return locked
