"""Scores derived from the ledger: the one module that turns ORM rows into engine inputs.

Nothing here is stored: scores are computed from (adopted rulebook, facts, membership history)
whenever they are asked for, so they are always current with the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from jifen.ledger.models import Entry
from jifen.orgs.models import Exemption, Membership, Organization, Person
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar, Fact, Interval, Rulebook, Subject, SubjectResult, score

ONE_DAY = dt.timedelta(days=1)


def person_key(person_id: int) -> str:
    return f"p{person_id}"


def entry_fact(entry: Entry) -> Fact:
    """An entry as the engine's Fact: numbers as Decimal, labels as text, corrections as voids."""
    value: Decimal | str
    try:
        value = Decimal(entry.value) if entry.value else ""
    except InvalidOperation:
        value = entry.value
    subject = person_key(entry.person_id) if entry.person_id else f"o{entry.subject_org_id}"
    return Fact(
        id=str(entry.pk),
        subject=subject,
        date=entry.date,
        item=entry.item,
        value=value,
        source=entry.source or "committee",
        note=entry.note,
        voids=str(entry.corrects_id) if entry.corrects_id else None,
    )


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


def member_subject(person: Person, year: int, scope: Organization) -> Subject:
    """``person`` as the engine sees them in ``year`` under ``scope``: active while a member of
    an organization in the scope's subtree and not exempted (不列入管理)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gt=first))
    memberships = list(
        Membership.objects.filter(in_year, person=person, organization__path__startswith=scope.path)
        .select_related("organization")
        .order_by("start")
    )
    # [start, end) in the database; the engine's intervals include both ends.
    spans = [
        (max(m.start, first), min(m.end - ONE_DAY, last) if m.end else last) for m in memberships
    ]
    for exemption in Exemption.objects.filter(in_year, person=person):
        end = exemption.end - ONE_DAY if exemption.end else last
        spans = _minus(spans, (exemption.start, end))
    branch = memberships[-1].organization.code if memberships else ""
    return Subject(
        id=person_key(person.pk),
        name=person.name,
        org=branch,
        category=person.category,
        active=tuple(Interval(start, end) for start, end in spans),
    )


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


def branch_year(organization: Organization, year: int) -> BranchYear | None:
    """Everyone who belonged to ``organization`` (or below) in ``year``, scored in one pass so
    quotas and ranks see the whole branch. None when no rulebook applies."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    rulebook = rulebook_of(adoption)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    people = list(
        Person.objects.filter(
            Q(memberships__start__lte=last)
            & (Q(memberships__end__isnull=True) | Q(memberships__end__gt=first)),
            memberships__organization__path__startswith=organization.path,
        )
        .distinct()
        .order_by("name_pinyin", "id")
    )
    subjects = [member_subject(person, year, adoption.organization) for person in people]
    entries = Entry.objects.filter(person__in=people, date__year=year).order_by("seq")
    sheet = score(rulebook, [entry_fact(e) for e in entries], year=year, subjects=subjects)
    by_key = {result.subject: result for result in sheet.results}
    results = {p.pk: by_key[person_key(p.pk)] for p in people if person_key(p.pk) in by_key}
    return BranchYear(organization, year, adoption, rulebook, people, results)
