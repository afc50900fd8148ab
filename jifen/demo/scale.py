"""Writing the scale demo (`jifen demo --members N`): the plan of ``jifen.demo.scale_plan`` in
bulk, in one transaction.

The tree goes through ``organization_create`` (a few hundred rows); people, memberships and
activities are inserted in batches (``bulk_create``) with one audit event each; the facts go
through the ledger's bulk path (``jifen.ledger.bulk.entries_load``), one chain per branch,
computed in one pass and written with COPY on PostgreSQL. 10,000 members and their
650,000 facts take well under a minute; the figures are in docs/scaling.md.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction

from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.audit.services import audit_record
from jifen.core.bulkinsert import secondary_indexes_deferred
from jifen.core.statistics import statistics_refresh
from jifen.demo.names import draw_id_number
from jifen.demo.scale_plan import ScalePerson, ScalePlan, branch_facts, scale_plan
from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry, LedgerHead, ScoreHead
from jifen.orgs.kinds import kinds_ensure
from jifen.orgs.models import Membership, Organization, OrganizationKind, Person
from jifen.orgs.pinyin import pinyin_keys
from jifen.orgs.services import organization_create, role_grant
from jifen.recording.models import Activity
from jifen.rulebooks.services import adoption_set

BATCH = 5000
FOUNDED = dt.date(2010, 7, 1)


@dataclass
class ScaleSummary:
    code: str
    name: str
    organizations: dict[str, int]  # kind → how many, the committee included
    people: int
    activities: int = 0
    facts: int = 0
    username: str = ""
    password: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # stage → seconds


def _unique_ids(plan: ScalePlan) -> list[ScalePerson]:
    """The plan's people, with an ID number drawn again where someone in the database (another
    demo committee) already holds it: ID numbers are unique."""
    people = list(plan.people)
    numbers = [p.id_number for p in people]
    taken = set(numbers)
    clashes: set[str] = set()
    for at in range(0, len(numbers), BATCH):
        chunk = numbers[at : at + BATCH]
        clashes.update(
            Person.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
        )
    if not clashes:
        return people
    import random  # noqa: PLC0415 (only on a clash, rare)

    rng = random.Random(plan.code)  # noqa: S311 (demo data)
    taken |= clashes
    return [
        p
        if p.id_number not in clashes
        else ScalePerson(
            **{**p.__dict__, "id_number": draw_id_number(rng, p.birth, p.gender, taken)}
        )
        for p in people
    ]


def _tree(plan: ScalePlan) -> dict[str, Organization]:
    kinds_ensure(OrganizationKind)
    kinds = {kind.code: kind for kind in OrganizationKind.objects.all()}
    orgs: dict[str, Organization] = {}
    for org in plan.organizations:
        orgs[org.code] = organization_create(
            code=org.code,
            name=org.name,
            kind=kinds[org.kind],
            parent=orgs[org.parent] if org.parent else None,
            active_from=FOUNDED,
        )
    return orgs


def _people(
    plan: ScalePlan, orgs: dict[str, Organization]
) -> dict[str, list[tuple[int, ScalePerson]]]:
    """Insert the people and their memberships; each branch's members as (id, plan), in the
    plan's order."""
    pinyin: dict[str, tuple[str, str]] = {}
    planned = _unique_ids(plan)
    rows = []
    for p in planned:
        keys = pinyin.get(p.name) or pinyin.setdefault(p.name, pinyin_keys(p.name))
        rows.append(
            Person(
                name=p.name, gender=p.gender, id_number=p.id_number, phone=p.phone,
                category=p.category, joined_party=p.joined_party, probation_ends=p.probation_ends,
                name_pinyin=keys[0], name_initials=keys[1],
            )
        )  # fmt: skip
    people = Person.objects.bulk_create(rows, batch_size=BATCH)
    memberships = [
        Membership(person_id=person.pk, organization=orgs[p.branch], start=p.start,
                   start_reason=Membership.StartReason.JOIN)
        for person, p in zip(people, planned, strict=True)
    ]  # fmt: skip
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    audit_record(
        action="person.create",
        actor=None,
        target=orgs[plan.code],
        summary=f"演示：批量新增人员 {len(people)} 人及其组织关系（{plan.code}）",
        detail={"people": len(people), "bulk": True},
    )
    by_branch: dict[str, list[tuple[int, ScalePerson]]] = {}
    for person, p in zip(people, planned, strict=True):
        by_branch.setdefault(p.branch, []).append((person.pk, p))
    return by_branch


