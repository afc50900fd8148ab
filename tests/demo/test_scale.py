"""`jifen demo --members N`: a committee at the size one asks for, built in bulk, whose ledger
verifies and whose scores are the engine's on the facts it planned."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from jifen.accounts.roles import Role
from jifen.core import clock
from jifen.core.statistics import planner_rows
from jifen.demo.scale_plan import branch_facts, scale_plan
from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry, LedgerHead, Origin
from jifen.ledger.scores import member_year, months_reached, subject_until
from jifen.ledger.services import NewFact, entries_append, seal_add
from jifen.ledger.verify import ledger_verify
from jifen.orgs.idcard import id_number_problem
from jifen.orgs.models import Membership, Organization, Person, RoleAssignment
from jifen.recording.models import Activity
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.scoring import Calendar, Fact, Interval, Subject, score
from tests.clock import clock_held
from tests.core.test_bulkinsert import ledger_indexes

MEMBERS = 450


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: Any) -> Iterator[SimpleNamespace]:
    """One 450-member committee for the module, rolled back at its end."""
    out = io.StringIO()
    with django_db_blocker.unblock(), clock_held(), transaction.atomic():
        indexes = ledger_indexes()
        call_command("demo", members=MEMBERS, code="SCT", stdout=out)
        yield SimpleNamespace(output=out.getvalue(), as_of=clock.today(), indexes=indexes)
        transaction.set_rollback(True)


def _committee() -> Organization:
    return Organization.objects.get(code="SCT")


@pytest.mark.django_db
def test_the_tree_has_branches_of_about_200_under_general_branches(built: SimpleNamespace) -> None:
    committee = _committee()
    assert committee.kind.code == "committee"
    generals = list(Organization.objects.filter(parent=committee))
    assert [g.kind.code for g in generals] == ["general_branch"]
    branches = list(Organization.objects.filter(parent=generals[0]).order_by("code"))
    assert {b.kind.code for b in branches} == {"branch"}
    sizes = [Membership.objects.filter(organization=b).count() for b in branches]
    assert sizes == [225, 225]
    assert Person.objects.count() == MEMBERS
    categories = Counter(Person.objects.values_list("category", flat=True))
    assert categories["full"] > MEMBERS * 0.8
    assert categories["probationary"] > 0
    assert all(
        id_number_problem(n) is None for n in Person.objects.values_list("id_number", flat=True)
    )
    assert all(name.strip() for name in Person.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_the_year_so_far_is_recorded_and_the_chains_verify(built: SimpleNamespace) -> None:
    as_of = built.as_of
    assert adoption_for(_committee(), as_of.year) is not None
    entries = Entry.objects.all()
    assert entries.count() > MEMBERS * 40
    assert not entries.filter(date__gt=as_of).exists()
    items = Counter(entries.values_list("item", flat=True))
    assert items["party_day"] > items["group_meeting"] > items["branch_meeting"] > 0
    assert items["xxqg_login"] == items["xxqg_quiz"] > 0
    assert items["dues"] > 0
    assert items["volunteer"] > 0
    labels = Counter(entries.filter(item="party_day").values_list("value", flat=True))
    assert labels["present"] > labels["excused"] > 0
    assert labels["absent"] > 0
    # Each attendance names its activity, as attendance_record writes it.
    activity = Activity.objects.filter(organization__code__startswith="SCT").first()
    assert activity is not None
    assert Entry.objects.filter(origin_ref=activity.ref, item=activity.item).exists()
    assert ledger_verify() == []
    heads = dict(LedgerHead.objects.values_list("organization_id", "seq"))
    for org_id, seq in heads.items():
        assert Entry.objects.filter(organization_id=org_id).count() == seq
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert "哈希链全部吻合" in out.getvalue()
    assert "sct-admin" in built.output
    assert "党员 450" in built.output


@pytest.mark.django_db
def test_the_planner_knows_the_ledger_as_built(built: SimpleNamespace) -> None:
    """The build ends with ANALYZE: the planner's row count is the ledger's, not the empty
    table's, and the per-column (PostgreSQL) or per-index (SQLite) statistics are there."""
    count = Entry.objects.count()
    assert abs(planner_rows(Entry) - count) <= 0.2 * count
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT attname FROM pg_stats WHERE tablename = 'ledger_entry'")
            assert {"person_id", "date", "item", "organization_id"} <= {r[0] for r in cursor}
        else:
            cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'ledger_entry'")
            indexes = [r[0] for r in cursor.fetchall()]
            assert len(indexes) >= 10  # one row for each of its indexes
            assert all(indexes)
    assert "analyze" in built.output


@pytest.mark.django_db
def test_the_ledger_has_its_indexes_after_the_build(built: SimpleNamespace) -> None:
    # On PostgreSQL its non-unique indexes were dropped for the load and built after it.
    assert ledger_indexes() == built.indexes
    assert len(built.indexes) >= 10


