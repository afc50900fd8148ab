from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Person, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang(make_person: Callable[..., Person]) -> Person:
    return make_person("张三", id_number="11010519491231002X", phone="13812345678")


def page(client: Client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_tree_counts_members_of_each_subtree(
    client: Client, committee_admin: User, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    make_person("甲", tree.b1)
    make_person("乙", tree.b2)
    make_person("丙", tree.b3)
    html = page(client, committee_admin, reverse("orgs:tree"))
    assert "测试学院党委" in html
    assert "另一单位党委" not in html  # the other committee does not exist for us
    rows = {line.strip() for line in html.splitlines() if "人</span>" in line}
    assert '<span class="count">3 人</span>' in rows  # the committee: everyone
    assert '<span class="count">2 人</span>' in rows  # the general branch: B1 + B2


@pytest.mark.parametrize(
    ("who", "id_shown", "phone_shown"),
    [
        ("secretary", "11010519491231002X", "13812345678"),
        ("scorekeeper", "1101**********002X", "138****5678"),
        ("auditor", "1101**********002X", "138****5678"),
    ],
)
def test_id_and_phone_numbers_are_shown_in_full_only_to_those_allowed(
    request: pytest.FixtureRequest,
    client: Client,
    zhang: Person,
    who: str,
    id_shown: str,
    phone_shown: str,
) -> None:
    user = request.getfixturevalue(who)
    html = page(client, user, reverse("orgs:person", kwargs={"person_id": zhang.pk}))
    assert id_shown in html
    assert phone_shown in html
    other = "11010519491231002X" if "*" in id_shown else "1101**********002X"
    assert other not in html


def test_a_member_reads_their_own_page_in_full(client: Client, member: User) -> None:
    person = Person.objects.get(user=member)
    html = page(client, member, reverse("orgs:person", kwargs={"person_id": person.pk}))
    assert person.id_number in html


def test_the_member_list_masks_phones_for_readers_and_searches_by_pinyin(
    client: Client,
    scorekeeper: User,
    tree: SimpleNamespace,
    zhang: Person,
    make_person: Callable[..., Person],
) -> None:
    make_person("李四", phone="13900001111")
    url = reverse("orgs:detail", kwargs={"org_id": tree.b1.pk})
    html = page(client, scorekeeper, url)
    assert "138****5678" in html
    assert "13812345678" not in html
    html = page(client, scorekeeper, url + "?q=zs")
    assert "张三" in html
    assert "李四" not in html


def test_the_member_list_answers_htmx_with_the_rows_only(
    client: Client, secretary: User, tree: SimpleNamespace, zhang: Person
) -> None:
    client.force_login(secretary)
    url = reverse("orgs:detail", kwargs={"org_id": tree.b1.pk})
    html = client.get(url + "?q=zhang", headers={"HX-Request": "true"}).content.decode()
    assert "张三" in html
    assert "<html" not in html


def test_a_transfer_through_the_form_is_recorded_and_audited(
    client: Client, general_admin: User, tree: SimpleNamespace, zhang: Person
) -> None:
    client.force_login(general_admin)
    url = reverse("orgs:person_transfer", kwargs={"person_id": zhang.pk})
    response = client.post(url, {"to": tree.b2.pk, "on": "2021-03-15", "note": "工作调动"})
    assert response.status_code == 302
    assert zhang.memberships.get(end__isnull=True).organization == tree.b2
    event = AuditEvent.objects.get(action="membership.transfer")
    assert event.actor == general_admin
    assert "转入 学生第一党支部" in event.summary


def test_a_bad_transfer_redisplays_the_form_with_the_reason_and_changes_nothing(
    client: Client, general_admin: User, tree: SimpleNamespace, zhang: Person
) -> None:
    client.force_login(general_admin)
    url = reverse("orgs:person_transfer", kwargs={"person_id": zhang.pk})
    response = client.post(url, {"to": tree.b2.pk, "on": "2019-01-01"})
    assert response.status_code == 400
    assert "不属于任何组织" in response.content.decode()
    assert zhang.memberships.count() == 1


def test_a_transfer_to_an_organization_outside_reach_is_refused(
    client: Client, secretary: User, tree: SimpleNamespace, zhang: Person
) -> None:
    client.force_login(secretary)
    url = reverse("orgs:person_transfer", kwargs={"person_id": zhang.pk})
    response = client.post(url, {"to": tree.xb.pk, "on": "2021-03-15"})
    assert response.status_code == 400
    assert zhang.memberships.count() == 1


def test_roles_are_granted_within_reach_and_not_above_ones_own(
    client: Client, general_admin: User, tree: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    newcomer = make_user("xinren", "新人")
    client.force_login(general_admin)
    url = reverse("orgs:roles", kwargs={"org_id": tree.b1.pk})
    refused = client.post(url, {"username": "xinren", "role": "committee_admin"})
    assert refused.status_code == 400
    assert not newcomer.role_assignments.exists()
    granted = client.post(url, {"username": "xinren", "role": "scorekeeper"})
    assert granted.status_code == 302
    assert newcomer.role_assignments.get().organization == tree.b1
    unknown = client.post(url, {"username": "nobody-here", "role": "scorekeeper"})
    assert "没有用户名为 nobody-here 的账号" in unknown.content.decode()


def test_the_exemption_form(client: Client, secretary: User, zhang: Person) -> None:
    client.force_login(secretary)
    url = reverse("orgs:person_exempt", kwargs={"person_id": zhang.pk})
    response = client.post(
        url,
        {
            "start": "2021-05-01",
            "reason": "年老体弱",
            "committee_decided_on": "2021-04-10",
            "general_meeting_on": "2021-04-20",
            "filed_on": "2021-04-25",
        },
    )
    assert response.status_code == 302
    assert zhang.exemptions.get().start == dt.date(2021, 5, 1)
    html = client.get(reverse("orgs:person", kwargs={"person_id": zhang.pk})).content.decode()
    assert "支委会研究 2021-04-10" in html


def test_an_admin_adds_a_branch_and_a_person_to_it(
    client: Client, general_admin: User, tree: SimpleNamespace
) -> None:
    client.force_login(general_admin)
    response = client.post(
        reverse("orgs:organization_add", kwargs={"org_id": tree.g.pk}),
        {
            "code": "B9",
            "name": "教工第九党支部",
            "kind": tree.b1.kind.pk,
            "active_from": "2024-01-01",
        },
    )
    assert response.status_code == 302
    branch = tree.g.children.get(code="B9")
    assert branch.path == path_of(tree.g.path, branch.pk)
    duplicate = client.post(
        reverse("orgs:organization_add", kwargs={"org_id": tree.g.pk}),
        {"code": "B9", "name": "重复", "kind": tree.b1.kind.pk, "active_from": "2024-01-01"},
    )
    assert duplicate.status_code == 400
    assert "组织代码 B9 已被使用" in duplicate.content.decode()

    add_person = reverse("orgs:person_add", kwargs={"org_id": branch.pk})
    bad = client.post(
        add_person,
        {
            "name": "王五",
            "gender": "M",
            "id_number": "110105194912310021",
            "category": "full",
            "joined_party": "2001-07-01",
            "start": "2024-01-01",
        },
    )
    assert bad.status_code == 400
    assert "校验位错误" in bad.content.decode()
    assert not Person.objects.filter(name="王五").exists()
    good = client.post(
        add_person,
        {
            "name": "王五",
            "gender": "M",
            "id_number": "11010519491231002X",
            "category": "full",
            "joined_party": "2001-07-01",
            "start": "2024-01-01",
            "phone": "13900001111",
        },
    )
    assert good.status_code == 302
    wang = Person.objects.get(name="王五")
    assert (wang.name_pinyin, wang.name_initials) == ("wangwu", "ww")
    assert wang.memberships.get().organization == branch


def test_editing_a_person_records_what_changed(
    client: Client, secretary: User, zhang: Person
) -> None:
    client.force_login(secretary)
    url = reverse("orgs:person_edit", kwargs={"person_id": zhang.pk})
    form = {
        "name": "张叁",
        "gender": "M",
        "phone": "13812345678",
        "category": "full",
        "joined_party": "2010-07-01",
        "id_number": zhang.id_number,
    }
    assert client.post(url, form).status_code == 302
    zhang.refresh_from_db()
    assert (zhang.name, zhang.name_initials) == ("张叁", "zs")
    event = AuditEvent.objects.get(action="person.update")
    assert event.detail == {"name": ["张三", "张叁"]}
    bad = client.post(url, {**form, "phone": "12345"})
    assert bad.status_code == 400
    assert "手机号应为 11 位" in bad.content.decode()
    # A mistyped ID number is corrected here, checked like a new one.
    bad = client.post(url, {**form, "id_number": "110105194912310021"})
    assert "校验位错误" in bad.content.decode()
    assert client.post(url, {**form, "id_number": "110105198001010032"}).status_code == 302
    zhang.refresh_from_db()
    assert zhang.id_number == "110105198001010032"


def test_leaving_through_the_form(client: Client, secretary: User, zhang: Person) -> None:
    client.force_login(secretary)
    url = reverse("orgs:person_leave", kwargs={"person_id": zhang.pk})
    assert client.post(url, {"on": "2022-06-30", "note": "调离本单位"}).status_code == 302
    assert zhang.memberships.get().end == dt.date(2022, 6, 30)


def test_pages_link_only_to_organizations_the_reader_may_open(
    client: Client,
    secretary: User,
    general_admin: User,
    member: User,
    tree: SimpleNamespace,
) -> None:
    parent_link = f'href="{reverse("orgs:detail", args=[tree.g.pk])}"'
    # The branch secretary sees the general branch named above the branch, not linked (a 404).
    html = page(client, secretary, reverse("orgs:detail", args=[tree.b1.pk]))
    assert "计算机学院党总支" in html
    assert parent_link not in html
    # The general branch's admin may open it, so there it is a link.
    assert parent_link in page(client, general_admin, reverse("orgs:detail", args=[tree.b1.pk]))
    # A member reads their own page, which names their branch without linking to it.
    person = Person.objects.get(user=member)
    own = page(client, member, reverse("orgs:person", args=[person.pk]))
    assert "教工第一党支部" in own
    assert f'href="{reverse("orgs:detail", args=[tree.b1.pk])}"' not in own
    assert client.get(reverse("orgs:detail", args=[tree.b1.pk])).status_code == 404
    assert f'href="{reverse("orgs:detail", args=[tree.b1.pk])}"' in page(
        client, secretary, reverse("orgs:person", args=[person.pk])
    )
