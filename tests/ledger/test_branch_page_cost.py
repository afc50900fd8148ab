"""A branch's pages and a member's pages cost what the branch costs, whatever the committee.

Each page is fetched, five more branches of 50 members (with memberships, transfers, an
exemption and facts of their own) are added elsewhere in the committee, and the page is fetched
again: it must run the same number of queries and every query must return the same number of
rows — nothing of the other branches is read. The rows are counted honestly: each SELECT the
page ran is run again afterwards as ``SELECT COUNT(*) FROM (<the query>)`` with its own
parameters (``Reads``). A test below shows the measure catches a committee-wide read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from jifen.ledger.models import Origin
from jifen.ledger.scores import _within, branch_inputs, subject_of
from jifen.ledger.services import entry_append
from jifen.orgs.models import Exemption, Membership, Organization, Person
from jifen.orgs.selectors import in_year, memberships_overlapping
from jifen.orgs.services import exemption_create, membership_transfer, organization_create
from jifen.recording.monthly import monthly_check
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from jifen.scoring import Interval

pytestmark = pytest.mark.django_db

YEAR = 2026
D = dt.date


class Reads:
    """Every query run inside ``watch()``, and afterwards the rows each SELECT returned, by the
    table it reads first (``orgs_membership``, ``ledger_entry`` …)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries.append((sql, None if many else params))
        return execute(sql, params, many, context)

    @contextmanager
    def watch(self) -> Iterator[Reads]:
        with connection.execute_wrapper(self):
            yield self

    def rows(self) -> Counter[str]:
        counted: Counter[str] = Counter()
        for sql, params in self.queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            table = re.search(r'FROM "?(\w+)"?', sql)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608
                counted[table.group(1) if table else "?"] += cursor.fetchone()[0]
        return counted


def add(org: Organization, person: Person, day: dt.date, item: str, value: object) -> None:
    entry_append(
        organization=org,
        person=person,
        date=day,
        item=item,
        value=value,  # type: ignore[arg-type]
        origin=Origin.MANUAL,
        recorded_by=None,
    )


@pytest.fixture
def branch(
    tree: SimpleNamespace,
    member: User,
    committee_admin: User,
    make_person: Callable[..., Person],
    clock: Any,
) -> SimpleNamespace:
    """B1 with four members: 赵磊 (the member), 甲 who came from B2 in July, 乙 who left for B3
    in October, 丙 exempted in spring; facts for each, and a party day to check in to."""
    adoption_set(organization=tree.c, year=YEAR, rulebook="seed003")
    zhao = Person.objects.get(user=member)
    jia = make_person("甲", tree.b2)
    yi = make_person("乙", tree.b1)
    bing = make_person("丙", tree.b1)
    membership_transfer(person=jia, to=tree.b1, on=D(YEAR, 7, 1))
    membership_transfer(person=yi, to=tree.b3, on=D(YEAR, 10, 1))
    exemption_create(
        person=bing,
        start=D(YEAR, 3, 1),
        end=D(YEAR, 6, 1),
        reason="病休",
        committee_decided_on=D(YEAR, 2, 20),
        general_meeting_on=D(YEAR, 2, 25),
        filed_on=D(YEAR, 2, 26),
    )
    for person in (zhao, jia, yi, bing):
        add(tree.b1, person, D(YEAR, 8, 5), "volunteer", 2)
        add(tree.b1, person, D(YEAR, 2, 25), "xxqg_login", 3)
    activity = activity_create(
        organization=tree.b1, item="party_day", title="主题党日", date=D(YEAR, 11, 10)
    )
    return SimpleNamespace(
        tree=tree, zhao=zhao, jia=jia, activity=activity, admin=committee_admin, member=member
    )


