"""Writes for the roster: store an upload with its preview, apply it, discard it.

Each is one transaction and audited. Applying checks the rows again against the database as it
is at that moment and writes through the bulk people service (jifen.orgs.bulk.people_write):
the rules of person_create, person_update and membership_transfer, one audit event per person
and change as if made by hand, plus one event for the import as a whole — in batches, so
10,000 rows take seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.bulk import NewPerson, PersonChange, people_write
from jifen.orgs.models import Membership, Organization, Person
from jifen.roster import selectors
from jifen.roster.models import RosterImport
from jifen.roster.reading import Table

Status = RosterImport.Status
TRANSFER_NOTE = "花名册导入"


def _table_of(roster_import: RosterImport) -> Table:
    return Table(
        headers=list(roster_import.headers),
        rows=[(row["row"], list(row["cells"])) for row in roster_import.rows],
        file_format=roster_import.file_format,
        encoding=roster_import.encoding,
        ignored_headers=list(roster_import.ignored_headers),
        numeric_cells={(row, column) for row, column in roster_import.numeric_cells},
    )


@transaction.atomic
def roster_import_create(
    *,
    organization: Organization,
    table: Table,
    filename: str,
    actor: User,
) -> RosterImport:
    """Store a read file with its problems and the plan of what it would change."""
    checked, entries = selectors.evaluate(
        table=table, user=actor, organization=organization, today=clock.today()
    )
    roster_import = RosterImport.objects.create(
        organization=organization,
        uploaded_by=actor,
        filename=filename[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        headers=table.headers,
        ignored_headers=table.ignored_headers,
        rows=[{"row": number, "cells": cells} for number, cells in table.rows],
        numeric_cells=sorted(table.numeric_cells),
        errors=checked.errors,
        plan={"entries": entries, "counts": selectors.counts_of(entries)},
        status=Status.INVALID if checked.errors else Status.PENDING,
    )
    audit_record(
        action="roster.upload",
        actor=actor,
        target=roster_import,
        summary=(
            f"上传花名册 {roster_import.filename} 到 {organization.name}："
            f"{len(table.rows)} 行，{len(checked.errors)} 处错误"
        ),
        detail={"rows": len(table.rows), "errors": len(checked.errors)},
    )
    return roster_import


class ImportClosedError(Exception):
    """The import was applied or discarded before (a second click, another tab)."""

    def __init__(self, roster_import: RosterImport) -> None:
        self.roster_import = roster_import
        super().__init__(roster_import.get_status_display())


@dataclass(frozen=True)
class Outcome:
    """``applied``; or ``invalid`` / ``changed``: the database moved since the preview, the
    import now holds the new problems or plan, and nothing was written."""

    kind: str
    counts: dict[str, int]


def _claim(roster_import: RosterImport, status: str, actor: User) -> RosterImport:
    """Move a pending import to ``status`` exactly once, even with two requests at a time: the
    conditional UPDATE waits on (PostgreSQL) or is serialized with (SQLite) the other one."""
    now = clock.now()
    claimed = RosterImport.objects.filter(pk=roster_import.pk, status=Status.PENDING).update(
        status=status, applied_at=now, applied_by=actor
    )
    if not claimed:
        raise ImportClosedError(RosterImport.objects.get(pk=roster_import.pk))
    # Claimed: nobody else changed it since it was read (a pending import changes only by
    # being claimed), so the rows and the plan in hand are current — no need to read
    # megabytes of them again.
    roster_import.status, roster_import.applied_at, roster_import.applied_by = status, now, actor
    return roster_import


def _write_of(
    entry: selectors.Entry,
    *,
    by_code: dict[str, Organization],
    people: dict[int, Person],
) -> NewPerson | PersonChange:
    """What one planned row writes, as the people services take it."""
    fields: dict[str, Any] = dict(entry["fields"])
    for key in ("joined_party", "probation_ends"):
        fields[key] = dt.date.fromisoformat(fields[key]) if fields[key] else None
    organization = by_code[entry["org_code"]]
    start = dt.date.fromisoformat(entry["start"])
    if entry["kind"] == "new":
        return NewPerson(
            **fields,
            id_number=entry["id_number"],
            organization=organization,
            start=start,
            start_reason=Membership.StartReason.IMPORT,
        )
    person = people[entry["person_id"]]  # type: ignore[index]
    changes = {key: fields[key] for key in entry["changes"]}
    if entry["kind"] == "transfer":
        return PersonChange(person, changes, to=organization, on=start, note=TRANSFER_NOTE)
    return PersonChange(person, changes)


def _no_progress(done: int, total: int) -> None:
    pass


@transaction.atomic
def roster_import_apply(
    *,
    roster_import: RosterImport,
    actor: User,
    progress: Callable[[int, int], None] = _no_progress,
) -> Outcome:
    """Apply a previewed import, all of it or nothing, once. ``progress(done, 100)`` as it
    goes, for a job's progress bar (checking again is about a fifth of the time)."""
    roster_import = _claim(roster_import, Status.APPLIED, actor)
    progress(0, 100)
    organization = roster_import.organization
    checked, entries = selectors.evaluate(
        table=_table_of(roster_import),
        user=actor,
        organization=organization,
        today=clock.today(),
    )
    counts = selectors.counts_of(entries)
    if checked.errors or entries != roster_import.plan.get("entries"):
        kind = "invalid" if checked.errors else "changed"
        RosterImport.objects.filter(pk=roster_import.pk).update(
            status=Status.INVALID if checked.errors else Status.PENDING,
            errors=checked.errors,
            plan={"entries": entries, "counts": counts},
            applied_at=None,
            applied_by=None,
        )
        return Outcome(kind=kind, counts=counts)

    progress(20, 100)
    by_code = {o.code: o for o in Organization.objects.filter(path__startswith=organization.path)}
    ids = [entry["person_id"] for entry in entries if entry["person_id"] is not None]
    people = Person.objects.in_bulk(ids)
    writes = [
        _write_of(entry, by_code=by_code, people=people)
        for entry in entries
        if entry["kind"] != "unchanged"
    ]
    people_write(
        writes=writes, actor=actor, progress=lambda step, of: progress(20 + 80 * step // of, 100)
    )
    RosterImport.objects.filter(pk=roster_import.pk).update(result=counts)
    audit_record(
        action="roster.import",
        actor=actor,
        target=roster_import,
        summary=(
            f"导入花名册 {roster_import.filename} 到 {organization.name}："
            f"新增 {counts['new']} 人，更新 {counts['update']} 人，"
            f"转接 {counts['transfer']} 人，未变 {counts['unchanged']} 人"
        ),
        detail=counts,
    )
    return Outcome(kind="applied", counts=counts)


@transaction.atomic
def roster_import_discard(*, roster_import: RosterImport, actor: User) -> None:
    """Drop a pending (or invalid) import; its rows are cleared, it can no longer be applied."""
    claimed = RosterImport.objects.filter(
        pk=roster_import.pk, status__in=[Status.PENDING, Status.INVALID]
    ).update(status=Status.DISCARDED, rows=[], plan={}, applied_at=clock.now(), applied_by=actor)
    if not claimed:
        raise ImportClosedError(RosterImport.objects.get(pk=roster_import.pk))
    audit_record(
        action="roster.discard",
        actor=actor,
        target=roster_import,
        summary=f"放弃导入花名册 {roster_import.filename}",
    )
