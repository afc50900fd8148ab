"""``jifen scores rebuild`` and ``jifen scores verify``: the stored results of an organization's
year, recomputed or compared with a recompute, one organization's members at a time (each
organization that members belong to directly, in tree order), so memory is bounded by the
largest branch, never by the committee."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection, connections

from jifen.ledger.models import StoredYear
from jifen.ledger.scores import (
    _branch_subjects,
    _within,
    branch_years,
    collector_paused,
    months_reached,
    person_key,
)
from jifen.ledger.stored import Scope, _chunks, rebuild_results, row_of, tags_now, tags_of
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.services import adoption_for
from jifen.scoring import Calendar, Subject

RESULT_COLUMNS = ("scored", "group", "total", "vetoed", "incomplete", "categories", "periods")


def page_cut_offs(calendar: Calendar, today: dt.date) -> list[int]:
    """The cut-offs the committee pages ask for on ``today``: the year so far and the end of
    every quarter begun (the overview's trend)."""
    now = months_reached(calendar, today)
    return sorted({now, *(q for q in (3, 6, 9, 12) if q <= now)} - {0})


def units_with_members(organization: Organization, year: int) -> list[Organization]:
    """The organizations in ``organization``'s subtree that people belong to directly in
    ``year``, in tree order."""
    ids = (
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(organization__path__startswith=organization.path)
        .order_by()
        .values_list("organization_id", flat=True)
        .distinct()
    )
    return list(Organization.objects.filter(pk__in=set(ids)).order_by("path"))


@dataclass(frozen=True)
class Unit:
    organization: Organization
    scope: Scope
    people: list[Person]
    whole: list[Subject]
    reacheds: list[int]


def _unit(unit: Organization, year: int, today: dt.date) -> Unit | None:
    """``unit``'s direct members as the engine sees them; None when no rulebook applies."""
    adoption = adoption_for(unit, year)
    if adoption is None:
        return None
    scope = Scope.of(adoption)
    within = _within(adoption, "organization__path")
    people, whole = _branch_subjects(unit, year, within)
    direct = set(
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(organization=unit)
        .values_list("person_id", flat=True)
    )
    kept = [(p, s) for p, s in zip(people, whole, strict=True) if p.pk in direct]
    return Unit(
        unit,
        scope,
        [p for p, _s in kept],
        [s for _p, s in kept],
        page_cut_offs(scope.calendar, today),
    )


def _units(organization: Organization, year: int, today: dt.date) -> Iterator[Unit]:
    """Each organization with direct members, one at a time (only one in memory)."""
    for organization_with_members in units_with_members(organization, year):
        unit = _unit(organization_with_members, year, today)
        if unit is not None:
            yield unit


Progress = Callable[[int, int, Organization, int, float], None]


def default_jobs() -> int:
    """The cores this process may run on: a rebuild's default number of processes."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def scores_rebuild(
    organization: Organization,
    year: int,
    today: dt.date,
    progress: Progress | None = None,
    *,
    jobs: int = 1,
) -> int:
    """Recompute and store every member's result at the cut-offs the pages ask for on
    ``today``; returns how many members were scored. ``jobs`` > 1: the organizations are shared
    out among that many worker processes (each with its own database connection, scoring and
    writing one organization at a time); the rows stored are the same."""
    organizations = units_with_members(organization, year)
    forks = "fork" in multiprocessing.get_all_start_methods()  # not on Windows: one process
    if jobs > 1 and len(organizations) > 1 and forks and not connection.in_atomic_block:
        return _rebuild_in_workers(organizations, year, today, progress, jobs)
    done = 0
    for number, found in enumerate(organizations, start=1):
        _pk, scored, took = _rebuild_unit((found.pk, year, today))
        done += scored
        if progress is not None:
            progress(number, len(organizations), found, scored, took)
    return done


def _rebuild_unit(task: tuple[int, int, dt.date]) -> tuple[int, int, float]:
    """One organization's direct members scored and stored: (its pk, how many, seconds)."""
    pk, year, today = task
    started = time.monotonic()
    unit = _unit(Organization.objects.get(pk=pk), year, today)
    scored = 0
    if unit is not None:  # no rulebook for the year here: nothing to store
        with collector_paused():
            scored = rebuild_results(unit.scope, unit.people, unit.whole, unit.reacheds)
    return pk, scored, time.monotonic() - started


def _rebuild_in_workers(
    organizations: list[Organization],
    year: int,
    today: dt.date,
    progress: Progress | None,
    jobs: int,
) -> int:
    """``scores_rebuild`` in ``jobs`` forked processes. The parent's connections are closed
    before the fork, so each worker opens its own (a connection shared across a fork breaks
    both); the parent only reports progress. Forked, not spawned: a worker inherits the
    settings as they are (a test's database included) without starting Django again. On
    SQLite the workers' writes queue on the database's write lock (each batch is one short
    transaction, settings.py waits up to 20 s for it)."""
    by_pk = {o.pk: o for o in organizations}
    tasks = [(o.pk, year, today) for o in organizations]
    connections.close_all()
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(tasks)), initializer=_worker_started) as pool:
        finished = pool.imap_unordered(_rebuild_unit, tasks)
        for number, (pk, scored, took) in enumerate(finished, start=1):
            done += scored
            if progress is not None:
                progress(number, len(tasks), by_pk[pk], scored, took)
    return done


def _worker_started() -> None:
    # The parent closed its connections before forking; forget them here too, so the worker
    # opens fresh ones and never touches a socket the parent owned.
    for alias in connections:
        connections[alias].connection = None


@dataclass(frozen=True)
class Verified:
    compared: int
    outdated: int
    difference: str | None = None


def _difference(row: StoredYear, fresh: StoredYear, person: Person, unit: Organization) -> str:
    for column in RESULT_COLUMNS:
        mine, theirs = getattr(row, column), getattr(fresh, column)
        if mine != theirs:
            return (
                f"{unit.name} {person.name}（{person_key(person.pk)}）{row.year} 年"
                f"计至第 {row.reached} 个月：存储的 {column} 为 {mine}，"
                f"由台账重新计算为 {theirs}"
            )
    return ""


def scores_verify(organization: Organization, year: int) -> Verified:
    """Every stored row of ``organization``'s members in ``year`` whose tags are current,
    compared with ``branch_years`` recomputing from the ledger (the rows with an outdated tag
    are counted: a read recomputes them before use). Stops at the first difference."""
    compared = outdated = 0
    for unit in _units(organization, year, dt.date(year, 12, 31)):
        rows: list[StoredYear] = []
        for chunk in _chunks([p.pk for p in unit.people]):
            rows.extend(
                StoredYear.objects.filter(
                    scope_id=unit.scope.adoption.organization_id, year=year, person_id__in=chunk
                )
            )
        if not rows:
            continue
        reacheds = sorted({row.reached for row in rows})
        wanted = tags_now(unit.scope, unit.people, unit.whole, reacheds)
        ends = [unit.scope.calendar.month_bounds(r - 1)[1] for r in reacheds]
        with collector_paused():
            fresh = dict(zip(reacheds, branch_years(unit.organization, year, ends), strict=True))
        people = {p.pk: p for p in unit.people}
        for row in rows:
            if tags_of(row) != wanted[(row.person_id, row.reached)]:
                outdated += 1
                continue
            found = fresh[row.reached]
            result = found.results.get(row.person_id) if found is not None else None
            difference = _difference(row, row_of(result), people[row.person_id], unit.organization)
            if difference:
                return Verified(compared, outdated, difference)
            compared += 1
    return Verified(compared, outdated)
