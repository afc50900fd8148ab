"""The home page's to-do list: what waits for the signed-in person, gathered from every app.

Each app says what it has waiting in its own ``jifen/<app>/todo.py``, a few functions decorated
with ``@provider``; the home page asks them all (``todos_for``). Core imports none of them — the
modules are found by name once the apps are loaded, as Django's admin finds ``admin.py`` — so
the layers hold (pyproject [tool.importlinter]): an app registers with the base, never the
reverse.

A provider reads through the door (``jifen.orgs.access``): only what the person's roles reach,
and only what it shows — counts and the oldest date, never a whole committee's scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.utils import dateformat, timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

from jifen.orgs.access import ALLOWED, Action, AnyUser, assignments_of
from jifen.orgs.models import Organization

# Where an item is shown on the home page: the work waiting for the person (待办) or their own
# figures and papers as a member (我的).
WORK = "work"
MINE = "mine"


@dataclass(frozen=True)
class Todo:
    """One line of the home page: a title, how many (None for a figure such as a score), one
    link to the page where the work is done, and a short note (how long the oldest waited,
    when a notice closes)."""

    title: str
    url: str
    count: int | None = None
    note: str = ""
    section: str = WORK
    # Shown first and marked: past a deadline, or waited long.
    urgent: bool = False
    # Within a section, lower comes first (the provider's order otherwise).
    order: int = 50
    # The figure shown instead of a count (a score).
    figure: str = ""


Provider = Callable[[AnyUser, dt.date], list[Todo]]

_providers: list[Provider] = []


def provider(function: Provider) -> Provider:
    """Register ``function(user, today) -> list[Todo]`` with the home page."""
    _providers.append(function)
    return function


@cache
def _discovered() -> bool:
    # Imports jifen.<app>.todo for every installed app that has one, once per process.
    autodiscover_modules("todo")
    return True


def providers() -> list[Provider]:
    _discovered()
    return list(_providers)


def todos_for(user: AnyUser, today: dt.date) -> list[Todo]:
    """Every provider's items for ``user``: work with nothing waiting is left out; urgent
    items first, then by order."""
    found: list[Todo] = []
    for function in providers():
        found.extend(t for t in function(user, today) if t.count is None or t.count > 0)
    return sorted(found, key=lambda t: (not t.urgent, t.order))


def held_in(user: AnyUser, action: Action) -> list[Organization]:
    """The organizations where ``user`` holds a role allowed ``action`` — where their work of
    that kind is (a secretary's branch, a general branch admin's general branch), in the order
    of the tree. The door's reach covers these and everything below them."""
    allowed = ALLOWED[action]
    seen: dict[int, Organization] = {}
    for assignment in assignments_of(user):
        if assignment.role in allowed:
            seen.setdefault(assignment.organization_id, assignment.organization)
    return sorted(seen.values(), key=lambda o: o.path)


def day_text(day: dt.date) -> str:
    """A date as a page says it, in the reader's language (2026年12月7日, or 7 Dec 2026)."""
    return dateformat.format(day, gettext("Y年n月j日"))


def waited_days(since: dt.datetime | dt.date, today: dt.date) -> int:
    """Whole days between ``since`` and ``today`` (0 the same day)."""
    day = timezone.localdate(since) if isinstance(since, dt.datetime) else since
    return max((today - day).days, 0)
