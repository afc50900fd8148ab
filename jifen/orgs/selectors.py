"""Reads about organizations and people. Callers pass querysets already scoped by the door."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, Q, QuerySet

from jifen.orgs.models import Exemption, Membership, Organization, Person


def overlapping(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    """Rows (memberships, exemptions) whose [start, end) shares a day with [first, last].

    The two kinds of range differ on purpose: a membership or an exemption ends the day
    *before* its ``end`` (the day someone leaves belongs to the next organization), while a
    span asked about — a year, a quarter, a month, one day — includes its last day."""
    return Q(**{f"{prefix}start__lte": last}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": first})
    )


def on_day(day: dt.date, prefix: str = "") -> Q:
    """Rows whose [start, end) covers ``day``."""
    return overlapping(day, day, prefix)


def in_year(year: int, prefix: str = "") -> Q:
    """Rows whose [start, end) shares a day with the calendar year ``year``."""
    return overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31), prefix)


def memberships_overlapping(
    *,
    first: dt.date,
    last: dt.date,
    organization: Organization | None = None,
    subtree: bool = False,
) -> QuerySet[Membership]:
    """Memberships that share at least one day with [first, last] (both included), in
    ``organization`` (or its whole subtree) when one is given.

    The one way to ask "who belonged during this span": a quarter's sheet, a month's import,
    a year's scores and grades. Unordered and without joins: callers add what they read."""
    where = overlapping(first, last)
    if organization is not None:
        where &= (
            Q(organization__path__startswith=organization.path)
            if subtree
            else Q(organization=organization)
        )
    return Membership.objects.filter(where)


def memberships_on(
    *, organization: Organization, day: dt.date, subtree: bool = False
) -> QuerySet[Membership]:
    """Who belonged to ``organization`` (or its subtree) on ``day``."""
    return (
        memberships_overlapping(first=day, last=day, organization=organization, subtree=subtree)
        .select_related("person", "organization")
        .order_by("person__name_pinyin", "person_id")
    )


def people_on(*, organization: Organization, day: dt.date, subtree: bool = False) -> list[Person]:
    return [m.person for m in memberships_on(organization=organization, day=day, subtree=subtree)]


def exempt_ids_on(day: dt.date, person_ids: list[int]) -> set[int]:
    rows = Exemption.objects.filter(on_day(day), person_id__in=person_ids)
    return set(rows.values_list("person_id", flat=True))


def member_counts(organizations: QuerySet[Organization], day: dt.date) -> dict[int, int]:
    """Members of each organization's whole subtree on ``day``."""
    direct = dict(
        Membership.objects.filter(on_day(day), organization__in=organizations)
        .values("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
    )
    # Each direct count adds to the organization and to every ancestor on its path.
    paths = {o.pk: o.path for o in organizations}
    totals = dict.fromkeys(paths, 0)
    for org_id, n in direct.items():
        path = paths.get(org_id)
        if path is None:
            continue
        for ancestor in (int(part) for part in path.strip("/").split("/")):
            if ancestor in totals:
                totals[ancestor] += n
    return totals


_LATIN = re.compile(r"^[a-zA-Z]+$")


def person_search(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """By name, full pinyin or initials: 张三, zhangsan, zhang, zs."""
    query = query.strip()
    if not query:
        return people
    if _LATIN.match(query):
        latin = query.lower()
        return people.filter(Q(name_pinyin__startswith=latin) | Q(name_initials__startswith=latin))
    return people.filter(Q(name__contains=query) | Q(id_number=query.upper()))
