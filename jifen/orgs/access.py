"""The one door through which views and services reach organizations and people.

Every role is held in an organization and reaches its subtree only. Anything outside a user's
reach does not exist for them: the door answers 404 (never 403, which would confirm the thing
exists) and records the refusal in the audit log.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.orgs.models import Organization, Person, RoleAssignment

AnyUser = AbstractBaseUser | AnonymousUser


class Action(enum.Enum):
    VIEW_ORG = "view_org"  # the tree, an organization's page and members
    VIEW_PERSON = "view_person"  # a person's page and history
    MANAGE_PEOPLE = "manage_people"  # add, edit, transfer, exempt people; import the roster
    MANAGE_ORGS = "manage_orgs"  # add organizations under one's own
    RECORD = "record"  # record activities and attendance, enter facts in the ledger
    MANAGE_ROLES = "manage_roles"  # grant and revoke roles
    SEE_SENSITIVE = "see_sensitive"  # ID-card and phone numbers in full
    VIEW_AUDIT = "view_audit"  # the audit log
    SELF_ASSESS = "self_assess"  # fill the organization's own assessment self sheet
    ASSESS = "assess"  # open assessment rounds, fill committee sheets, publish results
    VIEW_BULLETIN = (
        "view_bulletin"  # the general branch's quarterly bulletin (通报) of its branches
    )
    SIGN_PERIOD = "sign_period"  # sign a quarter (签名确认) and open its public notice
    INVESTIGATE = "investigate"  # the branch committee's finding on an objection
    SPECIAL_REVIEW = "special_review"  # the general branch's 专项查核 of an escalated objection
    VIEW_NOTICE = "view_notice"  # read a public notice (公示) and its objections
    OBJECT = "object"  # file an objection during a public notice
    ENTER_GRADES = "enter_grades"  # democratic-review grades (民主评议), for the branch committee
    PROPOSE_STARS = "propose_stars"  # the branch secretary proposes the year's stars
    APPROVE_STARS = "approve_stars"  # the general branch decides ties and approves the stars
    FOLLOW_UP = "follow_up"  # record the steps of warnings' follow-up actions (约谈, 帮教 …)
    ROLLOVER = "rollover"  # carry the year's rulebook adoptions forward to the next year


_R = Role
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_ORG: frozenset(
        {
            _R.COMMITTEE_ADMIN,
            _R.GENERAL_BRANCH_ADMIN,
            _R.BRANCH_SECRETARY,
            _R.BRANCH_COMMITTEE,
            _R.SCOREKEEPER,
            _R.AUDITOR,
        }
    ),
    Action.VIEW_PERSON: frozenset(
        {
            _R.COMMITTEE_ADMIN,
            _R.GENERAL_BRANCH_ADMIN,
            _R.BRANCH_SECRETARY,
            _R.BRANCH_COMMITTEE,
            _R.SCOREKEEPER,
            _R.AUDITOR,
        }
    ),
    Action.MANAGE_PEOPLE: frozenset(
        {_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY}
    ),
    Action.MANAGE_ORGS: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
    Action.RECORD: frozenset(
        {_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY, _R.SCOREKEEPER}
    ),
    Action.MANAGE_ROLES: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
    Action.SEE_SENSITIVE: frozenset(
        {_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY}
    ),
    Action.VIEW_AUDIT: frozenset({_R.AUDITOR}),
    Action.SELF_ASSESS: frozenset({_R.BRANCH_SECRETARY, _R.GENERAL_BRANCH_ADMIN}),
    Action.ASSESS: frozenset({_R.COMMITTEE_ADMIN}),
    Action.VIEW_BULLETIN: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.AUDITOR}),
    Action.SIGN_PERIOD: frozenset({_R.BRANCH_SECRETARY}),
    Action.INVESTIGATE: frozenset({_R.BRANCH_SECRETARY, _R.BRANCH_COMMITTEE}),
    Action.SPECIAL_REVIEW: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
    Action.VIEW_NOTICE: frozenset(
        {
            _R.COMMITTEE_ADMIN,
            _R.GENERAL_BRANCH_ADMIN,
            _R.BRANCH_SECRETARY,
            _R.BRANCH_COMMITTEE,
            _R.SCOREKEEPER,
            _R.AUDITOR,
            _R.MEMBER,
            _R.OBSERVER,
        }
    ),
    Action.OBJECT: frozenset({_R.MEMBER, _R.OBSERVER}),
    Action.ENTER_GRADES: frozenset({_R.BRANCH_SECRETARY, _R.BRANCH_COMMITTEE}),
    Action.PROPOSE_STARS: frozenset({_R.BRANCH_SECRETARY}),
    # A branch directly under the committee (直属党支部) is approved by the committee.
    Action.APPROVE_STARS: frozenset({_R.GENERAL_BRANCH_ADMIN, _R.COMMITTEE_ADMIN}),
    Action.FOLLOW_UP: frozenset(
        {_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY, _R.BRANCH_COMMITTEE}
    ),
    Action.ROLLOVER: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
}

# Who may grant which role: nobody grants a role above their own.
GRANTABLE: dict[Role, frozenset[Role]] = {
    _R.COMMITTEE_ADMIN: frozenset(Role),
    _R.GENERAL_BRANCH_ADMIN: frozenset(Role) - {_R.COMMITTEE_ADMIN, _R.AUDITOR},
}


@dataclass(frozen=True)
class Reach:
    """The subtrees (as path prefixes) in which a user may take an action."""

    paths: tuple[str, ...]

    def covers(self, organization: Organization) -> bool:
        return any(organization.path.startswith(path) for path in self.paths)

    def org_filter(self, field: str = "path") -> Q:
        if not self.paths:
            return Q(pk__in=[])
        query = Q()
        for path in self.paths:
            query |= Q(**{f"{field}__startswith": path})
        return query


def assignments_of(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    return list(
        RoleAssignment.objects.filter(user_id=user.pk, revoked_at__isnull=True).select_related(
            "organization"
        )
    )


def roles_held(user: AnyUser) -> frozenset[Role]:
    """Every role the user holds, in whichever organization."""
    return frozenset(Role(a.role) for a in assignments_of(user))


def reach(user: AnyUser, action: Action) -> Reach:
    allowed = ALLOWED[action]
    paths = sorted(
        {a.organization.path for a in assignments_of(user) if a.role in allowed},
        key=len,
    )
    # Drop paths inside another path already listed: they add nothing.
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return Reach(tuple(kept))


def can(user: AnyUser, action: Action, organization: Organization) -> bool:
    return reach(user, action).covers(organization)


def orgs_for(user: AnyUser, action: Action = Action.VIEW_ORG) -> QuerySet[Organization]:
    return Organization.objects.filter(reach(user, action).org_filter()).select_related("kind")


def people_for(user: AnyUser, action: Action = Action.VIEW_PERSON) -> QuerySet[Person]:
    """People who belong, or once belonged, to an organization within reach."""
    where = reach(user, action).org_filter("memberships__organization__path")
    return Person.objects.filter(where).distinct()


def _deny(request: HttpRequest | None, user: AnyUser, what: str, action: Action) -> Http404:
    audit_record(
        action="access.denied",
        actor=user,
        request=request,
        target=what,
        summary=f"拒绝访问 {what}（{action.value}）",
        detail={"action": action.value},
    )
    return Http404("未找到")


def org_for(
    user: AnyUser,
    org_id: int | str,
    action: Action = Action.VIEW_ORG,
    *,
    request: HttpRequest | None = None,
) -> Organization:
    """The organization, if ``user`` may take ``action`` on it; otherwise 404 (and audited)."""
    try:
        organization = Organization.objects.select_related("kind", "parent").get(pk=int(org_id))
    except (Organization.DoesNotExist, ValueError):
        raise _deny(request, user, f"orgs.Organization:{org_id}", action) from None
    if not can(user, action, organization):
        raise _deny(request, user, f"orgs.Organization:{org_id}", action)
    return organization


def person_for(
    user: AnyUser,
    person_id: int | str,
    action: Action = Action.VIEW_PERSON,
    *,
    request: HttpRequest | None = None,
) -> Person:
    """The person, if within reach for ``action`` — or, for reading, the user themself."""
    try:
        person = Person.objects.get(pk=int(person_id))
    except (Person.DoesNotExist, ValueError):
        raise _deny(request, user, f"orgs.Person:{person_id}", action) from None
    if action == Action.VIEW_PERSON and user.is_authenticated and person.user_id == user.pk:
        return person
    if not people_for(user, action).filter(pk=person.pk).exists():
        raise _deny(request, user, f"orgs.Person:{person_id}", action)
    return person


def sees_sensitive(user: AnyUser, person: Person) -> bool:
    """ID-card and phone numbers in full: to oneself and to the people who manage one."""
    if user.is_authenticated and person.user_id == user.pk:
        return True
    return people_for(user, Action.SEE_SENSITIVE).filter(pk=person.pk).exists()


def grantable_roles(user: AnyUser, organization: Organization) -> list[Role]:
    roles: set[Role] = set()
    for assignment in assignments_of(user):
        if organization.path.startswith(assignment.organization.path):
            roles |= GRANTABLE.get(Role(assignment.role), frozenset())
    return [role for role in Role if role in roles]
