"""Reading organizations: the tree, one organization, its year sheet, its signed quarters, its
rulebook and its ledger page by page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from jifen.api import schemas
from jifen.api.errors import api_error, refused_input
from jifen.api.shared import (
    MAX_BATCH,
    PROBLEMS,
    entry_out,
    organization_out,
)
from jifen.core import clock
from jifen.ledger.models import Entry
from jifen.orgs import access
from jifen.periods.models import Signature
from jifen.ratings.selectors import MIXED, mixed, year_of
from jifen.rulebooks.services import adoption_for, rulebook_of

router = Router()


@router.get(
    "/organizations",
    response={200: list[schemas.Organization], **PROBLEMS},
    summary="组织树",
    description="您能查看的组织，按组织树的顺序（先上级，后下级）。"
    "`under` 给出一个组织的 id 时，只列出它和它下面的组织。",
    tags=["组织"],
)
def organizations(request: HttpRequest, under: int | None = None) -> list[dict[str, Any]]:
    rows = access.orgs_for(request.user).select_related("kind")
    if under is not None:
        top = access.org_for(request.user, under)
        rows = rows.filter(path__startswith=top.path)
    return [organization_out(org) for org in rows.order_by("path")]


@router.get(
    "/organizations/{org_id}",
    response={200: schemas.Organization, **PROBLEMS},
    summary="一个组织",
    tags=["组织"],
)
def organization(request: HttpRequest, org_id: int) -> dict[str, Any]:
    return organization_out(access.org_for(request.user, org_id))


@router.get(
    "/organizations/{org_id}/entries",
    response={200: schemas.Entries, **PROBLEMS},
    summary="台账记录（分页）",
    description="本组织台账链上的记录，按序号从小到大。每页最多 `limit` 条（默认 500，最多 2000）；"
    "把回答中的 `next_cursor` 作为 `cursor` 取下一页，为 null 时已到末尾。"
    "以后新记的记录总排在后面，所以同步程序保存最后的 cursor 即可增量读取。",
    tags=["台账"],
)
def entries(
    request: HttpRequest, org_id: int, cursor: str | None = None, limit: int = 500
) -> dict[str, Any]:
    organization = access.org_for(request.user, org_id)
    if not 1 <= limit <= MAX_BATCH:
        raise api_error(422, _("limit 应在 1 到 %(n)s 之间") % {"n": MAX_BATCH}, code="invalid")
    after = 0
    if cursor:
        if not cursor.isdigit():
            raise api_error(422, _("cursor 无效：请使用上一页回答中的 next_cursor"), code="invalid")
        after = int(cursor)
    rows = list(
        Entry.objects.filter(organization=organization, seq__gt=after).order_by("seq")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "entries": [entry_out(e) for e in rows],
        "next_cursor": str(rows[-1].seq) if more else None,
    }


@router.get(
    "/organizations/{org_id}/years/{year}",
    response={200: schemas.YearSheet, **PROBLEMS},
    summary="组织的年度积分表",
    description="组织（含下级）全体党员的总分和各类积分；年度结束后有星级和预警。"
    "下级组织采用了不同积分办法时，请按各下级组织分别读取（422 mixed_rulebooks）。",
    tags=["积分"],
)
def organization_year(request: HttpRequest, org_id: int, year: int) -> dict[str, Any]:
    organization = access.org_for(request.user, org_id)
    if mixed(organization, year):
        raise api_error(422, MIXED, code="mixed_rulebooks")
    try:
        found = year_of(organization, year)
    except ValidationError as error:
        raise refused_input(error) from None
    if found is None:
        raise api_error(404, _("这一年没有适用于这个组织的积分办法"), code="no_rulebook")
    over = clock.today() > dt.date(year, 12, 31)
    rows = []
    for person in found.people:
        result = found.results.get(person.pk)
        if result is None:
            continue
        rows.append(
            {
                "person_id": person.pk,
                "name": person.name,
                "total": result.total,
                "categories": {c.code: c.score for c in result.categories},
                # Year-end results, given once the year is over (as on the pages).
                "stars": result.stars if over else None,
                "warnings": list(result.warnings) if over else [],
                "vetoed": result.vetoed,
            }
        )
    return {
        "organization_id": organization.pk,
        "year": year,
        "rulebook": found.rulebook.id,
        "months_reached": found.reached,
        "categories": [{"code": c.code, "title": c.title} for c in found.rulebook.categories],
        "rows": rows,
    }


@router.get(
    "/organizations/{org_id}/signatures",
    response={200: list[schemas.SignatureOut], **PROBLEMS},
    summary="季度签名与公示",
    description="组织签名确认的季度表（quarter 为 0 是年终表）及其公示，"
    "附签名时台账的序号和链头，可与纸质公示上印的核对。",
    tags=["季度与公示"],
)
def signatures(request: HttpRequest, org_id: int, year: int | None = None) -> list[dict[str, Any]]:
    organization = access.org_for(request.user, org_id)
    found = Signature.objects.filter(organization=organization).select_related("signed_by")
    if year is not None:
        found = found.filter(year=year)
    return [
        {
            "id": s.pk,
            "year": s.year,
            "quarter": s.quarter,
            "signed_at": s.signed_at,
            "signed_by": s.signed_by.get_full_name() or s.signed_by.get_username(),
            "sheet_hash": s.sheet_hash,
            "ledger_seq": s.ledger_seq,
            "ledger_head": s.ledger_head,
            "notices": [
                {
                    "id": n.pk,
                    "opened_on": n.opened_on,
                    "starts": n.starts,
                    "ends": n.ends,
                    "working_days": n.working_days,
                }
                for n in s.notices.order_by("opened_at")
            ],
        }
        for s in found.order_by("year", "quarter", "signed_at").prefetch_related("notices")
    ]


@router.get(
    "/organizations/{org_id}/rulebooks/{year}",
    response={200: schemas.RulebookOut, **PROBLEMS},
    summary="采用的积分办法",
    description="这一年适用于该组织的积分办法（本组织或最近的上级组织采用的），含规则全文。",
    tags=["积分办法"],
)
def rulebook(request: HttpRequest, org_id: int, year: int) -> dict[str, Any]:
    organization = access.org_for(request.user, org_id)
    adoption = adoption_for(organization, year)
    if adoption is None:
        raise api_error(404, _("这一年没有适用于这个组织的积分办法"), code="no_rulebook")
    return {
        "organization_id": adoption.organization_id,
        "year": adoption.year,
        "rulebook": adoption.rulebook_id,
        "version": adoption.rulebook_version,
        "title": rulebook_of(adoption).title,
        "adopted_at": adoption.adopted_at,
        "yaml": adoption.yaml_text,
    }
