"""Who a branch's scores are about, read as plain tuples: only the branch's own people and
their memberships, so a branch's pages cost the same in a committee of 300 members as in one of
100,000 (issue 14). ``jifen.ledger.scores`` turns them into the engine's Subjects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Q

from jifen.orgs.models import Exemption, Organization, Person
from jifen.orgs.selectors import in_year, memberships_overlapping

# A membership as a Subject needs it: [start, end) and the organization's code.
Span = tuple[dt.date, dt.date | None, str]
# An exemption (不列入管理): [start, end).
Gap = tuple[dt.date, dt.date | None]


def branch_members(
    organization: Organization, year: int, within: Q, *, only: Collection[int] | None = None
) -> tuple[list[Person], dict[int, list[Span]], dict[int, list[Gap]]]:
    """Everyone who belonged to ``organization`` (or below) in ``year`` within the adoption's
    scope ``within``, in name order; each one's memberships of the year in that scope, in date
    order (a member who moved in from elsewhere in the scope brings the months before); and
    their exemptions. Three queries, each limited to the branch's people by a subquery.
    ``only``: the people of these organizations (pks) instead of ``organization``'s subtree."""
    in_scope = memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
    in_scope = in_scope.filter(within)
    here_q = (
        Q(organization__path__startswith=organization.path)
        if only is None
        else Q(organization_id__in=only)
    )
    here_ids = in_scope.filter(here_q).values("person_id")
    memberships: dict[int, list[Span]] = {}
    here: set[int] = set()
    rows = (
        in_scope.filter(person_id__in=here_ids)
        .order_by("start")
        .values_list(
            "person_id",
            "start",
            "end",
            "organization__code",
            "organization__path",
            "organization_id",
        )
    )
    wanted = None if only is None else set(only)
    for person_id, start, end, code, path, org_id in rows:
        memberships.setdefault(person_id, []).append((start, end, code))
        if path.startswith(organization.path) if wanted is None else org_id in wanted:
            here.add(person_id)
    # Only people whose memberships were read: one joining between the two queries waits for
    # the next read rather than appearing without a membership.
    people = sorted(
        (p for p in Person.objects.filter(pk__in=here_ids) if p.pk in here),
        key=lambda p: (p.name_pinyin, p.pk),
    )
    exemptions: dict[int, list[Gap]] = {}
    gaps = Exemption.objects.filter(in_year(year), person_id__in=here_ids)
    for person_id, start, end in gaps.values_list("person_id", "start", "end"):
        exemptions.setdefault(person_id, []).append((start, end))
    return people, memberships, exemptions