@pytest.mark.django_db
def test_the_committee_admin_account_holds_its_role(built: SimpleNamespace) -> None:
    user = User.objects.get(username="sct-admin")
    roles = RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
    assert [(r.role, r.organization.code) for r in roles] == [(Role.COMMITTEE_ADMIN, "SCT")]
    password = built.output.split("密码 password：")[1].split()[0]
    assert user.check_password(password)


def _engine_totals(built: SimpleNamespace, branch: Organization) -> dict[str, Decimal]:
    """The engine's totals on the planned facts of ``branch``: no database involved but the
    rulebook's text."""
    as_of = built.as_of
    plan = scale_plan("SCT", MEMBERS, as_of)
    members = [p for p in plan.people if p.branch == branch.code]
    _activities, planned = branch_facts(plan, branch.code, members)
    rulebook = rulebook_of(adoption_for(branch, as_of.year))  # type: ignore[arg-type]
    calendar = Calendar(as_of.year, rulebook.year_start)
    reached = months_reached(calendar, as_of)
    facts = [
        Fact(str(n), members[f.person].id_number, f.date, f.item,
             Decimal(f.value) if f.value.isdigit() else f.value)
        for n, f in enumerate(planned)
    ]  # fmt: skip
    new_year = dt.date(as_of.year, 1, 1)
    subjects = [
        subject_until(
            Subject(id=p.id_number, name=p.name, org=branch.code, category=p.category,
                    active=(Interval(max(p.start, new_year), dt.date(as_of.year, 12, 31)),)),
            calendar, reached,
        )
        for p in members
    ]  # fmt: skip
    sheet = score(rulebook, facts, year=as_of.year, subjects=subjects, explain=False)
    return {r.subject: r.total for r in sheet.results}


@pytest.mark.django_db
def test_member_totals_are_the_engines_on_the_planned_facts(built: SimpleNamespace) -> None:
    branch = Organization.objects.filter(code__startswith="SCT", kind__code="branch").first()
    assert branch is not None
    expected = _engine_totals(built, branch)
    people = list(Person.objects.filter(memberships__organization=branch).order_by("pk"))
    joiner = next(p for p in people if p.memberships.get().start > dt.date(built.as_of.year, 1, 1))
    probationary = next(p for p in people if p.category == "probationary")
    chosen = [people[0], people[-1], joiner, probationary]
    totals = {p.id_number: member_year(p, built.as_of.year, today=built.as_of) for p in chosen}
    assert len({expected[n] for n in totals}) > 1  # not all full marks: absences count
    for number, year in totals.items():
        assert year is not None
        assert year.result.total == expected[number], number


@pytest.mark.django_db
def test_a_bulk_load_continues_a_chain_the_services_began(built: SimpleNamespace) -> None:
    branch = Organization.objects.filter(code__startswith="SCT", kind__code="branch").first()
    assert branch is not None
    person = Person.objects.filter(memberships__organization=branch).first()
    assert person is not None
    day = built.as_of
    entries_append(organization=branch, facts=[NewFact(person, day, "volunteer", 1)],
                   origin=Origin.MANUAL, origin_ref="t", recorded_by=None, summary="t")  # fmt: skip
    loaded = entries_load(
        organization=branch,
        facts=[BulkFact(person.pk, day, "grid_work", 2, Origin.MANUAL, "走访")],
        recorded_by=None,
        summary="t",
    )
    entries_append(organization=branch, facts=[NewFact(person, day, "volunteer", 1)],
                   origin=Origin.MANUAL, origin_ref="t", recorded_by=None, summary="t")  # fmt: skip
    assert loaded == 1
    assert ledger_verify([branch]) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"members": 0}, "--members 应是 1 到"),
        ({"members": -5}, "--members 应是 1 到"),
        ({"members": 10, "code": "1ABC"}, "组织代码 1ABC 不对"),
        ({"members": 10, "code": "SCT"}, "组织代码 SCT 已被使用"),
        ({"members": 10, "code": "sct"}, "组织代码 SCT 已被使用"),
    ],
)
def test_bad_arguments_exit_2_and_change_nothing(
    built: SimpleNamespace, options: dict[str, Any], message: str
) -> None:
    people = Person.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("demo", **options, stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert Person.objects.count() == people


@pytest.mark.django_db
def test_a_bulk_load_into_a_signed_span_is_refused_whole(built: SimpleNamespace) -> None:
    branch = Organization.objects.filter(code__startswith="SCT", kind__code="branch").first()
    assert branch is not None
    person = Person.objects.filter(memberships__organization=branch).first()
    assert person is not None
    day = built.as_of
    seal_add(organization=branch.parent, start=day, end=day, label="第四季度", ref="t",
             sealed_by=None)  # fmt: skip
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as refused:
        entries_load(
            organization=branch,
            facts=[
                BulkFact(person.pk, day - dt.timedelta(days=1), "volunteer", 1, Origin.MANUAL),
                BulkFact(person.pk, day, "volunteer", 1, Origin.MANUAL),
            ],
            recorded_by=None,
            summary="t",
        )
    assert "第四季度" in refused.value.messages[0]
    assert "已签名确认" in refused.value.messages[0]
    assert Entry.objects.count() == before
