"""Roster pages: the upload form, the preview, applying, the template and the export.

Every organization comes through the access door (jifen.orgs.access); an import is reached
through its organization, so one outside the user's subtree is a 404 like everything else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.documents.names import file_name
from jifen.documents.tables import csv_bytes, xlsx_bytes
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.idcard import mask_id_number, mask_phone
from jifen.orgs.models import Organization
from jifen.roster import jobs, selectors, services
from jifen.roster.columns import (
    BY_KEY,
    CATEGORY_LABEL,
    CHOICES,
    EXPORT_HEADERS,
    GENDER_LABEL,
    MAX_ROWS,
    TEMPLATE_HEADERS,
    TEXT_COLUMNS,
    WIDTHS,
    template_notes,
)
from jifen.roster.forms import UploadForm
from jifen.roster.models import RosterImport
from jifen.roster.reading import RosterFileError, table_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# The preview lists every change; long lists of new or unchanged people are cut at this many.
LIST_LIMIT = 500

# An import is reached through the organization it was uploaded into, named in its address.
IMPORTS = RosterImport.objects.select_related("organization", "uploaded_by")


def _download(content: bytes, filename: str, fallback: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name(filename))}"
    )
    return response


def _format(request: HttpRequest) -> str:
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
def import_form(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_PEOPLE)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        user = request.user
        assert isinstance(user, User)  # noqa: S101 — login_required
        if jobs.check_in_background(data):
            # A large file takes seconds to read: the worker reads it, the job page leads on to
            # the preview.
            job = jobs.check_enqueue(
                organization=organization, data=data, filename=upload.name or "花名册", actor=user
            )
            return _redirect(request, reverse("core:job", kwargs={"job_id": job.pk}))
        try:
            table = table_read(data, upload.name or "")
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            roster_import = services.roster_import_create(
                organization=organization,
                table=table,
                filename=upload.name or "花名册",
                actor=user,
            )
            url = reverse(
                "roster:preview", kwargs={"org_id": organization.pk, "import_id": roster_import.pk}
            )
            return _redirect(request, url)
    recent = RosterImport.objects.filter(organization=organization).select_related("uploaded_by")[
        :5
    ]
    context = {
        "organization": organization,
        "form": form,
        "max_rows": MAX_ROWS,
        "recent": recent,
        "columns": BY_KEY.values(),
    }
    htmx = getattr(request, "htmx", False)
    template = "roster/import.html#upload" if htmx else "roster/import.html"
    # 200 even with errors: htmx swaps only successful answers into the page.
    return render(request, template, context)


def _shown(key: str, value: object, sensitive: bool) -> str:
    if value in (None, ""):
        return "（空）"
    if key == "gender":
        return GENDER_LABEL.get(str(value), str(value))
    if key == "category":
        return CATEGORY_LABEL.get(str(value), str(value))
    if key == "phone" and not sensitive:
        return mask_phone(str(value))
    return str(value)


@login_required
def preview(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    roster_import = access.object_for(
        request.user, IMPORTS.filter(organization_id=org_id), import_id, Action.MANAGE_PEOPLE
    )
    organization = roster_import.organization
    sensitive = access.can(request.user, Action.SEE_SENSITIVE, organization)
    names = dict(
        Organization.objects.filter(path__startswith=organization.path).values_list("code", "name")
    )
    groups: dict[str, list[dict[str, Any]]] = {
        "new": [],
        "update": [],
        "transfer": [],
        "unchanged": [],
    }
    for entry in roster_import.plan.get("entries", []):
        groups[entry["kind"]].append(
            {
                "row": entry["row"],
                "name": entry["name"],
                "id_number": entry["id_number"]
                if sensitive
                else mask_id_number(entry["id_number"]),
                "organization": names.get(entry["org_code"], entry["org_code"]),
                "from": names.get(entry["transfer_from"] or "", entry["transfer_from"]),
                "start": entry["start"],
                "category": CATEGORY_LABEL.get(entry["fields"]["category"], ""),
                "changes": [
                    (
                        BY_KEY[key].header,
                        _shown(key, old, sensitive),
                        _shown(key, new, sensitive),
                    )
                    for key, (old, new) in entry["changes"].items()
                ],
                "note": entry["note"],
            }
        )
    counts = roster_import.plan.get("counts", {})
    context = {
        "organization": organization,
        "roster_import": roster_import,
        "errors": roster_import.errors,
        "groups": groups,
        "counts": counts,
        "limit": LIST_LIMIT,
        "changes": counts.get("new", 0) + counts.get("update", 0) + counts.get("transfer", 0),
        "rows": len(roster_import.rows),
        "Status": RosterImport.Status,
        "job": jobs.active_job(roster_import),
        "background": jobs.in_background(roster_import),
    }
    return render(request, "roster/preview.html", context)


def _say(request: HttpRequest, level_message: tuple[str, str]) -> None:
    level, message = level_message
    getattr(messages, level)(request, message)


@login_required
@require_POST
def apply(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    roster_import = access.object_for(
        request.user, IMPORTS.filter(organization_id=org_id), import_id, Action.MANAGE_PEOPLE
    )
    url = reverse("roster:preview", kwargs={"org_id": org_id, "import_id": roster_import.pk})
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — login_required
    if jobs.in_background(roster_import):
        # Too long to wait for: the worker applies it, the job page shows how far it got.
        job = jobs.apply_enqueue(roster_import=roster_import, actor=user)
        return _redirect(request, reverse("core:job", kwargs={"job_id": job.pk}))
    try:
        outcome = services.roster_import_apply(roster_import=roster_import, actor=user)
    except services.ImportClosedError as closed:
        _say(request, jobs.closed_message(closed.roster_import))
        return _redirect(request, url)
    except ValidationError as error:
        problems = "；".join(error.messages)
        messages.error(request, f"导入失败，没有写入任何数据：{problems}")
        return _redirect(request, url)
    _say(request, jobs.outcome_message(outcome))
    return _redirect(request, url)


@login_required
@require_POST
def discard(request: HttpRequest, org_id: int, import_id: int) -> HttpResponse:
    roster_import = access.object_for(
        request.user, IMPORTS.filter(organization_id=org_id), import_id, Action.MANAGE_PEOPLE
    )
    user = request.user
    assert isinstance(user, User)  # noqa: S101 — login_required
    try:
        services.roster_import_discard(roster_import=roster_import, actor=user)
    except services.ImportClosedError:
        messages.warning(request, "这次导入已经结束，无需放弃。")
    else:
        messages.success(request, "已放弃这次导入，没有写入任何数据。")
    return redirect("roster:import", org_id=org_id)


@login_required
def template(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_PEOPLE)
    if _format(request) == "csv":
        content = csv_bytes(TEMPLATE_HEADERS, [])
        return _download(content, "花名册模板.csv", "roster-template.csv", CSV)
    codes = Organization.objects.filter(path__startswith=organization.path).values_list(
        "code", "name"
    )
    content = xlsx_bytes(
        TEMPLATE_HEADERS,
        [],
        title="花名册",
        notes=template_notes(codes),
        widths=WIDTHS,
        text_columns=TEXT_COLUMNS,
        choices=CHOICES,
    )
    return _download(content, "花名册模板.xlsx", "roster-template.xlsx", XLSX)


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


@login_required
def export(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.VIEW_ORG)
    day = _day(request)
    sensitive = access.can(request.user, Action.SEE_SENSITIVE, organization)
    rows = []
    for membership in selectors.export_memberships(organization=organization, day=day):
        person = membership.person
        rows.append(
            [
                person.name,
                GENDER_LABEL.get(person.gender, person.gender),
                person.id_number if sensitive else mask_id_number(person.id_number),
                person.phone if sensitive else mask_phone(person.phone),
                CATEGORY_LABEL.get(person.category, person.category),
                person.joined_party,
                person.probation_ends,
                membership.organization.code,
                membership.start,
                membership.organization.name,
            ]
        )
    file_format = _format(request)
    audit_record(
        action="roster.export",
        target=organization,
        summary=(
            f"导出 {organization.name} 花名册（{day.isoformat()}，{len(rows)} 人，"
            f"{'完整号码' if sensitive else '号码打码'}，{file_format}）"
        ),
        detail={"day": day.isoformat(), "rows": len(rows), "sensitive": sensitive},
    )
    name = f"花名册-{organization.name}-{day.isoformat()}.{file_format}"
    fallback = f"roster-{organization.pk}-{day.isoformat()}.{file_format}"
    if file_format == "csv":
        return _download(csv_bytes(EXPORT_HEADERS, rows), name, fallback, CSV)
    content = xlsx_bytes(
        EXPORT_HEADERS, rows, title="花名册", widths=WIDTHS, text_columns=TEXT_COLUMNS
    )
    return _download(content, name, fallback, XLSX)
