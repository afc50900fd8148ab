"""The first-run guide (开始使用) on a committee's or general branch's page: what is still
missing before the year can be scored — the tree, the people, this year's rulebook, officers.

It lives here, not in orgs, because it asks which rulebook applies (rulebooks stands above orgs
in the layers); the organization page loads it through the ``first_run`` template tag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jifen.accounts.roles import Role
from jifen.orgs import access, selectors
from jifen.orgs.models import Organization, RoleAssignment
from jifen.rulebooks.services import adoption_for

# The officers a branch needs on day one: someone to sign, someone to record.
OFFICERS = (Role.BRANCH_SECRETARY, Role.SCOREKEEPER)
_ADMINS = frozenset({Role.COMMITTEE_ADMIN, Role.GENERAL_BRANCH_ADMIN})


@dataclass(frozen=True)
class FirstRun:
    has_tree: bool  # sub-organizations exist
    has_people: bool  # someone belongs to the subtree on the day
    has_rulebook: bool  # a rulebook applies to the organization this year
    has_officers: bool  # a branch secretary and a scorekeeper hold a role in the subtree

    @property
    def ready(self) -> bool:
        return self.has_tree and self.has_people and self.has_rulebook and self.has_officers


def first_run(*, organization: Organization, day: dt.date) -> FirstRun:
    """Four cheap queries (EXISTS, EXISTS, one adoption lookup, one DISTINCT), whatever the
    size of the tree."""
    subtree = Organization.objects.filter(path__startswith=organization.path)
    roles = set(
        RoleAssignment.objects.filter(
            organization__path__startswith=organization.path,
            revoked_at__isnull=True,
            role__in=[r.value for r in OFFICERS],
        )
        .values_list("role", flat=True)
        .distinct()
    )
    return FirstRun(
        has_tree=subtree.exclude(pk=organization.pk).exists(),
        has_people=selectors.memberships_on(
            organization=organization, day=day, subtree=True
        ).exists(),
        has_rulebook=adoption_for(organization, day.year) is not None,
        has_officers=all(r.value in roles for r in OFFICERS),
    )


def shows_first_run(user: access.AnyUser, organization: Organization) -> bool:
    """The guide is for the admin of this very organization (a committee admin on the
    committee's page, a general-branch admin on theirs), not for every page they can open."""
    return any(
        a.organization_id == organization.pk and a.role in _ADMINS
        for a in access.assignments_of(user)
    )
