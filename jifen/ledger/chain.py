"""The hash chain: each entry's hash covers its content and the hash before it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from jifen.ledger.models import Entry


def entry_content(entry: Entry) -> dict[str, Any]:
    """Everything an entry says, in a form that survives the round trip through the database."""
    recorded_at = entry.recorded_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "organization": entry.organization_id,
        "seq": entry.seq,
        "person": entry.person_id,
        "subject_org": entry.subject_org_id,
        "date": entry.date.isoformat(),
        "item": entry.item,
        "value": entry.value,
        "source": entry.source,
        "note": entry.note,
        "evidence": entry.evidence,
        "origin": entry.origin,
        "origin_ref": entry.origin_ref,
        "corrects": entry.corrects_id,
        "correction": entry.correction,
        "reason": entry.reason,
        "recorded_by": entry.recorded_by_id,
        "recorded_at": recorded_at,
    }


def entry_hash(entry: Entry, prev_hash: str) -> str:
    return content_hash(entry_content(entry), prev_hash)


def content_hash(content: dict[str, Any], prev_hash: str) -> str:
    """The hash of an entry's content (``entry_content``'s shape) after ``prev_hash``: also
    used by the bulk path (``jifen.ledger.bulk``), which hashes rows without model instances."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()
