"""Adopting a rulebook (built-in, an own rulebook's version, or an expert's YAML), the versions
of a year's adoption, which rulebook applies where, and 允许自定积分办法.

For committee and general-branch admins (Action.ADOPT); every organization comes through the
access door, and every write goes through an audited service (``adoption_set``,
``own_rulebook_allow``), which also decides who may adopt where."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.rulebooks import own
from jifen.rulebooks.adopt_forms import AdoptAnyForm
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.reading import reading
from jifen.rulebooks.services import adoption_for, adoption_set, adoption_title, rulebook_of
from jifen.rulebooks.views import _admin_somewhere


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


def history(organization: Organization, year: int) -> list[Adoption]:
    """Every version of ``organization``'s own adoption for ``year``, oldest first."""
    versions = list(
        Adoption.objects.filter(organization=organization, year=year)
        .select_related("adopted_by", "draft_version__draft")
        .order_by("adopted_at", "pk")
    )
    for version in versions:
        version.title = adoption_title(version)  # type: ignore[attr-defined]
    return versions


@login_required
def applied(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """The text an organization scores ``year`` with (its own adoption or an ancestor's), and
    every earlier version of that adoption."""
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    adoption = adoption_for(organization, year)
    context: dict[str, Any] = {"organization": organization, "year": year, "adoption": adoption}
    if adoption is not None:
        context |= reading(rulebook_of(adoption))
        if access.can(request.user, Action.ADOPT, adoption.organization):
            context["versions"] = history(adoption.organization, year)
    return render(request, "rulebooks/applied.html", context)


@login_required
def adopt(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    this_year = clock.today().year
    current = adoption_for(organization, this_year)
    # A draft's page links here with its latest version chosen (?rulebook=draft:<version pk>).
    form = AdoptAnyForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"rulebook": request.GET.get("rulebook", "")},
    )
    return form_page(
        request,
        form,
        save=lambda data: adoption_set(
            organization=organization,
            year=data["year"],
            rulebook=data["rulebook"],
            yaml_text=data["yaml_text"],
            draft_version=data["draft_version"],
            reason=data["reason"],
            actor=signed_in(request),
        ),
        done=lambda adoption: redirect(
            f"{reverse('rulebooks:applied', args=[organization.pk, adoption.year])}"
        ),
        message=lambda adoption: (
            _("%(name)s %(year)s 年已采用“%(title)s”第 %(version)s 版")
            % {
                "name": organization.name,
                "year": adoption.year,
                "title": rulebook_of(adoption).title or adoption.rulebook_id,
                "version": adoption.rulebook_version,
            }
        ),
        template="rulebooks/adopt.html",
        context={
            "organization": organization,
            "this_year": this_year,
            "current": current,
            "current_title": adoption_title(current) if current is not None else "",
            "refusal": own.adopt_refusal(request.user, organization),
        },
    )


def _rows(
    request: HttpRequest, organizations: list[Organization], year: int
) -> list[dict[str, object]]:
    """Each organization with the adoption that applies to it in ``year``, whether the adoption
    is its own (a subtree with its own rulebook) or comes from above, whether it may have its
    own, and what the user may do there."""
    adoptions = {
        a.organization_id: a
        for a in Adoption.objects.current().filter(year=year).select_related("organization")
    }
    flagged = own.allowed_ids()
    adoptable = own.adoptable(request.user, organizations)
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
                "title": adoption_title(found) if found is not None else "",
                "own": found is not None and found.organization_id == organization.pk,
                "flag": organization.pk in flagged,
                "allowed": any(i in flagged for i in ids),
                "may_adopt": organization.pk in adoptable,
                "may_allow": organization.parent_id in adoptable,
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
        "rows": _rows(request, organizations, year),
    }
    return render(request, "rulebooks/applies.html", context)


@login_required
@require_POST
def allow(request: HttpRequest, org_id: int) -> HttpResponse:
    """Turn 允许自定积分办法 on or off for an organization (a button on the applies page)."""
    organization = access.org_for(request.user, org_id, Action.ADOPT)
    allowed = request.POST.get("allowed") == "1"
    try:
        own.own_rulebook_allow(organization=organization, allowed=allowed, actor=signed_in(request))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        said = (
            _("已允许 %(name)s 及其下级组织自定积分办法")
            if allowed
            else _("已不再允许 %(name)s 自定积分办法")
        )
        messages.success(request, said % {"name": organization.name})
    return redirect(f"{reverse('rulebooks:applies')}?year={_year(request)}#org-{organization.pk}")
