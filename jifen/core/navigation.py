"""The navigation bar: one list of entries, each shown only to the roles it serves."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jifen.accounts.roles import Role, roles_of


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    # None: every signed-in user; otherwise any one of these roles.
    roles: frozenset[Role] | None = None
    staff_only: bool = False


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("首页"), "core:home"),
    NavEntry(
        _("管理后台"),
        "admin:index",
        roles=frozenset({Role.COMMITTEE_ADMIN}),
        staff_only=True,
    ),
)


def nav_links(user: AbstractBaseUser | AnonymousUser, current_path: str) -> list[NavLink]:
    """The entries this user may follow, in order, with the current page marked."""
    if not user.is_authenticated:
        return []
    held = roles_of(user)
    links = []
    for entry in NAV_ENTRIES:
        if entry.roles is not None and not (held & entry.roles):
            continue
        if entry.staff_only and not getattr(user, "is_staff", False):
            continue
        url = reverse(entry.url_name)
        links.append(NavLink(str(entry.label), url, active=current_path == url))
    return links
