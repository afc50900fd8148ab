"""Stored results: the engine's result per member and year, kept so that committee pages read
O(members) rows instead of scoring O(facts) on every request — and never served stale.

A :class:`StoredYear` row holds one member's result under one adoption's scope at one month
cut-off, *before* the cross-member rules (stars and their quotas, ties, bands, ranks), which
``rate`` runs on the stored totals when the branch is read. It is used only when its four tags
equal the current ones, all read before any fact is:

- the adoption in force (its pk pins the rulebook's text) and the nested adoptions that cut the
  scope (``nested``);
- the member's :class:`ScoreHead` ``n`` for the year, moved on in the same transaction as every
  append and correction of a fact about them (``services.score_heads_bump``);
- a digest of the member exactly as the engine is given them (memberships within the scope,
  exemptions, category, for the whole year — the cut-off and the rulebook's calendar, fixed by the
  row's key and the adoption, determine the rest): computed at every read from the memberships,
  so a transfer, a leave, an exemption or a change of category — by any service or import —
  changes it without anyone having to remember to say so;
- the cut-off itself, ``reached`` (part of the row's key).

A row whose tags differ is recomputed from the ledger and written again before it is read;
members are independent of each other before ``rate``, so only those rows are recomputed, a few
hundred members at a time (bounded memory). Tags are read before the facts: a fact appended
meanwhile leaves a row tagged older than its data, which is recomputed at the next read (never
the other way round). Explanations ("every point explained") still come from ``member_year``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from jifen.ledger.models import ScoreHead, StoredYear
from jifen.ledger.scores import (
    BranchYear,
    _branch_facts,
    _branch_subjects,
    _within,
    collector_paused,
    months_reached,
    person_key,
)
from jifen.orgs.models import Organization, Person
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import (
    Calendar,
    CategoryResult,
    Rulebook,
    Subject,
    SubjectResult,
    score_cutoffs,
)
from jifen.scoring.ratings import rate

# Members recomputed together: their facts are read and scored as one batch, then let go.
BATCH = 1000


# Every field of the engine's Subject but the name (it changes no point, and the page shows the
# current one): read from the dataclass, so a field added to Subject is in the digest too.
DIGESTED = tuple(f.name for f in fields(Subject) if f.name != "name")


def subject_digest(subject: Subject) -> str:
    """What the engine is told about a member, as a short digest."""
    told = repr(tuple(getattr(subject, name) for name in DIGESTED))
    return hashlib.sha256(told.encode()).hexdigest()[:40]


def nested_tag(adoption: Adoption) -> str:
    """The organizations below ``adoption``'s that adopted their own rulebook for the year:
    they cut facts and months out of its scope (``scores._within``)."""
    nested = (
        Adoption.objects.current()
        .filter(year=adoption.year, organization__path__startswith=adoption.organization.path)
        .exclude(organization_id=adoption.organization_id)
        .values_list("organization_id", flat=True)
    )
    tag = ",".join(str(pk) for pk in sorted(nested))
    return tag if len(tag) <= 200 else hashlib.sha256(tag.encode()).hexdigest()


def _chunks(items: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    # 900: under SQLite's oldest limit on the parameters of one statement.
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class Tags:
    adoption: int
    nested: str
    ledger: int
    subject: str


def _row_result(
    row: Any,
    subject: Subject,
    rulebook: Rulebook,
    *,
    periods: bool,
    shared: dict[tuple[str, str], CategoryResult] | None = None,
) -> SubjectResult | None:
    """The engine's (unrated) result as stored in ``row`` (a StoredYear, or a row of
    READ_FIELDS), with each category's per-period points when ``periods`` is asked for; None
    when the engine gave no result. Without periods a category is only its code and score:
    ``shared`` hands out one (immutable) CategoryResult for each, as most members share them."""
    if not row.scored:
        return None
    titles = {c.code: c.title for c in rulebook.categories}
    if periods:
        categories = tuple(
            _category(code, titles, points, row.periods.get(code, {}))
            for code, points in row.categories
        )
    else:
        shared = {} if shared is None else shared
        found = []
        for code, points in row.categories:
            category = shared.get((code, points))
            if category is None:
                category = shared[(code, points)] = _category(code, titles, points, {})
            found.append(category)
        categories = tuple(found)
    return SubjectResult(
        subject=subject.id,
        name=subject.name,
        rulebook=rulebook.id,
        kind="member",
        group=row.group,
        total=Decimal(row.total),
        categories=categories,
        vetoed=row.vetoed,
        incomplete=row.incomplete,
        member_category=subject.category,
    )


def _category(
    code: str, titles: Mapping[str, str], points: str, periods: Mapping[str, str]
) -> CategoryResult:
    return CategoryResult(
        code=code,
        title=titles.get(code, code),
        score=Decimal(points),
        periods={key: Decimal(value) for key, value in periods.items()},
        items=(),
        lines=(),
    )


def row_of(result: SubjectResult | None, **key: Any) -> StoredYear:
    return StoredYear(**dict(zip(RESULT_FIELDS, _result_values(result), strict=True)), **key)


TAG_FIELDS = ["adoption", "nested", "ledger", "subject"]
RESULT_FIELDS = ["scored", "group", "total", "vetoed", "incomplete", "categories", "periods"]
# What a read takes of a row (tuples, not model instances: a committee has many thousands).
READ_FIELDS = ["person_id", "reached", "adoption_id", *TAG_FIELDS[1:], *RESULT_FIELDS[:-1]]


@dataclass
class Scope:
    """One adoption's scope for a year, with the current tags every row is checked against."""

    adoption: Adoption
    rulebook: Rulebook
    calendar: Calendar
    year: int
    nested: str

    @classmethod
    def of(cls, adoption: Adoption) -> Scope:
        rulebook = rulebook_of(adoption)
        calendar = Calendar(adoption.year, rulebook.year_start)
        return cls(adoption, rulebook, calendar, adoption.year, nested_tag(adoption))