def _branch(
    branch: Organization, plan: ScalePlan, members: list[tuple[int, ScalePerson]]
) -> tuple[int, int]:
    """Record one branch's activities and facts; (activities, facts) written."""
    planned_activities, planned = branch_facts(plan, branch.code, [p for _pk, p in members])
    activities = Activity.objects.bulk_create(
        Activity(organization=branch, item=a.item, title=a.title, date=a.date,
                 place="党员活动室", organizer="支部委员会")
        for a in planned_activities
    )  # fmt: skip
    ids = [pk for pk, _p in members]
    refs = [activity.ref for activity in activities]  # once each, not once per attendee
    months: dict[dt.date, str] = {}  # a month's figures and entries: one import, as year.py's
    for f in planned:
        if f.activity is None and f.date not in months:
            months[f.date] = f"demo:{f.date:%Y-%m}"
    facts = [
        BulkFact(
            person_id=ids[f.person],
            date=f.date,
            item=f.item,
            value=f.value,
            origin=f.origin,
            note=f.note,
            origin_ref=refs[f.activity] if f.activity is not None else months[f.date],
        )
        for f in planned
    ]
    written = entries_load(
        organization=branch,
        facts=facts,
        recorded_by=None,
        summary=f"演示：{branch.name}全年记录",
        analyze=False,  # once for the whole ledger at the end (scale_load)
    )
    return len(activities), written


def _admin(plan: ScalePlan, committee: Organization) -> tuple[str, str]:
    """A committee-admin account with a fresh password (printed once by the command)."""
    username = f"{plan.code.lower()}-admin"
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username, password=password, first_name="组织部管理员")
    role_grant(user=user, role=Role.COMMITTEE_ADMIN, organization=committee)
    return username, password


@transaction.atomic
def scale_load(
    *,
    code: str,
    members: int,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleSummary:
    """Build the scale committee ``code`` of ``members`` people and its year up to ``as_of``.
    The caller checks that the code is free (the command refuses otherwise)."""
    clock_started = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock_started
        now = time.perf_counter()
        seconds[stage] = now - clock_started
        clock_started = now

    plan = scale_plan(code, members, as_of)
    lap("plan")
    orgs = _tree(plan)
    committee = orgs[code]
    adoption_set(organization=committee, year=as_of.year, rulebook="seed003")
    lap("tree")
    by_branch = _people(plan, orgs)
    lap("people")
    branches = [org for org in plan.organizations if org.kind == "branch"]
    activities = facts = 0
    # About five facts a member a month: when the load will at least double the ledger, its
    # non-unique indexes are built once after it instead of row by row (PostgreSQL).
    dwarfed = Entry.objects.count() < members * 5 * as_of.month
    with secondary_indexes_deferred(Entry) if dwarfed else nullcontext():
        for done, branch in enumerate(branches, start=1):
            made = _branch(orgs[branch.code], plan, by_branch.get(branch.code, []))
            activities, facts = activities + made[0], facts + made[1]
            if progress is not None:
                progress(done, len(branches))
        lap("facts")
    lap("indexes")
    username, password = _admin(plan, committee)
    # The planner's statistics still describe the tables before the load (PostgreSQL's
    # autovacuum comes after the commit, SQLite has none): refresh them for every table loaded.
    statistics_refresh(
        Organization, Person, Membership, Activity, Entry, LedgerHead, ScoreHead, AuditEvent
    )
    lap("analyze")
    kinds: dict[str, int] = {}
    for org in plan.organizations:
        kinds[org.kind] = kinds.get(org.kind, 0) + 1
    return ScaleSummary(
        code=code,
        name=committee.name,
        organizations=kinds,
        people=len(plan.people),
        activities=activities,
        facts=facts,
        username=username,
        password=password,
        seconds=seconds,
    )
