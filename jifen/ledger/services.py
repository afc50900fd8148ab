"""Appending facts to the ledger and correcting them. Nothing here updates or deletes an entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.bulkinsert import rows_insert
from jifen.inbox.models import Notification
from jifen.inbox.services import notify
from jifen.ledger.chain import entry_hash
from jifen.ledger.heads import head_sign
from jifen.ledger.models import Correction, Entry, LedgerHead, Origin, ScoreHead, Seal
from jifen.orgs.models import Membership, Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.rulebooks.wording import fact_said, rulebook_for, stored_words, value_said

LABELS = frozenset({"present", "absent", "excused"})


def normalize_value(value: Decimal | int | str) -> str:
    """A number as its plain decimal string ("0.5", "3"); a label (present, 优秀 …) as given."""
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        text = value.strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            if not text:
                raise ValidationError({"value": _("请填写值")}) from None
            return text
    if not number.is_finite():
        raise ValidationError({"value": _("值必须是一个数")})
    normalized = number.normalize()
    return format(normalized, "f")


def sealed_refusal(rows: Sequence[dict[str, Any]]) -> str | None:
    """Why these new facts may not enter the ledger: the first one dated on a day its subject's
    organization (or one above it) has signed (a :class:`Seal`), in the reader's language; None
    when none is (the seal's label, a quarter's name, is as stored: Chinese).
    One query when nothing is sealed near these dates, two otherwise."""
    if not rows:
        return None
    first, last = min(r["date"] for r in rows), max(r["date"] for r in rows)
    seals = list(
        Seal.objects.filter(start__lte=last, end__gte=first).select_related("organization")
    )
    if not seals:
        return None
    person_ids = {r["person"].pk for r in rows if r["person"] is not None}
    held: dict[int, list[Membership]] = {}
    for membership in (
        memberships_overlapping(first=first, last=last)
        .filter(person_id__in=person_ids)
        .select_related("organization")
    ):
        held.setdefault(membership.person_id, []).append(membership)
    for row in rows:
        day = row["date"]
        if row["person"] is not None:
            name = row["person"].name
            paths = [m.organization.path for m in held.get(row["person"].pk, []) if m.covers(day)]
        else:
            name, paths = row["subject_org"].name, [row["subject_org"].path]
        for seal in seals:
            if seal.start <= day <= seal.end and any(
                path.startswith(seal.organization.path) for path in paths
            ):
                return _(
                    "%(name)s %(day)s的记录属于%(organization)s已由支部书记签名确认的"
                    "%(label)s（%(start)s 至 %(end)s），不能再直接录入。确需改动的，"
                    "请以更正方式录入并写明原因；更正后该期间需要重新签名。"
                ) % {
                    "name": name,
                    "day": dateformat.format(day, _("Y年n月j日")),
                    "organization": seal.organization.name,
                    "label": seal.label,
                    "start": seal.start,
                    "end": seal.end,
                }
    return None


def _refuse_sealed(rows: Sequence[dict[str, Any]]) -> None:
    # A correction with a written reason may enter a signed span (and so reopens it);
    # anything else dated there is refused, whichever way it arrives.
    if all(r["origin"] == Origin.CORRECTION and r["reason"] for r in rows):
        return
    refusal = sealed_refusal(rows)
    if refusal is not None:
        raise ValidationError(refusal)


def _append(many: Sequence[dict[str, Any]], organization: Organization) -> list[Entry]:
    head, _created = LedgerHead.objects.select_for_update().get_or_create(organization=organization)
    seq, prev = head.seq, head.head
    entries = []
    for fields in many:
        seq += 1
        entry = Entry(organization=organization, seq=seq, prev_hash=prev, **fields)
        entry.hash = prev = entry_hash(entry, prev)
        entries.append(entry)
    rows_insert(entries)  # bulk_create's per-value work takes seconds for a month's figures
    LedgerHead.objects.filter(pk=head.pk).update(
        seq=seq, head=prev, signature=head_sign(organization.pk, seq, prev)
    )
    score_heads_bump(entries)
    return entries


class AboutSomeone(Protocol):
    """What a head bump needs of a fact: whom and which day (an Entry, or a bulk loader's row)."""

    @property
    def person_id(self) -> int | None: ...

    @property
    def date(self) -> dt.date: ...


def score_heads_bump(entries: Sequence[AboutSomeone]) -> None:
    """Move on the ScoreHead of every (person, year) ``entries`` are about, in the caller's
    transaction: from now on a result stored before these facts no longer matches its tag and is
    recomputed before it is read (``jifen.ledger.stored``). Anything that writes entries some
    other way (a bulk loader) calls this too, or runs ``jifen scores rebuild`` after it."""
    by_year: dict[int, set[int]] = {}
    for entry in entries:
        if entry.person_id is not None:
            by_year.setdefault(entry.date.year, set()).add(entry.person_id)
    for year, people in by_year.items():
        # Create the missing heads first, then add one to all of them: two writers at once
        # each add their one (an UPDATE of a counter is atomic), none is lost.
        ScoreHead.objects.bulk_create(
            [ScoreHead(person_id=pid, year=year) for pid in sorted(people)],
            ignore_conflicts=True,
        )
        # Locked in person order first: two ledgers appending about the same people at once
        # (one member's activity in two branches) then wait for each other, never deadlock.
        heads = ScoreHead.objects.filter(year=year, person_id__in=people)
        list(heads.select_for_update().order_by("person_id").values_list("pk", flat=True))
        heads.update(n=F("n") + 1)


def _append_with_retry(many: Sequence[dict[str, Any]], organization: Organization) -> list[Entry]:
    # Two writers may read the same head where the database has no row locks; the unique
    # (organization, seq) constraint stops the second, which reads the new head and tries again.
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _append(many, organization)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def entry_append(
    *,
    organization: Organization,
    date: dt.date,
    item: str,
    value: Decimal | int | str,
    origin: str,
    recorded_by: User | None,
    person: Person | None = None,
    subject_org: Organization | None = None,
    source: str = "",
    note: str = "",
    evidence: Sequence[str] = (),
    origin_ref: str = "",
    reason: str = "",
) -> Entry:
    """Append one fact to ``organization``'s ledger chain.

    A fact dated in a signed span (:class:`Seal`) is refused (ValidationError, in Chinese)
    unless it is a correction (``origin=Origin.CORRECTION``) with a ``reason``."""
    if (person is None) == (subject_org is None):
        raise ValueError("an entry has exactly one subject: a person or an organization")
    fields = {
        "person": person,
        "subject_org": subject_org,
        "date": date,
        "item": item,
        "value": normalize_value(value),
        "source": source,
        "note": note[:500],
        "evidence": list(evidence),
        "origin": Origin(origin),
        "origin_ref": origin_ref,
        "reason": reason.strip()[:500],
        "recorded_by": recorded_by,
        "recorded_at": clock.now(),
    }
    _refuse_sealed([fields])
    with transaction.atomic():
        (entry,) = _append_with_retry([fields], organization)
        audit_record(
            action="ledger.append",
            actor=recorded_by,
            target=entry,
            summary=f"台账 {organization.code} #{entry.seq}：{date} "
            + stored_words(fact_said, rulebook_for(organization, date.year), item, entry.value),
        )
    return entry


@dataclass(frozen=True)
class NewFact:
    """One fact of a batch for :func:`entries_append`."""

    person: Person
    date: dt.date
    item: str
    value: Decimal | int | str
    note: str = ""


def entries_append(
    *,
    organization: Organization,
    facts: Sequence[NewFact],
    origin: str,
    origin_ref: str,
    recorded_by: User | None,
    summary: str,
    reason: str = "",
) -> list[Entry]:
    """Append many facts at once — an activity's attendance, a month's figures — in one
    transaction, one lock of the chain's head and one audit event, instead of one of each per
    fact (500 attendees in well under a second). Refused as a whole, like :func:`entry_append`,
    when one of them is dated in a signed span."""
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {
            "person": fact.person,
            "subject_org": None,
            "date": fact.date,
            "item": fact.item,
            "value": normalize_value(fact.value),
            "source": "",
            "note": fact.note[:500],
            "evidence": [],
            "origin": Origin(origin),
            "origin_ref": origin_ref,
            "reason": reason.strip()[:500],
            "recorded_by": recorded_by,
            "recorded_at": now,
        }
        for fact in facts
    ]
    if not rows:
        return []
    _refuse_sealed(rows)
    with transaction.atomic():
        entries = _append_with_retry(rows, organization)
        audit_record(
            action="ledger.append",
            actor=recorded_by,
            target=organization,
            summary=f"台账 {organization.code} #{entries[0].seq}–{entries[-1].seq}：{summary}",
            detail={"entries": len(entries), "origin_ref": origin_ref},
        )
    return entries


