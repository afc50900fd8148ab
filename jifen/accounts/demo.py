"""The demo installation's accounts, one per role, shared by `jifen demo` and the login page.

Each account holds its role in an organization of the demo college (``jifen.demo.college``);
the people among them are also members of the college, linked to their account.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization, Person
from jifen.orgs.services import person_link_account, role_grant

# Long enough for the 12-character rule; shown on the login page only when JIFEN_DEMO is on.
DEMO_PASSWORD = "jifen-demo-2026"  # noqa: S105

# Organization codes of the demo college (jifen.demo.college builds them).
COMMITTEE_CODE = "ZYXY"
DEMO_GENERAL_BRANCH_CODE = "ZYXY02"
DEMO_BRANCH_CODE = "ZYXY0202"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role
    organization_code: str
    organization_name: str


_COMMITTEE = (COMMITTEE_CODE, "中共某某职业学院委员会")
_GENERAL_BRANCH = (DEMO_GENERAL_BRANCH_CODE, "信息工程学院党总支")
_BRANCH = (DEMO_BRANCH_CODE, "信息工程学院学生第一党支部")

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "王建国", Role.COMMITTEE_ADMIN, *_COMMITTEE),
    DemoAccount("zongzhi", "李红梅", Role.GENERAL_BRANCH_ADMIN, *_GENERAL_BRANCH),
    DemoAccount("shuji", "张伟", Role.BRANCH_SECRETARY, *_BRANCH),
    DemoAccount("zhiwei", "刘洋", Role.BRANCH_COMMITTEE, *_BRANCH),
    DemoAccount("jifenyuan", "陈静", Role.SCOREKEEPER, *_BRANCH),
    DemoAccount("dangyuan", "赵磊", Role.MEMBER, *_BRANCH),
    DemoAccount("qunzhong", "孙丽", Role.OBSERVER, *_BRANCH),
    DemoAccount("shenji", "周敏", Role.AUDITOR, *_COMMITTEE),
)


# The platform operator (平台运维): installs and creates committees, enters the Django admin, and
# holds no role in any organization (a committee admin never enters the admin, issue 16).
DEMO_OPERATOR_USERNAME = "yunwei"
DEMO_OPERATOR_NAME = "平台运维"


class _Passwords:
    """Argon2 takes a good part of a second per hash: the demo accounts share one hash of the
    demo password (it is printed on the login page anyway), and each stored hash is checked
    once."""

    def __init__(self) -> None:
        self._encoded = ""
        self._checked: dict[str, bool] = {}

    def encoded(self) -> str:
        if not self._encoded:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def is_demo(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _user_ensure(
    username: str, name: str, passwords: _Passwords, *, operator: bool = False
) -> User:
    """The account with the demo password; saved only when something differs, so a second
    run writes nothing. Only the platform operator is staff and superuser: an installation
    demoed before kept its committee admin as superuser, which this takes away."""
    user, created = User.objects.get_or_create(username=username)
    wanted = {"first_name": name, "is_staff": operator, "is_superuser": operator}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if created or not passwords.is_demo(user.password):
        user.password = passwords.encoded()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return user


def _person_link(user: User, name: str, committee: Organization) -> None:
    """Link the account to the person of that name in the demo college, if not yet linked."""
    if Person.objects.filter(user=user).exists():
        return
    person = (
        Person.objects.filter(
            name=name,
            user__isnull=True,
            memberships__organization__path__startswith=committee.path,
        )
        .order_by("pk")
        .first()
    )
    if person is None:
        return
    person_link_account(person=person, user=user)


@transaction.atomic
def demo_accounts_load() -> list[DemoAccount]:
    """Create every demo account with its role held in its organization of the demo college,
    and the platform operator's account (no role); link the accounts of party members to their
    person; running it twice changes nothing.

    The college must exist (``jifen.demo.college.college_load`` calls this at its end).
    """
    organizations = {
        org.code: org
        for org in Organization.objects.filter(
            code__in={account.organization_code for account in DEMO_ACCOUNTS}
        )
    }
    if COMMITTEE_CODE not in organizations:
        raise ImproperlyConfigured(f"演示党委 {COMMITTEE_CODE} 不存在，请运行 jifen demo")
    committee = organizations[COMMITTEE_CODE]
    passwords = _Passwords()
    _user_ensure(DEMO_OPERATOR_USERNAME, DEMO_OPERATOR_NAME, passwords, operator=True)
    for account in DEMO_ACCOUNTS:
        user = _user_ensure(account.username, account.name, passwords)
        role_grant(
            user=user, role=account.role, organization=organizations[account.organization_code]
        )
        _person_link(user, account.name, committee)
    return list(DEMO_ACCOUNTS)
