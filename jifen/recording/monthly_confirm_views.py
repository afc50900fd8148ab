"""The monthly import's preview: the members a file leaves out, by name, and the decision on
them (保持满分 / 按缺勤处理) before anything is written; how a 学习强国 export was read."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Person
from jifen.recording.models import MonthlyUpload
from jifen.recording.monthly import Applied, Checked, Problem, monthly_check
from jifen.recording.monthly_absent import CHOICES
from jifen.recording.monthly_uploads import (
    UploadClosedError,
    monthly_upload_apply,
    monthly_upload_discard,
)
from jifen.recording.monthly_views import applied_redirect
from jifen.rulebooks.services import adoption_for, rulebook_of

UPLOADS = access.Door(MonthlyUpload.objects.select_related("organization"))


def _titles(upload: MonthlyUpload, checked: Checked) -> list[tuple[str, str]]:
    """(the file's header, the rulebook item's title) for each column read."""
    adoption = adoption_for(upload.organization, upload.year)
    rulebook = rulebook_of(adoption) if adoption else None
    pairs = []
    for header, code in checked.columns.items():
        found = rulebook.item(code) if rulebook else None
        pairs.append((header, found[1].title if found else code))
    return pairs


def _page(
    request: HttpRequest,
    upload: MonthlyUpload,
    checked: Checked,
    problems: list[Problem],
    status: int = 200,
) -> HttpResponse:
    people = Person.objects.in_bulk(upload.absent)
    context = {
        "upload": upload,
        "organization": upload.organization,
        "checked": checked,
        "rows": len({figure.row for figure in checked.figures}),
        "titles": _titles(upload, checked),
        "absent": [people[pk] for pk in upload.absent if pk in people],
        "choices": [(key, _(label)) for key, label in CHOICES.items()],
        "chosen": request.POST.get("absent", ""),
        "problems": problems,
    }
    return render(request, "recording/monthly_confirm.html", context, status=status)


@login_required
def monthly_confirm(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload = UPLOADS.open(request.user, upload_id, Action.RECORD)
    organization = upload.organization
    if upload.status != MonthlyUpload.Status.PENDING:
        status = _(upload.get_status_display())
        messages.info(request, _("这份文件已经处理过（%(status)s）") % {"status": status})
        return redirect("recording:monthly", org_id=organization.pk)
    if request.method == "POST" and "discard" in request.POST:
        # Discarded or applied in another tab meanwhile: the import page is where to go anyway.
        with contextlib.suppress(UploadClosedError):
            monthly_upload_discard(upload=upload, actor=signed_in(request))
        return redirect("recording:monthly", org_id=organization.pk)
    checked = monthly_check(
        organization=organization, year=upload.year, month=upload.month, data=bytes(upload.data)
    )
    if checked.problems:  # the roster moved since the preview: the file no longer fits
        return _page(request, upload, checked, checked.problems, status=400)
    if request.method != "POST":
        return _page(request, upload, checked, [])
    return _decide(request, upload, checked)


def _decide(request: HttpRequest, upload: MonthlyUpload, checked: Checked) -> HttpResponse:
    try:
        outcome = monthly_upload_apply(
            upload=upload,
            checked=checked,
            decision=request.POST.get("absent", ""),
            actor=signed_in(request),
        )
    except ValidationError as error:  # no decision, or a month in a signed quarter
        return _page(request, upload, checked, [Problem(0, "", m) for m in error.messages], 400)
    except UploadClosedError:
        return redirect("recording:monthly_confirm", upload_id=upload.pk)
    if outcome.kind == "changed":
        changed = _("预览之后党员有了变化，文件中没有的党员已不同。请看下面新的名单，再次确认。")
        return _page(request, upload, checked, [Problem(0, "", changed)], status=409)
    if outcome.job is not None:
        return redirect("core:job", job_id=outcome.job.pk)
    month = (upload.year, upload.month)
    return applied_redirect(
        request, upload.organization, month, outcome.applied or Applied(0, 0, 0)
    )