def grow(tree: SimpleNamespace) -> None:
    """Five branches of 50 members elsewhere in the committee (two under a new general branch),
    with their own transfers, an exemption and facts."""
    general = organization_create(
        code="G2", name="第二党总支", kind="general_branch", parent=tree.c
    )
    for n in range(5):
        parent = general if n < 2 else tree.c
        org = organization_create(code=f"O{n}", name=f"其他第{n}支部", kind="branch", parent=parent)
        people = Person.objects.bulk_create(
            Person(
                name=f"他{n}-{i}",
                gender="M",
                id_number=f"Z{n}{i:016d}",
                category="full",
                name_pinyin=f"ta{n}{i:03d}",
            )
            for i in range(50)
        )
        Membership.objects.bulk_create(
            Membership(person=p, organization=org, start=D(2020, 1, 1), start_reason="join")
            for p in people
        )
        membership_transfer(person=people[0], to=tree.b3, on=D(YEAR, 5, 1))
        add(org, people[1], D(YEAR, 4, 2), "volunteer", 1)
        add(org, people[2], D(YEAR, 9, 2), "xxqg_login", 2)
    exemption_create(
        person=people[3],
        start=D(YEAR, 1, 1),
        reason="出国",
        committee_decided_on=D(YEAR - 1, 12, 1),
        general_meeting_on=D(YEAR - 1, 12, 2),
        filed_on=D(YEAR - 1, 12, 3),
    )


def page_urls(branch: SimpleNamespace) -> dict[str, str]:
    b1, zhao = branch.tree.b1.pk, branch.zhao.pk
    return {
        "月度积分表": f"/orgs/{b1}/sheet/{YEAR}/8/",
        "党总支月度积分表": f"/orgs/{branch.tree.g.pk}/sheet/{YEAR}/8/",
        "季度考评表": f"/orgs/{b1}/periods/{YEAR}/3/",
        "季度考评表打印": f"/orgs/{b1}/periods/{YEAR}/3/print/",
        "考评年度": f"/orgs/{b1}/periods/{YEAR}/",
        "登记表": f"/people/{zhao}/points/{YEAR}/register/",
        "登记表xlsx": f"/people/{zhao}/points/{YEAR}/register.xlsx",
        "个人积分": f"/people/{branch.jia.pk}/points/{YEAR}/",
        "党员信息": f"/people/{branch.jia.pk}/",
        "支部成员": f"/orgs/{b1}/",
        "签到名单": f"/activities/{branch.activity.pk}/",
        "申报待审": f"/orgs/{b1}/declarations/",
        "月度模板": f"/orgs/{b1}/monthly/template/?month={YEAR}-08",
    }


def measure(client: Client, url: str) -> tuple[int, Counter[str]]:
    reads = Reads()
    with reads.watch():
        response = client.get(url)
    assert response.status_code == 200, url
    return len(reads.queries), reads.rows()


def warm_measure(client: Client, url: str) -> tuple[int, Counter[str]]:
    """A page's reads once its stored results are current: the first request after a change
    recomputes and stores the rows it needs (jifen.ledger.stored), and that cost belongs to the
    change, not to the page. Both sides of the comparison are measured warm."""
    assert client.get(url).status_code == 200
    return measure(client, url)


def test_a_branchs_pages_read_the_same_whatever_the_rest_of_the_committee(
    branch: SimpleNamespace,
) -> None:
    admin = Client()
    admin.force_login(branch.admin)
    urls = page_urls(branch)
    before = {name: warm_measure(admin, url) for name, url in urls.items()}
    grow(branch.tree)
    after = {name: warm_measure(admin, url) for name, url in urls.items()}
    for name in urls:
        assert after[name] == before[name], name
    # The sheet did read its branch: 4 members' memberships (甲 twice, 乙 twice).
    assert before["月度积分表"][1]["orgs_membership"] >= 6


def test_a_members_own_pages_read_the_same_whatever_the_rest_of_the_committee(
    branch: SimpleNamespace,
) -> None:
    own = Client()
    own.force_login(branch.member)
    urls = {
        "我的积分": f"/people/{branch.zhao.pk}/points/{YEAR}/",
        "我的季度确认": f"/me/periods/{YEAR}/3/",
        "我的申报": "/me/declarations/",
        "我的活动": "/me/activities/",
    }
    before = {name: warm_measure(own, url) for name, url in urls.items()}
    grow(branch.tree)
    after = {name: warm_measure(own, url) for name, url in urls.items()}
    for name in urls:
        assert after[name] == before[name], name


def test_the_monthly_import_preview_reads_only_the_branch(branch: SimpleNamespace) -> None:
    data = "姓名,登录学习强国\n赵磊,2\n甲,1\n".encode()

    def preview() -> tuple[int, Counter[str]]:
        reads = Reads()
        with reads.watch():
            checked = monthly_check(organization=branch.tree.b1, year=YEAR, month=8, data=data)
        assert checked.problems == []
        assert len(checked.figures) == 2
        return len(reads.queries), reads.rows()

    before = preview()
    grow(branch.tree)
    assert preview() == before


