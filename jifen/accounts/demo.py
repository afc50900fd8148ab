"""The demo installation's accounts, one per role, shared by `jifen demo` and the login page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from jifen.accounts.roles import Role

# Long enough for the 12-character rule; shown on the login page only when JIFEN_DEMO is on.
DEMO_PASSWORD = "jifen-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: Role


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "王建国", Role.COMMITTEE_ADMIN),
    DemoAccount("zongzhi", "李红梅", Role.GENERAL_BRANCH_ADMIN),
    DemoAccount("shuji", "张伟", Role.BRANCH_SECRETARY),
    DemoAccount("zhiwei", "刘洋", Role.BRANCH_COMMITTEE),
    DemoAccount("jifenyuan", "陈静", Role.SCOREKEEPER),
    DemoAccount("dangyuan", "赵磊", Role.MEMBER),
    DemoAccount("qunzhong", "孙丽", Role.OBSERVER),
    DemoAccount("shenji", "周敏", Role.AUDITOR),
)


@transaction.atomic
def demo_accounts_load() -> list[DemoAccount]:
    """Create (or reset) every demo account with its role; running it twice changes nothing."""
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.first_name = account.name
        user.is_staff = account.role == Role.COMMITTEE_ADMIN
        user.is_superuser = account.role == Role.COMMITTEE_ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        group, _ = Group.objects.get_or_create(name=account.role.value)
        user.groups.set([group])
    return list(DEMO_ACCOUNTS)
