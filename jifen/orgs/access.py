"""The one door through which views and services reach every object.

Every role is held in an organization and reaches its subtree only. Every object belongs to an
organization — an activity, a notice, an objection, a stored file … — and is reached through
``object_for``, which asks whether the organization it belongs to is within the user's reach
for the action. Anything outside a user's reach does not exist for them: the door answers 404
(never 403, which would confirm the thing exists), the same for a missing object as for a
foreign one, and records the refusal in the audit log.

A user's role assignments are read once per request (``assignments_once``, which the
middleware opens around every request), however many actions a page checks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils.translation import gettext as _

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.models import Membership, Organization, Person, RoleAssignment

AnyUser = AbstractBaseUser | AnonymousUser


class Action(enum.Enum):
    VIEW_ORG = "view_org"  # the tree, an organization's page and members
    VIEW_PERSON = "view_person"  # a person's page and history
    MANAGE_PEOPLE = "manage_people"  # add, edit, transfer, exempt people; import the roster
    MANAGE_ORGS = "manage_orgs"  # add organizations under one's own
    RECORD = "record"  # record activities and attendance, enter facts in the ledger
    MANAGE_ROLES = "manage_roles"  # grant and revoke roles
    # The accounts of one's subtree (jifen/accounts/manage_views.py): create one for a person,
    # reset its password, lock and unlock it, grant and revoke its roles.
    MANAGE_ACCOUNTS = "manage_accounts"
    SEE_SENSITIVE = "see_sensitive"  # ID-card and phone numbers in full
    VIEW_AUDIT = "view_audit"  # the audit log
    SELF_ASSESS = "self_assess"  # fill the organization's own assessment self sheet
    ASSESS = "assess"  # open assessment rounds, fill committee sheets, publish results
    VIEW_BULLETIN = (
        "view_bulletin"  # the general branch's quarterly bulletin (通报) of its branches
    )
    SIGN_PERIOD = "sign_period"  # sign a quarter (签名确认), open its notice; sign a month's 考核表
    INVESTIGATE = "investigate"  # the branch committee's finding on an objection
    SPECIAL_REVIEW = "special_review"  # the general branch's 专项查核 of an escalated objection
    VIEW_NOTICE = "view_notice"  # read a public notice (公示) and its objections
    OBJECT = "object"  # file an objection during a public notice
    ENTER_GRADES = "enter_grades"  # democratic-review grades (民主评议), for the branch committee
    PROPOSE_STARS = "propose_stars"  # the branch secretary proposes the year's stars
    APPROVE_STARS = "approve_stars"  # the general branch decides ties and approves the stars
    FOLLOW_UP = "follow_up"  # record the steps of warnings' follow-up actions (约谈, 帮教 …)
    ROLLOVER = "rollover"  # carry the year's rulebook adoptions forward to the next year
    ADOPT = "adopt"  # read the rulebook library, adopt a built-in rulebook for a year
    # Decide for the branch committee (支委会): confirm a negative-list proposal, settle a
    # disputed declaration.
    DECIDE = "decide"
    # The level above (党总支 or 党委) approves or returns a branch's reported year-end sheet.
    APPROVE_YEAR_END = "approve_year_end"

    # The committee's approval (党委审批) of declarations the branch approved, where the
    # rulebook's category asks for it (seed003 特色分).
    APPROVE_DECLARATIONS = "approve_declarations"

    ASK_LEAVE = "ask_leave"  # a member asks leave (请假) before an activity of their branch
    DECIDE_LEAVE = "decide_leave"  # approve a leave into an excused mark, or refuse it

    # One's own notifications (jifen/inbox): only the recipient is let in (``own``), whatever
    # roles they hold, so no role reaches anyone else's.
    READ_OWN = "read_own"
    # Set the branch's group robot (企业微信/钉钉 群机器人) that reminders are posted to.
    SET_ROBOT = "set_robot"


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
    Action.MANAGE_ACCOUNTS: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
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
    Action.ADOPT: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN}),
    Action.DECIDE: frozenset({_R.BRANCH_COMMITTEE, _R.BRANCH_SECRETARY}),
    Action.APPROVE_YEAR_END: frozenset({_R.GENERAL_BRANCH_ADMIN, _R.COMMITTEE_ADMIN}),
    Action.APPROVE_DECLARATIONS: frozenset({_R.COMMITTEE_ADMIN}),
    # Any member of the activity's organization asks (the service checks they belong that day);
    # whoever records the attendance decides, as they would mark it.
    Action.ASK_LEAVE: frozenset(Role),
    Action.DECIDE_LEAVE: frozenset(
        {_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY, _R.SCOREKEEPER}
    ),
    Action.READ_OWN: frozenset(),
    Action.SET_ROBOT: frozenset({_R.COMMITTEE_ADMIN, _R.GENERAL_BRANCH_ADMIN, _R.BRANCH_SECRETARY}),
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


# Each user's role assignments, by user id, while ``assignments_once`` is open; None outside it,
# where every call reads them afresh (a test that grants a role and checks it again sees it).
_assignments: ContextVar[dict[Any, list[RoleAssignment]] | None] = ContextVar(
    "jifen_role_assignments", default=None
)


@contextmanager
def assignments_once() -> Iterator[None]:
    """Within the block each user's role assignments are read once. The middleware opens it
    around every request; a command or a test may open it too."""
    token = _assignments.set({})
    try:
        yield
    finally:
        _assignments.reset(token)


def _forget_assignments(**_kwargs: Any) -> None:
    # A role granted or revoked within a request counts from the next check on.
    known = _assignments.get()
    if known is not None:
        known.clear()


post_save.connect(_forget_assignments, sender=RoleAssignment, dispatch_uid="access.forget.save")
post_delete.connect(_forget_assignments, sender=RoleAssignment, dispatch_uid="access.forget.delete")


def assignments_of(user: AnyUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    known = _assignments.get()
    if known is not None and user.pk in known:
        return known[user.pk]
    found = list(
        RoleAssignment.objects.filter(user_id=user.pk, revoked_at__isnull=True).select_related(
            "organization"
        )
    )
    if known is not None:
        known[user.pk] = found
    return found


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


def within_reach(user: AnyUser, action: Action, org_field: str = "organization") -> Q:
    """Rows whose organization, through ``org_field``, is within ``user``'s reach for
    ``action``; ``org_field=""`` where the rows are organizations themselves."""
    return reach(user, action).org_filter(f"{org_field}__path" if org_field else "path")


def own(user: AnyUser, user_field: str) -> Q:
    """Rows that are the user's own (their person, their declaration, their objection), named
    by the field holding the user's id. Nothing for an anonymous user."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{user_field: user.pk})


