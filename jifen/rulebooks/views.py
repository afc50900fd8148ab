"""The rulebook library, adopting a built-in rulebook, and which rulebook applies where.

For committee and general-branch admins (Action.ADOPT); every organization comes through the
access door, and adopting goes through the audited service ``adoption_set``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.rulebooks.drafts import latest
from jifen.rulebooks.forms import AdoptForm
from jifen.rulebooks.models import Adoption, Draft
from jifen.rulebooks.reading import builtin_rulebooks, reading
from jifen.rulebooks.services import adoption_for, adoption_set, rulebook_of
from jifen.scoring import builtin_ids, load_rulebook


def _admin_somewhere(request: HttpRequest, page: str) -> None:
    """The pages without an organization are for those who may adopt somewhere."""
    if not access.reach(request.user, Action.ADOPT).paths:
        raise access.refused(request.user, page, Action.ADOPT)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


@login_required
def library(request: HttpRequest) -> HttpResponse:
    _admin_somewhere(request, "rulebooks:library")
    adopted = (
        Adoption.objects.filter(access.within_reach(request.user, Action.ADOPT))
        .select_related("organization")
        .order_by("-year", "organization__path")[:200]
    )
    drafts = (
        Draft.objects.filter(access.within_reach(request.user, Action.ADOPT))
        .select_related("organization")
        .order_by("organization__path", "-pk")[:200]
    )
    context = {
        "builtins": builtin_rulebooks(),
        "adopted": adopted,
        "drafts": [(draft, latest(draft)) for draft in drafts],
        "titles": {book.id: book.title for book in builtin_rulebooks()},
    }
    return render(request, "rulebooks/library.html", context)


@login_required
def builtin(request: HttpRequest, rulebook_id: str) -> HttpResponse:
    _admin_somewhere(request, "rulebooks:builtin")
    if rulebook_id not in builtin_ids():
        raise Http404(_("没有这个内置积分办法"))
    return render(request, "rulebooks/show.html", reading(load_rulebook(rulebook_id)))


@login_required
def applied(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """The text an organization scores ``year`` with: its own adoption or an ancestor's."""
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    adoption = adoption_for(organization, year)
    context = {"organization": organization, "year": year, "adoption": adoption}
    if adoption is not None:
        context |= reading(rulebook_of(adoption))
    return render(request, "rulebooks/show.html", context)


@login_required
def adopt(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    return form_page(
        request,
        AdoptForm(request.POST or None),
        save=lambda data: adoption_set(
            organization=organization,
            year=data["year"],
            rulebook=data["rulebook"],
            actor=signed_in(request),
        ),
        done=lambda adoption: redirect(
            f"{reverse('rulebooks:applies')}?year={adoption.year}#org-{organization.pk}"
        ),
        message=lambda adoption: (
            _("%(name)s %(year)s 年已采用 %(rulebook)s 第 %(version)s 版")
            % {
                "name": organization.name,
                "year": adoption.year,
                "rulebook": adoption.rulebook_id,
                "version": adoption.rulebook_version,
            }
        ),
        template="rulebooks/adopt.html",
        context={
            "organization": organization,
            "this_year": clock.today().year,
            "current": adoption_for(organization, clock.today().year),
        },
    )


def _rows(organizations: list[Organization], year: int) -> list[dict[str, object]]:
    """Each organization with the adoption that applies to it in ``year``, and whether the
    adoption is its own (a subtree with its own rulebook) or comes from above."""
    adoptions = {
        a.organization_id: a
        for a in Adoption.objects.filter(year=year).select_related("organization")
    }
    top = min((o.depth for o in organizations), default=0)
    rows = []
    for organization in organizations:
        ids = [*organization.ancestor_ids(), organization.pk]
        found = next((adoptions[i] for i in reversed(ids) if i in adoptions), None)
        rows.append(
            {
                "organization": organization,
                "indent": organization.depth - top,
                "adoption": found,
                "own": found is not None and found.organization_id == organization.pk,
            }
        )
    return rows


@login_required
def applies(request: HttpRequest) -> HttpResponse:
    _admin_somewhere(request, "rulebooks:applies")
    year = _year(request)
    organizations = list(access.orgs_for(request.user, Action.ADOPT).order_by("path"))
    this_year = clock.today().year
    context = {
        "year": year,
        "years": range(this_year - 2, this_year + 2),
        "rows": _rows(organizations, year),
    }
    return render(request, "rulebooks/applies.html", context)
