"""Tree import pages (组织树导入): the upload form, the preview, applying, discarding and the
template. Beside the roster's pages because they share its upload, preview and apply; the
organization imported into comes through the access door for adding organizations
(``Action.MANAGE_ORGS``, as the add-organization page), so anything outside is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.documents.tables import xlsx_bytes
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, OrganizationKind
from jifen.roster import tree_services
from jifen.roster.forms import TreeUploadForm
from jifen.roster.models import TreeImport
from jifen.roster.tree_reading import (
    MAX_TREE_ROWS,
    TREE_COLUMNS,
    TREE_EXAMPLE,
    TREE_HEADERS,
    TreeFileError,
    tree_table_read,
)
from jifen.roster.views import XLSX, _download, _redirect

# An import is reached through the organization it was uploaded into, named in its address.
TREE_IMPORTS = TreeImport.objects.select_related("organization", "uploaded_by")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — login_required
    return user


def _open(request: HttpRequest, org_id: int, import_id: int) -> TreeImport:
    return access.object_for(
        request.user, TREE_IMPORTS.filter(organization_id=org_id), import_id, Action.MANAGE_ORGS
    )


def _preview_url(tree_import: TreeImport) -> str:
    return reverse(
        "roster:tree_preview",
        kwargs={"org_id": tree_import.organization_id, "import_id": tree_import.pk},
    )


@login_required
def tree_import(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_ORGS)
    form = (
        TreeUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else TreeUploadForm()
    )
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = tree_table_read(upload.read())
        except TreeFileError as error:
            form.add_error("file", str(error))
        else:
            created = tree_services.tree_import_create(
                organization=organization,
                table=table,
                filename=upload.name or _("组织表"),
                actor=_user(request),
            )
            return _redirect(request, _preview_url(created))
    context = {
        "organization": organization,
        "form": form,
        "max_rows": MAX_TREE_ROWS,
        "columns": TREE_COLUMNS,
        "kinds": "、".join(
            OrganizationKind.objects.order_by("level", "code").values_list("name", flat=True)
        ),
        "recent": TreeImport.objects.filter(organization=organization).select_related(
            "uploaded_by"
        )[:5],
    }
    htmx = getattr(request, "htmx", False)
    template = "roster/tree_import.html#upload" if htmx else "roster/tree_import.html"
    # 200 even with errors: htmx swaps only successful answers into the page.
    return render(request, template, context)


def _planned(tree_import: TreeImport) -> list[dict[str, object]]:
    """The organizations to create, each with its depth below the organization imported into
    and its parent's name, in the plan's order (parents first)."""
    root = tree_import.organization
    names = dict(
        Organization.objects.filter(path__startswith=root.path).values_list("code", "name")
    )
    kinds = dict(OrganizationKind.objects.values_list("code", "name"))
    depth: dict[str, int] = {}
    planned = []
    for entry in tree_import.plan:
        names.setdefault(entry["code"], entry["name"])
        depth[entry["code"]] = depth.get(entry["parent"], 0) + 1
        planned.append(
            {
                **entry,
                "kind_name": kinds.get(entry["kind"], entry["kind"]),
                "parent_name": names.get(entry["parent"], entry["parent"]),
                "indent": depth[entry["code"]] - 1,
            }
        )
    return planned


@login_required
def tree_preview(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    tree_import = _open(request, org_id, import_id)
    context = {
        "organization": tree_import.organization,
        "tree_import": tree_import,
        "errors": tree_import.errors,
        "planned": _planned(tree_import),
        "rows": len(tree_import.rows),
        "Status": TreeImport.Status,
    }
    return render(request, "roster/tree_preview.html", context)


@login_required
@require_POST
def tree_apply(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    tree_import = _open(request, org_id, import_id)
    url = _preview_url(tree_import)
    try:
        outcome = tree_services.tree_import_apply(tree_import=tree_import, actor=_user(request))
    except tree_services.TreeImportClosedError as closed:
        done = closed.tree_import
        if done.status == TreeImport.Status.APPLIED:
            when = timezone.localtime(done.applied_at).strftime("%Y-%m-%d %H:%M")
            messages.warning(
                request, _("这个文件已于 %(when)s 导入，没有重复导入。") % {"when": when}
            )
        elif done.status == TreeImport.Status.DISCARDED:
            messages.warning(request, _("这次导入已放弃，不能再导入。请重新上传文件。"))
        else:
            messages.error(request, _("文件有错误，不能导入。请改正后重新上传。"))
        return _redirect(request, url)
    if outcome == "applied":
        messages.success(request, _("导入完成：新建 %(n)s 个组织。") % {"n": len(tree_import.plan)})
    elif outcome == "changed":
        messages.warning(
            request,
            _(
                "预览之后系统中的数据有了变化，没有导入。下面是按最新数据重新生成的预览，请再次确认。"
            ),
        )
    else:
        messages.error(
            request,
            _("预览之后系统中的数据有了变化，文件现在有错误，没有导入。请查看下面的错误。"),
        )
    return _redirect(request, url)


@login_required
@require_POST
def tree_discard(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    tree_import = _open(request, org_id, import_id)
    try:
        tree_services.tree_import_discard(tree_import=tree_import, actor=_user(request))
    except tree_services.TreeImportClosedError:
        messages.warning(request, _("这次导入已经结束，无需放弃。"))
    else:
        messages.success(request, _("已放弃这次导入，没有写入任何数据。"))
    return redirect("roster:tree_import", org_id=org_id)


@login_required
def tree_template(request: HttpRequest, org_id: int) -> HttpResponse:
    """The five columns, one example row, and a 填写说明 sheet: each column's rule, the kinds
    of this installation and the codes already in the subtree (possible parents)."""
    organization = access.org_for(request.user, org_id, Action.MANAGE_ORGS)
    kinds = list(OrganizationKind.objects.order_by("level", "code").values_list("name", flat=True))
    notes: list[list[str]] = [[_("列"), _("填写要求")]]
    notes += [[column.header, str(column.hint)] for column in TREE_COLUMNS]
    notes += [
        [_("类别"), "、".join(kinds)],
        [_("日期"), _("可写成 2020-07-01、2020/7/1、2020年7月1日，或使用 Excel 的日期格式")],
        [_("示例行"), _("第 2 行是示例，导入前请改成自己的组织或删除")],
        [],
        [_("已有的组织代码"), _("名称")],
    ]
    notes += [
        [code, name]
        for code, name in Organization.objects.filter(path__startswith=organization.path)
        .order_by("path")
        .values_list("code", "name")
    ]
    content = xlsx_bytes(
        TREE_HEADERS,
        [TREE_EXAMPLE],
        title="组织",
        notes=notes,
        widths={column.header: column.width for column in TREE_COLUMNS},
        text_columns={"组织代码", "上级组织代码"},
        choices={"类别": ",".join(kinds)},
    )
    return _download(content, "组织树模板.xlsx", "org-tree-template.xlsx", XLSX)
