"""The year-end pages: the year's totals, grades, stars, follow-ups, the 统计表, the rollover."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import button_action, form_page
from jifen.core.widgets import DateInput
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.ratings import followups as fu
from jifen.ratings.exports import statistics_form
from jifen.ratings.grades import grade_item_for, grades_enter, grades_read, members_of
from jifen.ratings.models import FollowUp, StarProposal
from jifen.ratings.rollover import rollover_plan, year_rollover
from jifen.ratings.selectors import (
    MIXED,
    STAR_NAMES,
    branch_names,
    followups_of,
    mixed,
    proposals_below,
    proposals_of,
    rows_of,
    snapshot,
    year_of,
)
from jifen.ratings.stars import stars_propose, stars_verdict, tie_decide
from jifen.ratings.year_end_checks import star_warnings

MAX_UPLOAD = 5 * 1024 * 1024


def _years(year: int) -> list[int]:
    this = clock.today().year
    return sorted({*range(this - 4, this + 2), year}, reverse=True)


def _base(organization: Organization, year: int, user: Any) -> dict[str, Any]:
    return {
        "organization": organization,
        "year": year,
        "years": _years(year),
        "can_grade": access.can(user, Action.ENTER_GRADES, organization),
        "can_propose": access.can(user, Action.PROPOSE_STARS, organization),
        "can_approve": access.can(user, Action.APPROVE_STARS, organization),
        "can_follow": access.can(user, Action.FOLLOW_UP, organization),
        "mixed": mixed(organization, year),
    }


def _year(organization: Organization, year: int) -> tuple[Any, str]:
    """The year, or the reason it cannot be scored (shown on the page instead of an error)."""
    try:
        return year_of(organization, year), ""
    except ValidationError as error:
        return None, "；".join(error.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Every organization within reach, with links to its year end."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = clock.today().year
    organizations = list(access.orgs_for(request.user).order_by("path")[:500])
    if not organizations:
        raise Http404("未找到")
    context = {
        "year": year,
        "years": _years(year),
        "organizations": organizations,
        "can_rollover": list(access.orgs_for(request.user, Action.ROLLOVER)[:20]),
    }
    return render(request, "ratings/home.html", context)


@login_required
def year_page(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    current, problem = _year(organization, year)
    context = _base(organization, year, request.user)
    context.update(
        {"found": current, "rows": rows_of(current) if current else [], "problem": problem}
    )
    if current is not None:
        context["categories"] = current.rulebook.categories
        context["ties"] = current.ties
        context["star_names"] = STAR_NAMES
    return render(request, "ratings/year.html", context)


@login_required
def grades(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """A grid of every member of the organization that year, a grade select each."""
    organization = access.org_for(request.user, org_id, Action.ENTER_GRADES)
    item = grade_item_for(organization, year)
    context = _base(organization, year, request.user)
    context["item"] = item
    errors: list[str] = []
    if item is not None and request.method == "POST":
        given = {
            int(key.removeprefix("grade-")): str(request.POST.get(key, ""))
            for key in request.POST
            if key.startswith("grade-") and key.removeprefix("grade-").isdigit()
        }
        try:
            done = grades_enter(
                organization=organization,
                year=year,
                grades=given,
                reason=request.POST.get("reason", ""),
                actor=signed_in(request),
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"已保存：新录 {done.written} 人，更正 {done.corrected} 人，"
                f"未变 {done.unchanged} 人",
            )
            return redirect("ratings:grades", org_id=organization.pk, year=year)
    members = members_of(organization, year, item.code) if item else []
    posted = request.POST if request.method == "POST" else {}
    context["members"] = [
        (m, posted.get(f"grade-{m.person.pk}", m.current.value if m.current else ""))
        for m in members
    ]
    context["errors"] = errors
    context["reason"] = posted.get("reason", "")
    return render(request, "ratings/grades.html", context, status=400 if errors else 200)


class UploadForm(forms.Form):
    file = forms.FileField(label="民主评议结果表（xlsx 或 CSV：姓名、评议等次，可加身份证号）")
    reason = forms.CharField(
        label="更正原因（表中有人已评过、等次改变时必填）", required=False, max_length=500
    )


@login_required
def grades_upload(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.ENTER_GRADES)

    def save(data: dict[str, Any]) -> Any:
        upload = data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError({"file": "文件不能超过 5 MB"})
        checked = grades_read(organization=organization, year=year, data=upload.read())
        if checked.problems:
            raise ValidationError({"file": checked.problems})
        return grades_enter(
            organization=organization,
            year=year,
            grades=checked.grades,
            reason=data["reason"],
            actor=signed_in(request),
        )

    return form_page(
        request,
        UploadForm(request.POST or None, request.FILES or None),
        save=save,
        done=lambda _done: redirect("ratings:grades", org_id=organization.pk, year=year),
        message=lambda done: (
            f"已导入：新录 {done.written} 人，更正 {done.corrected} 人，未变 {done.unchanged} 人"
        ),
        template="ratings/upload.html",
        context={"organization": organization, "year": year},
    )


@login_required
def stars(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    current, problem = _year(organization, year)
    states = proposals_of(organization, year)
    names: dict[int, str] = {}
    for state in states:
        names.update({row["person"]: row["name"] for row in state.proposal.rows})
    branches = branch_names({row["branch"] for s in states for row in s.proposal.rows})
    context = _base(organization, year, request.user)
    shown = []
    for state in states:
        final = state.final_stars()
        ties = [
            {
                **tie,
                "index": i,
                "names": [(pk, names.get(pk, str(pk))) for pk in tie["people"]],
                "decision": state.tie_decisions.get(i),
                "chosen_names": "、".join(
                    names.get(pk, str(pk)) for pk in state.tie_decisions[i].chosen
                )
                if i in state.tie_decisions
                else "",
            }
            for i, tie in enumerate(state.proposal.ties)
        ]
        rows = [
            {
                **row,
                "final": final.get(row["person"]),
                "branch_name": branches.get(row["branch"], row["branch"]),
                "star_name": STAR_NAMES.get(final.get(row["person"]) or 0, ""),
            }
            for row in state.proposal.rows
        ]
        shown.append({"state": state, "ties": ties, "rows": rows})
    stale = bool(
        current is not None
        and states
        and states[0].open
        and _digest(current) != states[0].proposal.digest
    )
    context.update(
        {
            "found": current,
            "has_stars": current is not None and current.rulebook.stars is not None,
            "proposals": shown,
            "stale": stale,
            "problem": problem,
            "early": star_warnings(organization, year, clock.today()),
            # The branches' proposals, for the level that approves them (issue 17).
            "below": proposals_below(organization, year),
        }
    )
    return render(request, "ratings/stars.html", context)


def _digest(current: Any) -> str:
    return snapshot(current)[2]


@login_required
@require_POST
def stars_propose_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.PROPOSE_STARS)
    proposed = button_action(
        request,
        lambda: stars_propose(
            organization=organization,
            year=year,
            note=request.POST.get("note", ""),
            actor=signed_in(request),
        ),
        _("已提交星级提名，等待党总支审批"),
    )
    if proposed is not None:
        for warning in star_warnings(organization, year, clock.today()):
            messages.warning(request, _("提示：%(warning)s") % {"warning": warning})
    return redirect("ratings:stars", org_id=organization.pk, year=year)


@login_required
@require_POST
def stars_decide(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """The general branch's decisions on the open proposal: a tie, the approval, a return."""
    organization = access.org_for(request.user, org_id, Action.APPROVE_STARS)
    back = redirect("ratings:stars", org_id=organization.pk, year=year)
    proposal = StarProposal.objects.filter(
        organization=organization, year=year, pk=_int(request.POST.get("proposal"))
    ).first()
    if proposal is None:
        messages.error(request, _("没有找到要审批的星级提名"))
        return back
    what = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    actor = signed_in(request)
    try:
        if what == "tie":
            tie_decide(
                proposal=proposal,
                tie_index=_int(request.POST.get("tie")),
                chosen=[_int(v) for v in request.POST.getlist("chosen")],
                reason=reason,
                actor=actor,
            )
            messages.success(request, _("已记录并列人员的决定"))
        elif what in ("approve", "return"):
            stars_verdict(
                proposal=proposal,
                approve=what == "approve",
                reason=reason,
                actor=actor,
            )
            messages.success(
                request, _("已批准星级评定") if what == "approve" else _("已退回星级提名")
            )
        else:
            messages.error(request, _("请选择要做的决定"))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return back


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


