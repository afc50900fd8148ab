"""Pages of organization assessments: rounds, sheets, spot checks, results, forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.assessments import exports
from jifen.assessments.facts import book_for, collections, fillable_items, rulebook_of_round
from jifen.assessments.forms import RoundForm, SpotCheckForm
from jifen.assessments.models import Round, Sheet, SheetFile, SheetLink, SpotCheckFile
from jifen.assessments.results import (
    results_visible,
    round_label_text,
    round_outcome,
    two_year_rows,
    year_outcome,
)
from jifen.assessments.services import (
    may_fill,
    round_open,
    round_publish,
    sheet_get,
    sheet_reopen,
    sheet_save,
    spot_check_record,
)
from jifen.assessments.sheets import inputs_from_post, inputs_of, link_url, sheet_rows
from jifen.audit.services import audit_record
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.recording.evidence import file_response, uploads
from jifen.recording.models import Activity
from jifen.reports import charts
from jifen.reports.xlsx import xlsx_response
from jifen.scoring import SubjectResult

PERIOD_LABEL = dict(Round.Period.choices)


# --- the door for rounds -----------------------------------------------------------------------


def _deny(request: HttpRequest, what: str) -> Http404:
    audit_record(
        action="access.denied",
        actor=request.user,
        request=request,
        target=what,
        summary=f"拒绝访问 {what}",
    )
    return Http404("未找到")


def _round_for(request: HttpRequest, round_id: int) -> Round:
    """A round, to the committee that opened it and to those who see an organization in it."""
    found = Round.objects.select_related("owner").filter(pk=round_id).first()
    if found is None:
        raise _deny(request, f"assessments.Round:{round_id}")
    user = request.user
    if access.can(user, Action.ASSESS, found.owner):
        return found
    reach = access.reach(user, Action.VIEW_ORG)
    if found.organizations.filter(reach.org_filter()).exists():
        return found
    raise _deny(request, f"assessments.Round:{round_id}")


def _org_in_round(
    request: HttpRequest, found: Round, org_id: int, action: Action = Action.VIEW_ORG
) -> Organization:
    organization = access.org_for(request.user, org_id, action, request=request)
    if not found.organizations.filter(pk=organization.pk).exists():
        raise _deny(request, f"orgs.Organization:{org_id}")
    return organization


def _visible_orgs(request: HttpRequest, found: Round) -> list[Organization]:
    if access.can(request.user, Action.ASSESS, found.owner):
        query = found.organizations.all()
    else:
        query = found.organizations.filter(access.reach(request.user, Action.VIEW_ORG).org_filter())
    return list(query.select_related("kind").order_by("path"))


# --- rounds ------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The rounds a user takes part in or runs."""
    view = access.reach(request.user, Action.VIEW_ORG)
    if not view.paths:
        raise _deny(request, "assessments:index")
    assess = access.reach(request.user, Action.ASSESS)
    rounds = (
        Round.objects.filter(
            Q(pk__in=Round.objects.filter(view.org_filter("organizations__path")).values("pk"))
            | Q(assess.org_filter("owner__path"))
        )
        .select_related("owner")
        .distinct()
    )
    openable = access.orgs_for(request.user, Action.ASSESS).filter(
        kind__code__in=["committee", "general_branch"]
    )
    return render(request, "assessments/index.html", {"rounds": rounds, "openable": openable[:20]})


@login_required
def round_new(request: HttpRequest, org_id: int) -> HttpResponse:
    owner = access.org_for(request.user, org_id, Action.ASSESS, request=request)
    return form_page(
        request,
        RoundForm(request.POST or None, owner=owner),
        save=lambda data: round_open(
            owner=owner,
            year=data["year"],
            period=data["period"],
            rulebook=data["rulebook"],
            yaml_text=data["yaml_text"] or None,
            title=data["title"],
            organizations=list(data["organizations"]),
            self_deadline=data["self_deadline"],
            committee_deadline=data["committee_deadline"],
            actor=signed_in(request),
            request=request,
        ),
        done=lambda created: redirect("assessments:round", round_id=created.pk),
        message=lambda created: f"已开启考核：{created.title}",
        template="orgs/org_form.html",
        context={"organization": owner, "form_title": "开启组织考核"},
    )