def refused(user: AnyUser, what: str, action: Action) -> Http404:
    """The door's answer to a refusal, recorded in the audit log: raise it. ``what`` names the
    thing refused (``<app>.<Model>:<pk>``, or a page such as ``audit:log``)."""
    audit_record(
        action="access.denied",
        actor=user,
        target=what,
        summary=f"拒绝访问 {what}（{action.value}）",
        detail={"action": action.value},
    )
    return Http404("未找到")


M = TypeVar("M", bound=Model)


def object_for(
    user: AnyUser,
    queryset: QuerySet[M],
    pk: object,
    action: Action = Action.VIEW_ORG,
    *,
    org_field: str | None = "organization",
    also: Q | None = None,
) -> M:
    """The object ``pk`` of ``queryset`` if the organization it belongs to is within ``user``'s
    reach for ``action``, or if it matches ``also`` (the user's own, another way in); otherwise
    404, audited with the target ``<app>.<Model>:<pk>``. ``org_field`` is the lookup path to
    that organization (``"notice__signature__organization"``), ``""`` for an organization
    itself, or None where only ``also`` lets anyone in. A missing object and a refused one are
    refused alike, in one query, so the answer tells nothing."""
    where = within_reach(user, action, org_field) if org_field is not None else Q(pk__in=[])
    if also is not None:
        where |= also
    try:
        found = queryset.filter(where).filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):  # not a key at all: missing, like any other
        found = None
    if found is None:
        raise refused(user, f"{queryset.model._meta.label}:{pk}", action)
    return found


@dataclass(frozen=True)
class Door(Generic[M]):
    """One kind of object and the way to the organization it belongs to, named once where the
    pages that reach it live (``NOTICES = Door(Notice.objects…, "signature__organization")``);
    ``NOTICES.open(user, pk, action)`` is ``object_for`` for that kind. The rows are only ever
    filtered, never evaluated, so one module-level Door serves every request."""

    rows: QuerySet[M]
    org_field: str | None = "organization"

    def open(
        self, user: AnyUser, pk: object, action: Action = Action.VIEW_ORG, *, also: Q | None = None
    ) -> M:
        return object_for(user, self.rows, pk, action, org_field=self.org_field, also=also)


