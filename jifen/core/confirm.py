"""Asking first before what cannot be undone: one server-side confirmation step for every
irreversible action (sign a quarter, open a notice, submit and lock a sheet, approve …).

The action's button posts to the action's own address as before. Without ``confirm=yes`` the
view does nothing and answers with a confirmation page: what is about to happen, the figures
that matter (已确认 3/21 人, who has not), and one button that posts the same fields again with
``confirm=yes``. Only that button carries it. No script is involved (the Content-Security-Policy
forbids inline script), so it works the same in every browser, without JavaScript, and the test
client sees exactly what a person sees (docs/decisions.md, issue 17).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRM = "confirm"
# Never carried into the confirmation's form: the token is the form's own, and the answer is
# the button's.
NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM})


@dataclass(frozen=True)
class Ask:
    """What the confirmation page says: a title as a question, what happens and what cannot be
    undone, the figures to weigh, the button's words and the way back."""

    title: str
    consequence: str
    button: str
    back: str
    facts: Sequence[str] = field(default_factory=tuple)
    warnings: Sequence[str] = field(default_factory=tuple)


def confirmed(request: HttpRequest) -> bool:
    """Whether this request is the confirmation page's answer."""
    return request.method == "POST" and request.POST.get(CONFIRM) == "yes"


def confirm_page(
    request: HttpRequest, ask: Ask, *, carry: Sequence[str] | None = None
) -> HttpResponse:
    """The confirmation page for the action at this address. It posts back the fields of the
    request (or only those named in ``carry``) with ``confirm=yes``; nothing has changed yet."""
    names = [n for n in request.POST if n not in NOT_CARRIED] if carry is None else carry
    hidden = [(name, value) for name in names for value in request.POST.getlist(name)]
    return render(
        request,
        "core/confirm.html",
        {"ask": ask, "action": request.path, "hidden": hidden, "confirm_field": CONFIRM},
    )


def names_brief(names: Sequence[str], limit: int = 8) -> str:
    """A few names and how many more: 张三、李四……等 18 人."""
    if len(names) <= limit:
        return _("、").join(names)
    return _("%(names)s……等 %(count)s 人") % {
        "names": _("、").join(names[:limit]),
        "count": len(names),
    }
