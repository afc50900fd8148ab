"""Pages of the quarter's close: the quarterly sheet and its signature, the public notice (公示),
objections and their findings, and a member's confirmation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core.formflow import button_action, form_page
from jifen.ledger.models import Entry
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Membership, Organization, Person
from jifen.periods.forms import (
    ConfirmForm,
    EscalationForm,
    FindingForm,
    NoticeForm,
    ObjectionForm,
)
from jifen.periods.models import Level, Notice, Objection, Signature
from jifen.periods.selectors import (
    latest_confirmations,
    notice_is_open,
    notice_state,
    notices_of,
    objection_state,
    objections_of,
    signatures_of,
    status_of,
)
from jifen.periods.services import (
    Fix,
    confirmation_record,
    escalation_file,
    finding_record,
    notice_open,
    objection_file,
    period_sign,
)
from jifen.periods.sheet import QUARTER_NAMES, QUARTERS, QuarterSheet, quarter_of, quarter_sheet
from jifen.periods.workdays import cn_date, shown_date
from jifen.recording.checkin import qr_svg
from jifen.reports.xlsx import Form, form_xlsx, xlsx_response
from jifen.rulebooks.services import adoption_for, rulebook_of

PUBLIC_SALT = "jifen.periods.notice"


def _today() -> dt.date:
    # One place for "today", so tests can set the day the pages see.
    return timezone.localdate()


def _quarter(number: int) -> int:
    if number not in QUARTERS:
        raise Http404("未找到")
    return number


def _sheet_or_404(organization: Organization, year: int, quarter: int) -> QuarterSheet:
    sheet = quarter_sheet(organization, year, _quarter(quarter))
    if sheet is None:
        raise Http404(f"{organization.name} {year} 年还没有采用积分办法")
    return sheet


def public_token(notice: Notice) -> str:
    return signing.dumps({"notice": notice.pk}, salt=PUBLIC_SALT, compress=True)


# --- lists ---------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The organizations whose quarters this user reviews, and the notices they may read."""
    year = _today().year
    organizations = access.orgs_for(request.user, Action.VIEW_ORG).order_by("path")
    return render(
        request,
        "periods/index.html",
        {
            "organizations": organizations,
            "year": year,
            "notices": _notices_for(request),
            "waiting": _waiting_for(request),
        },
    )


def _waiting_for(request: HttpRequest) -> list[tuple[Objection, str]]:
    """Objections waiting for this user: the branch committee's finding, or the general
    branch's 专项查核 of an escalated one."""
    investigate = access.reach(request.user, Action.INVESTIGATE)
    review = access.reach(request.user, Action.SPECIAL_REVIEW)
    where = "notice__signature__organization__path"
    found = (
        Objection.objects.filter(investigate.org_filter(where) | review.org_filter(where))
        .select_related("notice__signature__organization", "person")
        .prefetch_related("findings")
        .order_by("filed_at")[:100]
    )
    waiting = []
    for objection in found:
        state = objection_state(objection)
        organization = objection.notice.signature.organization
        if state.branch is None and investigate.covers(organization):
            waiting.append((objection, _("待支委会调查")))
        elif state.escalated and state.general is None and review.covers(organization):
            waiting.append((objection, _("待专项查核")))
    return waiting


def _notices_for(request: HttpRequest) -> list[tuple[Notice, str]]:
    reach = access.reach(request.user, Action.VIEW_NOTICE)
    today = _today()
    found = (
        Notice.objects.filter(reach.org_filter("signature__organization__path"))
        .select_related("signature__organization")
        .order_by("-opened_at")[:50]
    )
    return [(n, notice_state(n, today)) for n in found]


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """For members and 群众代表: the notices within reach and their own objections."""
    mine = (
        Objection.objects.filter(filed_by_id=request.user.pk)
        .select_related("notice__signature__organization", "person")
        .order_by("-filed_at")
    )
    return render(
        request,
        "periods/notices.html",
        {"notices": _notices_for(request), "mine": [(o, objection_state(o)) for o in mine]},
    )


