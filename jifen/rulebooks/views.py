"""The rulebook library and the built-in rulebooks. Adopting, the versions of a year's
adoption and which rulebook applies where are in ``adopt_views``; diffs in ``diff_views``.

For committee and general-branch admins (Action.ADOPT); every organization comes through the
access door."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.rulebooks.drafts import latest
from jifen.rulebooks.models import Adoption, Draft
from jifen.rulebooks.reading import builtin_rulebooks, reading
from jifen.rulebooks.services import adoption_title
from jifen.scoring import builtin_ids, load_rulebook


def _admin_somewhere(request: HttpRequest, page: str) -> None:
    """The pages without an organization are for those who may adopt somewhere."""
    if not access.reach(request.user, Action.ADOPT).paths:
        raise access.refused(request.user, page, Action.ADOPT)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    _admin_somewhere(request, "rulebooks:library")
    adopted = list(
        Adoption.objects.current()
        .filter(access.within_reach(request.user, Action.ADOPT))
        .select_related("organization")
        .order_by("-year", "organization__path")[:200]
    )
    drafts = (
        Draft.objects.filter(access.within_reach(request.user, Action.ADOPT))
        .select_related("organization")
        .order_by("organization__path", "-pk")[:200]
    )
    for adoption in adopted:  # by title and version: an own rulebook's id is a code
        adoption.title = adoption_title(adoption)  # type: ignore[attr-defined]
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
