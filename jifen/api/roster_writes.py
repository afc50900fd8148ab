"""The roster from an HR system (check, then apply) and adopting a built-in rulebook."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from jifen.accounts.current import signed_in
from jifen.api import schemas, write_schemas
from jifen.api.errors import api_error, refused_input
from jifen.api.idempotency import once
from jifen.api.shared import (
    PROBLEMS,
)
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.roster.models import RosterImport, TreeImport
from jifen.roster.reading import RosterFileError, table_read
from jifen.roster.services import ImportClosedError, roster_import_apply, roster_import_create
from jifen.roster.tree_reading import TreeFileError, tree_table_read
from jifen.roster.tree_services import (
    TreeImportClosedError,
    tree_import_apply,
    tree_import_create,
)
from jifen.rulebooks.services import adoption_set, rulebook_of

router = Router()


def _closed(status: str) -> Exception:
    """A second apply of an import already applied or discarded (a retry, another client)."""
    return api_error(
        409, _("这次导入已经处理过：%(status)s") % {"status": _(status)}, code="import_closed"
    )


def _changed(code: str, **shown: Any) -> Exception:
    """The database moved since the check: the import holds the new check, shown again."""
    message = _("检查之后数据有了变化，请核对新的检查结果后再导入")
    return api_error(409, message, code=code, **shown)


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
    response={201: write_schemas.RosterImportOut, 403: schemas.Problem, **PROBLEMS},
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
    return once(request, lambda: _roster_check(request, organization, file))


def _roster_check(
    request: HttpRequest, organization: Organization, file: UploadedFile
) -> Status[Any]:
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
    response={200: write_schemas.RosterImportOut, 409: schemas.Problem, **PROBLEMS},
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
        raise _closed(closed.roster_import.get_status_display()) from None
    found.refresh_from_db()
    if outcome.kind != "applied":
        raise _changed("roster_changed", roster_import=_roster_import(found))
    return _roster_import(found)


@router.post(
    "/organizations/{org_id}/adoptions",
    response={201: schemas.RulebookOut, 403: schemas.Problem, **PROBLEMS},
    summary="采用积分办法",
    description="与“采用积分办法”页面相同的检查：谁可以采用、已签名的季度冻结、更换须写明理由。"
    "采用本组织自己编写的积分办法请在网页上进行。",
    tags=["积分办法"],
)
def adopt(request: HttpRequest, org_id: int, payload: write_schemas.AdoptionIn) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    return once(request, lambda: _adopt(request, organization, payload))


def _adopt(
    request: HttpRequest, organization: Organization, payload: write_schemas.AdoptionIn
) -> Status[Any]:
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


def _tree_import(found: TreeImport) -> dict[str, Any]:
    return {
        "id": found.pk,
        "organization_id": found.organization_id,
        "status": found.status,
        "status_name": str(found.get_status_display()),
        "rows": len(found.rows),
        "organizations": list(found.plan),
        "errors": [
            {"row": e.get("row"), "field": e.get("column", ""), "message": e.get("problem", "")}
            for e in found.errors
        ],
    }


@router.post(
    "/organizations/{org_id}/tree-imports",
    response={201: write_schemas.TreeImportOut, 403: schemas.Problem, **PROBLEMS},
    summary="上传组织树（检查）",
    description="与“导入组织树”页面相同的文件（组织代码、名称、类别、上级组织代码、成立日期）和检查，"
    "只检查、不写入；没有错误时（status 为 pending）再 apply。",
    tags=["名册"],
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "examples": {
                        "tree": {"summary": "下级组织表", "value": {"file": "(组织树.xlsx)"}}
                    }
                }
            }
        }
    },
)
def tree_check(request: HttpRequest, org_id: int, file: File[UploadedFile]) -> Status[Any]:
    organization = access.org_for(request.user, org_id, Action.MANAGE_ORGS)
    return once(request, lambda: _tree_check(request, organization, file))


def _tree_check(
    request: HttpRequest, organization: Organization, file: UploadedFile
) -> Status[Any]:
    try:
        table = tree_table_read(file.read())
    except TreeFileError as error:
        raise api_error(
            422, str(error), code="file_refused", errors=[{"field": "file", "message": str(error)}]
        ) from None
    made = tree_import_create(
        organization=organization,
        table=table,
        filename=file.name or "组织树",
        actor=signed_in(request),
    )
    return Status(201, _tree_import(made))


@router.post(
    "/organizations/{org_id}/tree-imports/{import_id}/apply",
    response={200: write_schemas.TreeImportOut, 409: schemas.Problem, **PROBLEMS},
    summary="导入检查过的组织树",
    description="全部新建或一个也不建，只一次；检查之后数据库有了变化时回答 409 `tree_changed`，"
    "附新的检查结果。",
    tags=["名册"],
)
def tree_apply(request: HttpRequest, org_id: int, import_id: int) -> dict[str, Any]:
    found = access.object_for(
        request.user,
        TreeImport.objects.filter(organization_id=org_id),
        import_id,
        Action.MANAGE_ORGS,
    )
    try:
        outcome = tree_import_apply(tree_import=found, actor=signed_in(request))
    except TreeImportClosedError as closed:
        raise _closed(closed.tree_import.get_status_display()) from None
    found.refresh_from_db()
    if outcome != "applied":
        raise _changed("tree_changed", tree_import=_tree_import(found))
    return _tree_import(found)
