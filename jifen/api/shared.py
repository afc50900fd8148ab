"""What the API's operations share: the error answers each documents, how an organization and
a ledger entry are written out, and a batch's refusal naming every bad row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jifen.api import schemas
from jifen.api.errors import api_error
from jifen.ledger.models import Entry
from jifen.orgs.models import Organization

PROBLEMS: dict[int, type[schemas.Problem]] = {
    401: schemas.Problem,
    404: schemas.Problem,
    422: schemas.Problem,
    429: schemas.Problem,
}


def organization_out(org: Organization) -> dict[str, Any]:
    return {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "kind": org.kind.code,
        "kind_name": org.kind.name,
        "parent_id": org.parent_id,
        "depth": org.depth,
        "active_from": org.active_from,
        "active_until": org.active_until,
    }


MAX_BATCH = 2000


def entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "seq": entry.seq,
        "person_id": entry.person_id,
        "date": entry.date,
        "item": entry.item,
        "value": entry.value,
        "note": entry.note,
        "origin": entry.origin,
        "corrects_id": entry.corrects_id,
        "correction": entry.correction,
        "reason": entry.reason,
        "recorded_at": entry.recorded_at,
        "hash": entry.hash,
    }


def row_error(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def row_errors(row: int, error: ValidationError) -> list[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        fields = {"code": "item", "__all__": ""}
        return [
            row_error(row, fields.get(field, field), message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [row_error(row, "", message) for message in error.messages]


def rows_refused(errors: list[dict[str, Any]]) -> Exception:
    rows = sorted({e["row"] for e in errors})
    listed = _("、").join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
    return api_error(
        422,
        _("第 %(rows)s 行有问题，一条也没有写入") % {"rows": listed},
        code="rows_refused",
        errors=errors,
    )
