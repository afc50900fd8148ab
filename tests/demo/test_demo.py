"""The demo college (`jifen demo`): a realistic party committee, the same every time."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from jifen.accounts.demo import (
    COMMITTEE_CODE,
    DEMO_ACCOUNTS,
    DEMO_BRANCH_CODE,
    DEMO_GENERAL_BRANCH_CODE,
    DEMO_OPERATOR_USERNAME,
    DEMO_PASSWORD,
)
from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.demo.college import (
    CollegePlan,
    DemoSummary,
    college_load,
    college_plan,
    reference_day,
)
from jifen.demo.structure import RETIRED_BRANCH_CODE
from jifen.orgs.idcard import id_number_problem, phone_problem
from jifen.orgs.models import (
    Category,
    Exemption,
    Membership,
    Organization,
    Person,
    RoleAssignment,
)
from jifen.orgs.selectors import people_on
from tests.clock import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def college(clock: Clock) -> DemoSummary:
    # Loaded on the held clock's day: the test reads "today" from the same clock, so a midnight
    # (or a New Year) between the load and the checks changes nothing.
    return college_load()


def _people() -> list[Person]:
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    return list(
        Person.objects.filter(memberships__organization__path__startswith=committee.path).distinct()
    )


def _birth(person: Person | str) -> dt.date:
    number = person if isinstance(person, str) else person.id_number
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_it_builds_a_committee_with_three_general_branches_and_twelve_branches(
    college: DemoSummary,
) -> None:
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    assert committee.name == "中共某某职业学院委员会"
    assert committee.kind.code == "committee"
    general = Organization.objects.filter(parent=committee, kind__code="general_branch")
    assert sorted(g.name for g in general) == [
        "信息工程学院党总支",
        "机电工程学院党总支",
        "经济管理学院党总支",
    ]
    branches = Organization.objects.filter(
        path__startswith=committee.path, kind__code="branch"
    ).select_related("parent")
    assert branches.count() == 12
    for g in general:  # 教工 and 学生 branches in every school
        names = [b.name for b in branches if b.parent_id == g.pk]
        assert any("教工" in n for n in names)
        assert any("学生" in n for n in names)
    direct = {b.name for b in branches if b.parent_id == committee.pk}
    assert {"机关第一党支部", "离退休党支部"} <= direct
    assert all(o.code.startswith(COMMITTEE_CODE) for o in branches)
    assert college.organizations == {"党委": 1, "党总支": 3, "党支部": 12}


def test_it_holds_three_hundred_people_of_every_category(
    college: DemoSummary, clock: Clock
) -> None:
    people = _people()
    assert len(people) == 300
    categories = Counter(p.category for p in people)
    assert set(categories) == set(Category.values)
    assert categories[Category.FULL] > 150  # mostly full members
    assert college.people_total == 300
    assert sum(college.people.values()) == 300
    today = clock.today
    for person in people:
        birth = _birth(person)
        if person.category in {Category.FULL, Category.PROBATIONARY}:
            assert person.joined_party is not None
            assert _age(birth, person.joined_party) >= 18
            assert person.joined_party <= today
        else:
            assert person.joined_party is None
        if person.category == Category.PROBATIONARY:
            assert person.probation_ends is not None
            assert today < person.probation_ends <= today + dt.timedelta(days=366)
            assert person.joined_party is not None
            assert person.probation_ends.year - person.joined_party.year == 1
        else:
            assert person.probation_ends is None


def test_probationary_members_are_mostly_students(college: DemoSummary) -> None:
    probationary = [p for p in _people() if p.category == Category.PROBATIONARY]
    students = [p for p in probationary if _birth(p).year >= 2000]
    assert len(students) > len(probationary) * 0.75


def test_every_id_number_is_valid_distinct_and_says_the_right_gender(
    college: DemoSummary,
) -> None:
    people = _people()
    assert [p for p in people if id_number_problem(p.id_number)] == []
    assert len({p.id_number for p in people}) == len(people)
    for person in people:
        # GB 11643: the 17th digit is odd for men, even for women.
        assert int(person.id_number[16]) % 2 == (1 if person.gender == "M" else 0)
    births = [_birth(p).year for p in people]
    assert min(births) >= 1935
    assert any(1965 <= year <= 1995 for year in births)  # teachers and staff
    assert any(year >= 2000 for year in births)  # students


def test_phones_are_distinct_mobile_numbers(college: DemoSummary) -> None:
    phones = [p.phone for p in _people()]
    assert all(len(phone) == 11 and phone.startswith("1") for phone in phones)
    assert [phone for phone in phones if phone_problem(phone)] == []
    assert len(set(phones)) == len(phones)


def test_names_look_chinese_and_are_unique(college: DemoSummary) -> None:
    people = _people()
    assert all(2 <= len(p.name) <= 3 for p in people)
    assert all("\u4e00" <= ch <= "\u9fff" for p in people for ch in p.name)
    assert len({p.name for p in people}) == len(people)
    assert {p.gender for p in people} == {"M", "F"}
    assert all(p.name_pinyin and p.name_initials for p in people)  # written through the service


def test_the_year_holds_exactly_one_transfer_one_leave_and_one_exemption(
    college: DemoSummary, clock: Clock
) -> None:
    year = clock.today.year
    in_college = Membership.objects.filter(organization__path__startswith="/").select_related(
        "organization", "person"
    )
    transfers = list(in_college.filter(start_reason=Membership.StartReason.TRANSFER))
    assert len(transfers) == 1
    moved = transfers[0]
    assert moved.start.year == year
    before = in_college.get(person=moved.person, end=moved.start)
    assert before.end_reason == Membership.EndReason.TRANSFER
    assert before.organization != moved.organization
    assert before.organization.kind.code == moved.organization.kind.code == "branch"
    assert moved.person in people_on(organization=moved.organization, day=moved.start)
    assert moved.person not in people_on(organization=before.organization, day=moved.start)

    leaves = list(in_college.filter(end_reason=Membership.EndReason.LEAVE))
    assert len(leaves) == 1
    assert leaves[0].end is not None
    assert leaves[0].end.year == year
    assert in_college.filter(end__isnull=True).count() == 299  # everyone else is still here

    exemptions = list(Exemption.objects.select_related("person"))
    assert len(exemptions) == 1
    exemption = exemptions[0]
    assert "年老体弱" in exemption.reason
    assert (
        exemption.committee_decided_on
        <= exemption.general_meeting_on
        <= exemption.filed_on
        <= exemption.start
    )
    assert exemption.start.year == year
    assert exemption.start <= clock.today
    home = in_college.get(person=exemption.person)
    assert home.organization.code == RETIRED_BRANCH_CODE
    assert len(college.transfers) == len(college.leaves) == len(college.exemptions) == 1


WHERE = {
    Role.COMMITTEE_ADMIN: COMMITTEE_CODE,
    Role.GENERAL_BRANCH_ADMIN: DEMO_GENERAL_BRANCH_CODE,
    Role.BRANCH_SECRETARY: DEMO_BRANCH_CODE,
    Role.BRANCH_COMMITTEE: DEMO_BRANCH_CODE,
    Role.SCOREKEEPER: DEMO_BRANCH_CODE,
    Role.MEMBER: DEMO_BRANCH_CODE,
    Role.OBSERVER: DEMO_BRANCH_CODE,
    Role.AUDITOR: COMMITTEE_CODE,
}


def test_there_is_one_account_per_role_held_where_promised(college: DemoSummary) -> None:
    assert sorted(a.role for a in DEMO_ACCOUNTS) == sorted(Role)
    general = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    branch = Organization.objects.get(code=DEMO_BRANCH_CODE)
    assert branch.parent == general
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.first_name == account.name
        assert user.check_password(DEMO_PASSWORD)
        held = list(RoleAssignment.objects.filter(user=user, revoked_at__isnull=True))
        assert [(a.role, a.organization.code) for a in held] == [
            (account.role, WHERE[account.role])
        ]
        assert account.organization_code == WHERE[account.role]
        assert account.organization_name == held[0].organization.name
        # No committee admin is a superuser: the Django admin is the platform operator's.
        assert not user.is_staff
        assert not user.is_superuser
        assert not user.groups.exists()
    operator = User.objects.get(username=DEMO_OPERATOR_USERNAME)
    assert operator.is_staff
    assert operator.is_superuser
    assert operator.check_password(DEMO_PASSWORD)
    assert not RoleAssignment.objects.filter(user=operator).exists()
    assert [where for _, where in college.accounts] == [
        Organization.objects.get(code=a.organization_code).name for a in DEMO_ACCOUNTS
    ]


def test_the_member_account_is_a_person_of_the_branch(college: DemoSummary, clock: Clock) -> None:
    member = next(a for a in DEMO_ACCOUNTS if a.role == Role.MEMBER)
    person = Person.objects.get(user__username=member.username)
    assert person.name == member.name
    branch = Organization.objects.get(code=DEMO_BRANCH_CODE)
    assert person in people_on(organization=branch, day=clock.today)
    assert person.category == Category.FULL
    # The observer (群众代表) is not a party member; the others are people of the college.
    observer = next(a for a in DEMO_ACCOUNTS if a.role == Role.OBSERVER)
    assert not Person.objects.filter(user__username=observer.username).exists()
    assert not Person.objects.filter(name=observer.name).exists()
    linked = Person.objects.filter(user__isnull=False).count()
    assert linked == len(DEMO_ACCOUNTS) - 1


def test_a_demo_account_can_log_in_through_the_login_page(college: DemoSummary) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "dangyuan", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(User.objects.get(username="dangyuan").pk)


def test_the_login_page_lists_the_demo_accounts(client: Client, settings: object) -> None:
    settings.JIFEN_DEMO = True  # type: ignore[attr-defined]
    page = client.get(reverse("accounts:login")).content.decode()
    for account in DEMO_ACCOUNTS:
        assert account.username in page
        assert account.name in page
    assert f"<code>{DEMO_OPERATOR_USERNAME}</code>" in page
    assert DEMO_PASSWORD in page


def test_the_demo_committee_admin_is_refused_the_admin_and_the_operator_enters(
    college: DemoSummary, client: Client
) -> None:
    client.force_login(User.objects.get(username="admin"))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    client.force_login(User.objects.get(username=DEMO_OPERATOR_USERNAME))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def _snapshot() -> dict[str, object]:
    return {
        "organizations": list(Organization.objects.values_list("code", "name", "path")),
        "people": list(Person.objects.order_by("id_number").values_list()),
        "memberships": list(Membership.objects.order_by("pk").values_list()),
        "exemptions": list(Exemption.objects.order_by("pk").values_list()),
        "roles": list(
            RoleAssignment.objects.order_by("pk").values_list("user", "role", "organization")
        ),
        "users": list(User.objects.order_by("pk").values_list()),
        "audit": AuditEvent.objects.count(),
    }


def test_running_it_twice_changes_nothing(college: DemoSummary) -> None:
    assert college.created
    before = _snapshot()
    again = college_load()
    assert not again.created
    assert _snapshot() == before
    assert again.people == college.people
    assert again.transfers == college.transfers


def test_running_it_twice_restores_a_changed_demo_password(college: DemoSummary) -> None:
    user = User.objects.get(username="shuji")
    user.set_password("something-else-entirely")
    user.save()
    college_load()
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


class _RollbackError(Exception):
    pass


def _load_and_forget(today: dt.date) -> list[tuple[str, str, str, str]]:
    """Load the demo on the empty database, read it, then roll it all back."""
    rows: list[tuple[str, str, str, str]] = []

    def load_and_read() -> None:
        with transaction.atomic():
            college_load(today=today)
            rows.extend(
                Person.objects.values_list(
                    "name", "id_number", "phone", "memberships__organization__code"
                )
            )
            raise _RollbackError

    with pytest.raises(_RollbackError):
        load_and_read()
    assert not Organization.objects.filter(code=COMMITTEE_CODE).exists()
    return sorted(rows)


def test_two_runs_on_empty_databases_give_the_same_people() -> None:
    today = dt.date.today()
    first = _load_and_forget(today)
    second = _load_and_forget(today)
    assert len(first) > 300  # the transferred member is in two branches
    assert first == second


def test_the_plan_is_the_same_every_time() -> None:
    day = dt.date(2026, 11, 21)
    assert college_plan(today=day) == college_plan(today=day)
    # The names do not depend on the day the demo is loaded.
    names = [p.name for p in college_plan(today=day).people]
    assert names == [p.name for p in college_plan(today=dt.date(2027, 3, 1)).people]


def _check_plan(plan: CollegePlan) -> None:
    as_of = plan.as_of
    by_id = {p.id_number: p for p in plan.people}
    for p in plan.people:
        assert id_number_problem(p.id_number) is None
        assert p.start <= as_of
        if p.joined_party is not None:
            assert _age(p.birth, p.joined_party) >= 18
            assert p.joined_party <= as_of
        if p.category == Category.PROBATIONARY:
            assert p.probation_ends is not None
            assert as_of < p.probation_ends <= as_of + dt.timedelta(days=366)
        if p.category == Category.FULL and p.joined_party is not None:
            assert p.joined_party <= as_of - dt.timedelta(days=365)  # probation is over
    events = [
        plan.transfer.on,
        plan.leave.on,
        plan.exemption.committee_decided_on,
        plan.exemption.general_meeting_on,
        plan.exemption.filed_on,
    ]
    assert all(day.year == as_of.year and day <= as_of for day in events)
    assert by_id[plan.transfer.person].start < plan.transfer.on
    assert by_id[plan.leave.person].start < plan.leave.on
    assert by_id[plan.exemption.person].branch == RETIRED_BRANCH_CODE


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 1),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 1),
        dt.date(2028, 2, 29),
        dt.date(2026, 12, 31),
    ],
)
def test_the_plan_holds_together_whatever_the_day(today: dt.date) -> None:
    _check_plan(college_plan(today=today))


def test_a_past_year_is_seen_from_its_last_day() -> None:
    today = dt.date(2026, 11, 21)
    assert reference_day(2024, today) == dt.date(2024, 12, 31)
    assert reference_day(None, today) == today
    plan = college_plan(2024, today=today)
    _check_plan(plan)
    assert plan.transfer.on == dt.date(2024, 6, 15)


@pytest.mark.parametrize("today", [dt.date(2026, 1, 1), dt.date(2026, 9, 1)])
def test_it_loads_on_the_awkward_days_too(today: dt.date) -> None:
    summary = college_load(today=today)
    assert summary.people_total == 300
    exemption = Exemption.objects.get()
    assert exemption.filed_on <= exemption.start <= today
    assert Membership.objects.get(start_reason=Membership.StartReason.TRANSFER).start <= today


def test_the_command_prints_the_summary_and_the_accounts() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "演示数据已载入" in text
    assert "党总支 3" in text
    assert "党支部 12" in text
    assert "人员 300" in text
    for label in Category.labels:
        assert label in text
    assert "转接" in text
    assert "不列入管理" in text
    assert "http://127.0.0.1:8000/" in text
    for account in DEMO_ACCOUNTS:
        assert account.username in text
        assert account.organization_name in text
    assert f"{DEMO_OPERATOR_USERNAME} " in text
    # What waits for each role, and how to start again (issue 17).
    assert "待办" in text
    assert "make demo-reset" in text
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "演示数据已存在" in again.getvalue()
