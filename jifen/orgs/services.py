"""Writes to organizations, people, memberships and roles. Each one transaction, each audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.models import (
    Exemption,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    RoleAssignment,
    path_of,
)
from jifen.orgs.rules import (
    ID_NUMBER_ELSEWHERE,
    ID_NUMBER_TAKEN,
    person_changes_checked,
    person_changes_set,
    person_create_summary,
    person_fields_checked,
    person_update_detail,
    person_update_summary,
    transfer_checked,
    transfer_summary,
)
from jifen.orgs.selectors import memberships_on

Actor = AbstractBaseUser | AnonymousUser | None


# Letters, digits and . _ - : codes are typed into spreadsheets and URLs by hand, and a code
# with a space or a full-width character in it cannot be told from its neighbour on paper.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CODE_MAX = 32
NAME_MAX = 100


def organization_problems(
    *,
    code: str,
    name: str,
    kind: OrganizationKind,
    parent: Organization | None,
    active_from: dt.date,
) -> dict[str, str]:
    """Why an organization with these values cannot be created, by field; empty if it can.

    The one copy of the rules for a new organization: the add page and the tree import ask it
    (an import's parent may be an organization of the same file, not saved yet: ``parent`` is
    then an unsaved instance with its kind and dates)."""
    problems: dict[str, str] = {}
    if not code:
        problems["code"] = _("组织代码不能为空")
    elif len(code) > CODE_MAX:
        problems["code"] = _("组织代码过长（%(n)s 个字符），不能超过 %(max)s 个") % {
            "n": len(code),
            "max": CODE_MAX,
        }
    elif not CODE_PATTERN.match(code):
        problems["code"] = _(
            "组织代码“%(code)s”只能由字母、数字和 . _ - 组成，并以字母或数字开头"
        ) % {"code": code}
    elif Organization.objects.filter(code__iexact=code).exists():
        problems["code"] = _("组织代码 %(code)s 已被使用") % {"code": code}
    if not name:
        problems["name"] = _("名称不能为空")
    elif len(name) > NAME_MAX:
        problems["name"] = _("名称过长（%(n)s 字），不能超过 %(max)s 字") % {
            "n": len(name),
            "max": NAME_MAX,
        }
    if parent is not None and kind.level <= parent.kind.level:
        problems["kind"] = _("%(kind)s不能设在%(parent_kind)s %(parent)s 之下") % {
            "kind": kind.name,
            "parent_kind": parent.kind.name,
            "parent": parent.name,
        }
    if active_from > clock.today():
        problems["active_from"] = _("成立日期 %(day)s 晚于今天") % {"day": active_from}
    elif parent is not None and parent.active_until is not None:
        problems["active_from"] = _("上级组织 %(parent)s 已于 %(day)s 撤销") % {
            "parent": parent.name,
            "day": parent.active_until,
        }
    return problems


@transaction.atomic
def organization_create(
    *,
    code: str,
    name: str,
    kind: OrganizationKind | str,
    parent: Organization | None = None,
    active_from: dt.date | None = None,
    actor: Actor = None,
) -> Organization:
    """A new organization under ``parent``; refused (ValidationError by field) for the reasons
    ``organization_problems`` gives."""
    if isinstance(kind, str):
        kind = OrganizationKind.objects.get(code=kind)
    code, name = code.strip(), name.strip()
    active_from = active_from or dt.date(2000, 1, 1)
    if problems := organization_problems(
        code=code, name=name, kind=kind, parent=parent, active_from=active_from
    ):
        raise ValidationError(problems)
    organization = Organization.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        active_from=active_from,
    )
    organization.path = path_of(parent.path if parent else None, organization.pk)
    organization.save(update_fields=["path"])
    audit_record(
        action="org.create",
        actor=actor,
        target=organization,
        summary=f"新建组织 {code} {name}",
    )
    return organization


@transaction.atomic
def organization_close(
    *,
    organization: Organization,
    on: dt.date,
    actor: Actor = None,
) -> Organization:
    """撤销: the organization is no longer active from ``on``. Refused while anyone still
    belongs to it or to an organization below it on that day (transfer them first)."""
    if on <= organization.active_from:
        raise ValidationError({"on": "撤销日期应晚于成立日期"})
    if organization.active_until is not None:
        raise ValidationError({"on": f"{organization.name} 已于 {organization.active_until} 撤销"})
    still = memberships_on(organization=organization, day=on, subtree=True).count()
    if still:
        raise ValidationError({"on": f"{on} 仍有 {still} 人属于该组织或其下级组织，请先办理转接"})
    Organization.objects.filter(pk=organization.pk).update(active_until=on)
    organization.refresh_from_db()
    audit_record(
        action="org.close",
        actor=actor,
        target=organization,
        summary=f"撤销组织 {organization.name}（自 {on} 起）",
    )
    return organization


@transaction.atomic
def person_create(
    *,
    name: str,
    gender: str,
    id_number: str,
    category: str,
    organization: Organization,
    start: dt.date,
    phone: str = "",
    joined_party: dt.date | None = None,
    probation_ends: dt.date | None = None,
    start_reason: str = Membership.StartReason.JOIN,
    actor: Actor = None,
) -> Person:
    """A new person, belonging to ``organization`` from ``start``."""
    fields = person_fields_checked(
        name=name,
        gender=gender,
        id_number=id_number,
        phone=phone,
        category=category,
        joined_party=joined_party,
        probation_ends=probation_ends,
        organization=organization,
        start=start,
    )
    if Person.objects.filter(id_number=fields["id_number"]).exists():
        raise ValidationError({"id_number": ID_NUMBER_TAKEN})
    person = Person.objects.create(**fields)
    Membership.objects.create(
        person=person, organization=organization, start=start, start_reason=start_reason
    )
    audit_record(
        action="person.create",
        actor=actor,
        target=person,
        summary=person_create_summary(person, organization, start),
    )
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor: Actor = None,
    **changes: Any,
) -> list[str]:
    """Change the given fields; returns the names of the fields that really changed."""
    current, changed = person_changes_checked(person, changes)
    if not changed:
        return []
    if (
        "id_number" in changed
        and Person.objects.filter(id_number=changes["id_number"]).exclude(pk=person.pk).exists()
    ):
        raise ValidationError({"id_number": ID_NUMBER_ELSEWHERE})
    person_changes_set(person, changes, changed)
    person.save()
    audit_record(
        action="person.update",
        actor=actor,
        target=person,
        summary=person_update_summary(person, changed),
        detail=person_update_detail(current, changes, changed),
    )
    return changed


def membership_current(person: Person, day: dt.date) -> Membership | None:
    for membership in person.memberships.select_related("organization"):
        if membership.covers(day):
            return membership
    return None


@transaction.atomic
def membership_transfer(
    *,
    person: Person,
    to: Organization,
    on: dt.date,
    note: str = "",
    actor: Actor = None,
) -> Membership:
    """Move ``person`` to ``to`` on ``on``: the old membership ends that day, the new one starts."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    memberships = list(person.memberships.select_related("organization"))
    current = transfer_checked(person, memberships, to, on)
    previous_end = current.end
    Membership.objects.filter(pk=current.pk).update(
        end=on, end_reason=Membership.EndReason.TRANSFER
    )
    new = Membership.objects.create(
        person=person,
        organization=to,
        start=on,
        end=previous_end,
        start_reason=Membership.StartReason.TRANSFER,
        note=note,
    )
    audit_record(
        action="membership.transfer",
        actor=actor,
        target=person,
        summary=transfer_summary(person, current, to, on),
    )
    return new


