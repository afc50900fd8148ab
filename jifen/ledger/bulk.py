"""Appending very many facts at once (`jifen demo --members N`): the same chain as
``services.entries_append``, computed in one pass per ledger without model instances, and
written with PostgreSQL's COPY (SQLite: one ``executemany``).

Nothing here updates or deletes: rows are only inserted, the head row is locked and moved on as
``services._append`` does, so the append-only triggers stay in place and ``jifen verify``
recomputes exactly the hashes written here. The price of the speed is that the facts are not
checked one by one against the rulebook (the caller's plan must be valid) and that any signed
span near their dates refuses the whole load (see ``_refuse_near_seals``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.statistics import load_analyze
from jifen.ledger.chain import bulk_content_hash
from jifen.ledger.heads import head_sign
from jifen.ledger.models import Entry, LedgerHead, Origin, Seal
from jifen.ledger.services import normalize_value, score_heads_bump
from jifen.orgs.models import Organization


@dataclass(frozen=True, slots=True)
class BulkFact:
    """One fact about a person, by id (no Person instance is needed)."""

    person_id: int
    date: dt.date
    item: str
    value: str | int
    origin: str  # an Origin: activity, import, manual …
    note: str = ""
    origin_ref: str = ""


_COLUMNS = (
    "organization_id", "seq", "person_id", "subject_org_id", "date", "item", "value", "source",
    "note", "evidence", "origin", "origin_ref", "corrects_id", "correction", "reason",
    "recorded_by_id", "recorded_at", "prev_hash", "hash",
)  # fmt: skip


def _refuse_near_seals(organization: Organization, first: dt.date, last: dt.date) -> None:
    # Coarser than services.sealed_refusal (which looks at each person's memberships): any seal
    # of this organization, above or below it, overlapping the dates refuses the whole load.
    # A bulk load is for building, not for correcting signed quarters.
    ancestors = [int(part) for part in organization.path.strip("/").split("/") if part]
    seals = Seal.objects.filter(start__lte=last, end__gte=first)
    near = seals.filter(organization_id__in=ancestors) | seals.filter(
        organization__path__startswith=organization.path
    )
    seal = near.select_related("organization").first()
    if seal is not None:
        raise ValidationError(
            _("%(organization)s的%(label)s（%(start)s 至 %(end)s）已签名确认，不能批量录入。")
            % {
                "organization": seal.organization.name,
                "label": seal.label,
                "start": seal.start,
                "end": seal.end,
            }
        )


def _chained(
    organization: Organization,
    facts: list[BulkFact],
    recorded_by: User | None,
    head: LedgerHead,
) -> tuple[list[tuple[Any, ...]], int, str]:
    """The rows to insert, in ``_COLUMNS`` order, and the new head (seq, hash)."""
    now = clock.now()
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    stored_at = connection.ops.adapt_datetimefield_value(now)
    user_id = recorded_by.pk if recorded_by is not None else None
    values: dict[str | int, str] = {}
    origins: dict[str, str] = {}
    seq, prev = head.seq, head.head
    rows: list[tuple[Any, ...]] = []
    org_id = organization.pk
    for fact in facts:
        seq += 1
        value = values.get(fact.value)
        if value is None:
            value = values[fact.value] = normalize_value(fact.value)
        note = fact.note[:500]
        origin = origins.get(fact.origin)
        if origin is None:
            origin = origins[fact.origin] = Origin(fact.origin).value
        # The hash of exactly the Entry these columns make (chain.entry_content).
        digest = bulk_content_hash(
            prev, organization=org_id, seq=seq, person=fact.person_id, date=fact.date,
            item=fact.item, value=value, note=note, origin=origin, origin_ref=fact.origin_ref,
            recorded_by=user_id, recorded_at=stamp,
        )  # fmt: skip
        rows.append(
            (org_id, seq, fact.person_id, None, fact.date, fact.item, value, "", note, "[]",
             origin, fact.origin_ref, None, "", "", user_id, stored_at, prev, digest)
        )  # fmt: skip
        prev = digest
    return rows, seq, prev


def _write(rows: list[tuple[Any, ...]]) -> None:
    table = Entry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _column in _COLUMNS)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({marks})",  # noqa: S608 (fixed names)
                rows,
            )


def entries_load(
    *,
    organization: Organization,
    facts: Iterable[BulkFact],
    recorded_by: User | None,
    summary: str,
    analyze: bool = True,
) -> int:
    """Append ``facts`` to ``organization``'s chain, in the given order, in one transaction with
    one lock of the chain's head and one audit event; returns how many were appended.
    A load large enough to mislead the planner analyzes the ledger (jifen.core.statistics);
    ``analyze=False`` leaves that to a caller that loads many chains (the demo, once at its end)."""
    batch = list(facts)
    if not batch:
        return 0
    _refuse_near_seals(organization, min(f.date for f in batch), max(f.date for f in batch))
    with transaction.atomic():
        head, _created = LedgerHead.objects.select_for_update().get_or_create(
            organization=organization
        )
        first = head.seq + 1
        rows, seq, last_hash = _chained(organization, batch, recorded_by, head)
        _write(rows)
        LedgerHead.objects.filter(pk=head.pk).update(
            seq=seq, head=last_hash, signature=head_sign(organization.pk, seq, last_hash)
        )
        if analyze:
            load_analyze(Entry, len(rows))
        # Stored results of these people are no longer current (jifen.ledger.stored).
        score_heads_bump(batch)
        audit_record(
            action="ledger.append",
            actor=recorded_by,
            target=organization,
            summary=f"台账 {organization.code} #{first}–{seq}：{summary}",
            detail={"entries": len(rows), "bulk": True},
        )
    return len(rows)
