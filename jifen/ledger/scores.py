"""Scores derived from the ledger: the one module that turns ORM rows into engine inputs.

Nothing here is stored: scores are computed from (adopted rulebook, facts, membership history)
whenever they are asked for, so they are always current with the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet

from jifen.ledger.branch_members import Gap, Span, branch_members
from jifen.ledger.collector import collector_paused as collector_paused  # noqa: PLC0414 (re-exported: moved, importers unchanged)
from jifen.ledger.models import Entry
from jifen.ledger.services import NewFact, normalize_value
from jifen.orgs.models import Exemption, Membership, Organization, Person
from jifen.orgs.selectors import in_year, memberships_overlapping
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
    check_fact,
    score,
    score_cutoffs,
)
from jifen.scoring import until as subject_until
from jifen.scoring.ratings import rate

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
    try:
        sql, params = query.get_compiler(using=entries.db).as_sql()
    except EmptyResultSet:  # Django proved the filter matches nothing (e.g. nobody's facts)
        return []
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


def _within(adoption: Adoption, field: str = "path") -> Q:
    """Organizations ruled by ``adoption``: its organization's subtree, less the subtrees that
    adopted a rulebook of their own for the year. A member who moved in from one of those
    brings neither its facts (they stay in that organization's chain) nor its months along."""
    scope = adoption.organization
    query = Q(**{f"{field}__startswith": scope.path})
    nested = (
        Adoption.objects.current()
        .filter(year=adoption.year, organization__path__startswith=scope.path)
        .exclude(organization_id=adoption.organization_id)
    )
    for path in nested.values_list("organization__path", flat=True):
        query &= ~Q(**{f"{field}__startswith": path})
    return query


def subject_of(
    person: Person,
    year: int,
    memberships: list[Membership],
    exemptions: list[Exemption],
) -> Subject:
    """``person`` as the engine sees them in ``year``: active while a member (``memberships``,
    already limited to the scope, in date order) and not exempted (不列入管理)."""
    return _subject(
        person,
        year,
        [(m.start, m.end, m.organization.code) for m in memberships],
        [(e.start, e.end) for e in exemptions],
    )


def _subject(
    person: Person,
    year: int,
    memberships: Sequence[Span],
    exemptions: Sequence[Gap],
) -> Subject:
    """``subject_of`` from plain tuples (a branch's memberships are read as tuples)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    # [start, end) in the database; the engine's intervals include both ends.
    spans = [
        (max(start, first), min(end - ONE_DAY, last) if end else last)
        for start, end, _ in memberships
    ]
    for start, end in exemptions:
        spans = _minus(spans, (start, end - ONE_DAY if end else last))
    return Subject(
        id=person_key(person.pk),
        name=person.name,
        org=memberships[-1][2] if memberships else "",
        category=person.category,
        active=tuple(Interval(start, end) for start, end in spans),
    )


def member_subject(
    person: Person, year: int, scope: Organization, *, within: Q | None = None
) -> Subject:
    """One member under ``scope`` (their memberships in its subtree, or in ``within``)."""
    where = within if within is not None else Q(organization__path__startswith=scope.path)
    memberships = list(
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(where, person=person)
        .order_by("start")
        .values_list("start", "end", "organization__code")
    )
    exemptions = Exemption.objects.filter(in_year(year), person=person)
    return _subject(person, year, memberships, list(exemptions.values_list("start", "end")))


def months_reached(calendar: Calendar, today: dt.date | None) -> int:
    """How many months of ``calendar``'s scoring year have begun by ``today`` (0..12).

    The month ``today`` falls in counts as reached: its facts are being recorded. None means
    the whole year (a closed year, or a question asked without a date)."""
    if today is None:
        return 12
    first, last = calendar.bounds()
    if today > last:
        return 12
    if today < first:
        return 0
    index = calendar.month_index(today)
    return 12 if index is None else index + 1


@dataclass(frozen=True)
class MemberYear:
    person: Person
    year: int
    adoption: Adoption
    rulebook: Rulebook
    result: SubjectResult
    entries: dict[str, Entry]
    active_months: tuple[int, ...]
    # Months of the year begun by the ``today`` asked about (12: the whole year). Months from
    # this index on are 未到: not scored, not counted.
    reached: int = 12


def member_year(person: Person, year: int, *, today: dt.date | None = None) -> MemberYear | None:
    """``person``'s explained score for ``year``, or None when no rulebook applies to them.

    With ``today``, the year so far: months after today's month are not counted (the caller
    passes the date; nothing here reads the clock). Without it, the whole year."""
    # The explained year allocates thousands of small acyclic objects (lines, periods): a
    # collector pass over the whole heap in the middle of it is what made the slow requests.
    with collector_paused():
        return _member_year(person, year, today)


def _member_year(person: Person, year: int, today: dt.date | None) -> MemberYear | None:
    membership = (
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(person=person)
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
    within = _within(adoption, "organization__path")
    subject = member_subject(person, year, adoption.organization, within=within)
    calendar = Calendar(year, rulebook.year_start)
    reached = months_reached(calendar, today)
    entries = {
        str(e.pk): e
        for e in Entry.objects.filter(within, person=person, date__year=year).select_related(
            "recorded_by"
        )
    }
    facts = [entry_fact(e) for e in entries.values()]
    sheet = score(rulebook, facts, year=year, subjects=[subject_until(subject, calendar, reached)])
    if not sheet.results:
        # Nothing of the year has begun and nothing is recorded: the whole year's frame, shown
        # as 未到 by the pages (they read ``reached``), never as points.
        sheet = score(rulebook, [], year=year, subjects=[subject])
    (result,) = sheet.results
    months = calendar.active_months(subject.active)
    return MemberYear(person, year, adoption, rulebook, result, entries, months, reached)


@dataclass(frozen=True)
class BranchYear:
    organization: Organization
    year: int
    adoption: Adoption
    rulebook: Rulebook
    people: list[Person]
    results: dict[int, SubjectResult]
    reached: int = 12  # months of the year begun by the ``today`` asked about
    # Members tied at a quota's cut-off (subjects are person keys), for the year-end decision.
    ties: tuple[Tie, ...] = ()


def branch_year(
    organization: Organization,
    year: int,
    *,
    today: dt.date | None = None,
    until: dt.date | None = None,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
) -> BranchYear | None:
    """Everyone who belonged to ``organization`` (or below) in ``year``, scored in one pass so
    quotas and ranks see the whole branch. None when no rulebook applies. A fixed number of
    queries whatever the size of the branch. With ``today``, the year so far (see
    ``member_year``). ``until``: only facts dated on or before it (a quarter's sheet must not
    change with a later quarter's facts). ``prior_totals`` (person key → year → total) feeds
    the rulebook's consecutive-year flags (below 60 two years running)."""
    return branch_years(organization, year, [today], until=until, prior_totals=prior_totals)[0]


def branch_years(
    organization: Organization,
    year: int,
    todays: Sequence[dt.date | None],
    *,
    until: dt.date | None = None,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
    only: Collection[int] | None = None,
) -> list[BranchYear | None]:
    """``branch_year`` as it stood on each of ``todays`` (a branch's quarters): the ledger is
    read once and scored once per distinct number of months reached. ``only``: the people of
    these organizations (pks) instead of ``organization``'s subtree."""
    with collector_paused():
        return _branch_years(organization, year, todays, until, prior_totals, only=only)


def _branch_years(
    organization: Organization,
    year: int,
    todays: Sequence[dt.date | None],
    until: dt.date | None,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None,
    *,
    only: Collection[int] | None = None,
) -> list[BranchYear | None]:
    adoption = adoption_for(organization, year)
    if adoption is None:
        return [None for _ in todays]
    rulebook = rulebook_of(adoption)
    within = _within(adoption, "organization__path")
    people, whole = _branch_subjects(organization, year, within, only=only)
    calendar = Calendar(year, rulebook.year_start)
    reacheds = sorted({months_reached(calendar, today) for today in todays})
    found = _rated(
        rulebook,
        people,
        whole,
        year=year,
        within=within,
        until=until,
        reacheds=reacheds,
        prior_totals=prior_totals,
    )
    scored: dict[int, BranchYear] = {}
    for reached, (rated, ties) in found.items():
        by_key = {result.subject: result for result in rated}
        results = {p.pk: by_key[person_key(p.pk)] for p in people if person_key(p.pk) in by_key}
        scored[reached] = BranchYear(
            organization, year, adoption, rulebook, people, results, reached, ties
        )
    return [scored[months_reached(calendar, today)] for today in todays]


# Members whose facts are read and scored together: a committee's year is streamed a thousand
# members at a time (each member's result only depends on their own facts), so memory follows
# the batch and the results, not the committee's ten million facts.
FACT_BATCH = 1000


def _rated(
    rulebook: Rulebook,
    people: Sequence[Person],
    whole: Sequence[Subject],
    *,
    year: int,
    within: Q,
    until: dt.date | None,
    reacheds: Sequence[int],
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None,
) -> dict[int, tuple[list[SubjectResult], tuple[Tie, ...]]]:
    """Everyone's result and the ties at each cut-off in ``reacheds`` (0: nobody has one yet):
    ``FACT_BATCH`` members at a time, then the cross-member rules on all the results, in subject
    order as ``score`` runs them. Organization rulebooks are scored whole, as ``score`` does."""
    wanted = [r for r in reacheds if r > 0]
    if rulebook.kind != "member":
        facts = _branch_facts(people, year, within, until)
        calendar = Calendar(year, rulebook.year_start)
        sheets = {
            r: score(
                rulebook,
                facts,
                year=year,
                subjects=[subject_until(s, calendar, r) for s in whole],
                prior_totals=prior_totals,
            )
            for r in wanted
        }
        return {r: (list(s.results), s.ties) for r, s in sheets.items()} | {0: ([], ())}
    found: dict[int, list[SubjectResult]] = {r: [] for r in reacheds}
    for start in range(0, len(people), FACT_BATCH) if wanted else ():
        facts = _branch_facts(people[start : start + FACT_BATCH], year, within, until)
        batch = score_cutoffs(
            rulebook, facts, year=year, subjects=whole[start : start + FACT_BATCH], reacheds=wanted
        )
        for reached, results in batch.items():
            found[reached].extend(results)
    rated = {}
    for reached, results in found.items():
        ordered = sorted(results, key=lambda result: result.subject)
        done, ties = rate(rulebook, ordered, prior_totals or {}, year)
        rated[reached] = (done, tuple(ties))
    return rated


def _branch_subjects(
    organization: Organization, year: int, within: Q, *, only: Collection[int] | None = None
) -> tuple[list[Person], list[Subject]]:
    """Everyone who belonged to ``organization`` (or below) in ``year``, in name order, and
    each as the engine's Subject for the whole year (memberships within the adoption's scope).
    Only their memberships are read (``branch_members``): the cost follows the branch."""
    people, memberships, exemptions = branch_members(organization, year, within, only=only)
    whole = [_subject(p, year, memberships[p.pk], exemptions.get(p.pk, [])) for p in people]
    return people, whole


def _branch_facts(
    people: Sequence[Person], year: int, within: Q, until: dt.date | None = None
) -> list[Fact]:
    """``people``'s facts of ``year`` within the scope, corrections included, in ledger order."""
    entries = Entry.objects.filter(within, person_id__in=[p.pk for p in people], date__year=year)
    if until is not None:
        entries = entries.filter(date__lte=until)
    return [fact_from_row(row) for row in fact_rows(entries.order_by("seq"))]


@dataclass(frozen=True)
class BranchInputs:
    """What ``branch_year`` scores for the whole year: the adopted rulebook, the members as
    Subjects (keys ``p<pk>``) and their facts, corrections included (``jifen facts export``)."""

    adoption: Adoption
    rulebook: Rulebook
    people: list[Person]
    subjects: list[Subject]
    facts: list[Fact]


def branch_inputs(organization: Organization, year: int) -> BranchInputs | None:
    """The engine's inputs for ``organization``'s whole ``year``; None when no rulebook applies."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return None
    within = _within(adoption, "organization__path")
    people, subjects = _branch_subjects(organization, year, within)
    facts = _branch_facts(people, year, within)
    return BranchInputs(adoption, rulebook_of(adoption), people, subjects, facts)
