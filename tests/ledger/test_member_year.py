"""A member's year scored from the ledger with the adopted rulebook and their membership history.

Figures worked by hand from seed 003 (常州): base is 70 a month, the year's base the mean of the
member's active months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.ledger.models import Origin
from jifen.ledger.scores import member_year
from jifen.ledger.services import entry_append, entry_correct
from jifen.orgs.models import Person
from jifen.orgs.services import exemption_create, membership_transfer
from jifen.rulebooks.services import adoption_for, adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def adopted(tree: SimpleNamespace) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return tree


def add(tree: SimpleNamespace, person: Person, day: dt.date, item: str, value: object) -> object:
    return entry_append(
        organization=tree.b1,
        person=person,
        date=day,
        item=item,
        value=value,  # type: ignore[arg-type]
        origin=Origin.MANUAL,
        recorded_by=None,
    )


def test_the_nearest_adoption_applies(tree: SimpleNamespace) -> None:
    committee = adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    general = adoption_set(organization=tree.g, year=2026, rulebook="seed001")
    assert adoption_for(tree.b1, 2026) == general
    assert adoption_for(tree.b3, 2026) == committee
    assert adoption_for(tree.b1, 2025) is None
    with pytest.raises(ValidationError, match="已采用"):
        adoption_set(organization=tree.g, year=2026, rulebook="seed003")
    with pytest.raises(ValidationError, match="没有内置积分办法"):
        adoption_set(organization=tree.g, year=2027, rulebook="seed999")


def test_a_bad_rulebook_of_ones_own_is_refused(tree: SimpleNamespace) -> None:
    with pytest.raises(ValidationError) as refused:
        adoption_set(
            organization=tree.g,
            year=2026,
            rulebook="own",
            yaml_text="extends: seed003\nid: own\nversion: 1\nsurprise: 1\n",
        )
    assert "surprise" in str(refused.value)


def test_shortfalls_are_deducted_in_their_month_and_the_base_is_the_mean(
    adopted: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    add(adopted, zhang, D(2026, 3, 5), "xxqg_login", 2)  # 2 days × 0.5 = 1
    add(adopted, zhang, D(2026, 3, 10), "party_day", "absent")  # 5
    year = member_year(zhang, 2026)
    assert year is not None
    base = year.result.category("base")
    assert base.periods["M03"] == 64  # 70 − 1 − 5
    assert base.periods["M04"] == 70
    assert str(base.score) == "69.50"  # (11 × 70 + 64) / 12
    assert year.result.incomplete  # no democratic-review grade yet


def test_a_member_transferred_in_counts_from_the_transfer(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    """Only the general branch G adopted seed003: a member moving in from B3 on 1 July counts
    for July to December only."""
    adoption_set(organization=tree.g, year=2026, rulebook="seed003")
    li = make_person("李四", tree.b3, start=D(2020, 1, 1))
    membership_transfer(person=li, to=tree.b1, on=D(2026, 7, 1))
    add(tree, li, D(2026, 8, 3), "xxqg_login", 4)  # August: 70 − 2
    year = member_year(li, 2026)
    assert year is not None
    assert year.active_months == (6, 7, 8, 9, 10, 11)
    assert str(year.result.category("base").score) == "69.67"  # (5 × 70 + 68) / 6 = 69.666…


def test_an_exempted_member_is_not_scored_while_exempt(
    adopted: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    old = make_person("王老")
    exemption_create(
        person=old,
        start=D(2026, 4, 1),
        reason="年老体弱",
        committee_decided_on=D(2026, 3, 10),
        general_meeting_on=D(2026, 3, 20),
        filed_on=D(2026, 3, 25),
    )
    year = member_year(old, 2026)
    assert year is not None
    assert year.active_months == (0, 1, 2)


def test_a_correction_restores_the_score(
    adopted: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    wrong = add(adopted, zhang, D(2026, 3, 10), "party_day", "absent")
    before = member_year(zhang, 2026)
    assert before is not None
    assert before.result.category("base").periods["M03"] == 65
    entry_correct(entry=wrong, reason="实际请假，已补假条", recorded_by=None, value="excused")  # type: ignore[arg-type]
    after = member_year(zhang, 2026)
    assert after is not None
    assert after.result.category("base").periods["M03"] == 70


def test_the_member_reads_their_year_explained(
    client: Client, adopted: SimpleNamespace, member: User, clock: Clock
) -> None:
    # The year is over on the day the page is read: every month counts (see tests/reports for
    # a year read while it runs).
    clock.set(D(2027, 1, 5))
    person = Person.objects.get(user=member)
    add(adopted, person, D(2026, 3, 5), "xxqg_login", 2)
    client.force_login(member)
    response = client.get(reverse("ledger:my_points"))
    assert response.status_code == 302
    html = client.get(
        reverse("ledger:member_year", kwargs={"person_id": person.pk, "year": 2026})
    ).content.decode()
    assert "赵磊 · 2026 年积分" in html
    assert "3月 登录学习强国: 差 2 天 × 0.5 = 扣 1.00，得 9.00" in html
    assert "3月5日 · 记分员录入" in html
    assert "<strong>69.92</strong>" in html  # base (11 × 70 + 69) / 12 = 69.9166… → 69.92


def test_without_an_adopted_rulebook_the_page_says_so(
    client: Client, tree: SimpleNamespace, member: User
) -> None:
    person = Person.objects.get(user=member)
    client.force_login(member)
    url = reverse("ledger:member_year", kwargs={"person_id": person.pk, "year": 2026})
    assert "没有适用于 赵磊 的积分办法" in client.get(url).content.decode()


def test_the_month_sheet_shows_members_by_items(
    client: Client, adopted: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    make_person("李四")
    add(adopted, zhang, D(2026, 3, 5), "xxqg_login", 2)
    client.force_login(scorekeeper)
    url = reverse("ledger:month_sheet", kwargs={"org_id": adopted.b1.pk, "year": 2026, "month": 3})
    html = client.get(url).content.decode()
    row = html[html.index(">张三</a>") :].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td")[1:]]
    assert cells[0].endswith("9.00")  # 登录学习强国: 10 − 2 × 0.5
    assert cells[-2].endswith("69.00")  # 基础分 for March
    li_row = html[html.index(">李四</a>") :].split("</tr>")[0]
    assert "70.00" in li_row
    assert "‹ 上月" in html


def test_a_yearly_rulebook_shows_the_year_so_far(
    client: Client, tree: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    zhang = make_person("张三")
    add(tree, zhang, D(2026, 3, 5), "org_life", "absent")  # 25 − 3
    client.force_login(scorekeeper)
    url = reverse("ledger:month_sheet", kwargs={"org_id": tree.b1.pk, "year": 2026, "month": 3})
    html = client.get(url).content.decode()
    assert "按年度计分" in html
    row = html[html.index(">张三</a>") :].split("</tr>")[0]
    assert "<td>67.00</td>" in row  # base 70 − 3
