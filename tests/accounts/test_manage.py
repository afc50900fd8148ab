"""Committee and general-branch admins manage their subtree's accounts in Jifen's pages (issue 16).

The attack the issue names: a committee admin reached another committee's accounts (through the
Django admin). Here every account page goes through the door: an admin sees and touches only
accounts lying wholly within their subtree; everything else answers an audited 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.accounts.models import PasswordDue
from jifen.accounts.roles import Role
from jifen.accounts.services import username_suggest
from jifen.audit.models import AuditEvent
from jifen.orgs.models import Person, RoleAssignment
from jifen.orgs.services import organization_create, person_link_account, role_grant
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "my-own-horse-battery-9"


def _url(name: str, **kwargs: int) -> str:
    return reverse(f"accounts:{name}", kwargs=kwargs)


def _issued_password(html: str) -> str:
    found = re.search(r'id="issued-password"><code>([^<]+)</code>', html)
    assert found, html
    return found.group(1)


def _log_in(client: Client, username: str, password: str) -> bool:
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def _actions(action: str) -> list[str]:
    return list(AuditEvent.objects.filter(action=action).values_list("target", flat=True))


@pytest.fixture
def zhang(make_person: Callable[..., Person]) -> Person:
    return make_person("张伟")


def test_an_account_is_opened_shown_once_and_its_password_must_be_changed(
    client: Client, committee_admin: User, zhang: Person, tree: SimpleNamespace
) -> None:
    client.force_login(committee_admin)
    person_page = client.get(reverse("orgs:person", kwargs={"person_id": zhang.pk}))
    assert _url("create", person_id=zhang.pk) in person_page.content.decode()
    form = client.get(_url("create", person_id=zhang.pk)).content.decode()
    assert 'value="zhangwei"' in form  # suggested from the name's pinyin

    answer = client.post(
        _url("create", person_id=zhang.pk), {"username": "zhangwei", "role": "member"}
    )
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    password = _issued_password(answer.content.decode())
    account = User.objects.get(username="zhangwei")
    assert account.check_password(password)
    zhang.refresh_from_db()
    assert zhang.user == account
    assert account.role_assignments.get().organization == tree.b1
    assert PasswordDue.objects.filter(user=account).exists()
    assert _actions("account.create") == [f"auth.User:{account.pk}"]
    assert password not in str(list(AuditEvent.objects.values_list("summary", "detail")))
    # Shown once: the account's page does not show it again.
    assert password not in client.get(_url("detail", account_id=account.pk)).content.decode()

    member = Client()
    assert _log_in(member, "zhangwei", password)
    home = member.get(reverse("core:home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("accounts:password_change")
    changed = member.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    assert member.get(reverse("core:home")).status_code == 200
    assert not PasswordDue.objects.filter(user=account).exists()


def test_a_username_is_suggested_free_and_a_bad_one_is_refused_in_chinese(
    client: Client, committee_admin: User, zhang: Person, make_user: Callable[..., User]
) -> None:
    make_user("zhangwei")
    assert username_suggest("张伟") == "zhangwei2"
    client.force_login(committee_admin)
    url = _url("create", person_id=zhang.pk)
    for username, said in (("zhangwei", "已被使用"), ("张伟", "小写字母开头"), ("", "必填")):
        answer = client.post(url, {"username": username, "role": "member"})
        assert answer.status_code == 400
        assert said in answer.content.decode()
    assert User.objects.count() == 2
    assert not AuditEvent.objects.filter(action="account.create").exists()


def test_a_person_with_an_account_gets_no_second_one(
    client: Client, committee_admin: User, member: User
) -> None:
    client.force_login(committee_admin)
    person = Person.objects.get(user=member)
    answer = client.post(_url("create", person_id=person.pk), {"username": "zhaolei2"})
    assert answer.status_code == 400
    assert "已经有账号了" in answer.content.decode()


def test_a_reset_asks_first_ends_the_sessions_and_must_be_changed(
    client: Client, general_admin: User, member: User
) -> None:
    session = Client()
    session.force_login(member)
    client.force_login(general_admin)
    url = _url("password_reset", account_id=member.pk)

    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert "请先勾选确认框" in unconfirmed.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)

    password = _issued_password(client.post(url, {"confirm": "on"}).content.decode())
    member.refresh_from_db()
    assert member.check_password(password)
    assert session.get(reverse("core:home")).status_code == 302  # signed out
    assert _actions("account.password_reset") == [f"auth.User:{member.pk}"]
    again = Client()
    assert _log_in(again, "dangyuan", password)
    assert again.get(reverse("ledger:my_points"))["Location"] == reverse("accounts:password_change")


def test_a_locked_account_cannot_log_in_and_its_session_ends(
    client: Client, committee_admin: User, member: User
) -> None:
    session = Client()
    session.force_login(member)
    client.force_login(committee_admin)

    answer = client.post(_url("lock", account_id=member.pk), {"confirm": "on"})
    assert answer.status_code == 302
    assert session.get(reverse("core:home")).status_code == 302
    assert not _log_in(Client(), "dangyuan", PASSWORD)
    assert _actions("account.lock") == [f"auth.User:{member.pk}"]

    client.post(_url("unlock", account_id=member.pk))
    assert _log_in(Client(), "dangyuan", PASSWORD)
    assert _actions("account.unlock") == [f"auth.User:{member.pk}"]


def test_an_admin_cannot_lock_themself_nor_remove_their_last_admin_role(
    client: Client, committee_admin: User
) -> None:
    client.force_login(committee_admin)
    locked = client.post(_url("lock", account_id=committee_admin.pk), {"confirm": "on"})
    assert locked.status_code == 400
    assert "不能停用您自己的账号" in locked.content.decode()
    committee_admin.refresh_from_db()
    assert committee_admin.is_active

    own = committee_admin.role_assignments.get()
    url = _url("role_revoke", account_id=committee_admin.pk, assignment_id=own.pk)
    answer = client.post(url, follow=True)
    assert "不能撤销您自己唯一的管理员角色" in answer.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is None


def test_roles_are_granted_in_the_subtree_only_and_never_above_ones_own(
    client: Client, general_admin: User, member: User, tree: SimpleNamespace
) -> None:
    client.force_login(general_admin)
    url = _url("role_grant", account_id=member.pk)
    above = client.post(url, {"organization": tree.b1.pk, "role": "committee_admin"})
    assert above.status_code == 400
    outside = client.post(url, {"organization": tree.b3.pk, "role": "scorekeeper"})
    assert outside.status_code == 400
    assert "选择一个有效的选项" in outside.content.decode()
    assert member.role_assignments.count() == 1

    assert client.post(url, {"organization": tree.b1.pk, "role": "scorekeeper"}).status_code == 302
    granted = member.role_assignments.get(role=Role.SCOREKEEPER)
    assert granted.organization == tree.b1
    revoke = _url("role_revoke", account_id=member.pk, assignment_id=granted.pk)
    assert client.post(revoke).status_code == 302
    granted.refresh_from_db()
    assert granted.revoked_at is not None
    mine = AuditEvent.objects.filter(actor=general_admin, action__in=["role.grant", "role.revoke"])
    assert mine.count() == 2


def test_a_general_branch_admin_reaches_no_account_of_another_general_branch(
    client: Client, general_admin: User, tree: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    g2 = organization_create(code="G2", name="机械学院党总支", kind="general_branch", parent=tree.c)
    theirs = make_user("qita", "其他")
    role_grant(user=theirs, role=Role.BRANCH_SECRETARY, organization=g2)
    # One of ours who also holds a role at the committee: not the general branch's to touch.
    both = make_user("liangbian", "两边")
    role_grant(user=both, role=Role.SCOREKEEPER, organization=tree.b1)
    role_grant(user=both, role=Role.AUDITOR, organization=tree.c)
    client.force_login(general_admin)

    listed = client.get(_url("list")).content.decode()
    assert "zongzhi" in listed
    assert "qita" not in listed
    assert "liangbian" not in listed
    for account in (theirs, both):
        for name in ("detail", "password_reset", "lock", "role_grant"):
            assert client.get(_url(name, account_id=account.pk)).status_code == 404
        assert (
            client.post(_url("lock", account_id=account.pk), {"confirm": "on"}).status_code == 404
        )
        account.refresh_from_db()
        assert account.is_active
    denied = AuditEvent.objects.filter(action="access.denied", actor=general_admin)
    assert denied.filter(target=f"auth.User:{theirs.pk}").count() == 5
    assert client.get(_url("list") + f"?org={g2.pk}").status_code == 404


def test_a_committee_admin_reaches_no_account_of_another_committee(
    client: Client, committee_admin: User, outsider: User, make_person: Callable[..., Person]
) -> None:
    client.force_login(committee_admin)
    for name in ("detail", "password_reset", "lock"):
        assert client.get(_url(name, account_id=outsider.pk)).status_code == 404
    assert client.post(_url("unlock", account_id=outsider.pk)).status_code == 404
    stranger = make_person("外人", outsider.role_assignments.get().organization.children.first())
    assert client.get(_url("create", person_id=stranger.pk)).status_code == 404
    # Nor through the organization's role page, by username: "no such account".
    roles = reverse(
        "orgs:roles", kwargs={"org_id": committee_admin.role_assignments.get().organization_id}
    )
    answer = client.post(roles, {"username": outsider.username, "role": "scorekeeper"})
    assert "没有用户名为 waibu 的账号" in answer.content.decode()
    assert outsider.role_assignments.count() == 1


def test_the_operators_account_is_nobodys_here(
    client: Client, committee_admin: User, zhang: Person
) -> None:
    operator = User.objects.create_superuser("yunwei", password=PASSWORD)
    person_link_account(person=zhang, user=operator)
    client.force_login(committee_admin)
    assert client.get(_url("detail", account_id=operator.pk)).status_code == 404
    assert "yunwei" not in client.get(_url("list")).content.decode()
    # Nor can it be given a role by username on the organization's role page.
    roles = reverse("orgs:roles", kwargs={"org_id": zhang.memberships.get().organization_id})
    answer = client.post(roles, {"username": "yunwei", "role": "member"})
    assert "没有用户名为 yunwei 的账号" in answer.content.decode()
    assert not operator.role_assignments.exists()


def test_the_list_searches_and_pages_in_the_database(
    client: Client,
    committee_admin: User,
    tree: SimpleNamespace,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    users = User.objects.bulk_create(
        User(username=f"m{n:03d}", first_name=f"党员{n}") for n in range(60)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=u, role=Role.MEMBER, organization=tree.b2) for u in users
    )
    client.force_login(committee_admin)
    first = client.get(_url("list")).content.decode()
    assert "共 61 个账号" in first
    assert "第 1 / 2 页" in first
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        second = client.get(_url("list") + "?page=2").content.decode()
    assert "m059" in second
    assert "m000" not in second
    found = client.get(_url("list") + "?q=m05").content.decode()
    assert "共 10 个账号" in found
    by_org = client.get(_url("list") + f"?org={tree.b1.pk}").content.decode()
    assert "共 0 个账号" in by_org


def test_the_menu_and_the_organization_page_lead_here(
    client: Client, general_admin: User, secretary: User, tree: SimpleNamespace
) -> None:
    client.force_login(general_admin)
    assert f'href="{_url("list")}"' in client.get(reverse("core:home")).content.decode()
    detail = client.get(reverse("orgs:detail", kwargs={"org_id": tree.g.pk})).content.decode()
    assert f"{_url('list')}?org={tree.g.pk}" in detail
    client.force_login(secretary)
    assert _url("list") not in client.get(reverse("core:home")).content.decode()
    assert client.get(_url("list")).status_code == 404
