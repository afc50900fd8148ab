"""The 试算 pages: what a rulebook would do to an organization's year (members) or to a finished
assessment round (organizations), before anyone adopts it. GET only; nothing is written.

Both are for those who may adopt a rulebook (Action.ADOPT) for the organization: its own year,
or the round's owner."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jifen.assessments.models import Round
from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.reports.whatif import Choice, choices, whatif
from jifen.reports.whatif_rounds import finished, round_whatif

# A round is tried by those who may adopt for the organization that opened it.
ROUNDS = access.Door(Round.objects.select_related("owner"), org_field="owner")


class TryForm(forms.Form):
    rulebook = forms.ChoiceField(label=gettext_lazy("试算的积分办法"))
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int, required=False)
    changed = forms.BooleanField(label=gettext_lazy("只看有变化的"), required=False)

    def __init__(self, *args: object, found: list[Choice], years: list[int], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        rulebook_field = self.fields["rulebook"]
        assert isinstance(rulebook_field, forms.ChoiceField)  # noqa: S101 - declared above
        rulebook_field.choices = [(c.key, c.label) for c in found]
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)  # noqa: S101 - declared above
        year_field.choices = [(y, _("%(year)s 年") % {"year": y}) for y in years]
        if not years:
            del self.fields["year"]


def _offered(request: HttpRequest, found: list[Choice]) -> list[Choice]:
    """A draft is offered only to those who may adopt for the organization that wrote it: a
    general branch does not read the committee's unfinished drafts."""
    reach = access.reach(request.user, Action.ADOPT)
    return [c for c in found if c.owner is None or reach.covers(c.owner)]


def _bound(request: HttpRequest, found: list[Choice], years: list[int]) -> TryForm:
    """The form, bound once a rulebook is asked for (a link from a draft's page sends one)."""
    data = request.GET if "rulebook" in request.GET else None
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else years[0] if years else None
    initial = {"year": year} if year is not None else {}
    return TryForm(data, found=found, years=years, initial=initial)


@login_required
def member_whatif(request: HttpRequest, org_id: int) -> HttpResponse:
    """试算: this year's (or last year's) facts of ``org_id`` under the adopted rulebook and
    under the one tried, member by member and branch by branch."""
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    this_year = clock.today().year
    found = _offered(request, choices(organization, "member"))
    form = _bound(request, found, [this_year, this_year - 1])
    result = None
    only_changed = False
    if form.is_bound and form.is_valid():
        tried = next(c for c in found if c.key == form.cleaned_data["rulebook"])
        result = whatif(organization, form.cleaned_data["year"] or this_year, tried)
        only_changed = form.cleaned_data["changed"]
    members = result.members if result is not None else []
    context = {
        "organization": organization,
        "form": form,
        "result": result,
        "members": [m for m in members if m.changed] if only_changed else members,
        "changed_count": sum(1 for m in members if m.changed),
    }
    return render(request, "reports/whatif.html", context)


@login_required
def round_whatif_page(request: HttpRequest, round_id: int) -> HttpResponse:
    """试算 for a finished assessment round: every organization's score under the round's own
    rulebook and under the one tried, with the change of rank."""
    assessment_round = ROUNDS.open(request.user, round_id, Action.ADOPT)
    found = _offered(request, choices(assessment_round.owner, "organization"))
    form = _bound(request, found, [])
    result = None
    only_changed = False
    if form.is_bound and form.is_valid():
        tried = next(c for c in found if c.key == form.cleaned_data["rulebook"])
        result = round_whatif(assessment_round, tried)
        only_changed = form.cleaned_data["changed"]
    rows = result.rows if result is not None else []
    context = {
        "round": assessment_round,
        "finished": finished(assessment_round),
        "form": form,
        "result": result,
        "rows": [r for r in rows if r.changed] if only_changed else rows,
        "changed_count": sum(1 for r in rows if r.changed),
    }
    return render(request, "reports/round_whatif.html", context)