@login_required
def year_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, request=request)
    quarters = []
    for number in QUARTERS:
        sheet = quarter_sheet(organization, year, number)
        if sheet is None:
            break
        signatures = signatures_of(organization, year, number)
        status = status_of(sheet, signatures[-1] if signatures else None)
        count = len(notices_of(organization, year, number))
        quarters.append((sheet.quarter, _(status.label), count))
    return render(
        request,
        "periods/year.html",
        {"organization": organization, "year": year, "quarters": quarters},
    )


# --- the quarterly sheet -------------------------------------------------------------------------


@login_required
def quarter(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, request=request)
    sheet = _sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    latest = signatures[-1] if signatures else None
    status = status_of(sheet, latest)
    confirmations = latest_confirmations(organization, year, quarter)
    rows = [(row, confirmations.get(row.person.pk), row.row_hash) for row in sheet.rows]
    found_notices = notices_of(organization, year, quarter)
    today = _today()
    can_sign = access.can(request.user, Action.SIGN_PERIOD, organization)
    context = {
        "organization": organization,
        "sheet": sheet,
        "rows": rows,
        "signatures": signatures,
        "latest": latest,
        "status": status,
        "notices": [(n, notice_state(n, today)) for n in found_notices],
        "objections": [(o, objection_state(o)) for o in objections_of(found_notices)],
        "can_sign": can_sign,
        "can_open_notice": can_sign
        and status == "signed"
        and latest is not None
        and not any(n.signature_id == latest.pk for n in found_notices),
        "notice_form": NoticeForm(),
        "quarter_ended": today > sheet.quarter.end,
    }
    return render(request, "periods/quarter.html", context)


def _sheet_form(sheet: QuarterSheet, latest: Signature | None) -> Form:
    def number(text: str) -> Decimal | None:
        return Decimal(text) if text else None

    blanks_items = [None] * len(sheet.item_columns)
    blanks_quarter = [None] * len(sheet.quarter_columns)
    rows: list[list[Any]] = []
    for row in sheet.rows:
        for label, cells in row.months:
            rows.append([row.person.name, label, *map(number, cells), *blanks_quarter])
        rows.append([row.person.name, "本季度", *blanks_items, *map(number, row.quarter)])
    signed = (
        f"系统签名记录：{_who(latest)} 于 {timezone.localtime(latest.signed_at):%Y-%m-%d %H:%M}"
        f" 签名确认，季度表 SHA-256 {latest.sheet_hash}"
        if latest is not None
        else "系统签名记录：尚未签名"
    )
    return Form(
        title="党员积分季度考评表",
        sheet_name=sheet.quarter.name,
        subtitle=(
            f"所在支部：{sheet.organization.name}    考核期间：{sheet.quarter.name}"
            f"（{sheet.quarter.start} 至 {sheet.quarter.end}）"
        ),
        headers=[["姓名", "月份", *sheet.item_columns, *sheet.quarter_columns]],
        rows=rows,
        footer=["支部书记签名：________________    日期：________________", signed],
        widths=[10, 8] + [7] * (len(sheet.item_columns) + len(sheet.quarter_columns)),
        landscape=True,
    )


def _who(signature: Signature) -> str:
    user = signature.signed_by
    return user.get_full_name() or user.username


@login_required
def quarter_print(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, request=request)
    sheet = _sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    latest = signatures[-1] if signatures else None
    return render(
        request,
        "periods/quarter_print.html",
        {
            "organization": organization,
            "sheet": sheet,
            "rows": [(row, None, row.row_hash) for row in sheet.rows],
            "latest": latest,
            "status": status_of(sheet, latest),
            "landscape": True,
            "xlsx_url": reverse("periods:quarter_xlsx", args=[organization.pk, year, quarter]),
        },
    )


