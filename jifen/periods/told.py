"""What periods tells people (jifen/inbox), in the deciding service's transaction."""

from __future__ import annotations

from django.urls import reverse

from jifen.inbox.models import Notification
from jifen.inbox.services import notify
from jifen.periods.models import Finding


def finding_told(finding: Finding) -> None:
    """Whoever filed the objection hears its finding (the branch's, or the general branch's)."""
    objection = finding.objection
    signature = objection.notice.signature
    notify(
        kind=Notification.Kind.OBJECTION_ANSWERED,
        user_ids=[objection.filed_by_id],
        params={
            "organization": signature.organization.name,
            "year": signature.year,
            "quarter": signature.quarter,
            "outcome": Finding.Outcome(finding.outcome).label,
        },
        link=reverse("periods:objection", kwargs={"objection_id": objection.pk}),
    )
