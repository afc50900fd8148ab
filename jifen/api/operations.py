"""The API's operations. Each is a thin wrapper: the door (jifen.orgs.access) finds what the
token's user may see — 404 for anything else, audited like a page —, the same selectors as the
pages compute it, the schemas (jifen.api.schemas) say how it is written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from jifen.accounts.current import signed_in
from jifen.api import schemas
from jifen.api.errors import api_error, refused_input
from jifen.api.idempotency import once
from jifen.core import clock
from jifen.ledger.models import Entry, Origin
from jifen.ledger.scores import MemberYear, member_year
from jifen.ledger.services import NewFact, entries_append, entries_correct
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.idcard import mask_id_number, mask_phone
from jifen.orgs.models import Category, Gender, Organization, Person
from jifen.periods.models import Signature
from jifen.ratings.selectors import MIXED, mixed, year_of
from jifen.recording.entries import entry_checked
from jifen.recording.models import Activity
from jifen.recording.monthly import monthly_apply, monthly_check
from jifen.recording.services import (
    MARKS,
    Mark,
    activity_create,
    attendance_current,
    attendance_items,
    attendance_record,
)
from jifen.recording.views import ACTIVITIES
from jifen.roster.models import RosterImport
from jifen.roster.reading import RosterFileError, table_read
from jifen.roster.services import ImportClosedError, roster_import_apply, roster_import_create
from jifen.rulebooks.services import adoption_for, adoption_set, rulebook_of
from jifen.scoring.results import Line

router = Router()
PROBLEMS: dict[int, type[schemas.Problem]] = {
    401: schemas.Problem,
    404: schemas.Problem,
    422: schemas.Problem,
    429: schemas.Problem,
}


def _organization(org: Organization) -> dict[str, Any]:
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
    return [_organization(org) for org in rows.order_by("path")]


@router.get(
    "/organizations/{org_id}",
    response={200: schemas.Organization, **PROBLEMS},
    summary="一个组织",
    tags=["组织"],
)
def organization(request: HttpRequest, org_id: int) -> dict[str, Any]:
    return _organization(access.org_for(request.user, org_id))


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
    sensitive = access.sees_sensitive(request.user, found)
    memberships = found.memberships.select_related("organization").order_by("start")
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
        raise api_error(422, "年份应在 2000 到 2100 之间", code="invalid")
    today = clock.today()
    found = member_year(found_person, year, today=today)
    if found is None:
        raise api_error(404, "这一年没有适用于这名党员的积分办法", code="no_rulebook")
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


@router.post(
    "/organizations/{org_id}/activities",
    response={201: schemas.Activity, 403: schemas.Problem, **PROBLEMS},
    summary="登记活动",
    description="与“登记活动”页面相同：`item` 须是本组织当年所采用积分办法中的签到项目。"
    "之后可按活动记录签到。",
    tags=["活动与签到"],
)
def activity_add(
    request: HttpRequest, org_id: int, payload: schemas.ActivityIn
) -> Status[dict[str, Any]]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    try:
        made = activity_create(
            organization=organization, actor=signed_in(request), **payload.dict()
        )
    except ValidationError as error:
        raise refused_input(error) from None
    names = dict(attendance_items(organization, made.date.year))
    return Status(
        201,
        {
            "id": made.pk,
            "organization_id": organization.pk,
            "item": made.item,
            "item_name": str(names.get(made.item, made.item)),
            "title": made.title,
            "date": made.date,
            "place": made.place,
        },
    )


MAX_BATCH = 2000


@router.post(
    "/organizations/{org_id}/facts",
    response={201: schemas.Entries, 403: schemas.Problem, **PROBLEMS},
    summary="批量录入积分事实",
    description="与“录入积分事实”页面相同的检查（所采用积分办法中可手工录入的项目、当天属于本组织、"
    "扣分须写明原因），全部通过才写入，否则一条也不写，并逐行列出问题。"
    "可带 `Idempotency-Key` 头：重发同一请求只记录一次。",
    tags=["台账"],
)
def facts_add(request: HttpRequest, org_id: int, payload: schemas.FactsIn) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    return once(request, lambda: _facts_add(request, organization, payload))


def _facts_add(
    request: HttpRequest, organization: Organization, payload: schemas.FactsIn
) -> Status[Any]:
    if not payload.facts:
        raise api_error(422, "facts 不能为空", code="invalid")
    if len(payload.facts) > MAX_BATCH:
        raise api_error(422, f"一次最多 {MAX_BATCH} 条", code="invalid")
    reachable = access.people_for(request.user, Action.RECORD).filter(
        pk__in={fact.person_id for fact in payload.facts}
    )
    people = {person.pk: person for person in reachable}
    errors: list[dict[str, Any]] = []
    checked: list[NewFact] = []
    for row, fact in enumerate(payload.facts, start=1):
        person = people.get(fact.person_id)
        if person is None:
            errors.append(_row_error(row, "person_id", "没有这名党员，或不在您的权限范围内"))
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
            errors.extend(_row_errors(row, error))
            continue
        checked.append(NewFact(person, fact.date, fact.item, number, fact.note.strip()))
    if errors:
        raise _rows_refused(errors)
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
    return Status(201, {"entries": [_entry(e) for e in made], "next_cursor": None})


@router.post(
    "/organizations/{org_id}/corrections",
    response={201: schemas.Entries, 403: schemas.Problem, **PROBLEMS},
    summary="更正台账记录",
    description="按台账记录 id 作废（不给 value）或改值，须写明原因；记录本身不变，更正是新的记录。"
    "全部可更正才写入。可带 `Idempotency-Key` 头。",
    tags=["台账"],
)
def corrections_add(
    request: HttpRequest, org_id: int, payload: schemas.CorrectionsIn
) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    return once(request, lambda: _corrections_add(request, organization, payload))


def _corrections_add(
    request: HttpRequest, organization: Organization, payload: schemas.CorrectionsIn
) -> Status[Any]:
    if not payload.corrections:
        raise api_error(422, "corrections 不能为空", code="invalid")
    if len(payload.corrections) > MAX_BATCH:
        raise api_error(422, f"一次最多 {MAX_BATCH} 条", code="invalid")
    wanted = {c.entry_id for c in payload.corrections}
    entries = {
        entry.pk: entry
        for entry in Entry.objects.filter(
            pk__in=wanted, organization__path__startswith=organization.path
        ).select_related("organization")
    }
    errors = [
        _row_error(row, "entry_id", "没有这条台账记录，或不在这个组织的台账中")
        for row, c in enumerate(payload.corrections, start=1)
        if c.entry_id not in entries
    ]
    if errors:
        raise _rows_refused(errors)
    try:
        made = entries_correct(
            corrections=[(entries[c.entry_id], c.value) for c in payload.corrections],
            reason=payload.reason,
            recorded_by=signed_in(request),
            summary="接口更正",
        )
    except ValidationError as error:
        raise refused_input(error) from None
    return Status(201, {"entries": [_entry(e) for e in made], "next_cursor": None})


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
        raise api_error(422, f"limit 应在 1 到 {MAX_BATCH} 之间", code="invalid")
    after = 0
    if cursor:
        if not cursor.isdigit():
            raise api_error(422, "cursor 无效：请使用上一页回答中的 next_cursor", code="invalid")
        after = int(cursor)
    rows = list(
        Entry.objects.filter(organization=organization, seq__gt=after).order_by("seq")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "entries": [_entry(e) for e in rows],
        "next_cursor": str(rows[-1].seq) if more else None,
    }


def _entry(entry: Entry) -> dict[str, Any]:
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


def _row_error(row: int, field: str, message: str) -> dict[str, Any]:
    return {"row": row, "field": field, "message": message}


def _row_errors(row: int, error: ValidationError) -> list[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        fields = {"code": "item", "__all__": ""}
        return [
            _row_error(row, fields.get(field, field), message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [_row_error(row, "", message) for message in error.messages]


def _rows_refused(errors: list[dict[str, Any]]) -> Exception:
    rows = sorted({e["row"] for e in errors})
    listed = "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
    return api_error(
        422, f"第 {listed} 行有问题，一条也没有写入", code="rows_refused", errors=errors
    )


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
        raise api_error(404, "这一年没有适用于这个组织的积分办法", code="no_rulebook")
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
        raise api_error(404, "这一年没有适用于这个组织的积分办法", code="no_rulebook")
    return {
        "organization_id": adoption.organization_id,
        "year": adoption.year,
        "rulebook": adoption.rulebook_id,
        "version": adoption.rulebook_version,
        "title": rulebook_of(adoption).title,
        "adopted_at": adoption.adopted_at,
        "yaml": adoption.yaml_text,
    }


@router.post(
    "/activities/{activity_id}/attendance",
    response={200: schemas.AttendanceOut, 403: schemas.Problem, **PROBLEMS},
    summary="记录签到",
    description="签到机、会议系统按活动记录出席（present）、无故缺席（absent）、请假（excused，须写原因）。"
    "与签到页面相同：同一人同样的状态只记一次，改变状态是对前一条的更正；"
    "全部合格才写入。可带 `Idempotency-Key` 头。",
    tags=["活动与签到"],
)
def attendance(
    request: HttpRequest, activity_id: int, payload: schemas.AttendanceIn
) -> Status[Any]:
    activity = ACTIVITIES.open(request.user, activity_id, Action.RECORD)
    return once(request, lambda: _attendance(request, activity, payload))


def _attendance(
    request: HttpRequest, activity: Activity, payload: schemas.AttendanceIn
) -> Status[Any]:
    if not payload.marks:
        raise api_error(422, "marks 不能为空", code="invalid")
    errors = [
        _row_error(row, "mark", f"签到状态只能是 {'、'.join(MARKS)}")
        for row, mark in enumerate(payload.marks, start=1)
        if mark.mark not in MARKS
    ]
    repeated = {
        m.person_id
        for m in payload.marks
        if [n.person_id for n in payload.marks].count(m.person_id) > 1
    }
    errors += [
        _row_error(row, "person_id", "同一人在一次请求中只能出现一次")
        for row, mark in enumerate(payload.marks, start=1)
        if mark.person_id in repeated
    ]
    if errors:
        raise _rows_refused(errors)
    marks = {m.person_id: Mark(m.mark, m.reason) for m in payload.marks}
    try:
        written = attendance_record(activity=activity, marks=marks, actor=signed_in(request))
    except ValidationError as error:
        raise refused_input(error) from None
    standing = attendance_current(activity)
    return Status(
        200,
        {
            "activity_id": activity.pk,
            "written": written,
            "marks": {str(pid): entry.value for pid, entry in sorted(standing.items())},
        },
    )


@router.post(
    "/organizations/{org_id}/monthly/{year}/{month}",
    response={200: schemas.MonthlyOut, 403: schemas.Problem, **PROBLEMS},
    summary="导入月度数据（学习强国等）",
    description="上传与“导入月度数据”页面相同格式的文件（本系统模板，或学习强国导出的 xlsx/CSV，"
    "CSV 可为 UTF-8、带 BOM 的 UTF-8 或 GB18030）。先检查：有问题则逐行（行号按 Excel，列名）"
    "列出，一条也不写。文件里缺少本组织的党员时，须用 `absent` 说明：`keep` 保持满分不记录，"
    "`absence` 按缺勤处理。`dry_run=true` 只检查不写入。重新导入同一个月只记录有变化的数据。"
    "可带 `Idempotency-Key` 头。",
    tags=["台账"],
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {
                        "xuexi": {
                            "summary": "学习强国导出的 11 月数据，缺少的人保持满分",
                            "value": {"file": "(2026年11月学习强国.xlsx)", "absent": "keep"},
                        }
                    }
                }
            }
        }
    },
)
def monthly(
    request: HttpRequest,
    *,
    org_id: int,
    year: int,
    month: int,
    file: File[UploadedFile],
    absent: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise api_error(422, "年份或月份无效", code="invalid")
    data = file.read()
    name = file.name or "monthly"
    return once(
        request,
        lambda: _monthly(
            request,
            organization=organization,
            year=year,
            month=month,
            data=data,
            name=name,
            absent=absent,
            dry_run=dry_run,
        ),
    )


def _monthly(
    request: HttpRequest,
    *,
    organization: Organization,
    year: int,
    month: int,
    data: bytes,
    name: str,
    absent: str,
    dry_run: bool,
) -> Status[Any]:
    checked = monthly_check(organization=organization, year=year, month=month, data=data)
    if checked.problems:
        errors = [{"row": p.row, "field": p.column, "message": p.message} for p in checked.problems]
        raise api_error(422, "文件有问题，一条也没有写入", code="file_refused", errors=errors)
    result: dict[str, Any] = {
        "year": year,
        "month": month,
        "applied": False,
        "rows": len({f.row for f in checked.figures}),
        "new": 0,
        "changed": 0,
        "unchanged": 0,
        "absent": [{"person_id": a.person.pk, "name": a.person.name} for a in checked.absent],
    }
    if dry_run:
        return Status(200, result)
    try:
        applied = monthly_apply(
            organization=organization,
            checked=checked,
            filename=name[:200],
            actor=signed_in(request),
            absent=absent,
        )
    except ValidationError as error:
        raise api_error(
            422,
            "；".join(error.messages),
            code="absent_undecided",
            errors=[{"field": "absent", "message": message} for message in error.messages],
        ) from None
    result.update(
        applied=True, new=applied.new, changed=applied.changed, unchanged=applied.unchanged
    )
    return Status(200, result)


def _roster_import(found: RosterImport) -> dict[str, Any]:
    return {
        "id": found.pk,
        "organization_id": found.organization_id,
        "status": found.status,
        "status_name": str(found.get_status_display()),
        "rows": len(found.rows),
        "counts": dict(found.plan.get("counts", {})),
        "errors": [
            {"row": e.get("row"), "field": e.get("column", ""), "message": e.get("problem", "")}
            for e in found.errors
        ],
    }


@router.post(
    "/organizations/{org_id}/roster-imports",
    response={201: schemas.RosterImportOut, 403: schemas.Problem, **PROBLEMS},
    summary="上传花名册（检查）",
    description="与“导入花名册”页面相同的文件（xlsx 或 CSV：UTF-8、带 BOM 的 UTF-8、"
    "GB18030）和检查，只检查、不写入：回答逐行列出错误和将要做的变更。"
    "没有错误时（status 为 pending）再调用 apply 导入。人事系统同步名册用这一对操作。",
    tags=["名册"],
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {
                        "roster": {
                            "summary": "人事系统导出的花名册",
                            "value": {"file": "(花名册.xlsx)"},
                        }
                    }
                }
            }
        }
    },
)
def roster_check(request: HttpRequest, org_id: int, file: File[UploadedFile]) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.MANAGE_PEOPLE)
    try:
        table = table_read(file.read(), file.name or "")
    except RosterFileError as error:
        raise api_error(
            422, str(error), code="file_refused", errors=[{"field": "file", "message": str(error)}]
        ) from None
    made = roster_import_create(
        organization=organization,
        table=table,
        filename=file.name or "花名册",
        actor=signed_in(request),
    )
    return Status(201, _roster_import(made))


@router.post(
    "/organizations/{org_id}/roster-imports/{import_id}/apply",
    response={200: schemas.RosterImportOut, 409: schemas.Problem, **PROBLEMS},
    summary="导入检查过的花名册",
    description="全部导入或一条也不导入，只导入一次。若检查之后数据库有了变化，"
    "会重新检查：有新的错误或变更时回答 409 `roster_changed`（附新的检查结果），"
    "请核对后再次 apply。",
    tags=["名册"],
)
def roster_apply(request: HttpRequest, org_id: int, import_id: int) -> dict[str, Any]:
    found = access.object_for(
        request.user,
        RosterImport.objects.filter(organization_id=org_id),
        import_id,
        Action.MANAGE_PEOPLE,
    )
    try:
        outcome = roster_import_apply(roster_import=found, actor=signed_in(request))
    except ImportClosedError as closed:
        raise api_error(
            409,
            f"这次导入已经处理过：{closed.roster_import.get_status_display()}",
            code="import_closed",
        ) from None
    found.refresh_from_db()
    if outcome.kind != "applied":
        raise api_error(
            409,
            "检查之后数据有了变化，请核对新的检查结果后再导入",
            code="roster_changed",
            roster_import=_roster_import(found),
        )
    return _roster_import(found)


@router.post(
    "/organizations/{org_id}/adoptions",
    response={201: schemas.RulebookOut, 403: schemas.Problem, **PROBLEMS},
    summary="采用积分办法",
    description="与“采用积分办法”页面相同的检查：谁可以采用、已签名的季度冻结、更换须写明理由。"
    "采用本组织自己编写的积分办法请在网页上进行。",
    tags=["积分办法"],
)
def adopt(request: HttpRequest, org_id: int, payload: schemas.AdoptionIn) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    try:
        adoption = adoption_set(
            organization=organization,
            year=payload.year,
            rulebook=payload.rulebook,
            reason=payload.reason,
            actor=signed_in(request),
        )
    except ValidationError as error:
        raise refused_input(error) from None
    return Status(
        201,
        {
            "organization_id": adoption.organization_id,
            "year": adoption.year,
            "rulebook": adoption.rulebook_id,
            "version": adoption.rulebook_version,
            "title": rulebook_of(adoption).title,
            "adopted_at": adoption.adopted_at,
            "yaml": adoption.yaml_text,
        },
    )
