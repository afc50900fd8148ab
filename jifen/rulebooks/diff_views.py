"""The differences between two rulebook versions, in words (``scoring.rulebook_diff``).

``/rulebooks/diff/?a=<side>&b=<side>``, where a side is ``adoption:<pk>`` (one version of a
year's adoption), ``version:<pk>`` (one version of an own rulebook) or ``builtin:<id>``. Every
adoption and draft version comes through the access door (Action.ADOPT): one outside the
user's reach is 404, like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.rulebooks import drafts
from jifen.rulebooks.models import Adoption, DraftVersion
from jifen.rulebooks.services import rulebook_of
from jifen.rulebooks.views import _admin_somewhere
from jifen.scoring import Rulebook, builtin_ids, load_rulebook
from jifen.scoring.rulebook_diff import differences

ADOPTIONS = access.Door(Adoption.objects.select_related("organization"))
VERSIONS = access.Door(
    DraftVersion.objects.select_related("draft__organization"), "draft__organization"
)


@dataclass(frozen=True)
class Side:
    rulebook: Rulebook
    label: str  # what a person reads: title, version, whose and when — never a code


def diff_url(a: str, b: str) -> str:
    """The page comparing side ``a`` with side ``b`` (e.g. ``version:3``, ``builtin:seed003``)."""
    return f"{reverse('rulebooks:diff')}?{urlencode({'a': a, 'b': b})}"


def _side(user: AnyUser, ref: str) -> Side:
    kind, _sep, key = ref.partition(":")
    if kind == "builtin" and key in builtin_ids():
        rulebook = load_rulebook(key)
        return Side(rulebook, _("内置“%(title)s”") % {"title": rulebook.title})
    if kind == "adoption":
        adoption = ADOPTIONS.open(user, key, Action.ADOPT)
        rulebook = rulebook_of(adoption)
        label = _("%(name)s %(year)s 年采用的“%(title)s”第 %(version)s 版（%(day)s 采用）") % {
            "name": adoption.organization.name,
            "year": adoption.year,
            "title": rulebook.title,
            "version": adoption.rulebook_version,
            "day": timezone.localdate(adoption.adopted_at).isoformat(),
        }
        return Side(rulebook, label)
    if kind == "version":
        version = VERSIONS.open(user, key, Action.ADOPT)
        label = _("%(organization)s 自定“%(title)s”第 %(number)s 版") % {
            "organization": version.draft.organization.name,
            "title": version.draft.title,
            "number": version.number,
        }
        return Side(drafts.version_rulebook(version), label)
    raise Http404(_("没有要对比的积分办法"))


@login_required
def diff(request: HttpRequest) -> HttpResponse:
    _admin_somewhere(request, "rulebooks:diff")
    if not (request.GET.get("a") and request.GET.get("b")):
        # Nothing chosen yet: the page says where the two versions are chosen.
        return render(request, "rulebooks/diff.html", {"a": None, "b": None})
    a = _side(request.user, request.GET.get("a", ""))
    b = _side(request.user, request.GET.get("b", ""))
    context = {"a": a, "b": b, "sentences": differences(a.rulebook, b.rulebook)}
    return render(request, "rulebooks/diff.html", context)
