from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from jifen.audit.models import AuditEvent
from jifen.orgs import selectors
from jifen.orgs.idcard import id_number_problem, mask_id_number, mask_phone
from jifen.orgs.models import Person
from jifen.orgs.services import (
    exemption_create,
    membership_leave,
    membership_transfer,
    person_update,
)

pytestmark = pytest.mark.django_db
D = dt.date


def names_on(org: object, day: dt.date, subtree: bool = False) -> list[str]:
    return sorted(p.name for p in selectors.people_on(organization=org, day=day, subtree=subtree))  # type: ignore[arg-type]


def test_who_belonged_to_a_branch_on_a_day_follows_a_mid_year_transfer(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三", tree.b1, start=D(2020, 9, 1))
    make_person("李四", tree.b1, start=D(2021, 4, 1))
    membership_transfer(person=zhang, to=tree.b2, on=D(2021, 3, 15))

    assert names_on(tree.b1, D(2021, 3, 14)) == ["张三"]
    assert names_on(tree.b1, D(2021, 3, 15)) == []  # the transfer day belongs to the new branch
    assert names_on(tree.b2, D(2021, 3, 15)) == ["张三"]
    assert names_on(tree.b1, D(2021, 4, 1)) == ["李四"]
    assert names_on(tree.g, D(2021, 4, 1), subtree=True) == ["张三", "李四"]
    assert names_on(tree.b1, D(2020, 8, 31)) == []
    history = list(zhang.memberships.order_by("start").values_list("organization__code", "end"))
    assert history == [("B1", D(2021, 3, 15)), ("B2", None)]


def test_a_transfer_is_refused_for_someone_not_yet_in_a_branch(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三", tree.b1, start=D(2021, 1, 1))
    with pytest.raises(ValidationError) as refused:
        membership_transfer(person=zhang, to=tree.b2, on=D(2020, 6, 1))
    assert "不属于任何组织" in str(refused.value)
    assert zhang.memberships.count() == 1


def test_leaving_ends_the_membership(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三", tree.b1, start=D(2020, 1, 1))
    membership_leave(person=zhang, on=D(2021, 7, 1))
    assert names_on(tree.b1, D(2021, 6, 30)) == ["张三"]
    assert names_on(tree.b1, D(2021, 7, 1)) == []


def test_an_exemption_records_the_three_decisions_in_order(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    old = make_person("王老", tree.b3)
    with pytest.raises(ValidationError):
        exemption_create(
            person=old,
            start=D(2021, 5, 1),
            reason="年老体弱",
            committee_decided_on=D(2021, 4, 20),
            general_meeting_on=D(2021, 4, 10),  # before the committee: out of order
            filed_on=D(2021, 4, 25),
        )
    exemption = exemption_create(
        person=old,
        start=D(2021, 5, 1),
        reason="年老体弱",
        committee_decided_on=D(2021, 4, 10),
        general_meeting_on=D(2021, 4, 20),
        filed_on=D(2021, 4, 25),
    )
    assert exemption.covers(D(2021, 5, 1))
    assert not exemption.covers(D(2021, 4, 30))
    assert selectors.exempt_ids_on(D(2021, 6, 1), [old.pk]) == {old.pk}
    assert AuditEvent.objects.filter(
        action="exemption.create", target=f"orgs.Person:{old.pk}"
    ).exists()


def test_a_probationary_member_needs_the_end_of_probation(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_person("刘预备", category="probationary")
    assert "预备期满" in str(refused.value)
    person = make_person("刘预备", category="probationary", probation_ends=D(2022, 6, 30))
    changed = person_update(person=person, category="full")
    assert changed == ["category"]
    assert person_update(person=person, category="full") == []


def test_a_bad_id_number_is_refused_and_nothing_is_written(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_person("张三", id_number="320102199001010011")
    assert "校验位" in str(refused.value)
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("11010519491231002X", None),
        ("11010519491231002x", None),  # a lower-case x is the same number
        ("110105194912310021", "校验位错误：最后一位应为 X"),
        ("11010519491331002X", "出生日期 19491331 不是有效日期"),
        ("1101051949123100", "应为 18 位"),
    ],
)
def test_id_number_checks(number: str, problem: str | None) -> None:
    found = id_number_problem(number)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_masks_keep_only_what_identifies_nobody() -> None:
    assert mask_id_number("320102199001011234") == "3201**********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_search_by_name_pinyin_and_initials(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    make_person("张三")
    make_person("李四")
    make_person("张三丰")
    people = Person.objects.all()

    def found(query: str) -> list[str]:
        return sorted(p.name for p in selectors.person_search(people, query))

    assert found("zhangsan") == ["张三", "张三丰"]
    assert found("zs") == ["张三", "张三丰"]
    assert found("ZSF") == ["张三丰"]
    assert found("张三") == ["张三", "张三丰"]
    assert found("lisi") == ["李四"]
    assert found("wangwu") == []


def test_the_committee_command_bootstraps_a_new_installation(
    make_user: Callable[..., object],
) -> None:
    import io

    from django.core.management import CommandError, call_command

    from jifen.orgs.models import Organization, RoleAssignment

    make_user("root")
    with pytest.raises(CommandError, match="没有用户名为 ghost 的账号"):
        call_command("committee", "C1", "中共测试委员会", admin="ghost")
    out = io.StringIO()
    call_command("committee", "C1", "中共测试委员会", admin="root", stdout=out)
    committee = Organization.objects.get(code="C1")
    assert committee.parent is None
    assert RoleAssignment.objects.get(user__username="root").organization == committee
    with pytest.raises(CommandError, match="已被使用"):
        call_command("committee", "C1", "重复", admin="root")


def test_an_account_is_linked_to_one_person_only(
    tree: SimpleNamespace, make_person: Callable[..., Person], make_user: Callable[..., object]
) -> None:
    from jifen.orgs.services import person_link_account

    zhang, li = make_person("张三"), make_person("李四")
    account = make_user("zhangsan")
    person_link_account(person=zhang, user=account)  # type: ignore[arg-type]
    assert Person.objects.get(pk=zhang.pk).user == account
    with pytest.raises(ValidationError, match="已经关联了另一名人员"):
        person_link_account(person=li, user=account)  # type: ignore[arg-type]
    assert AuditEvent.objects.filter(action="person.link_account").count() == 1


def test_an_organization_closes_only_once_everyone_has_moved(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    from jifen.orgs.services import organization_close

    zhang = make_person("张三", tree.b2, start=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="仍有 1 人属于该组织"):
        organization_close(organization=tree.b2, on=D(2022, 1, 1))
    membership_transfer(person=zhang, to=tree.b1, on=D(2021, 12, 1))
    closed = organization_close(organization=tree.b2, on=D(2022, 1, 1))
    assert closed.active_until == D(2022, 1, 1)
    with pytest.raises(ValidationError, match="已于 2022-01-01 撤销"):
        organization_close(organization=tree.b2, on=D(2023, 1, 1))
    assert AuditEvent.objects.filter(action="org.close").count() == 1


def test_nobody_joins_a_closed_organization(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    from jifen.orgs.services import organization_close

    organization_close(organization=tree.b2, on=D(2022, 1, 1))
    with pytest.raises(ValidationError, match="不存续"):
        make_person("新人", tree.b2, start=D(2022, 3, 1))
    zhang = make_person("张三", tree.b1, start=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="不存续"):
        membership_transfer(person=zhang, to=tree.b2, on=D(2022, 6, 1))


def test_memberships_overlapping_a_span_count_its_last_day_but_not_the_day_one_left(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    # 张三 in B1 from 1 March, moved to B2 on 1 June 2026: B1 holds [1 March, 1 June).
    zhang = make_person("张三", tree.b1, start=D(2026, 3, 1))
    membership_transfer(person=zhang, to=tree.b2, on=D(2026, 6, 1))

    def where(first: dt.date, last: dt.date, **scope: object) -> list[str]:
        found = selectors.memberships_overlapping(first=first, last=last, **scope)  # type: ignore[arg-type]
        return sorted(m.organization.code for m in found.select_related("organization"))

    assert where(D(2026, 1, 1), D(2026, 2, 28)) == []  # ends the day before he joined
    assert where(D(2026, 1, 1), D(2026, 3, 1)) == ["B1"]  # the span's last day counts
    assert where(D(2026, 5, 31), D(2026, 5, 31)) == ["B1"]  # his last day in B1
    assert where(D(2026, 6, 1), D(2026, 6, 30)) == ["B2"]  # the transfer day is B2's
    assert where(D(2026, 4, 1), D(2026, 6, 30)) == ["B1", "B2"]  # the quarter holds both
    assert where(D(2027, 1, 1), D(2027, 12, 31)) == ["B2"]  # still open
    assert where(D(2026, 1, 1), D(2026, 12, 31), organization=tree.b1) == ["B1"]
    assert where(D(2026, 1, 1), D(2026, 12, 31), organization=tree.g) == []  # G itself: nobody
    assert where(D(2026, 1, 1), D(2026, 12, 31), organization=tree.g, subtree=True) == [
        "B1",
        "B2",
    ]
    assert where(D(2026, 1, 1), D(2026, 12, 31), organization=tree.b3, subtree=True) == []


def test_a_long_name_of_long_syllables_is_kept(make_person: Callable[..., Person]) -> None:
    # 50 × 长 spells 250 letters of pinyin: PostgreSQL refused the 200-letter search key (a 500).
    person = make_person("长" * 50)
    person.refresh_from_db()
    assert person.name == "长" * 50
    assert person.name_pinyin == ("chang" * 50)[:200]
    assert person.name_initials == "c" * 50
