"""Committee and general-branch admins manage their own subtree's accounts (issue 16).

Every write here takes the acting admin and checks, besides the door the page went through,
the rules the door cannot see: never a role above one's own or outside one's subtree, never an
account that reaches beyond one's subtree (``access.accounts_for``), never the platform
operator's, never oneself locked out or stripped of one's last admin role. Each is one
transaction and audited; a refusal is a ValidationError in Chinese that changes nothing.

Passwords an admin sets are generated, shown once and never stored in plain text: the holder
must choose their own at the next login (``PasswordDue``, jifen/accounts/password_due.py).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jifen.accounts.models import PasswordDue
from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.orgs.models import Organization, Person, RoleAssignment
from jifen.orgs.pinyin import pinyin_keys
from jifen.orgs.services import person_link_account, role_grant, role_revoke

# Letters a person reads off a screen and types without mistaking one for another (no 0/O,
# 1/l/I): three groups of four, about 59 bits, past the 12-character rule.
_PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 (an alphabet, not a password)
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,29}$")
ADMIN_ROLES = access.ALLOWED[Action.MANAGE_ACCOUNTS]


@dataclass(frozen=True)
class Issued:
    """An account and the password just set on it, to be shown once and then forgotten."""

    user: User
    password: str


def password_generate() -> str:
    return "-".join("".join(secrets.choice(_PASSWORD_LETTERS) for _ in range(4)) for _ in range(3))


def username_suggest(name: str) -> str:
    """The name in pinyin (张伟 → zhangwei), with 2, 3 … added while it is taken."""
    base = re.sub(r"[^a-z0-9]", "", pinyin_keys(name)[0])[:24] or "user"
    if not base[0].isalpha():
        base = f"u{base}"
    names = User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    taken = {name.lower() for name in names}
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, len(taken) + 3) if f"{base}{n}" not in taken)


def _password_due(user: User) -> None:
    PasswordDue.objects.update_or_create(user=user)


def _in_scope(actor: AnyUser, account: User) -> None:
    if not access.accounts_for(actor).filter(pk=account.pk).exists():
        raise ValidationError(_("该账号不在您的管理范围内"))


def _username_checked(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            {
                "username": _(
                    "用户名应以小写字母开头，由 2 到 30 个小写字母、数字和 . _ - 组成，如 zhangwei"
                )
            }
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名 %(name)s 已被使用") % {"name": username}})
    return username


@transaction.atomic
def account_create(
    *,
    actor: AnyUser,
    person: Person,
    username: str,
    role: Role | str | None,
    organization: Organization | None,
) -> Issued:
    """An account for ``person`` (of ``actor``'s subtree) with a generated password its holder
    must change at the first login, and ``role`` in ``organization`` (their branch) if given."""
    if not access.people_for_accounts(actor).filter(pk=person.pk).exists():
        raise ValidationError(_("%(name)s 不在您的管理范围内") % {"name": person.name})
    if Person.objects.filter(pk=person.pk, user__isnull=False).exists():
        raise ValidationError(_("%(name)s 已经有账号了") % {"name": person.name})
    username = _username_checked(username)
    password = password_generate()
    try:
        with transaction.atomic():
            user = User.objects.create_user(username, password=password, first_name=person.name)
    except IntegrityError:  # taken between the check and the insert
        raise ValidationError(
            {"username": _("用户名 %(name)s 已被使用") % {"name": username}}
        ) from None
    person_link_account(person=person, user=user, actor=actor)
    _password_due(user)
    audit_record(
        action="account.create",
        actor=actor,
        target=user,
        summary=f"为 {person.name} 开通账号 {username}（初始密码只显示一次，首次登录须修改）",
    )
    if role:
        if organization is None:
            raise ValidationError({"role": _("请选择授予角色的组织")})
        account_role_grant(actor=actor, account=user, role=role, organization=organization)
    return Issued(user, password)


@transaction.atomic
def account_password_reset(*, actor: AnyUser, account: User) -> Issued:
    """A new generated password, shown once; the holder must change it at the next login.
    Every session of the account ends (its stored hash changed)."""
    _in_scope(actor, account)
    password = password_generate()
    account.set_password(password)
    account.save(update_fields=["password"])
    _password_due(account)
    audit_record(
        action="account.password_reset",
        actor=actor,
        target=account,
        summary=f"重置 {account.get_username()} 的密码（首次登录须修改）",
    )
    return Issued(account, password)


@transaction.atomic
def account_lock(*, actor: AnyUser, account: User) -> User:
    """停用: the login refuses the account and its open sessions end at their next request."""
    _in_scope(actor, account)
    if account.pk == actor.pk:
        raise ValidationError(_("不能停用您自己的账号"))
    if not account.is_active:
        raise ValidationError(_("账号 %(name)s 已经停用") % {"name": account.get_username()})
    account.is_active = False
    account.save(update_fields=["is_active"])
    audit_record(
        action="account.lock",
        actor=actor,
        target=account,
        summary=f"停用账号 {account.get_username()}",
    )
    return account


@transaction.atomic
def account_unlock(*, actor: AnyUser, account: User) -> User:
    _in_scope(actor, account)
    if account.is_active:
        raise ValidationError(_("账号 %(name)s 没有停用") % {"name": account.get_username()})
    account.is_active = True
    account.save(update_fields=["is_active"])
    audit_record(
        action="account.unlock",
        actor=actor,
        target=account,
        summary=f"启用账号 {account.get_username()}",
    )
    return account


def _grantable_here(actor: AnyUser, role: Role, organization: Organization) -> None:
    if not access.can(actor, Action.MANAGE_ACCOUNTS, organization):
        raise ValidationError({"organization": _("该组织不在您的管理范围内")})
    if role not in access.grantable_roles(actor, organization):
        raise ValidationError(
            {"role": _("您不能授予或撤销“%(role)s”：它高于您自己的角色") % {"role": role.label}}
        )


@transaction.atomic
def account_role_grant(
    *, actor: AnyUser, account: User, role: Role | str, organization: Organization
) -> RoleAssignment:
    """``role`` in ``organization`` for ``account``: the organization within ``actor``'s
    subtree, the role not above ``actor``'s own, the account ``actor``'s to manage — or one no
    organization holds yet (a new account the operator made), which this gives to the subtree."""
    role = Role(role)
    _grantable_here(actor, role, organization)
    if account.is_staff or account.is_superuser:
        raise ValidationError({"username": _("平台运维账号不能授予角色")})
    if not (
        access.accounts_for(actor).filter(pk=account.pk).exists()
        or access.accounts_unclaimed().filter(pk=account.pk).exists()
    ):
        raise ValidationError({"username": _("该账号不在您的管理范围内")})
    return role_grant(user=account, role=role, organization=organization, actor=actor)


@transaction.atomic
def account_role_revoke(*, actor: AnyUser, assignment: RoleAssignment) -> RoleAssignment:
    """Revoke a role of ``actor``'s subtree that ``actor`` could have granted; never the last
    admin role ``actor`` holds (nobody would be left to give it back)."""
    role = Role(assignment.role)
    _grantable_here(actor, role, assignment.organization)
    if assignment.user_id == actor.pk and role in ADMIN_ROLES:
        others = (
            RoleAssignment.objects.select_for_update()
            .filter(user_id=actor.pk, revoked_at__isnull=True, role__in=list(ADMIN_ROLES))
            .exclude(pk=assignment.pk)
        )
        if not others.exists():
            raise ValidationError(_("不能撤销您自己唯一的管理员角色；请由其他管理员办理"))
    elif not access.accounts_for(actor).filter(pk=assignment.user_id).exists():
        raise ValidationError(_("该账号不在您的管理范围内"))
    role_revoke(assignment=assignment, actor=actor)
    return assignment
