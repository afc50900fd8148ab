"""Reading the branches' assessments (支部考核): the rounds an organization takes part in and a
round's published results, as the results page shows them to the same user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from jifen.api import schemas
from jifen.api.errors import api_error
from jifen.api.shared import PROBLEMS
from jifen.assessments.models import Round
from jifen.assessments.results import results_visible, round_outcome
from jifen.assessments.selectors import organizations_seen
from jifen.assessments.views.doors import ROUNDS
from jifen.orgs import access

router = Router()


@router.get(
    "/organizations/{org_id}/assessment-rounds",
    response={200: list[schemas.RoundOut], **PROBLEMS},
    summary="考核轮次",
    description=(
        "该组织参加或开启的考核轮次，按年度和轮次；`published_at` 为 null 表示结果尚未公布。"
    ),
    tags=["考核"],
)
def rounds(request: HttpRequest, org_id: int, year: int | None = None) -> list[dict[str, Any]]:
    organization = access.org_for(request.user, org_id)
    found = Round.objects.filter(Q(organizations=organization) | Q(owner=organization)).distinct()
    if year is not None:
        found = found.filter(year=year)
    return [
        {
            "id": r.pk,
            "year": r.year,
            "period": r.period,
            "period_name": str(r.get_period_display()),
            "title": r.title,
            "owner_id": r.owner_id,
            "self_deadline": r.self_deadline,
            "committee_deadline": r.committee_deadline,
            "published_at": r.published_at,
        }
        for r in found.order_by("year", "period", "pk")
    ]


@router.get(
    "/assessment-rounds/{round_id}/results",
    response={200: schemas.RoundResults, **PROBLEMS},
    summary="考核结果",
    description="公布后的考核结果（公布前只有党委可以看到）：总分、堡垒指数、星级、排名、自评和考评，"
    "只列出您能看到的组织。尚未公布时回答 404 `not_published`。",
    tags=["考核"],
)
def round_results(request: HttpRequest, round_id: int) -> dict[str, Any]:
    found = ROUNDS.open(request.user, round_id)
    if not results_visible(request.user, found):
        raise api_error(404, _("考核结果尚未公布"), code="not_published")
    outcome = round_outcome(found)
    if outcome.sheet is None:
        raise api_error(422, outcome.error, code="cannot_score")
    seen = {o.code: o for o in organizations_seen(request.user, found)}
    return {
        "round_id": found.pk,
        "results": [
            {
                "organization_id": seen[r.subject].pk,
                "code": r.subject,
                "name": r.name,
                "total": r.total,
                "index": r.index,
                "stars": r.stars,
                "rank": r.rank,
                "self_total": r.self_total,
                "committee_total": r.committee_total,
                "categories": {c.code: c.score for c in r.categories},
            }
            for r in outcome.sheet.results
            if r.subject in seen
        ],
    }
