"""The monthly figures import page and its template download."""

from __future__ import annotations

import calendar
import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.documents.tables import xlsx_bytes
from jifen.orgs import access, selectors
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.monthly import (
    ID_NUMBER,
    NAME,
    Applied,
    Problem,
    monthly_apply,
    monthly_check,
    monthly_items,
)
from jifen.recording.monthly_jobs import in_background, monthly_enqueue
from jifen.recording.monthly_uploads import monthly_upload_create
from jifen.rulebooks.services import adoption_for, rulebook_of

MAX_UPLOAD = 5 * 1024 * 1024


def _month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return None
    return year, month


def _item_titles(organization: Organization, year: int) -> list[str]:
    adoption = adoption_for(organization, year)
    if adoption is None:
        return []
    known = monthly_items(rulebook_of(adoption))
    return [header for header, code in known.items() if header != code]


def applied_redirect(
    request: HttpRequest, organization: Organization, month: tuple[int, int], applied: Applied
) -> HttpResponse:
    """Say what was written, and show the month it was written to."""
    messages.success(
        request,
        _(
            "导入完成：新增 %(new)s 项，更正 %(changed)s 项，"
            "%(unchanged)s 项与已导入的相同（未重复记录）"
        )
        % {"new": applied.new, "changed": applied.changed, "unchanged": applied.unchanged},
    )
    year, number = month
    return redirect("ledger:month_sheet", org_id=organization.pk, year=year, month=number)


@login_required
def monthly(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.RECORD)
    today = clock.today()
    chosen = request.POST.get("month") or f"{today.year}-{today.month:02d}"
    problems: list[Problem] = []
    if request.method == "POST":
        month = _month(chosen)
        upload = request.FILES.get("file")
        if month is None:
            problems = [Problem(0, "", _("请选择月份"))]
        elif upload is None:
            problems = [Problem(0, "", _("请选择要导入的文件"))]
        elif (upload.size or 0) > MAX_UPLOAD:
            problems = [Problem(0, "", _("文件超过 5 MB"))]
        else:
            year, number = month
            data = upload.read()
            checked = monthly_check(organization=organization, year=year, month=number, data=data)
            problems = checked.problems
            applied = None
            if not problems and (checked.absent or checked.source == "xuexi"):
                # Members left out: nothing is written before someone decides about them. A
                # 学习强国 export's columns were matched by name: the person sees how, first.
                waiting = monthly_upload_create(
                    organization=organization,
                    checked=checked,
                    data=data,
                    filename=upload.name or "",
                    actor=signed_in(request),
                )
                return redirect("recording:monthly_confirm", upload_id=waiting.pk)
            if not problems and in_background(checked):
                # Too long to wait for: the worker checks it again and applies it.
                job = monthly_enqueue(
                    organization=organization,
                    checked=checked,
                    data=data,
                    filename=upload.name or "",
                    actor=signed_in(request),
                )
                return redirect("core:job", job_id=job.pk)
            if not problems:
                try:
                    applied = monthly_apply(
                        organization=organization,
                        checked=checked,
                        filename=upload.name or "",
                        actor=signed_in(request),
                    )
                except ValidationError as error:  # e.g. a month in a signed quarter
                    problems = [Problem(0, "", m) for m in error.messages]
            if applied is not None:
                return applied_redirect(request, organization, (year, number), applied)
    context = {
        "organization": organization,
        "month": chosen,
        "problems": problems,
        "columns": _item_titles(organization, today.year),
    }
    return render(request, "recording/monthly.html", context, status=400 if problems else 200)


@login_required
def monthly_template(request: HttpRequest, org_id: int) -> HttpResponse:
    """An xlsx with this month's members filled in, ready for the figures."""
    organization = access.org_for(request.user, org_id, Action.RECORD)
    today = clock.today()
    year, month = _month(request.GET.get("month", "")) or (today.year, today.month)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    people = selectors.people_on(organization=organization, day=last, subtree=True)
    titles = _item_titles(organization, year)
    # The template is a spreadsheet to fill in and import: its headers and notes stay Chinese.
    content = xlsx_bytes(
        [NAME, ID_NUMBER, *titles],
        ([person.name, "", *[None for _ in titles]] for person in people),
        title="月度数据",
        # As the roster lays them out: an ID number stays text, never 3.2E+17.
        widths={NAME: 10, ID_NUMBER: 22},
        text_columns={ID_NUMBER},
        notes=[
            ["填写说明"],
            [f"{year}年{month}月 {organization.name}"],
            ["每行一名党员；重名时填写身份证号以区分，不重名可不填。"],
            ["空白的格子不记录；同一文件重复导入不会重复记分。"],
        ],
    )
    filename = f"{organization.name}{year}年{month}月数据.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
