"""What every page of the quarter's close shares: the way to a notice, the quarter number and its
sheet."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from jifen.ledger.heads import HeadOnPaper, head_on_paper
from jifen.orgs import access
from jifen.orgs.models import Organization
from jifen.periods.models import Notice, Signature
from jifen.periods.sheet import QUARTERS, QuarterSheet, quarter_sheet


def checked_quarter(number: int) -> int:
    if number not in QUARTERS:
        raise Http404("未找到")
    return number


def sheet_or_404(organization: Organization, year: int, quarter: int) -> QuarterSheet:
    sheet = quarter_sheet(organization, year, checked_quarter(quarter))
    if sheet is None:
        raise Http404(
            _("%(name)s %(year)s 年还没有采用积分办法") % {"name": organization.name, "year": year}
        )
    return sheet


# A notice is reached through the organization whose signed quarter it publicizes.
NOTICES = access.Door(
    Notice.objects.select_related("signature__organization__kind", "signature__signed_by"),
    org_field="signature__organization",
)


def paper_of(signature: Signature) -> HeadOnPaper:
    """The head the sheet was signed at and the anchor that holds it, for the page and paper."""
    return head_on_paper(
        organization_id=signature.organization_id,
        seq=signature.ledger_seq,
        head=signature.ledger_head,
        since=signature.signed_at,
    )
