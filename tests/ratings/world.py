"""Objects the access matrix needs for the year-end URLs that name a record."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from jifen.orgs.models import Organization
from jifen.ratings.models import FollowUp


def followup_in(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    """A follow-up of the matrix's member of ``org`` (made on first use)."""
    person = world.people[org.code]
    found = FollowUp.objects.filter(person=person).first()
    if found is None:
        found = FollowUp.objects.create(
            organization=org,
            year=timezone.localdate().year,
            person=person,
            band="red",
            band_label="帮扶教育、限期改正",
            level="red",
            action="帮扶教育",
            kind=FollowUp.Kind.MENTOR,
            total=Decimal("55.00"),
            raised_at=timezone.now(),
        )
    return {"followup_id": found.pk}
