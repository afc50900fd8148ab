"""Recording from the systems around Jifen: activities, their attendance from a sign-in system,
a month's figures from a 学习强国 export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from jifen.accounts.current import signed_in
from jifen.api import schemas, write_schemas
from jifen.api.errors import api_error, refused_input
from jifen.api.idempotency import once
from jifen.api.shared import (
    PROBLEMS,
    row_error,
    rows_refused,
)
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.recording.declarations import declaration_submit, declared_item_title
from jifen.recording.models import Activity, Declaration
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

router = Router()


@router.post(
    "/organizations/{org_id}/activities",
    response={201: write_schemas.Activity, 403: schemas.Problem, **PROBLEMS},
    summary="登记活动",
    description="与“登记活动”页面相同：`item` 须是本组织当年所采用积分办法中的签到项目。"
    "之后可按活动记录签到。",
    tags=["活动与签到"],
)
def activity_add(
    request: HttpRequest, org_id: int, payload: write_schemas.ActivityIn
) -> Status[dict[str, Any]]:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    return once(request, lambda: _activity_add(request, organization, payload))


def _activity_add(
    request: HttpRequest, organization: Organization, payload: write_schemas.ActivityIn
) -> Status[dict[str, Any]]:
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


@router.post(
    "/activities/{activity_id}/attendance",
    response={200: write_schemas.AttendanceOut, 403: schemas.Problem, **PROBLEMS},
    summary="记录签到",
    description="签到机、会议系统按活动记录出席（present）、无故缺席（absent）、请假（excused，须写原因）。"
    "与签到页面相同：同一人同样的状态只记一次，改变状态是对前一条的更正；"
    "全部合格才写入。可带 `Idempotency-Key` 头。",
    tags=["活动与签到"],
)
def attendance(
    request: HttpRequest, activity_id: int, payload: write_schemas.AttendanceIn
) -> Status[Any]:
    activity = ACTIVITIES.open(request.user, activity_id, Action.RECORD)
    return once(request, lambda: _attendance(request, activity, payload))


def _attendance(
    request: HttpRequest, activity: Activity, payload: write_schemas.AttendanceIn
) -> Status[Any]:
    if not payload.marks:
        raise api_error(422, _("marks 不能为空"), code="invalid")
    errors = [
        row_error(row, "mark", _("签到状态只能是 %(marks)s") % {"marks": _("、").join(MARKS)})
        for row, mark in enumerate(payload.marks, start=1)
        if mark.mark not in MARKS
    ]
    repeated = {
        m.person_id
        for m in payload.marks
        if [n.person_id for n in payload.marks].count(m.person_id) > 1
    }
    errors += [
        row_error(row, "person_id", _("同一人在一次请求中只能出现一次"))
        for row, mark in enumerate(payload.marks, start=1)
        if mark.person_id in repeated
    ]
    if errors:
        raise rows_refused(errors)
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
    response={200: write_schemas.MonthlyOut, 403: schemas.Problem, **PROBLEMS},
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
        raise api_error(422, _("年份或月份无效"), code="invalid")
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
        raise api_error(422, _("文件有问题，一条也没有写入"), code="file_refused", errors=errors)
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


@router.post(
    "/me/declarations",
    response={201: write_schemas.DeclarationOut, **PROBLEMS},
    summary="提交个人申报",
    description="令牌的账号所关联的党员本人申报加分（与“申报积分”页面相同）：项目、日期、事由、"
    "申报分数和至少一份证明材料（照片或 PDF，最多 9 个；图片按内容检查并重新编码）。"
    "账号没有关联党员时回答 404。",
    tags=["申报"],
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {
                        "volunteer": {
                            "summary": "参加社区志愿服务",
                            "value": {
                                "item": "volunteer",
                                "date": "2026-11-20",
                                "description": "参加社区志愿服务 4 小时",
                                "points": "2",
                                "files": ["(照片.jpg)"],
                            },
                        }
                    }
                }
            }
        }
    },
)
def declaration_add(
    request: HttpRequest,
    *,
    item: Form[str],
    date: Form[dt.date],
    description: Form[str],
    points: Form[Decimal],
    files: File[list[UploadedFile]],
) -> Status[Any]:
    person = access.own_person(request.user)

    def submit() -> Status[Any]:
        try:
            made = declaration_submit(
                person=person,
                item=item,
                date=date,
                description=description,
                points=points,
                files=[(f.name or "证明材料", f.read()) for f in files],
                actor=signed_in(request),
            )
        except ValidationError as error:
            raise refused_input(error) from None
        return _declared(person, made)

    return once(request, submit)


def _declared(person: Person, made: Declaration) -> Status[Any]:
    return Status(
        201,
        {
            "id": made.pk,
            "person_id": person.pk,
            "organization_id": made.organization_id,
            "item": made.item,
            "item_name": declared_item_title(made),
            "date": made.date,
            "points_asked": made.points_asked,
            "status": made.status,
            "status_name": str(made.get_status_display()),
            "evidence": made.evidence.count(),
        },
    )
