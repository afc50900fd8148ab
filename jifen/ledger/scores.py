"""Scores derived from the ledger: the one module that turns ORM rows into engine inputs.

Nothing here is stored: scores are computed from (adopted rulebook, facts, membership history)
whenever they are asked for, so they are always current with the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from jifen.ledger.models import Entry
from jifen.orgs.models import Exemption, Membership, Organization, Person
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import (
    Calendar,
    Fact,
    Interval,
    Rulebook,
    Subject,
    SubjectResult,
    Tie,
    score,
)

ONE_DAY = dt.timedelta(days=1)


def person_key(person_id: int) -> str:
    return f"p{person_id}"


# The columns a Fact needs, for reading many entries without building model instances.
FACT_COLUMNS = (
    "pk",
    "person_id",
    "subject_org_id",
    "date",
    "item",
    "value",
    "source",
    "note",
    "corrects_id",
)


FactRow = tuple[int, int | None, int | None, dt.date, str, str, str, str, int | None]


def fact_from_row(row: FactRow) -> Fact:
    """An entry as the engine's Fact: numbers as Decimal, labels as text, corrections as voids."""
    pk, person_id, subject_org_id, date, item, raw, source, note, corrects_id = row
    value: Decimal | str
    try:
        value = Decimal(raw) if raw else ""
    except InvalidOperation:
        value = raw
    return Fact(
        id=str(pk),
        subject=person_key(person_id) if person_id else f"o{subject_org_id}",
        date=date,
        item=item,
        value=value,
        source=source or "committee",
        note=note,
        voids=str(corrects_id) if corrects_id else None,
    )


def entry_fact(entry: Entry) -> Fact:
    return fact_from_row(tuple(getattr(entry, column) for column in FACT_COLUMNS))


def _minus(
    spans: list[tuple[dt.date, dt.date]], hole: tuple[dt.date, dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """Inclusive spans with the inclusive ``hole`` cut out."""
    kept: list[tuple[dt.date, dt.date]] = []
    for start, end in spans:
        if hole[1] < start or hole[0] > end:
            kept.append((start, end))
            continue
        if start < hole[0]:
            kept.append((start, hole[0] - ONE_DAY))
        if hole[1] < end:
            kept.append((hole[1] + ONE_DAY, end))
    return kept


def _in_year(year: int) -> Q:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gt=first))


def subject_of(
    person: Person,
    year: int,
    memberships: list[Membership],
    exemptions: list[Exemption],
) -> Subject:
    """``person`` as the engine sees them in ``year``: active while a member (``memberships``,
    already limited to the scope, in date order) and not exempted (不列入管理)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # [start, end) in the database; the engine's intervals include both ends.
    spans = [
        (max(m.start, first), min(m.end - ONE_DAY, last) if m.end else last) for m in memberships
    ]
    for exemption in exemptions:
        end = exemption.end - ONE_DAY if exemption.end else last
        spans = _minus(spans, (exemption.start, end))
    return Subject(
        id=person_key(person.pk),
        name=person.name,
        org=memberships[-1].organization.code if memberships else "",
        category=person.category,
        active=tuple(Interval(start, end) for start, end in spans),
    )


def member_subject(person: Person, year: int, scope: Organization) -> Subject:
    """One member under ``scope`` (their memberships in its subtree)."""
    memberships = list(
        Membership.objects.filter(
            _in_year(year), person=person, organization__path__startswith=scope.path
        )
        .select_related("organization")
        .order_by("start")
    )
    exemptions = list(Exemption.objects.filter(_in_year(year), person=person))
    return subject_of(person, year, memberships, exemptions)


@dataclass(frozen=True)
class MemberYear:
    person: Person
    year: int
    adoption: Adoption
    rulebook: Rulebook
    result: SubjectResult
    entries: dict[str, Entry]
    active_months: tuple[int, ...]


def member_year(person: Person, year: int) -> MemberYear | None:
    """``person``'s explained score for ``year``, or None when no rulebook applies to them."""
    membership = (
        person.memberships.filter(start__lte=dt.date(year, 12, 31))
        .filter(Q(end__isnull=True) | Q(end__gt=dt.date(year, 1, 1)))
        .select_related("organization")
        .order_by("-start")
        .first()
    )
    if membership is None:
        return None
    adoption = adoption_for(membership.organization, year)
    if adoption is None:
        return None
    rulebook = rulebook_of(adoption)
    subject = member_subject(person, year, adoption.organization)
    entries = {
        str(e.pk): e
        for e in Entry.objects.filter(person=person, date__year=year).select_related("recorded_by")
    }
    sheet = score(
        rulebook, [entry_fact(e) for e in entries.values()], year=year, subjects=[subject]
    )
    (result,) = sheet.results
    months = Calendar(year, rulebook.year_start).active_months(subject.active)
    return MemberYear(person, year, adoption, rulebook, result, entries, months)


@dataclass(frozen=True)
class BranchYear:
    organization: Organization
    year: int
    adoption: Adoption
    rulebook: Rulebook
    people: list[Person]
    results: dict[int, SubjectResult]
    # Members tied at a quota's cut-off (subjects are person keys), for the year-end decision.
    ties: tuple[Tie, ...] = ()


def branch_year(
    organization: Organization,
    year: int,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
) -> BranchYear | None:
    """Everyone who belonged to ``organization`` (or below) in ``year``, scored in one pass so
    quotas and ranks see the whole branch. None when no rulebook applies. A fixed number of
    queries whatever the size of the branch. ``prior_totals`` (person key → year → total) feeds
    the rulebook's consecutive-year flags (below 60 two years running)."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    rulebook = rulebook_of(adoption)
    scope = adoption.organization
    memberships: dict[int, list[Membership]] = {}
    for m in (
        Membership.objects.filter(_in_year(year), organization__path__startswith=scope.path)
        .select_related("organization", "person")
        .order_by("start")
    ):
        memberships.setdefault(m.person_id, []).append(m)
    here = {
        m.person_id
        for ms in memberships.values()
        for m in ms
        if m.organization.path.startswith(organization.path)
    }
    people = sorted(
        (memberships[pid][0].person for pid in here), key=lambda p: (p.name_pinyin, p.pk)
    )
    exemptions: dict[int, list[Exemption]] = {}
    for exemption in Exemption.objects.filter(_in_year(year), person_id__in=here):
        exemptions.setdefault(exemption.person_id, []).append(exemption)
    subjects = [subject_of(p, year, memberships[p.pk], exemptions.get(p.pk, [])) for p in people]
    rows = (
        Entry.objects.filter(person_id__in=here, date__year=year)
        .order_by("seq")
        .values_list(*FACT_COLUMNS)
    )
    sheet = score(
        rulebook,
        [fact_from_row(row) for row in rows],
        year=year,
        subjects=subjects,
        prior_totals=prior_totals,
        explain=False,
    )
    by_key = {result.subject: result for result in sheet.results}
    results = {p.pk: by_key[person_key(p.pk)] for p in people if person_key(p.pk) in by_key}
    return BranchYear(organization, year, adoption, rulebook, people, results, sheet.ties)
