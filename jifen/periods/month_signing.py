"""Signing a month's 考核表: the secretary's signature, the month's state and what changed since.

A month's signature records the figures; it does not seal the ledger (the quarter's signature
does). Once a month is signed its pages show the signed figures, and any later change — a late
or corrected fact dated in the month, a member moved, a rulebook replaced — is listed as a
difference from them until the secretary signs again (docs/decisions.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.anchors import anchor_after_commit
from jifen.ledger.models import GENESIS, LedgerHead
from jifen.orgs.models import Organization
from jifen.periods.models import MonthSignature
from jifen.periods.month_sheet import MONTHS, MonthSheet, month_sheet
from jifen.periods.workdays import shown_date


class MonthStatus(models.TextChoices):
    UNSIGNED = "unsigned", gettext_noop("未签名")
    SIGNED = "signed", gettext_noop("已签名")
    CHANGED = "changed", gettext_noop("签名后有变动（需重新签名）")


def month_signatures(organization: Organization, year: int, month: int) -> list[MonthSignature]:
    return list(
        MonthSignature.objects.filter(organization=organization, year=year, month=month)
        .select_related("signed_by")
        .order_by("signed_at", "pk")
    )


def month_status(sheet: MonthSheet, latest: MonthSignature | None) -> MonthStatus:
    if latest is None:
        return MonthStatus.UNSIGNED
    return MonthStatus.SIGNED if latest.sheet_hash == sheet.sheet_hash else MonthStatus.CHANGED


@dataclass(frozen=True)
class Difference:
    name: str
    column: str  # "党日活动", "本月合计", "备注", or "" for the whole row
    signed: str
    now: str


def _titles(canonical: dict[str, Any]) -> dict[str, str]:
    return {code: f"{group} {title}" for code, group, title, _points in canonical["columns"]}


def month_differences(signed: dict[str, Any], current: dict[str, Any]) -> list[Difference]:
    """Every figure of the current sheet that is not what was signed, member by member in the
    signed order (members who came or went since are listed as a whole row)."""
    titles = {**_titles(current), **_titles(signed)}
    now = {m["person"]: m for m in current["members"]}
    then = {m["person"]: m for m in signed["members"]}
    found: list[Difference] = []
    for person, was in then.items():
        row = now.get(person)
        if row is None:
            found.append(Difference(was["name"], "", "在表中", "不在表中"))
            continue
        for code in dict.fromkeys([*was["cells"], *row["cells"]]):
            before, after = was["cells"].get(code, ""), row["cells"].get(code, "")
            if before != after:
                found.append(Difference(row["name"], titles.get(code, code), before, after))
        for field, title in (("total", "本月合计"), ("remarks", "备注")):
            if was[field] != row[field]:
                found.append(Difference(row["name"], title, was[field], row[field]))
    for person, row in now.items():
        if person not in then:
            found.append(Difference(row["name"], "", "不在表中", "在表中"))
    if (signed["rulebook"], signed["version"]) != (current["rulebook"], current["version"]):
        found.append(
            Difference(
                "",
                "积分办法",
                f"{signed['rulebook']} 第 {signed['version']} 版",
                f"{current['rulebook']} 第 {current['version']} 版",
            )
        )
    return found


def _sheet(organization: Organization, year: int, month: int) -> MonthSheet:
    if month not in MONTHS:
        raise ValidationError({"month": _("月份应为 1 至 12")})
    sheet = month_sheet(organization, year, month)
    if sheet is None:
        raise ValidationError(
            _("%(name)s %(year)s 年还没有采用积分办法") % {"name": organization.name, "year": year}
        )
    return sheet


@transaction.atomic
def month_sign(
    *,
    organization: Organization,
    year: int,
    month: int,
    seen_hash: str,
    actor: User,
    today: dt.date,
) -> MonthSignature:
    """The branch secretary signs the month's 考核表 as it stands, after the month has ended.
    ``seen_hash`` is the SHA-256 of the sheet the secretary checked before confirming: if the
    figures changed in between, nothing is signed and the secretary is asked to check again."""
    sheet = _sheet(organization, year, month)
    if today <= sheet.month.end:
        raise ValidationError(
            _("%(month)s到 %(end)s 才结束，月份结束后才能签名")
            % {"month": sheet.month.title, "end": shown_date(sheet.month.end)}
        )
    if not sheet.rows:
        raise ValidationError(
            _("%(organization)s%(month)s没有党员，无需签名")
            % {"organization": organization.name, "month": sheet.month.title}
        )
    # One signer at a time per organization: lock the chain head as a writer would.
    head, _created = LedgerHead.objects.select_for_update().get_or_create(organization=organization)
    previous = month_signatures(organization, year, month)
    latest = previous[-1] if previous else None
    if month_status(sheet, latest) == MonthStatus.SIGNED:
        raise ValidationError(
            _("%(month)s的考核表已签名，分数没有变动，不需要重新签名")
            % {"month": sheet.month.title}
        )
    if seen_hash != sheet.sheet_hash:
        raise ValidationError(_("您核对之后本月的分数有变动，没有签名：请重新核对考核表后再签名"))
    anchor_after_commit(f"月度签名 {organization.code} {year}-{month:02d}")
    signature = MonthSignature.objects.create(
        organization=organization,
        year=year,
        month=month,
        sheet=sheet.canonical,
        sheet_hash=sheet.sheet_hash,
        ledger_seq=head.seq,
        ledger_head=head.head or GENESIS,
        signed_by=actor,
        signed_at=clock.now(),
    )
    again = "重新" if latest is not None else ""
    audit_record(
        action="period.month_sign",
        actor=actor,
        target=signature,
        summary=(
            f"支部书记{again}签名 {organization.name}{sheet.month.name}党员积分管理考核表："
            f"{len(sheet.rows)} 人，考核表 SHA-256 {sheet.sheet_hash[:12]}…，台账第 {head.seq} 条"
        ),
        detail={"sheet_hash": sheet.sheet_hash, "ledger_head": signature.ledger_head},
    )
    return signature