def current_results(
    scope: Scope,
    people: Sequence[Person],
    whole: Sequence[Subject],
    reacheds: Sequence[int],
    *,
    recompute: bool = False,
    periods: bool = False,
) -> tuple[dict[int, dict[int, SubjectResult]], int]:
    """Each of ``people``'s unrated result at each cut-off in ``reacheds`` (1–12), from the
    stored rows whose tags are current; the others (all, with ``recompute``) scored from the
    ledger and stored. Returns {reached: {person pk: result}} and how many members were scored.
    ``periods``: with each category's per-period points (no committee page needs them)."""
    year, org_id = scope.year, scope.adoption.organization_id
    pids = [p.pk for p in people]
    wanted = tags_now(scope, people, whole, reacheds)
    subjects = {p.pk: subject for p, subject in zip(people, whole, strict=True)}
    answer: dict[int, dict[int, SubjectResult]] = {r: {} for r in reacheds}
    stale: set[int] = set()
    shared: dict[tuple[str, str], CategoryResult] = {}
    if recompute:
        stale = set(pids)
    else:
        for chunk in _chunks(pids):
            rows = StoredYear.objects.filter(
                scope_id=org_id, year=year, reached__in=reacheds, person_id__in=chunk
            ).values_list(*READ_FIELDS, *(["periods"] if periods else []), named=True)
            found = {(row.person_id, row.reached): row for row in rows}
            for pid in chunk:
                for r in reacheds:
                    row = found.get((pid, r))
                    tags = wanted[(pid, r)]
                    if row is None or tags_of(row) != tags:
                        stale.add(pid)
                        continue
                    result = _row_result(
                        row, subjects[pid], scope.rulebook, periods=periods, shared=shared
                    )
                    if result is not None:
                        answer[r][pid] = result
    # Written in (person, cut-off) order, batch after batch: two readers recomputing the same
    # rows at once take the rows' locks in the same order and never deadlock.
    ordered = sorted((p for p in people if p.pk in stale), key=lambda p: p.pk)
    for batch in _chunks(ordered, BATCH):
        _recompute(
            scope,
            batch,
            subjects=subjects,
            wanted=wanted,
            reacheds=reacheds,
            answer=answer,
            periods=periods,
        )
    return answer, len(ordered)


