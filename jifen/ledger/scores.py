"""Scores derived from the ledger: the one module that turns ORM rows into engine inputs.

Nothing here is stored: scores are computed from (adopted rulebook, facts, membership history)
whenever they are asked for, so they are always current with the ledger.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, cast

from django.db import connections
from django.db.models import Q, QuerySet

from jifen.ledger.models import Entry
from jifen.ledger.services import NewFact, normalize_value
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
    check_fact,
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


@lru_cache(maxsize=4096)
def fact_value(raw: str) -> Decimal | str:
    """A stored value as the engine reads it: a number as Decimal, a label as text. Remembered:
    a branch's year repeats a few dozen values (present, absent, 1, 0.5 …) thousands of times,
    and a label costs a caught exception to tell apart from a number."""
    if not raw:
        return ""
    try:
        return Decimal(raw)
    except InvalidOperation:
        return raw


def fact_from_row(row: FactRow) -> Fact:
    """An entry as the engine's Fact: numbers as Decimal, labels as text, corrections as voids."""
    pk, person_id, subject_org_id, date, item, raw, source, note, corrects_id = row
    return Fact(
        str(pk),
        f"p{person_id}" if person_id else f"o{subject_org_id}",
        date,
        item,
        fact_value(raw),
        source or "committee",
        note,
        str(corrects_id) if corrects_id else None,
    )


def fact_rows(entries: QuerySet[Entry]) -> list[FactRow]:
    """``entries`` as FACT_COLUMNS tuples, read straight from the database cursor. A branch's
    year is 10,000 rows or more, and Django's row-by-row conversions cost more than scoring a
    row. Dates arrive as dates (psycopg, and the converters Django registers with sqlite3); a
    backend that gives text has it parsed once per distinct day."""
    query = entries.values_list(*FACT_COLUMNS).query
    sql, params = query.get_compiler(using=entries.db).as_sql()
    with connections[entries.db].cursor() as cursor:
        cursor.execute(sql, params)
        raw: list[tuple[Any, ...]] = cursor.fetchall()
    if not raw or isinstance(raw[0][3], dt.date):
        return cast(list[FactRow], raw)
    days: dict[str, dt.date] = {}
    converted = []
    for row in raw:
        text = row[3]
        day = days.get(text)
        if day is None:
            day = days[text] = dt.date.fromisoformat(text)
        converted.append((*row[:3], day, *row[4:]))
    return cast(list[FactRow], converted)


def entry_fact(entry: Entry) -> Fact:
    return fact_from_row(tuple(getattr(entry, column) for column in FACT_COLUMNS))


def facts_refused(organization: Organization, facts: Sequence[NewFact]) -> list[str]:
    """Why the rulebook ``organization`` adopted for each fact's year refuses any of ``facts``
    (``entries_append`` writes what it is given): one Chinese message per refused fact, naming
    the member; empty when every fact fits. Each distinct (year, item, value) is checked once,
    so 500 attendance marks cost three checks, not 500."""
    rulebooks: dict[int, Rulebook | None] = {}
    verdicts: dict[tuple[int, str, str], str | None] = {}
    problems: list[str] = []
    for fact in facts:
        year = fact.date.year
        if year not in rulebooks:
            adoption = adoption_for(organization, year)
            rulebooks[year] = rulebook_of(adoption) if adoption is not None else None
        rulebook = rulebooks[year]
        if rulebook is None:
            problems.append(f"{fact.person.name}：{organization.name} {year} 年还没有采用积分办法")
            continue
        raw = normalize_value(fact.value)
        key = (year, fact.item, raw)
        if key not in verdicts:
            issue = check_fact(rulebook, Fact("new", "p", fact.date, fact.item, fact_value(raw)))
            verdicts[key] = None if issue is None else issue.message
        verdict = verdicts[key]
        if verdict is not None:
            problems.append(f"{fact.person.name} {fact.date}：{verdict}")
    return problems


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


_pause_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block that allocates many short-lived,
    acyclic objects (a branch's year: 10,000 facts and their results). Reference counting still
    frees every one of them; what is saved is the collector's full passes over the whole process
    heap that such a burst of allocations triggers midway (50–150 ms each, for nothing to
    collect). The collector resumes when the last paused block in the process ends (threads
    count their pauses under a lock, so none leaves it off for good)."""
    global _pauses, _resume  # noqa: PLW0603 (one collector per process)
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def branch_year(organization: Organization, year: int) -> BranchYear | None:
    """Everyone who belonged to ``organization`` (or below) in ``year``, scored in one pass so
    quotas and ranks see the whole branch. None when no rulebook applies. A fixed number of
    queries whatever the size of the branch."""
    with collector_paused():
        return _branch_year(organization, year)


def _branch_year(organization: Organization, year: int) -> BranchYear | None:
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
    rows = fact_rows(Entry.objects.filter(person_id__in=here, date__year=year).order_by("seq"))
    sheet = score(
        rulebook, [fact_from_row(row) for row in rows], year=year, subjects=subjects, explain=False
    )
    by_key = {result.subject: result for result in sheet.results}
    results = {p.pk: by_key[person_key(p.pk)] for p in people if person_key(p.pk) in by_key}
    return BranchYear(organization, year, adoption, rulebook, people, results)
