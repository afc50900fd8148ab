"""Reading people: one member, masked as on the pages, and a member's year, explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from jifen.api import schemas
from jifen.api.errors import api_error
from jifen.api.shared import MAX_BATCH, PROBLEMS
from jifen.core import clock
from jifen.ledger.scores import MemberYear, member_year
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.idcard import mask_id_number, mask_phone
from jifen.orgs.models import Category, Gender, Membership, Organization, Person
from jifen.orgs.selectors import on_day
from jifen.ratings.selectors import year_of
from jifen.scoring.results import Line

router = Router()


def _person_out(found: Person, sensitive: bool, memberships: list[Membership]) -> dict[str, Any]:
    return {
        "id": found.pk,
        "name": found.name,
        "gender": Gender(found.gender).label if found.gender in Gender.values else "",
        "category": found.category,
        "category_name": Category(found.category).label,
        "id_number": found.id_number if sensitive else mask_id_number(found.id_number),
        "phone": found.phone if sensitive else mask_phone(found.phone),
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization_name": m.organization.name,
                "start": m.start,
                "end": m.end,
            }
            for m in memberships
        ],
    }


@router.get(
    "/people/{person_id}",
    response={200: schemas.Person, **PROBLEMS},
    summary="一名党员",
    description="身份证号和手机号按您在页面上看到的方式给出：管理本人所在组织的人和本人看到全文，"
    "其他人看到遮盖后的号码。",
    tags=["党员"],
)
def person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    found = access.person_for(request.user, person_id)
    memberships = list(found.memberships.select_related("organization").order_by("start"))
    return _person_out(found, access.sees_sensitive(request.user, found), memberships)


@router.get(
    "/organizations/{org_id}/people",
    response={200: schemas.People, **PROBLEMS},
    summary="组织的党员（分页）",
    description="今天属于该组织（含下级）的党员，按 id 分页，遮盖方式与“一名党员”相同。"
    "把回答中的 `next_cursor` 作为 `cursor` 取下一页，为 null 时已到末尾。",
    tags=["党员"],
)
def organization_people(
    request: HttpRequest, org_id: int, cursor: str | None = None, limit: int = 500
) -> dict[str, Any]:
    organization = access.org_for(request.user, org_id)
    if not 1 <= limit <= MAX_BATCH:
        raise api_error(422, _("limit 应在 1 到 %(n)s 之间") % {"n": MAX_BATCH}, code="invalid")
    if cursor and not cursor.isdigit():
        raise api_error(422, _("cursor 无效：请使用上一页回答中的 next_cursor"), code="invalid")
    today = clock.today()
    rows = (
        Person.objects.filter(
            memberships__organization__path__startswith=organization.path,
            pk__gt=int(cursor or 0),
        )
        .filter(on_day(today, "memberships__"))
        .distinct()
        .order_by("pk")[: limit + 1]
    )
    page = list(rows)
    more = len(page) > limit
    page = page[:limit]
    ids = [p.pk for p in page]
    # Who sees whom in full, in one query for the page rather than one a person.
    full = set(
        access.people_for(request.user, Action.SEE_SENSITIVE)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    own = {p.pk for p in page if p.user_id == request.user.pk}
    memberships: dict[int, list[Membership]] = {}
    for m in (
        Membership.objects.filter(person_id__in=ids)
        .select_related("organization")
        .order_by("start")
    ):
        memberships.setdefault(m.person_id, []).append(m)
    return {
        "people": [_person_out(p, p.pk in full | own, memberships.get(p.pk, [])) for p in page],
        "next_cursor": str(page[-1].pk) if more else None,
    }


def _line(line: Line) -> dict[str, Any]:
    facts = [int(fact) for fact in line.facts if str(fact).isdigit()]
    return {
        "rule": line.rule,
        "period": line.period,
        "text": line.text,
        "points": line.points,
        "facts": facts,
    }


def _months(found: MemberYear) -> dict[str, Decimal]:
    """Each month's points over the monthly categories, for the months begun."""
    months: dict[str, Decimal] = {}
    for category in found.result.categories:
        for period, points in category.periods.items():
            if period.startswith("M") and int(period[1:]) <= found.reached:
                months[period] = months.get(period, Decimal(0)) + points
    return dict(sorted(months.items()))


@router.get(
    "/people/{person_id}/years/{year}",
    response={200: schemas.MemberYear, **PROBLEMS},
    summary="一名党员的年度积分",
    description="总分、各类积分、各月积分；年度结束后还有星级和预警。"
    "`explain=1` 时给出每一行计分说明及其依据的台账记录 id。",
    tags=["积分"],
)
def person_year(
    request: HttpRequest, person_id: int, year: int, explain: Query[bool] = False
) -> dict[str, Any]:
    found_person = access.person_for(request.user, person_id)
    if not 2000 <= year <= 2100:
        raise api_error(422, _("年份应在 2000 到 2100 之间"), code="invalid")
    today = clock.today()
    found = member_year(found_person, year, today=today)
    if found is None:
        raise api_error(404, _("这一年没有适用于这名党员的积分办法"), code="no_rulebook")
    stars: int | None = None
    warnings: list[str] = []
    vetoed = found.result.vetoed
    branch = _branch_of(found_person, year)
    # Stars and warnings are year-end results, given once the year is over (as on the pages).
    if branch is not None and today > dt.date(year, 12, 31):
        rated = year_of(branch, year)
        result = rated.results.get(found_person.pk) if rated is not None else None
        if result is not None:
            stars, warnings, vetoed = result.stars, list(result.warnings), result.vetoed
    categories = [
        {
            "code": category.code,
            "title": category.title,
            "score": category.score,
            "periods": dict(category.periods),
            "items": [
                {
                    "code": item.code,
                    "title": item.title,
                    "score": item.score,
                    "periods": dict(item.periods),
                    "lines": [_line(line) for line in item.lines] if explain else None,
                }
                for item in category.items
            ],
            "lines": [_line(line) for line in category.lines] if explain else None,
        }
        for category in found.result.categories
    ]
    return {
        "person_id": found_person.pk,
        "year": year,
        "organization_id": found.adoption.organization_id,
        "rulebook": found.rulebook.id,
        "rulebook_title": found.rulebook.title,
        "total": found.result.total,
        "months_reached": found.reached,
        "categories": categories,
        "months": _months(found),
        "stars": stars,
        "warnings": warnings,
        "vetoed": vetoed,
        "lines": [_line(line) for line in found.result.lines] if explain else None,
    }


def _branch_of(person: Person, year: int) -> Organization | None:
    membership = (
        person.memberships.filter(start__lte=dt.date(year, 12, 31))
        .exclude(end__lt=dt.date(year, 1, 1))
        .select_related("organization")
        .order_by("-start")
        .first()
    )
    return membership.organization if membership is not None else None