def test_the_measure_sees_a_committee_wide_read(branch: SimpleNamespace) -> None:
    """The check above could fail: reading the committee's memberships shows in the rows."""
    committee = branch.tree.c

    def committee_wide() -> Counter[str]:
        reads = Reads()
        with reads.watch():
            list(
                memberships_overlapping(
                    first=D(YEAR, 1, 1), last=D(YEAR, 12, 31), organization=committee, subtree=True
                ).values_list("person_id", flat=True)
            )
        return reads.rows()

    before = committee_wide()["orgs_membership"]
    grow(branch.tree)
    assert committee_wide()["orgs_membership"] == before + 250 + 5  # 5 transfers: 2 rows each


def test_the_branchs_subjects_are_those_of_every_membership_in_the_scope(
    branch: SimpleNamespace,
) -> None:
    """Reading only the branch's members changes no Subject: each equals ``subject_of`` over
    all the person's memberships in the scope, read as model instances the old way — months in
    B2 before 甲 came count, 乙's months in B3 after leaving count, 丙's exemption does not; and
    a general branch with a rulebook of its own keeps its months out of B3's scope."""
    tree = branch.tree
    adoption_set(organization=tree.g, year=YEAR, rulebook="seed001")
    grow(tree)
    for organization in (tree.b1, tree.b3, tree.c):
        inputs = branch_inputs(organization, YEAR)
        assert inputs is not None
        within = _within(inputs.adoption, "organization__path")
        expected = []
        for person in inputs.people:
            memberships = list(
                memberships_overlapping(first=D(YEAR, 1, 1), last=D(YEAR, 12, 31))
                .filter(within, person=person)
                .select_related("organization")
                .order_by("start")
            )
            exemptions = list(Exemption.objects.filter(in_year(YEAR), person=person))
            expected.append(subject_of(person, YEAR, memberships, exemptions))
        assert inputs.subjects == expected
    b1 = branch_inputs(tree.b1, YEAR)
    assert b1 is not None
    # G adopted seed001: B1 is scored in G's scope, where 乙's months in B3 do not belong.
    assert b1.adoption.organization == tree.g
    assert {s.name: s.active for s in b1.subjects}["乙"] == (
        Interval(D(YEAR, 1, 1), D(YEAR, 9, 30)),
    )
    b3 = branch_inputs(tree.b3, YEAR)
    assert b3 is not None
    by_name = {s.name: s for s in b3.subjects}
    # 乙 came from B1 (ruled by G's own rulebook): only the months in B3 count.
    assert by_name["乙"].active == (Interval(D(YEAR, 10, 1), D(YEAR, 12, 31)),)
    # 他0-0 came from O0 (under C, same scope): the whole year counts, ending in B3.
    assert by_name["他0-0"].active == (
        Interval(D(YEAR, 1, 1), D(YEAR, 4, 30)),
        Interval(D(YEAR, 5, 1), D(YEAR, 12, 31)),
    )
    assert by_name["他0-0"].org == "B3"
    assert len(b3.people) == 6  # 乙 and one from each of the five other branches
    committee = branch_inputs(tree.c, YEAR)
    assert committee is not None
    assert len(committee.people) == 250 + 1  # the others and 乙; not B1's or B2's


def test_the_branchs_own_subjects(branch: SimpleNamespace) -> None:
    """B1 in C's scope: 甲's months in B2 count, 乙's in B3 too, 丙's spring is exempt."""
    inputs = branch_inputs(branch.tree.b1, YEAR)
    assert inputs is not None
    by_name = {s.name: s for s in inputs.subjects}
    assert sorted(by_name) == sorted(["赵磊", "甲", "乙", "丙"])
    year = Interval(D(YEAR, 1, 1), D(YEAR, 12, 31))
    assert by_name["赵磊"].active == (year,)
    assert by_name["甲"].active == (
        Interval(D(YEAR, 1, 1), D(YEAR, 6, 30)),
        Interval(D(YEAR, 7, 1), D(YEAR, 12, 31)),
    )
    assert (by_name["甲"].org, by_name["乙"].org) == ("B1", "B3")
    assert by_name["丙"].active == (
        Interval(D(YEAR, 1, 1), D(YEAR, 2, 28)),
        Interval(D(YEAR, 6, 1), D(YEAR, 12, 31)),
    )