def tags_now(
    scope: Scope, people: Sequence[Person], whole: Sequence[Subject], reacheds: Sequence[int]
) -> dict[tuple[int, int], Tags]:
    """The tags a row of each (person pk, cut-off) must carry to be used, read now, before any
    fact is. One digest a member: the member cut at a cut-off follows from the whole year's
    member, the cut-off (the row's key) and the calendar (the adoption's)."""
    heads: dict[int, int] = {}
    for chunk in _chunks([p.pk for p in people]):
        heads.update(
            ScoreHead.objects.filter(year=scope.year, person_id__in=chunk).values_list(
                "person_id", "n"
            )
        )
    wanted = {}
    for person, subject in zip(people, whole, strict=True):
        tags = Tags(
            scope.adoption.pk, scope.nested, heads.get(person.pk, 0), subject_digest(subject)
        )
        for r in reacheds:
            wanted[(person.pk, r)] = tags
    return wanted


def tags_of(row: Any) -> Tags:
    return Tags(row.adoption_id, row.nested, row.ledger, row.subject)


def rebuild_results(
    scope: Scope, people: Sequence[Person], whole: Sequence[Subject], reacheds: Sequence[int]
) -> int:
    """``current_results(..., recompute=True)`` for ``jifen scores rebuild``: every member
    scored from the ledger at every cut-off and stored, nothing served (so no result is kept
    beyond its batch). Returns how many members were scored."""
    wanted = tags_now(scope, people, whole, reacheds)
    subjects = {p.pk: subject for p, subject in zip(people, whole, strict=True)}
    ordered = sorted(people, key=lambda p: p.pk)  # the lock order of current_results
    for batch in _chunks(ordered, BATCH):
        _recompute(
            scope,
            batch,
            subjects=subjects,
            wanted=wanted,
            reacheds=reacheds,
            answer=None,
            periods=False,
        )
    return len(ordered)


def _recompute(
    scope: Scope,
    batch: Sequence[Person],
    *,
    subjects: Mapping[int, Subject],
    wanted: Mapping[tuple[int, int], Tags],
    reacheds: Sequence[int],
    answer: dict[int, dict[int, SubjectResult]] | None,
    periods: bool,
) -> None:
    """Score ``batch`` from the ledger at every cut-off, store the rows, add to ``answer``
    (unless None: a rebuild serves nobody)."""
    within = _within(scope.adoption, "organization__path")
    facts = _branch_facts(batch, scope.year, within)
    whole = [subjects[p.pk] for p in batch]
    # Every cut-off from one pass over the facts; results before the cross-member rules, which
    # the rows do not hold (``rate`` runs them when the branch is read).
    found = score_cutoffs(scope.rulebook, facts, year=scope.year, subjects=whole, reacheds=reacheds)
    del facts
    rows: list[tuple[Any, ...]] = []
    for r in reacheds:
        by_key = {result.subject: result for result in found[r]}
        for person, subject in zip(batch, whole, strict=True):
            result = by_key.get(subject.id)
            tags = wanted[(person.pk, r)]
            key = (person.pk, scope.year, scope.adoption.organization_id, r)
            values = _result_values(result)
            rows.append((*key, tags.adoption, tags.nested, tags.ledger, tags.subject, *values))
            if answer is None:
                continue
            # Served as read back from the row, so a page looks the same whether it was
            # recomputed now or stored before.
            row = StoredYear(**dict(zip(ROW_COLUMNS, rows[-1], strict=True)))
            served = _row_result(row, subject, scope.rulebook, periods=periods)
            if served is not None:
                answer[r][person.pk] = served
    rows.sort(key=lambda row: (row[0], row[3]))
    _upsert(rows)


# The columns ``_upsert`` writes, in order: the row's key, its tags, the result (RESULT_FIELDS).
ROW_COLUMNS = (
    "person_id",
    "year",
    "scope_id",
    "reached",
    "adoption_id",
    *TAG_FIELDS[1:],
    *RESULT_FIELDS,
)


def _result_values(result: SubjectResult | None) -> tuple[Any, ...]:
    """The RESULT_FIELDS of a row holding ``result`` (``row_of``'s, as plain values)."""
    if result is None:
        return (False, "", 0, False, False, [], {})
    return (
        True,
        result.group,
        result.total,
        result.vetoed,
        result.incomplete,
        [[c.code, str(c.score)] for c in result.categories],
        {c.code: {k: str(v) for k, v in c.periods.items()} for c in result.categories},
    )