@login_required
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    book = rulebook_of_round(found)
    user = request.user
    sheets = {
        (s.organization_id, s.source, s.collection): s for s in Sheet.objects.filter(round=found)
    }
    rows = []
    for org in _visible_orgs(request, found):
        own_book = book_for(found, org)
        cells = []
        for source in ("self", "committee"):
            for collection in collections(own_book, found.period, source):
                sheet = sheets.get((org.pk, source, collection))
                if source == "self":
                    url = reverse("assessments:self_sheet", args=[found.pk, org.pk, collection])
                    label = "自评" + (
                        PERIOD_LABEL[collection] if collection != found.period else ""
                    )
                    visible = True
                else:
                    url = reverse("assessments:committee_sheet", args=[found.pk, org.pk])
                    label = "考评"
                    visible = access.can(user, Action.ASSESS, org)
                status = sheet.get_status_display() if sheet else "未填写"
                cells.append({"label": label, "url": url if visible else "", "status": status})
        rows.append({"org": org, "cells": cells})
    context = {
        "round": found,
        "book": book,
        "rows": rows,
        "is_committee": access.can(user, Action.ASSESS, found.owner),
        "visible": results_visible(user, found),
    }
    return render(request, "assessments/round.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    if not access.can(request.user, Action.ASSESS, found.owner):
        raise _deny(request, f"assessments.Round:{round_id}")
    button_action(
        request,
        lambda: round_publish(assessment_round=found, actor=signed_in(request), request=request),
        "考核结果已公布给参加考核的组织",
    )
    return redirect("assessments:results", round_id=found.pk)


# --- sheets ------------------------------------------------------------------------------------


def _sheet_page(
    request: HttpRequest, found: Round, org: Organization, source: str, collection: str
) -> HttpResponse:
    try:
        sheet = sheet_get(
            assessment_round=found, organization=org, source=source, collection=collection
        )
    except ValidationError as error:
        raise Http404("未找到") from error
    user = signed_in(request)
    fillable = may_fill(user, sheet) and not sheet.locked
    book = book_for(found, org)
    inputs = inputs_of(sheet)
    status = 200
    if request.method == "POST":
        if not fillable:
            messages.error(request, "考核表已提交并锁定，或你不能填写这张表")
            return redirect(request.path)
        inputs = inputs_from_post(book, request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            files = [
                (request.POST.get("file_item", ""), name, data) for name, data in uploads(request)
            ]
            link = request.POST.get("link_activity", "")
            links = (
                [(request.POST.get("link_item", ""), f"activity:{int(link)}", "")]
                if link.isdigit()
                else []
            )
            if links:
                activity = Activity.objects.filter(pk=int(link), organization=org).first()
                if activity is None:
                    raise ValidationError("所选活动不属于本组织")
                links = [(links[0][0], activity.ref, f"{activity.date:%Y-%m-%d} {activity.title}")]
            sheet_save(
                sheet=sheet,
                inputs=inputs,
                notes=request.POST.get("notes", ""),
                submit=submit,
                files=files,
                links=links,
                actor=user,
                request=request,
            )
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
            status = 400
        else:
            messages.success(request, "已提交，考核表已锁定" if submit else "草稿已保存")
            return redirect(request.path)
    rows = sheet_rows(sheet, inputs, with_suggestions=source == "committee")
    activities = []
    if fillable:
        activities = list(Activity.objects.filter(organization=org, date__year=found.year)[:100])
    context: dict[str, Any] = {
        "round": found,
        "organization": org,
        "sheet": sheet,
        "rows": rows,
        "fillable": fillable,
        "can_reopen": sheet.locked and access.can(user, Action.ASSESS, org),
        "is_assessor": access.can(user, Action.ASSESS, org),
        "items": [(item.code, item.title) for _, _, item in fillable_items(book)],
        "activities": activities,
        "sheet_files": SheetFile.objects.filter(sheet=sheet, item=""),
        "sheet_links": [
            (link.label or link.ref, link_url(link.ref))
            for link in SheetLink.objects.filter(sheet=sheet, item="")
        ],
        "notes": request.POST.get("notes", sheet.notes) if status == 400 else sheet.notes,
        "reopens": sheet.reopens.select_related("reopened_by"),
        "deadline": found.self_deadline if source == "self" else found.committee_deadline,
    }
    return render(request, "assessments/sheet.html", context, status=status)


@login_required
def self_sheet(request: HttpRequest, round_id: int, org_id: int, collection: str) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id)
    return _sheet_page(request, found, org, "self", collection)


@login_required
def committee_sheet(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id, Action.ASSESS)
    return _sheet_page(request, found, org, "committee", found.period)


@login_required
@require_POST
def reopen(request: HttpRequest, sheet_id: int) -> HttpResponse:
    sheet = Sheet.objects.select_related("round", "organization").filter(pk=sheet_id).first()
    if sheet is None:
        raise _deny(request, f"assessments.Sheet:{sheet_id}")
    access.org_for(request.user, sheet.organization_id, Action.ASSESS, request=request)
    button_action(
        request,
        lambda: sheet_reopen(
            sheet=sheet,
            reason=request.POST.get("reason", ""),
            actor=signed_in(request),
            request=request,
        ),
        "已退回，填表人可以修改后重新提交",
    )
    return redirect(_sheet_url(sheet))


def _sheet_url(sheet: Sheet) -> str:
    if sheet.source == Sheet.Source.COMMITTEE:
        return reverse("assessments:committee_sheet", args=[sheet.round_id, sheet.organization_id])
    return reverse(
        "assessments:self_sheet", args=[sheet.round_id, sheet.organization_id, sheet.collection]
    )


@login_required
def sheet_file(request: HttpRequest, file_id: int) -> FileResponse:
    """A sheet's evidence: a self sheet's to those who see the organization, a committee
    sheet's to the assessors."""
    found = SheetFile.objects.select_related("sheet").filter(pk=file_id).first()
    if found is None:
        raise _deny(request, f"assessments.SheetFile:{file_id}")
    action = Action.ASSESS if found.sheet.source == Sheet.Source.COMMITTEE else Action.VIEW_ORG
    access.org_for(request.user, found.sheet.organization_id, action, request=request)
    return file_response(found.name, found.content_type)


@login_required
def spot_check_add(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id, Action.ASSESS)
    book = book_for(found, org)
    items = [(item.code, item.title) for _, _, item in fillable_items(book)]
    return form_page(
        request,
        SpotCheckForm(request.POST or None, items=items),
        save=lambda data: spot_check_record(
            assessment_round=found,
            organization=org,
            files=uploads(request),
            actor=signed_in(request),
            request=request,
            **data,
        ),
        done=lambda _: redirect("assessments:committee_sheet", round_id=found.pk, org_id=org.pk),
        message=lambda check: f"已记录{check.get_kind_display()}",
        template="orgs/org_form.html",
        context={"organization": org, "form_title": "记录抽检情况", "with_files": True},
    )


@login_required
def spot_check_file(request: HttpRequest, file_id: int) -> FileResponse:
    found = SpotCheckFile.objects.select_related("spot_check").filter(pk=file_id).first()
    if found is None:
        raise _deny(request, f"assessments.SpotCheckFile:{file_id}")
    access.org_for(request.user, found.spot_check.organization_id, Action.ASSESS, request=request)
    return file_response(found.name, found.content_type)


# --- results -----------------------------------------------------------------------------------


def _share(score: Decimal, top: Decimal) -> Decimal:
    return (score / top * 100).quantize(Decimal("0.1")) if top else Decimal(0)


@login_required
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        outcome = round_outcome(found)
        codes = {o.code: o for o in _visible_orgs(request, found)}
        shown = [r for r in outcome.sheet.results if r.subject in codes] if outcome.sheet else []
        context.update(
            error=outcome.error,
            results=[(r, codes[r.subject]) for r in shown],
            is_committee=access.can(request.user, Action.ASSESS, found.owner),
            rounds_label=PERIOD_LABEL[found.period],
        )
        if shown:
            ordered = sorted(shown, key=lambda r: -r.total)
            context["ranking_chart"] = charts.bars(
                "得分排名",
                [r.name for r in ordered],
                {"得分": [r.total for r in ordered]},
                horizontal=True,
            )
            indexed = [r for r in shown if r.index is not None]
            if indexed:
                context["index_chart"] = charts.bars(
                    "堡垒指数（按组织树）",
                    [f"{'　' * max(codes[r.subject].depth - 1, 0)}{r.name}" for r in indexed],
                    {"堡垒指数": [r.index for r in indexed]},
                    horizontal=True,
                    range_=(0, 100),
                )
    return render(request, "assessments/results.html", context)


def explained(result: SubjectResult, found: Round) -> list[tuple[str, str, list[str]]]:
    """(heading, score, lines) blocks: the result's own lines, then each category's."""
    blocks = [("合计", str(result.total), [round_label_text(x.text, found) for x in result.lines])]
    for category in result.categories:
        lines = [round_label_text(x.text, found) for x in category.lines]
        for item in category.items:
            lines.extend(round_label_text(x.text, found) for x in item.lines)
        blocks.append((category.title, str(category.score), lines))
    return blocks


@login_required
def org_result(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "organization": org, "visible": visible}
    if visible:
        outcome = round_outcome(found)
        result = outcome.result(org.code)
        context.update(error=outcome.error, result=result)
        if result is not None:
            book = book_for(found, org)
            cats = [c for c in book.categories if c.max]
            by_code = {c.code: c for c in result.categories}
            context["radar"] = charts.radar(
                "各类得分率（%）",
                [c.title for c in cats],
                {
                    "考评": [
                        _share(by_code[c.code].committee_score or Decimal(0), c.max) for c in cats
                    ],
                    "自评": [_share(by_code[c.code].self_score or Decimal(0), c.max) for c in cats],
                },
            )
            context["categories"] = [
                (c, by_code[c.code], _share(by_code[c.code].score, c.max)) for c in cats
            ]
            context["blocks"] = explained(result, found)
    return render(request, "assessments/org_result.html", context)


@login_required
def year_view(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        outcome = year_outcome(found.owner, found.year, found.rulebook_id)
        codes = {o.code for o in _visible_orgs(request, found)}
        context.update(
            error=outcome.error,
            results=[r for r in outcome.sheet.results if r.subject in codes]
            if outcome.sheet
            else [],
            rounds=outcome.rounds,
            round_keys=[k for k in ("H1", "H2", "Y") if any(r.period == k for r in outcome.rounds)]
            or ["Y"],
        )
    return render(request, "assessments/year.html", context)


@login_required
def two_years(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        codes = {o.code for o in _visible_orgs(request, found)}
        rows = two_year_rows(found.owner, found.year, found.rulebook_id)
        context["rows"] = [r for r in rows if r.code in codes]
    return render(request, "assessments/two_years.html", context)


# --- forms: the 考核打分表, the ranking and bulletin ---------------------------------------------


@login_required
def form_print(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id)
    form = exports.score_form(found, org, with_committee=results_visible(request.user, found))
    context = {
        "form": form,
        "xlsx_url": reverse("assessments:form_xlsx", args=[found.pk, org.pk]),
        "landscape": True,
    }
    return render(request, "assessments/print.html", context)


@login_required
def form_xlsx(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    org = _org_in_round(request, found, org_id)
    form = exports.score_form(found, org, with_committee=results_visible(request.user, found))
    return xlsx_response(exports.as_xlsx(form), f"{org.name}-考核打分表.xlsx")


@login_required
def bulletin(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    form = exports.bulletin_form(
        found,
        {o.code for o in _visible_orgs(request, found)},
        visible=results_visible(request.user, found),
    )
    context = {
        "form": form,
        "xlsx_url": reverse("assessments:bulletin_xlsx", args=[found.pk]),
        "landscape": False,
    }
    return render(request, "assessments/print.html", context)


@login_required
def bulletin_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    found = _round_for(request, round_id)
    form = exports.bulletin_form(
        found,
        {o.code for o in _visible_orgs(request, found)},
        visible=results_visible(request.user, found),
    )
    return xlsx_response(exports.as_xlsx(form), f"{found.title}-排名通报.xlsx")
