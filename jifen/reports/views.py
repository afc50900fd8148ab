"""The forms and figures: a member's 登记表, a branch's or general branch's year at a glance,
and the general branch's quarterly bulletin. Every page reaches its person or organization
through the one door (``jifen.orgs.access``) and prepares its rows in Python."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.core import clock
from jifen.documents.paper_forms import form_xlsx, xlsx_response
from jifen.ledger.figures import member_months
from jifen.ledger.scores import MemberYear, member_year
from jifen.ledger.stored import stored_branch_year
from jifen.orgs import access
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.ratings.selectors import approved_stars
from jifen.reports import figures
from jifen.reports.branch_figures import year_overview
from jifen.reports.bulletin import Bulletin, bulletin_form, bulletin_of
from jifen.reports.chart_groups import chart_units
from jifen.reports.register import SIGNATURES, Register, register_form, register_of
from jifen.reports.stats import DISTRIBUTION_LABELS, STAR_LEVELS, calendar_for
from jifen.scoring import Calendar


def _branch_of(person: Person, year: int) -> Organization | None:
    """The organization ``person`` last belonged to in ``year``."""
    membership = (
        memberships_overlapping(first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
        .filter(person=person)
        .select_related("organization")
        .order_by("-start")
        .first()
    )
    return membership.organization if membership is not None else None


def _register(
    request: HttpRequest, person_id: int, year: int
) -> tuple[Person, Register, MemberYear]:
    person = access.person_for(request.user, person_id)
    today = clock.today()
    found = member_year(person, year, today=today)
    branch = _branch_of(person, year)
    if found is None or branch is None:
        raise Http404(
            _("%(year)s 年没有适用于 %(name)s 的积分办法") % {"year": year, "name": person.name}
        )
    # Stars have quotas: the member is rated with the branch, on the branch's stored results.
    rated = stored_branch_year(branch, year, today=today)
    rating = rated.results.get(person.pk) if rated is not None else None
    approved = approved_stars(branch, year)
    calendar = Calendar(year, found.rulebook.year_start)
    register = register_of(
        found,
        branch=branch.name,
        rating=rating,
        approved=approved,
        year_over=today > calendar.bounds()[1],
    )
    return person, register, found


@login_required
def register(request: HttpRequest, person_id: int, year: int) -> HttpResponse:
    """党员积分量化登记表, print-ready (A4 landscape), with the signature lines."""
    person, sheet, found = _register(request, person_id, year)
    context = {
        "months_figure": member_months(found),
        "person": person,
        "year": year,
        "sheet": sheet,
        "signatures": SIGNATURES,
        "landscape": True,
        "xlsx_url": reverse("reports:register_xlsx", args=[person.pk, year]),
    }
    return render(request, "reports/register.html", context)


@login_required
def register_xlsx(request: HttpRequest, person_id: int, year: int) -> HttpResponse:
    person, sheet, _ = _register(request, person_id, year)
    data = form_xlsx(register_form(sheet, printed_on=clock.today()))
    return xlsx_response(data, f"党员积分量化登记表-{person.name}-{year}.xlsx")


@login_required
def overview(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """A branch's or general branch's year so far: one row per branch, the distribution, stars
    per branch, and each branch's trend across the quarters."""
    organization = access.org_for(request.user, org_id)
    today = clock.today()
    units, trends = year_overview(organization, year, today)
    scored = [stats for _, stats in units if stats is not None]
    counts = [sum(column) for column in zip(*(s.distribution for s in scored), strict=True)]
    trends = [t for t in trends if any(t.members)]
    # Hundreds of branches: the per-branch charts sum them into the next level down.
    charted = chart_units(organization, scored, trends)
    level = figures.LOWER if charted.grouped else figures.BRANCHES
    shown = [
        figures.distribution_counts_figure(
            _("%(name)s %(year)s年积分分布") % {"name": organization.name, "year": year}, counts
        )
        if scored
        else None,
        figures.branch_distribution_figure(charted.stats, level)
        if len(charted.stats) > 1
        else None,
        figures.stars_figure(charted.stats, level),
        figures.trend_figure(charted.trends, level),
    ]
    context = {
        "organization": organization,
        "year": year,
        "units": units,
        "with_stars": any(s.stars is not None for s in scored),
        "distribution_labels": DISTRIBUTION_LABELS,
        "star_levels": STAR_LEVELS,
        "figures": [f for f in shown if f is not None],
        "so_far": today <= dt.date(year, 12, 31),
        # Bands and warnings are year-end results: not shown while the scoring year runs.
        "warnings_shown": today > (calendar_for(organization, year) or Calendar(year)).bounds()[1],
        "today": today,
        "bulletin_allowed": access.can(request.user, access.Action.VIEW_BULLETIN, organization),
        "whatif_allowed": access.can(request.user, access.Action.ADOPT, organization),
        "quarters": range(1, 5),
    }
    return render(request, "reports/overview.html", context)


def _bulletin(request: HttpRequest, org_id: int, year: int, quarter: int) -> Bulletin:
    organization = access.org_for(request.user, org_id, access.Action.VIEW_BULLETIN)
    if not 1 <= quarter <= 4:
        raise Http404("未找到")
    return bulletin_of(organization, year, quarter, clock.today())


@login_required
def bulletin(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    """The quarterly bulletin (通报), print-ready, with its charts."""
    found = _bulletin(request, org_id, year, quarter)
    scored = [row.stats for row in found.rows if row.stats is not None]
    shown = [
        figures.branch_distribution_figure(scored) if scored else None,
    ]
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    context = {
        "bulletin": found,
        "form": bulletin_form(found),
        "figures": [f for f in shown if f is not None],
        "landscape": True,
        "previous": previous,
        "following": following,
        "xlsx_url": reverse("reports:bulletin_xlsx", args=[org_id, year, quarter]),
    }
    return render(request, "reports/bulletin.html", context)


@login_required
def bulletin_xlsx(request: HttpRequest, org_id: int, year: int, quarter: int) -> HttpResponse:
    found = _bulletin(request, org_id, year, quarter)
    data = form_xlsx(bulletin_form(found))
    name = f"{found.organization.name}-{year}年第{quarter}季度通报.xlsx"
    return xlsx_response(data, name)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The reports a user may open: each organization in reach, its year and its bulletins."""
    reach = access.orgs_for(request.user).exclude(kind__code="group").order_by("path")
    if not reach.exists():
        raise Http404("未找到")
    year = clock.today().year
    bulletins = access.reach(request.user, access.Action.VIEW_BULLETIN)
    rows = [(org, bulletins.covers(org)) for org in reach[:500]]
    return render(request, "reports/index.html", {"rows": rows, "year": year})