def _upsert(rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (ROW_COLUMNS), replacing the row of the same key: one statement run over
    all rows (``executemany``). ``bulk_create(update_conflicts=True)`` wrote the same, but its
    per-field preparation cost more than scoring the row (a rebuild writes a row per member and
    cut-off). ON CONFLICT … DO UPDATE is the same SQL on SQLite (3.24+) and PostgreSQL."""
    if not rows:
        return
    meta = StoredYear._meta
    ops = connection.ops
    columns = {field.attname: str(field.column) for field in meta.concrete_fields}
    quoted = [ops.quote_name(columns[name]) for name in ROW_COLUMNS]
    key = quoted[:4]
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in quoted[4:])
    sql = (
        f"INSERT INTO {ops.quote_name(meta.db_table)} ({', '.join(quoted)}) "  # noqa: S608 (model names)
        f"VALUES ({', '.join(['%s'] * len(quoted))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    json_at = [ROW_COLUMNS.index("categories"), ROW_COLUMNS.index("periods")]
    params = []
    for row in rows:
        values = list(row)
        for at in json_at:
            values[at] = ops.adapt_json_value(values[at], None)
        params.append(values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def rated_year(
    scope: Scope,
    organization: Organization,
    *,
    people: list[Person],
    results: Mapping[int, SubjectResult],
    reached: int,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None,
) -> BranchYear:
    """The cross-member rules (stars, quotas, ties, bands, ranks) run on the stored results,
    in the order the engine gives them (by subject key), as ``branch_year`` returns them."""
    ordered = sorted(results.values(), key=lambda result: result.subject)
    rated, ties = rate(scope.rulebook, ordered, prior_totals or {}, scope.year)
    by_key = {result.subject: result for result in rated}
    found = {p.pk: by_key[person_key(p.pk)] for p in people if person_key(p.pk) in by_key}
    return BranchYear(
        organization,
        scope.year,
        scope.adoption,
        scope.rulebook,
        people,
        found,
        reached,
        tuple(ties),
    )


def stored_branch_years(
    organization: Organization,
    year: int,
    todays: Sequence[dt.date | None],
    *,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
    periods: bool = False,
    unrated_from: int | None = None,
    only: Collection[int] | None = None,
) -> list[BranchYear | None]:
    """``scores.branch_years`` read from the stored results: the same BranchYear values
    (categories carry their score — and with ``periods`` their per-period points —, not the
    items and explanations), each member recomputed from the ledger only when a tag moved.
    ``unrated_from``: the dates from this index on need no stars, bands or ranks (a trend reads
    only totals), so the cross-member rules are not run for them unless an earlier date shares
    their cut-off. ``only``: the people of these organizations (pks; whole branches, so that
    every quota's group is whole) instead of ``organization``'s subtree."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return [None for _ in todays]
    with collector_paused():
        scope = Scope.of(adoption)
        within = _within(adoption, "organization__path")
        people, whole = _branch_subjects(organization, year, within, only=only)
        reacheds = sorted({months_reached(scope.calendar, today) for today in todays} - {0})
        found, _scored = current_results(scope, people, whole, reacheds, periods=periods)
        rate = {
            months_reached(scope.calendar, today)
            for today in todays[: len(todays) if unrated_from is None else unrated_from]
        }
        years = {
            r: BranchYear(organization, year, adoption, scope.rulebook, people, found[r], r)
            if r not in rate
            else rated_year(
                scope,
                organization,
                people=people,
                results=found[r],
                reached=r,
                prior_totals=prior_totals,
            )
            for r in reacheds
        }
        years[0] = BranchYear(organization, year, adoption, scope.rulebook, people, {}, 0)
        return [years[months_reached(scope.calendar, today)] for today in todays]


def stored_branch_year(
    organization: Organization,
    year: int,
    *,
    today: dt.date | None = None,
    prior_totals: Mapping[str, Mapping[int, Decimal]] | None = None,
) -> BranchYear | None:
    """``scores.branch_year`` (without ``until``) read from the stored results."""
    return stored_branch_years(organization, year, [today], prior_totals=prior_totals)[0]