@login_required
def quarter_xlsx(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, request=request)
    sheet = _sheet_or_404(organization, year, quarter)
    signatures = signatures_of(organization, year, quarter)
    data = form_xlsx(_sheet_form(sheet, signatures[-1] if signatures else None))
    name = f"{organization.name}-{sheet.quarter.name}考评表.xlsx"
    return xlsx_response(data, name)


@login_required
@require_POST
def sign(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD, request=request)
    _quarter(quarter)
    button_action(
        request,
        lambda: period_sign(
            organization=organization,
            year=year,
            quarter=quarter,
            actor=signed_in(request),
            today=_today(),
            request=request,
        ),
        lambda signature: (
            _("已签名确认：季度表 SHA-256 %(hash)s…，本季度分数已封存")
            % {"hash": signature.sheet_hash[:16]}
        ),
    )
    return redirect("periods:quarter", organization.pk, year, quarter)


@login_required
@require_POST
def notice_open_view(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.SIGN_PERIOD, request=request)
    _quarter(quarter)
    signatures = signatures_of(organization, year, quarter)
    form = NoticeForm(request.POST)
    if not signatures:
        messages.error(request, _("尚未签名，不能公示"))
    elif not form.is_valid():
        messages.error(request, _("异议方式不超过 500 字"))
    else:
        notice = button_action(
            request,
            lambda: notice_open(
                signature=signatures[-1],
                actor=signed_in(request),
                today=_today(),
                how_to_object=form.cleaned_data["how_to_object"],
                request=request,
            ),
            lambda opened: (
                _("已开始公示：%(starts)s 至 %(ends)s")
                % {"starts": shown_date(opened.starts), "ends": shown_date(opened.ends)}
            ),
        )
        if notice is not None:
            return redirect("periods:notice", notice.pk)
    return redirect("periods:quarter", organization.pk, year, quarter)


# --- the notice ----------------------------------------------------------------------------------


def _notice_for(
    request: HttpRequest, notice_id: int, action: Action = Action.VIEW_NOTICE
) -> Notice:
    notice = (
        Notice.objects.select_related("signature__organization", "signature__signed_by")
        .filter(pk=notice_id)
        .first()
    )
    org_id = notice.signature.organization_id if notice is not None else f"notice:{notice_id}"
    organization = access.org_for(request.user, org_id, action, request=request)
    if notice is None:  # pragma: no cover - org_for has already answered 404
        raise Http404("未找到")
    notice.signature.organization = organization
    return notice


def notice_rows(notice: Notice) -> tuple[list[str], list[list[str]]]:
    """The public list: names, branches and quarter scores only — never an ID number."""
    sheet = notice.signature.sheet
    columns = [title for _, title in sheet.get("columns", [])]
    codes = [code for code, _ in sheet.get("columns", [])]
    # Chinese, as the printed list and the xlsx have them; the page translates the list's own.
    own = [gettext_noop("序号"), gettext_noop("姓名"), gettext_noop("所在支部")]
    headers = [*own, *columns, gettext_noop("季度合计")]
    rows = [
        [str(i), m["name"], m["branch"], *(m["quarter"].get(c, "") for c in codes), m["total"]]
        for i, m in enumerate(sheet["members"], start=1)
    ]
    return headers, rows


def _notice_context(request: HttpRequest, notice: Notice) -> dict[str, Any]:
    headers, rows = notice_rows(notice)
    today = _today()
    public_url = request.build_absolute_uri(
        reverse("periods:notice_public", args=[public_token(notice)])
    )
    signature = notice.signature
    latest = signatures_of(signature.organization, signature.year, signature.quarter)[-1]
    return {
        "notice": notice,
        "organization": signature.organization,
        "quarter": _quarter_shown(signature),
        "form_quarter": quarter_of_signature(signature),
        "headers": headers,
        "rows": rows,
        "state": notice_state(notice, today),
        "open": notice_is_open(notice, today),
        "superseded": latest.pk != signature.pk,
        "public_url": public_url,
        "qr": qr_svg(public_url),
    }


