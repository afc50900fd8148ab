"""A member confirms their quarter's score, or disputes it with a reason (签名确认 comes after):
the row confirmed is kept by its hash, so a later change to the sheet shows."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.models import Organization, Person
from jifen.periods.models import Confirmation
from jifen.periods.services import quarter_sheet_or_refuse


@transaction.atomic
def confirmation_record(
    *,
    organization: Organization,
    year: int,
    quarter: int,
    person: Person,
    kind: str,
    reason: str,
    actor: User,
) -> Confirmation:
    """``person`` (the signed-in member) confirms their quarter's score, or disputes it with a
    reason the scoring group will see. A later confirmation replaces an earlier one."""
    sheet = quarter_sheet_or_refuse(organization, year, quarter)
    row = next((r for r in sheet.rows if r.person.pk == person.pk), None)
    if row is None:
        raise ValidationError(
            _("%(name)s 不在 %(organization)s%(quarter)s 的考评表中")
            % {
                "name": person.name,
                "organization": organization.name,
                "quarter": sheet.quarter.title,
            }
        )
    if kind not in Confirmation.Kind.values:
        raise ValidationError({"kind": _("请选择确认或有异议")})
    if kind == Confirmation.Kind.DISPUTE and not reason.strip():
        raise ValidationError({"reason": _("有异议时请写明理由")})
    confirmation = Confirmation.objects.create(
        organization=organization,
        year=year,
        quarter=quarter,
        person=person,
        kind=kind,
        reason=reason.strip()[:500],
        row_hash=row.row_hash,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    audit_record(
        action="period.confirm",
        actor=actor,
        target=confirmation,
        summary=(
            f"{person.name} {confirmation.get_kind_display()} {sheet.quarter.name}得分"
            f" {row.total}" + (f"：{confirmation.reason}" if confirmation.reason else "")
        ),
    )
    return confirmation