def _correctable(entries: Sequence[Entry]) -> None:
    # Corrections form a chain: only the latest link may be corrected, and a void ends it.
    ids = [e.pk for e in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError({"entry": _("同一条记录不能在一次更正里出现两次")})
    done = set(Entry.objects.filter(corrects_id__in=ids).values_list("corrects_id", flat=True))
    for entry in entries:
        if entry.pk in done:
            raise ValidationError(
                {"entry": _("第 %(seq)s 条已被更正过，请更正最新的那一条") % {"seq": entry.seq}}
            )
        if entry.correction == Correction.VOID:
            raise ValidationError({"entry": _("作废记录本身不能再更正")})


def _correction_row(
    entry: Entry,
    value: Decimal | int | str | None,
    reason: str,
    recorded_by: User | None,
    now: dt.datetime,
) -> dict[str, Any]:
    replacing = value is not None
    # Ids, not objects: reading entry.person would cost a query per entry of a batch.
    return {
        "person_id": entry.person_id,
        "subject_org_id": entry.subject_org_id,
        "date": entry.date,
        "item": entry.item if replacing else "",
        "value": normalize_value(value) if value is not None else "",
        "source": entry.source,
        "note": entry.note,
        "evidence": entry.evidence,
        "origin": Origin.CORRECTION,
        # Still from the same activity, declaration or import: ``corrects`` links the entries.
        "origin_ref": entry.origin_ref,
        "corrects_id": entry.pk,
        "correction": Correction.REPLACE if replacing else Correction.VOID,
        "reason": reason.strip()[:500],
        "recorded_by": recorded_by,
        "recorded_at": now,
    }


def corrections_told(corrections: Sequence[Entry]) -> None:
    """Tell each member a correction is about that their points changed (in the correcting
    transaction): one notification a member and day, however many entries it touched."""
    days: dict[tuple[dt.date, str], list[int]] = {}
    for correction in corrections:
        if correction.person_id is not None:
            days.setdefault((correction.date, correction.reason), []).append(correction.person_id)
    for (day, reason), person_ids in days.items():
        notify(
            kind=Notification.Kind.CORRECTION,
            person_ids=person_ids,
            params={"date": day.isoformat(), "reason": reason},
            link=reverse("ledger:my_points"),
        )


def entry_correct(
    *,
    entry: Entry,
    reason: str,
    recorded_by: User | None,
    value: Decimal | int | str | None = None,
) -> Entry:
    """Void ``entry`` (no ``value``) or replace its value, with a written reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("更正必须写明原因")})
    _correctable([entry])
    row = _correction_row(entry, value, reason, recorded_by, clock.now())
    with transaction.atomic():
        (correction,) = _append_with_retry([row], entry.organization)
        said = stored_words(value_said, correction.value)
        verb = f"改为 {said}" if value is not None else "作废"
        audit_record(
            action="ledger.correct",
            actor=recorded_by,
            target=correction,
            summary=f"台账 {entry.organization.code} #{entry.seq} {verb}：{correction.reason}",
        )
        corrections_told([correction])
    return correction


def entries_correct(
    *,
    corrections: Sequence[tuple[Entry, Decimal | int | str | None]],
    reason: str,
    recorded_by: User | None,
    summary: str,
) -> list[Entry]:
    """Correct many entries at once — a cancelled activity's 500 attendances, a month's
    re-imported figures — each ``(entry, value)`` voided (``value`` None) or replaced, all with
    the same reason. What :func:`entry_correct` does one by one, in one transaction, one lock
    of each ledger's head and one audit event per ledger listing its corrections, so cancelling
    an activity of 500 people takes a fraction of a second rather than seconds. Refused as a
    whole when one of them may not be corrected. Returns the corrections in the given order."""
    if not corrections:
        return []
    if not reason.strip():
        raise ValidationError({"reason": _("更正必须写明原因")})
    _correctable([entry for entry, _value in corrections])
    now = clock.now()
    by_ledger: dict[int, list[tuple[Entry, Decimal | int | str | None]]] = {}
    for entry, value in corrections:
        by_ledger.setdefault(entry.organization_id, []).append((entry, value))
    made: dict[int, Entry] = {}
    with transaction.atomic():
        for batch in by_ledger.values():
            organization = batch[0][0].organization
            rows = [_correction_row(e, value, reason, recorded_by, now) for e, value in batch]
            appended = _append_with_retry(rows, organization)
            pairs = [(e, m) for (e, _value), m in zip(batch, appended, strict=True)]
            made.update((e.pk, m) for e, m in pairs)
            audit_record(
                action="ledger.correct",
                actor=recorded_by,
                target=organization,
                summary=f"台账 {organization.code} #{appended[0].seq}–{appended[-1].seq} "
                f"更正 {len(appended)} 条：{summary}（{reason.strip()[:200]}）",
                detail={
                    "corrected": {str(e.seq): m.seq for e, m in pairs},
                    "reason": reason.strip()[:500],
                },
            )
        corrections_told(list(made.values()))
    return [made[entry.pk] for entry, _value in corrections]


def seal_add(
    *,
    organization: Organization,
    start: dt.date,
    end: dt.date,
    label: str,
    ref: str,
    sealed_by: User | None,
) -> Seal:
    """Seal [``start``, ``end``] for ``organization`` and its subtree: from now on a fact dated
    there enters only as a correction with a reason. Sealing a span twice is harmless."""
    if end < start:
        raise ValueError("a seal ends on or after its start")
    seal = Seal.objects.create(
        organization=organization,
        start=start,
        end=end,
        label=label[:64],
        ref=ref[:64],
        sealed_by=sealed_by,
        sealed_at=clock.now(),
    )
    audit_record(
        action="ledger.seal",
        actor=sealed_by,
        target=seal,
        summary=f"封存 {organization.name} {label}（{start} 至 {end}）",
    )
    return seal