def quarter_of_signature(signature: Signature) -> str:
    """The signed quarter as the printed notice and its xlsx write it, in Chinese."""
    sheet = signature.sheet
    name = QUARTER_NAMES[signature.quarter]
    start, end = dt.date.fromisoformat(sheet["start"]), dt.date.fromisoformat(sheet["end"])
    return f"{signature.year}年{name}（{cn_date(start)} 至 {cn_date(end)}）"


def _quarter_shown(signature: Signature) -> str:
    """quarter_of_signature in the reader's language, for the pages."""
    sheet = signature.sheet
    start, end = dt.date.fromisoformat(sheet["start"]), dt.date.fromisoformat(sheet["end"])
    return _("%(year)s年%(quarter)s（%(start)s 至 %(end)s）") % {
        "year": signature.year,
        "quarter": _(QUARTER_NAMES[signature.quarter]),
        "start": shown_date(start),
        "end": shown_date(end),
    }


@login_required
def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = _notice_for(request, notice_id)
    context = _notice_context(request, found)
    organization = found.signature.organization
    context["can_object"] = access.can(request.user, Action.OBJECT, organization)
    if access.can(request.user, Action.VIEW_ORG, organization):
        context["objections"] = [(o, objection_state(o)) for o in objections_of([found])]
    else:
        own = objections_of([found])
        context["objections"] = [
            (o, objection_state(o)) for o in own if o.filed_by_id == request.user.pk
        ]
    return render(request, "periods/notice.html", context)