@transaction.atomic
def membership_leave(
    *,
    person: Person,
    on: dt.date,
    note: str = "",
    actor: Actor = None,
) -> Membership:
    current = membership_current(person, on)
    if current is None:
        raise ValidationError({"on": f"{on} 当天 {person.name} 不属于任何组织"})
    if current.start == on:
        raise ValidationError({"on": "离开日期不能与加入日期相同"})
    Membership.objects.filter(pk=current.pk).update(
        end=on, end_reason=Membership.EndReason.LEAVE, note=note or current.note
    )
    audit_record(
        action="membership.leave",
        actor=actor,
        target=person,
        summary=f"{person.name} 于 {on} 离开 {current.organization.name}",
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def exemption_create(
    *,
    person: Person,
    start: dt.date,
    reason: str,
    committee_decided_on: dt.date,
    general_meeting_on: dt.date,
    filed_on: dt.date,
    end: dt.date | None = None,
    actor: Actor = None,
) -> Exemption:
    """不列入管理 (seed 001): decided by the 支委会, passed by the 党员大会, filed with the
    党总支 — three dates, in that order."""
    problems: dict[str, str] = {}
    if not reason.strip():
        problems["reason"] = "请填写原因（如年老体弱、疾病）"
    if not committee_decided_on <= general_meeting_on <= filed_on:
        problems["filed_on"] = "应依次为：支委会研究、党员大会通过、报党总支备案"
    if end is not None and end <= start:
        problems["end"] = "结束日期应晚于开始日期"
    if problems:
        raise ValidationError(problems)
    exemption = Exemption.objects.create(
        person=person,
        start=start,
        end=end,
        reason=reason.strip(),
        committee_decided_on=committee_decided_on,
        general_meeting_on=general_meeting_on,
        filed_on=filed_on,
    )
    audit_record(
        action="exemption.create",
        actor=actor,
        target=person,
        summary=f"{person.name} 自 {start} 起不列入积分管理：{exemption.reason}",
    )
    return exemption


@transaction.atomic
def person_link_account(
    *,
    person: Person,
    user: User,
    actor: Actor = None,
) -> Person:
    """Give ``person`` the account ``user`` (a member signs in to see their own points)."""
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise ValidationError({"user": f"{person.name} 已经关联了另一个账号"})
    if Person.objects.filter(user=user).exists():
        raise ValidationError({"user": f"账号 {user.get_username()} 已经关联了另一名人员"})
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    audit_record(
        action="person.link_account",
        actor=actor,
        target=person,
        summary=f"{person.name} 关联账号 {user.get_username()}",
    )
    return person


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: Role | str,
    organization: Organization,
    actor: Actor = None,
) -> RoleAssignment:
    role = Role(role)
    existing = RoleAssignment.objects.filter(
        user_id=user.pk, role=role, organization=organization, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        organization=organization,
        granted_by=actor if isinstance(actor, User) else None,
    )
    audit_record(
        action="role.grant",
        actor=actor,
        target=assignment,
        summary=f"授予 {user.get_username()} {role.label}（{organization.name}）",
    )
    return assignment


@transaction.atomic
def role_revoke(
    *,
    assignment: RoleAssignment,
    actor: Actor = None,
) -> None:
    if assignment.revoked_at is not None:
        return
    # save(), not update(): the post_save signal tells the door to read the roles again.
    assignment.revoked_at = clock.now()
    assignment.save(update_fields=["revoked_at"])
    audit_record(
        action="role.revoke",
        actor=actor,
        target=assignment,
        summary=(
            f"撤销 {assignment.user} {assignment.get_role_display()}（{assignment.organization}）"
        ),
    )
