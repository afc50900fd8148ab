"""The account list of an admin's subtree: searched and paged in the database, so a committee
of 10,000 members reads one page of rows, not 10,000."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet

from jifen.orgs import access
from jifen.orgs.access import AnyUser
from jifen.orgs.models import Organization, RoleAssignment

_LATIN = re.compile(r"^[A-Za-z0-9._-]+$")


def accounts_search(
    user: AnyUser, query: str = "", organization: Organization | None = None
) -> QuerySet[User]:
    """The accounts ``user`` manages, by username, name, pinyin or initials (zhangwei, zw), or
    within ``organization``'s subtree (a role held there or a person belonging there today)."""
    accounts = access.accounts_for(user)
    if organization is not None:
        accounts = accounts.filter(
            Q(
                pk__in=RoleAssignment.objects.filter(
                    revoked_at__isnull=True, organization__path__startswith=organization.path
                ).values("user_id")
            )
            | Q(
                pk__in=access.open_memberships()
                .filter(organization__path__startswith=organization.path)
                .values("person__user_id")
            )
        )
    query = query.strip()
    if query:
        if _LATIN.match(query):
            latin = query.lower()
            accounts = accounts.filter(
                Q(username__istartswith=latin)
                | Q(person__name_pinyin__startswith=latin)
                | Q(person__name_initials__startswith=latin)
            )
        else:
            accounts = accounts.filter(
                Q(first_name__contains=query) | Q(person__name__contains=query)
            )
    return accounts.order_by("username")


def accounts_shown(accounts: Iterable[User]) -> QuerySet[User]:
    """One page of accounts with their person, active roles and whether a password is due."""
    return (
        User.objects.filter(pk__in=[a.pk for a in accounts])
        .select_related("person", "password_due")
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.filter(revoked_at__isnull=True)
                .select_related("organization")
                .order_by("organization__path", "role"),
                to_attr="active_roles",
            )
        )
        .order_by("username")
    )