@login_required
def notice_print(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = _notice_for(request, notice_id)
    context = _notice_context(request, found)
    context["xlsx_url"] = reverse("periods:notice_xlsx", args=[found.pk])
    return render(request, "periods/notice_print.html", context)


@login_required
def notice_xlsx(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = _notice_for(request, notice_id)
    headers, rows = notice_rows(found)

    def cell(text: str, column: int) -> Any:
        return Decimal(text) if column >= 3 and text else text

    form = Form(
        title="党员季度积分公示",
        sheet_name="公示名单",
        subtitle=(
            f"{found.signature.organization.name}    {quarter_of_signature(found.signature)}"
            f"    公示期：{cn_date(found.starts)} 至 {cn_date(found.ends)}"
            f"（{found.working_days} 个工作日）"
        ),
        headers=[headers],
        rows=[[cell(text, i) for i, text in enumerate(row)] for row in rows],
        footer=[
            f"异议方式：{found.how_to_object}",
            "支部书记签名：________________    日期：________________",
        ],
        widths=[6, 10, 18] + [10] * (len(headers) - 3),
    )
    name = (
        f"{found.signature.organization.name}-{quarter_of_signature(found.signature)[:9]}公示.xlsx"
    )
    return xlsx_response(form_xlsx(form), name)


def notice_public(request: HttpRequest, token: str) -> HttpResponse:
    """The page the paper notice's QR code opens: no login, the list only while the notice runs.

    The signed token names one notice, so nobody can guess another's address; once the window
    ends the page shows only the dates."""
    try:
        payload = signing.loads(token, salt=PUBLIC_SALT)
    except signing.BadSignature:
        raise Http404("未找到") from None
    found = (
        Notice.objects.select_related("signature__organization")
        .filter(pk=payload.get("notice"))
        .first()
    )
    if found is None:
        raise Http404("未找到")
    today = _today()
    headers, rows = notice_rows(found)
    is_open = notice_is_open(found, today)
    return render(
        request,
        "periods/notice_public.html",
        {
            "notice": found,
            "organization": found.signature.organization,
            "quarter": _quarter_shown(found.signature),
            "headers": headers,
            "rows": rows if is_open else [],
            "open": is_open,
            "state": notice_state(found, today),
            "object_url": reverse("periods:objection_new", args=[found.pk]),
        },
    )


# --- objections ----------------------------------------------------------------------------------


@login_required
def objection_new(request: HttpRequest, notice_id: int) -> HttpResponse:
    found = _notice_for(request, notice_id, Action.OBJECT)
    ids = [m["person"] for m in found.signature.sheet["members"]]
    form = ObjectionForm(request.POST or None, people=Person.objects.filter(pk__in=ids))
    return form_page(
        request,
        form,
        save=lambda data: objection_file(
            notice=found,
            actor=signed_in(request),
            text=data["text"],
            person=data["person"],
            today=_today(),
            request=request,
        ),
        done=lambda objection: redirect("periods:objection", objection.pk),
        message=lambda objection: (
            _("异议已提交（第 %(number)s 号），支委会将调查并答复") % {"number": objection.pk}
        ),
        template="periods/objection_new.html",
        context={"notice": found, "organization": found.signature.organization},
    )


def _objection_for(request: HttpRequest, objection_id: int, action: Action) -> Objection:
    objection = (
        Objection.objects.select_related("notice__signature__organization", "person", "filed_by")
        .filter(pk=objection_id)
        .first()
    )
    if objection is None:
        # Through the one door, so the refusal is a 404 and is audited like any other.
        access.org_for(request.user, f"objection:{objection_id}", action, request=request)
        raise Http404("未找到")
    own = action == Action.VIEW_ORG and objection.filed_by_id == request.user.pk
    if not own:
        access.org_for(
            request.user, objection.notice.signature.organization_id, action, request=request
        )
    return objection


@login_required
def objection(request: HttpRequest, objection_id: int) -> HttpResponse:
    found = _objection_for(request, objection_id, Action.VIEW_ORG)
    state = objection_state(found)
    organization = found.notice.signature.organization
    user = request.user
    return render(
        request,
        "periods/objection.html",
        {
            "objection": found,
            "state": state,
            "organization": organization,
            "findings": list(found.findings.select_related("decided_by").order_by("decided_at")),
            "escalation": getattr(found, "escalation", None) if state.escalated else None,
            "can_investigate": state.branch is None
            and access.can(user, Action.INVESTIGATE, organization),
            "can_review": state.escalated
            and state.general is None
            and access.can(user, Action.SPECIAL_REVIEW, organization),
            "can_escalate": found.filed_by_id == user.pk
            and found.filed_role == "member"
            and state.branch is not None
            and not state.escalated,
            # An observer may follow their objection without being allowed the branch's pages.
            "can_view_quarter": access.can(user, Action.VIEW_ORG, organization),
        },
    )


def _quarter_entries(objection: Objection) -> Any:
    sheet = objection.notice.signature.sheet
    if objection.person is None:
        return Entry.objects.none()
    voided = Entry.objects.filter(corrects__isnull=False).values("corrects_id")
    return (
        Entry.objects.filter(
            person=objection.person, date__gte=sheet["start"], date__lte=sheet["end"]
        )
        .exclude(pk__in=voided)
        .exclude(correction="void")
        .order_by("date", "seq")
    )


@login_required
def finding(request: HttpRequest, objection_id: int) -> HttpResponse:
    """The branch committee's finding, or, after an escalation, the general branch's."""
    found = Objection.objects.filter(pk=objection_id).first()
    state = objection_state(found) if found is not None else None
    level = Level.GENERAL if state is not None and state.escalated else Level.BRANCH
    action = Action.SPECIAL_REVIEW if level == Level.GENERAL else Action.INVESTIGATE
    objection_found = _objection_for(request, objection_id, action)
    signature = objection_found.notice.signature
    rulebook = rulebook_of(adoption_for(signature.organization, signature.year))  # type: ignore[arg-type]
    items = [(item.code, item.title) for c in rulebook.categories for item in c.items]
    form = FindingForm(request.POST or None, entries=_quarter_entries(objection_found), items=items)

    def save(data: dict[str, Any]) -> Any:
        fixes = []
        if data["entry"] is not None:
            fixes.append(Fix(entry=data["entry"], value=data["value"].strip() or None))
        if data["item"]:
            fixes.append(Fix(item=data["item"], date=data["date"], value=data["add_value"]))
        return finding_record(
            objection=objection_found,
            level=level,
            outcome=data["outcome"],
            text=data["text"],
            fixes=fixes,
            actor=signed_in(request),
            request=request,
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda _result: redirect("periods:objection", objection_found.pk),
        message=lambda f: (
            _("已记录结论：%(outcome)s") % {"outcome": _(f.get_outcome_display())}
            + (_("；台账已更正，本季度需要重新签名并重新公示") if f.corrections else "")
        ),
        template="periods/finding.html",
        context={
            "objection": objection_found,
            "level": _(Level(level).label),
            "organization": signature.organization,
        },
    )


@login_required
def escalate(request: HttpRequest, objection_id: int) -> HttpResponse:
    found = (
        Objection.objects.select_related("notice__signature__organization")
        .filter(pk=objection_id, filed_by_id=request.user.pk or 0)
        .first()
    )
    if found is None:
        access.org_for(request.user, f"objection:{objection_id}", Action.OBJECT, request=request)
        raise Http404("未找到")
    form = EscalationForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: escalation_file(
            objection=found, actor=signed_in(request), reason=data["reason"], request=request
        ),
        done=lambda _result: redirect("periods:objection", found.pk),
        message=lambda _result: _("已申请党总支专项查核；专项查核的结论为最终结论"),
        template="periods/escalate.html",
        context={"objection": found},
    )


# --- the member's own quarter --------------------------------------------------------------------


def _own_branch(person: Person, year: int, number: int) -> Organization:
    """The organization the member belonged to last during the quarter."""
    memberships = list(
        Membership.objects.filter(
            Q(end__isnull=True) | Q(end__gt=dt.date(year, 1, 1)),
            person=person,
            start__lte=dt.date(year, 12, 31),
        )
        .select_related("organization")
        .order_by("start")
    )
    if not memberships:
        raise Http404("您当年不在任何组织中")
    adoption = adoption_for(memberships[-1].organization, year)
    if adoption is None:
        raise Http404("当年没有适用的积分办法")
    span = quarter_of(rulebook_of(adoption), year, number)
    within = [
        m for m in memberships if m.start <= span.end and (m.end is None or m.end > span.start)
    ]
    if not within:
        raise Http404("您在这个季度不在任何组织中")
    return within[-1].organization


@login_required
def confirm(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    if person is None:
        raise Http404("您的账号没有关联党员信息")
    organization = _own_branch(person, year, _quarter(quarter))
    sheet = _sheet_or_404(organization, year, quarter)
    row = next((r for r in sheet.rows if r.person.pk == person.pk), None)
    if row is None:
        raise Http404("您不在这个季度的考评表中")
    latest = latest_confirmations(organization, year, quarter).get(person.pk)
    signatures = signatures_of(organization, year, quarter)
    form = ConfirmForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: confirmation_record(
            organization=organization,
            year=year,
            quarter=quarter,
            person=person,
            kind=data["kind"],
            reason=data["reason"],
            actor=signed_in(request),
            request=request,
        ),
        done=lambda _result: redirect("periods:confirm", year, quarter),
        message=lambda c: _("已记录：%(kind)s") % {"kind": _(c.get_kind_display())},
        template="periods/confirm.html",
        context={
            "person": person,
            "organization": organization,
            "sheet": sheet,
            "row": row,
            "latest": latest,
            "changed": latest is not None and latest.row_hash != row.row_hash,
            "status": status_of(sheet, signatures[-1] if signatures else None),
            "year": year,
        },
    )
