"""The quarters a rulebook change must not touch: those already signed (rulebooks.freeze).

"Signed" is the branch secretary's signature or anything after it (a notice, a reopening by a
correction): those quarters were scored, signed and publicized under the rulebook in force,
so the year's rulebook is no longer changed (docs/decisions.md)."""

from __future__ import annotations

from jifen.orgs.models import Organization
from jifen.periods.models import Signature
from jifen.periods.sheet import QUARTER_NAMES


def signed_in_subtree(organization: Organization, year: int) -> list[tuple[Organization, str]]:
    pairs = set(
        Signature.objects.filter(year=year, organization__path__startswith=organization.path)
        .order_by()
        .values_list("organization_id", "quarter")
        .distinct()
    )
    signed = Organization.objects.in_bulk({org_id for org_id, _quarter in pairs})
    return [
        (signed[org_id], f"{year}年{QUARTER_NAMES[quarter]}")
        for org_id, quarter in sorted(pairs, key=lambda p: (signed[p[0]].path, p[1]))
    ]
