"""The demo college: 中共某某职业学院委员会, its general branches, branches and 300 people.

Two halves. ``college_plan`` is pure: from a fixed seed and a reference day it draws every
organization, person and event of the year (the same seed and day give the same plan, to the
last digit; names, genders and branches do not depend on the day at all). ``college_load``
writes the plan through the ``jifen.orgs`` services, in one transaction, and does nothing the
second time (the committee's code is already taken).

The reference day is today for the current year, 31 December for a past year: probationary
members' probation ends within a year of it, and the year's transfer, departure and exemption
fall on or before it.

The college's shape (organizations, who belongs to each branch, where the demo accounts belong)
is in ``jifen.demo.structure``; drawing one person is ``jifen.demo.people``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from jifen.accounts.demo import (
    COMMITTEE_CODE,
    DEMO_ACCOUNTS,
    DemoAccount,
    demo_accounts_load,
)
from jifen.core import clock
from jifen.demo.people import Drawer, PersonPlan
from jifen.demo.structure import (
    ACCOUNT_HOMES,
    BRANCH_MIXES,
    LEAVE_FROM,
    ORGANIZATIONS,
    RETIRED_BRANCH_CODE,
    TRANSFER_FROM,
    TRANSFER_TO,
    OrgPlan,
)
from jifen.orgs.kinds import kinds_ensure
from jifen.orgs.models import (
    Category,
    Exemption,
    Membership,
    Organization,
    OrganizationKind,
    Person,
)
from jifen.orgs.services import (
    exemption_create,
    membership_leave,
    membership_transfer,
    organization_create,
    person_create,
)

SEED = 20181106  # the day seed 001's scheme was issued


@dataclass(frozen=True)
class Transfer:
    person: str  # ID number
    to: str
    on: dt.date
    note: str


@dataclass(frozen=True)
class Leave:
    person: str
    on: dt.date
    note: str


@dataclass(frozen=True)
class ExemptionPlan:
    person: str
    reason: str
    committee_decided_on: dt.date
    general_meeting_on: dt.date
    filed_on: dt.date


@dataclass(frozen=True)
class CollegePlan:
    as_of: dt.date
    organizations: tuple[OrgPlan, ...]
    people: tuple[PersonPlan, ...]
    transfer: Transfer
    leave: Leave
    exemption: ExemptionPlan


def reference_day(year: int | None = None, today: dt.date | None = None) -> dt.date:
    """Today for the current year (or a future one), 31 December for a past year."""
    today = today or clock.today()
    year = year or today.year
    return today if year >= today.year else dt.date(year, 12, 31)


def _event_days(as_of: dt.date, planned: list[dt.date]) -> list[dt.date]:
    """The planned days of the year if they have all come; otherwise the same days squeezed
    into the part of the year gone by, in the same order."""
    if all(day <= as_of for day in planned):
        return planned
    new_year = dt.date(as_of.year, 1, 1)
    year_days = (dt.date(as_of.year, 12, 31) - new_year).days
    gone = (as_of - new_year).days
    return [
        new_year + dt.timedelta(days=(day - new_year).days * gone // year_days) for day in planned
    ]


def college_plan(year: int | None = None, *, today: dt.date | None = None) -> CollegePlan:
    """Everything the demo college holds, drawn from ``SEED``; no database involved."""
    as_of = reference_day(year, today)
    rng = random.Random(SEED)  # noqa: S311 — demo data, not secrets
    name_rng = random.Random(SEED + 1)  # noqa: S311
    drawer = Drawer(rng, name_rng, as_of)
    accounts: dict[str, DemoAccount] = {a.username: a for a in DEMO_ACCOUNTS}
    drawer.names.update(a.name for a in DEMO_ACCOUNTS)  # nobody else bears their names
    since = {org.code: org.active_from for org in ORGANIZATIONS}
    people: list[PersonPlan] = []
    for code, mix in BRANCH_MIXES.items():
        # The account holders come first among the full members of their profile.
        homes = [(u, h) for u, h in ACCOUNT_HOMES.items() if h.branch == code]
        for profile, category, count in mix.groups:
            for _ in range(count):
                home = next(((u, h) for u, h in homes if h.profile is profile), None)
                name = gender = None
                if home is not None and category is Category.FULL:
                    homes.remove(home)
                    name, gender = accounts[home[0]].name, home[1].gender
                people.append(
                    drawer.person(
                        branch=code,
                        branch_since=since[code],
                        profile=profile,
                        category=category,
                        men=mix.men,
                        name=name,
                        gender=gender,
                    )
                )
    reserved = {a.name for a in DEMO_ACCOUNTS}

    def full_staff(branch: str) -> list[PersonPlan]:
        return [
            p
            for p in people
            if p.branch == branch and p.category is Category.FULL and p.name not in reserved
        ]

    moving = name_rng.choice(full_staff(TRANSFER_FROM))
    leaving = name_rng.choice(full_staff(LEAVE_FROM))
    frail = min(full_staff(RETIRED_BRANCH_CODE), key=lambda p: p.birth)
    y = as_of.year
    decided, passed, filed, moved, left = _event_days(
        as_of,
        [
            dt.date(y, 3, 12),
            dt.date(y, 3, 26),
            dt.date(y, 4, 2),
            dt.date(y, 6, 15),
            dt.date(y, 7, 10),
        ],
    )
    return CollegePlan(
        as_of=as_of,
        organizations=ORGANIZATIONS,
        people=tuple(people),
        transfer=Transfer(
            moving.id_number, TRANSFER_TO, moved, "工作调动：调入信息工程学院任教"
        ),
        leave=Leave(leaving.id_number, left, "调离学校，组织关系转出"),
        exemption=ExemptionPlan(frail.id_number, "年老体弱，长期卧床，无法正常参加组织生活",
                                decided, passed, filed),
    )  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    committee: str
    organizations: dict[str, int]  # kind name → how many, the committee included
    people: dict[str, int]  # category label → how many
    transfers: list[str]
    leaves: list[str]
    exemptions: list[str]
    accounts: list[tuple[DemoAccount, str]] = field(default_factory=list)  # with where it is held

    @property
    def people_total(self) -> int:
        return sum(self.people.values())


def college_summary(*, created: bool = False) -> DemoSummary:
    """What the demo college holds now, read back from the database."""
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    subtree = Organization.objects.filter(path__startswith=committee.path)
    kinds = Counter(subtree.values_list("kind__name", flat=True))
    people = Person.objects.filter(
        pk__in=Membership.objects.filter(organization__path__startswith=committee.path).values(
            "person_id"
        )
    )
    labels = dict(Category.choices)
    by_category = Counter(people.values_list("category", flat=True))
    memberships = Membership.objects.filter(
        organization__path__startswith=committee.path
    ).select_related("person", "organization")
    transfers = [
        f"{m.person.name}：{m.start} 转入 {m.organization.name}（{m.note}）"
        for m in memberships.filter(start_reason=Membership.StartReason.TRANSFER).order_by("start")
    ]
    leaves = [
        f"{m.person.name}：{m.end} 离开 {m.organization.name}（{m.note}）"
        for m in memberships.filter(end_reason=Membership.EndReason.LEAVE).order_by("end")
    ]
    exemptions = [
        f"{e.person.name}：自 {e.start} 起不列入管理（{e.reason}；"
        f"支委会研究 {e.committee_decided_on}，党员大会通过 {e.general_meeting_on}，"
        f"报党总支备案 {e.filed_on}）"
        for e in Exemption.objects.filter(person__in=people).select_related("person")
    ]
    names = dict(subtree.values_list("code", "name"))
    return DemoSummary(
        created=created,
        committee=committee.name,
        organizations=dict(kinds),
        people={labels[c]: by_category[c] for c in Category.values if by_category[c]},
        transfers=transfers,
        leaves=leaves,
        exemptions=exemptions,
        accounts=[(a, names.get(a.organization_code, "")) for a in DEMO_ACCOUNTS],
    )


@transaction.atomic
def college_load(year: int | None = None, *, today: dt.date | None = None) -> DemoSummary:
    """Build the demo college and its accounts unless the committee already exists; the
    accounts are checked either way (a second run writes nothing)."""
    created = False
    if not Organization.objects.filter(code=COMMITTEE_CODE).exists():
        _build(college_plan(year, today=today))
        created = True
    demo_accounts_load()
    return college_summary(created=created)


def _build(plan: CollegePlan) -> None:
    kinds_ensure(OrganizationKind)
    kinds = {kind.code: kind for kind in OrganizationKind.objects.all()}
    orgs: dict[str, Organization] = {}
    for org in plan.organizations:
        orgs[org.code] = organization_create(
            code=org.code,
            name=org.name,
            kind=kinds[org.kind],
            parent=orgs[org.parent] if org.parent else None,
            active_from=org.active_from,
        )
    people: dict[str, Person] = {}
    for p in plan.people:
        people[p.id_number] = person_create(
            name=p.name,
            gender=p.gender,
            id_number=p.id_number,
            category=p.category,
            organization=orgs[p.branch],
            start=p.start,
            phone=p.phone,
            joined_party=p.joined_party,
            probation_ends=p.probation_ends,
        )
    membership_transfer(
        person=people[plan.transfer.person],
        to=orgs[plan.transfer.to],
        on=plan.transfer.on,
        note=plan.transfer.note,
    )
    membership_leave(person=people[plan.leave.person], on=plan.leave.on, note=plan.leave.note)
    exemption = plan.exemption
    exemption_create(
        person=people[exemption.person],
        start=exemption.filed_on,
        reason=exemption.reason,
        committee_decided_on=exemption.committee_decided_on,
        general_meeting_on=exemption.general_meeting_on,
        filed_on=exemption.filed_on,
    )


__all__ = [
    "SEED",
    "CollegePlan",
    "DemoSummary",
    "college_load",
    "college_plan",
    "college_summary",
    "reference_day",
]