def org_for(
    user: AnyUser,
    org_id: int | str,
    action: Action = Action.VIEW_ORG,
) -> Organization:
    """The organization, if ``user`` may take ``action`` on it; otherwise 404 (and audited)."""
    queryset = Organization.objects.select_related("kind", "parent")
    return object_for(user, queryset, org_id, action, org_field="")


def person_for(
    user: AnyUser,
    person_id: int | str,
    action: Action = Action.VIEW_PERSON,
) -> Person:
    """The person, if within reach for ``action`` — or, for reading, the user themself."""
    return object_for(
        user,
        Person.objects.all(),
        person_id,
        action,
        org_field="memberships__organization",
        also=own(user, "user_id") if action == Action.VIEW_PERSON else None,
    )


def own_person(user: AnyUser) -> Person:
    """The signed-in member's own person (their declarations, their points, their quarter).
    Nothing is refused here, so nothing is audited: an account without a person is told so."""
    person = Person.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    if person is None:
        raise Http404(_("您的账号没有关联党员信息"))
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


# --- accounts --------------------------------------------------------------------------------
#
# An account belongs to the places it holds an active role in and, through its person, to the
# organizations that person belongs to today. An admin manages an account only where *every*
# such place lies within their reach: an account that also holds a role elsewhere — in another
# general branch, at the committee above, in another committee — is not theirs to reset, lock or
# grant, so for them it does not exist (404, audited), like any object outside their reach.
# The platform operator's account (staff) is nobody's here: it is managed at the command line.


def open_memberships() -> QuerySet[Membership]:
    today = clock.today()
    return Membership.objects.filter(Q(end__isnull=True) | Q(end__gt=today), start__lte=today)


def _wholly_within(rows: QuerySet[Any], where: Reach, path: str, key: str) -> tuple[Q, Q]:
    inside = rows.filter(where.org_filter(path)).values(key)
    outside = rows.exclude(where.org_filter(path)).values(key)
    return Q(pk__in=inside), Q(pk__in=outside)


def accounts_for(user: AnyUser, action: Action = Action.MANAGE_ACCOUNTS) -> QuerySet[User]:
    """The accounts ``user`` may manage: every active role they hold and every organization
    their person belongs to today lie within ``user``'s reach (and there is at least one);
    never a staff account. Subqueries, no joins: one page of 10,000 members is one query."""
    where = reach(user, action)
    if not where.paths:
        return User.objects.none()
    roles_in, roles_out = _wholly_within(
        RoleAssignment.objects.filter(revoked_at__isnull=True),
        where,
        "organization__path",
        "user_id",
    )
    members_in, members_out = _wholly_within(
        open_memberships().filter(person__user__isnull=False),
        where,
        "organization__path",
        "person__user_id",
    )
    return (
        User.objects.filter(roles_in | members_in)
        .exclude(roles_out)
        .exclude(members_out)
        .exclude(Q(is_staff=True) | Q(is_superuser=True))
    )


def account_for(
    user: AnyUser, account_id: int | str, action: Action = Action.MANAGE_ACCOUNTS
) -> User:
    """One account ``user`` may manage (``accounts_for``); otherwise 404, audited."""
    return object_for(
        user, accounts_for(user, action), account_id, action, org_field=None, also=Q(pk__gt=0)
    )


def people_for_accounts(user: AnyUser) -> QuerySet[Person]:
    """People an account may be opened for by ``user``: they belong today to an organization
    within reach for MANAGE_ACCOUNTS, and to none outside it."""
    where = reach(user, Action.MANAGE_ACCOUNTS)
    if not where.paths:
        return Person.objects.none()
    inside, outside = _wholly_within(open_memberships(), where, "organization__path", "person_id")
    return Person.objects.filter(inside).exclude(outside)


def account_person_for(user: AnyUser, person_id: int | str) -> Person:
    """The person ``user`` may open (or find) an account for; otherwise 404, audited."""
    return object_for(
        user,
        people_for_accounts(user),
        person_id,
        Action.MANAGE_ACCOUNTS,
        org_field=None,
        also=Q(pk__gt=0),
    )


def accounts_unclaimed() -> QuerySet[User]:
    """Accounts no organization holds: no active role, no person belonging anywhere today, not
    staff — one the platform operator has just made. Any admin may give it its first role."""
    return (
        User.objects.exclude(
            pk__in=RoleAssignment.objects.filter(revoked_at__isnull=True).values("user_id")
        )
        .exclude(
            pk__in=open_memberships().filter(person__user__isnull=False).values("person__user_id")
        )
        .exclude(Q(is_staff=True) | Q(is_superuser=True))
    )