@login_required
def followups(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    found = followups_of(organization, year)
    show = request.GET.get("show", "open")
    if show == "open":
        found = [(f, is_open) for f, is_open in found if is_open]
    context = _base(organization, year, request.user)
    warnings = [(f, is_open) for f, is_open in found if not f.is_good]
    good = [(f, is_open) for f, is_open in found if f.is_good]
    context.update({"warnings": warnings, "good": good, "show": show})
    return render(request, "ratings/followups.html", context)


@login_required
@require_POST
def followups_raise_view(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.FOLLOW_UP)
    button_action(
        request,
        lambda: fu.followups_raise(organization=organization, year=year, actor=signed_in(request)),
        lambda created: f"新建跟进事项 {len(created)} 项",
    )
    return redirect("ratings:followups", org_id=organization.pk, year=year)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("记录"))
    date = forms.DateField(label=gettext_lazy("日期"), widget=DateInput())
    done_by = forms.CharField(label=gettext_lazy("约谈人 / 执行人"), required=False, max_length=100)
    mentor = forms.ModelChoiceField(
        label=gettext_lazy("帮教人"), queryset=Person.objects.none(), required=False
    )
    deadline = forms.DateField(
        label=gettext_lazy("整改期限"),
        required=False,
        widget=DateInput(),
    )
    outcome = forms.CharField(label=gettext_lazy("结果"), required=False, max_length=200)
    note = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, followup: FollowUp, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (k, fu.S(k).label) for k in fu.STEPS[followup.kind]
        ]
        self.fields["mentor"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(
                memberships__organization__path__startswith=followup.organization.path,
                memberships__end__isnull=True,
            )
            .exclude(pk=followup.person_id)
            .distinct()
            .order_by("name_pinyin")
        )
        self.fields["date"].initial = clock.today()


