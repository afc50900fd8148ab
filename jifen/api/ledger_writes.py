"""Writing the ledger: a batch of facts with the manual-entry page's checks, corrections by
reference — all or nothing, once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from jifen.accounts.current import signed_in
from jifen.api import schemas, write_schemas
from jifen.api.errors import api_error, refused_input
from jifen.api.idempotency import once
from jifen.api.shared import (
    MAX_BATCH,
    PROBLEMS,
    entry_out,
    row_error,
    row_errors,
    rows_refused,
)
from jifen.ledger.models import Entry, Origin
from jifen.ledger.services import NewFact, entries_append, entries_correct
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.entries import entry_checked

router = Router()


@router.post(
    "/organizations/{org_id}/facts",
    response={201: schemas.Entries, 403: schemas.Problem, **PROBLEMS},
    summary="批量录入积分事实",
    description="与“录入积分事实”页面相同的检查（所采用积分办法中可手工录入的项目、当天属于本组织、"
    "扣分须写明原因），全部通过才写入，否则一条也不写，并逐行列出问题。"
    "可带 `Idempotency-Key` 头：重发同一请求只记录一次。",
    tags=["台账"],
)
def facts_add(request: HttpRequest, org_id: int, payload: write_schemas.FactsIn) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    return once(request, lambda: _facts_add(request, organization, payload))


def _facts_add(
    request: HttpRequest, organization: Organization, payload: write_schemas.FactsIn
) -> Status[Any]:
    if not payload.facts:
        raise api_error(422, _("facts 不能为空"), code="invalid")
    if len(payload.facts) > MAX_BATCH:
        raise api_error(422, _("一次最多 %(n)s 条") % {"n": MAX_BATCH}, code="invalid")
    reachable = access.people_for(request.user, Action.RECORD).filter(
        pk__in={fact.person_id for fact in payload.facts}
    )
    people = {person.pk: person for person in reachable}
    errors: list[dict[str, Any]] = []
    checked: list[NewFact] = []
    for row, fact in enumerate(payload.facts, start=1):
        person = people.get(fact.person_id)
        if person is None:
            errors.append(row_error(row, "person_id", _("没有这名党员，或不在您的权限范围内")))
            continue
        try:
            number = entry_checked(
                organization=organization,
                person=person,
                date=fact.date,
                code=fact.item,
                value=fact.value,
                note=fact.note,
            )
        except ValidationError as error:
            errors.extend(row_errors(row, error))
            continue
        checked.append(NewFact(person, fact.date, fact.item, number, fact.note.strip()))
    if errors:
        raise rows_refused(errors)
    try:
        made = entries_append(
            organization=organization,
            facts=checked,
            origin=Origin.MANUAL,
            origin_ref="api",
            recorded_by=signed_in(request),
            summary=f"接口录入 {len(checked)} 条积分事实",
        )
    except ValidationError as error:
        raise refused_input(error) from None
    return Status(201, {"entries": [entry_out(e) for e in made], "next_cursor": None})


@router.post(
    "/organizations/{org_id}/corrections",
    response={201: schemas.Entries, 403: schemas.Problem, **PROBLEMS},
    summary="更正台账记录",
    description="按台账记录 id 作废（不给 value）或改值，须写明原因；记录本身不变，更正是新的记录。"
    "全部可更正才写入。可带 `Idempotency-Key` 头。",
    tags=["台账"],
)
def corrections_add(
    request: HttpRequest, org_id: int, payload: write_schemas.CorrectionsIn
) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    return once(request, lambda: _corrections_add(request, organization, payload))


def _corrections_add(
    request: HttpRequest, organization: Organization, payload: write_schemas.CorrectionsIn
) -> Status[Any]:
    if not payload.corrections:
        raise api_error(422, _("corrections 不能为空"), code="invalid")
    if len(payload.corrections) > MAX_BATCH:
        raise api_error(422, _("一次最多 %(n)s 条") % {"n": MAX_BATCH}, code="invalid")
    wanted = {c.entry_id for c in payload.corrections}
    entries = {
        entry.pk: entry
        for entry in Entry.objects.filter(
            pk__in=wanted, organization__path__startswith=organization.path
        ).select_related("organization")
    }
    errors = [
        row_error(row, "entry_id", _("没有这条台账记录，或不在这个组织的台账中"))
        for row, c in enumerate(payload.corrections, start=1)
        if c.entry_id not in entries
    ]
    if errors:
        raise rows_refused(errors)
    try:
        made = entries_correct(
            corrections=[(entries[c.entry_id], c.value) for c in payload.corrections],
            reason=payload.reason,
            recorded_by=signed_in(request),
            summary="接口更正",
        )
    except ValidationError as error:
        raise refused_input(error) from None
    return Status(201, {"entries": [entry_out(e) for e in made], "next_cursor": None})
