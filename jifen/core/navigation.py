"""The navigation bar: one list of entries, each shown only to the roles it serves."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jifen.accounts.admin_site import is_platform_operator
from jifen.accounts.roles import Role
from jifen.orgs.access import ALLOWED, Action, roles_held
from jifen.orgs.models import Person


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    # None: every signed-in user; otherwise any one of these roles.
    roles: frozenset[Role] | None = None
    # Only for the platform operator (the Django admin is theirs alone, issue 16).
    operator_only: bool = False
    # Also for anyone whose account is a person (a party member): a secretary or a 支委 is a
    # member too and keeps 我的积分, 我的申报, 公示 whatever role they were given (issue 17).
    member_too: bool = False


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


_MEMBER = frozenset({Role.MEMBER})

NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(_("首页"), "core:home"),
    NavEntry(_("我的积分"), "ledger:my_points", roles=_MEMBER, member_too=True),
    NavEntry(_("我的申报"), "recording:declarations_mine", roles=_MEMBER, member_too=True),
    NavEntry(_("我的活动"), "recording:my_activities", roles=_MEMBER, member_too=True),
    NavEntry(_("组织"), "orgs:tree", roles=ALLOWED[Action.VIEW_ORG]),
    NavEntry(_("党建考核"), "assessments:index", roles=ALLOWED[Action.VIEW_ORG]),
    NavEntry(_("报表"), "reports:index", roles=ALLOWED[Action.VIEW_ORG]),
    NavEntry(_("季度考评"), "periods:index", roles=ALLOWED[Action.VIEW_ORG]),
    NavEntry(_("公示与异议"), "periods:notices", roles=ALLOWED[Action.OBJECT], member_too=True),
    NavEntry(_("年终评定"), "ratings:home", roles=ALLOWED[Action.VIEW_ORG]),
    NavEntry(_("积分办法"), "rulebooks:library", roles=ALLOWED[Action.ADOPT]),
    NavEntry(_("账号"), "accounts:list", roles=ALLOWED[Action.MANAGE_ACCOUNTS]),
    NavEntry(_("审计日志"), "audit:log", roles=ALLOWED[Action.VIEW_AUDIT]),
    NavEntry(_("平台运维后台"), "admin:index", operator_only=True),
)


def nav_links(user: AbstractBaseUser | AnonymousUser, current_path: str) -> list[NavLink]:
    """The entries this user may follow, in order, with the current page marked."""
    if not user.is_authenticated:
        return []
    held = roles_held(user)
    # Read only where it decides something: an officer without the member role.
    is_person = cache(lambda: Person.objects.filter(user_id=user.pk).exists())
    links = []
    for entry in NAV_ENTRIES:
        refused = entry.roles is not None and not (held & entry.roles)
        if refused and not (entry.member_too and held and is_person()):
            continue
        if entry.operator_only and not is_platform_operator(user):
            continue
        url = reverse(entry.url_name)
        links.append(NavLink(str(entry.label), url, active=current_path == url))
    return links