@login_required
def followup(request: HttpRequest, followup_id: int) -> HttpResponse:
    # Everyone who sees the organization reads the follow-up; only FOLLOW_UP records a step.
    found = access.object_for(
        request.user,
        FollowUp.objects.select_related("person", "organization"),
        followup_id,
        Action.FOLLOW_UP if request.method == "POST" else Action.VIEW_ORG,
    )
    organization = found.organization
    may = access.can(request.user, Action.FOLLOW_UP, organization)
    form = StepForm(request.POST or None, followup=found)
    url = reverse("ratings:followup", kwargs={"followup_id": found.pk})
    context = {
        "organization": organization,
        "followup": found,
        "steps": list(found.steps.select_related("mentor", "recorded_by")),
        "open": fu.is_open(found),
        "may": may,
        "year": found.year,
    }
    return form_page(
        request,
        form,
        save=lambda data: fu.followup_step(followup=found, actor=signed_in(request), **data),
        done=lambda _done: redirect(url),
        message=lambda step: _("已记录：%(what)s") % {"what": _(step.get_kind_display())},
        template="ratings/followup.html",
        context=context,
    )


def _statistics(request: HttpRequest, org_id: int, year: int) -> tuple[Organization, Any, str]:
    organization = access.org_for(request.user, org_id)
    try:
        return organization, statistics_form(organization, year), ""
    except ValidationError as error:
        return organization, None, "；".join(error.messages)


@login_required
def statistics(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization, form, problem = _statistics(request, org_id, year)
    context = {
        "problem": problem,
        "organization": organization,
        "year": year,
        "form": form,
        "landscape": form is not None and form.landscape,
        "mixed": mixed(organization, year),
        "xlsx_url": reverse("ratings:statistics_xlsx", kwargs={"org_id": org_id, "year": year})
        if form
        else "",
    }
    return render(request, "ratings/statistics.html", context)


@login_required
def statistics_xlsx(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    organization, form, problem = _statistics(request, org_id, year)
    if form is None:
        missing = f"{organization.name} {year} 年没有采用积分办法"
        messages.error(request, problem or (MIXED if mixed(organization, year) else missing))
        return redirect("ratings:statistics", org_id=org_id, year=year)
    filename = f"{organization.name}{year}年党员积分量化星级评定情况统计表.xlsx"
    return xlsx_response(form_xlsx(form), filename)


@login_required
def rollover(request: HttpRequest, org_id: int) -> HttpResponse:
    """Carry the adoptions in the organization's subtree forward to next year."""
    organization = access.org_for(request.user, org_id, Action.ROLLOVER)
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or "")
    except ValueError:
        year = clock.today().year
    if request.method == "POST":
        done = year_rollover(year=year, actor=signed_in(request), scope=organization)
        messages.success(
            request,
            f"{done.year} 年：{len(done.adopted)} 个组织沿用上年积分办法，"
            f"{len(done.already)} 个已有新年度的办法",
        )
        return redirect(f"{reverse('ratings:rollover', args=[organization.pk])}?year={year}")
    context = {
        "organization": organization,
        "year": year,
        "next_year": year + 1,
        "years": _years(year),
        "plan": rollover_plan(organization, year),
    }
    return render(request, "ratings/rollover.html", context)
