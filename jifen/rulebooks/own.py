"""Who may adopt a rulebook for an organization: 允许自定积分办法.

Committee admins adopt for anything in their tree. A general-branch admin adopts for its own
subtree only where the level above allows it: the flag ``OwnRulebookAllowed`` on the
organization or on one above it. The flag is set by someone who may adopt for the
organization's parent — so never by the organization itself, and a general branch that is not
allowed cannot allow its own branches either (docs/decisions.md)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.rulebooks.models import OwnRulebookAllowed

AnyUser = AbstractBaseUser | AnonymousUser


def allowed_here(organization: Organization) -> OwnRulebookAllowed | None:
    """The flag that lets ``organization`` have its own rulebook: its own or the nearest
    ancestor's, or None."""
    ids = [*organization.ancestor_ids(), organization.pk]
    flags = {
        f.organization_id: f
        for f in OwnRulebookAllowed.objects.filter(organization_id__in=ids, allowed=True)
    }
    return next((flags[i] for i in reversed(ids) if i in flags), None)


def _committee_admin_of(user: AnyUser, organization: Organization) -> bool:
    return any(
        a.role == Role.COMMITTEE_ADMIN and organization.is_within(a.organization)
        for a in access.assignments_of(user)
    )


def adopt_refusal(user: AnyUser | None, organization: Organization) -> str | None:
    """Why ``user`` may not adopt for ``organization``, in Chinese; None when they may.

    Only no user at all — the deployer at the command line — skips the rule. A superuser is
    judged by their roles like anyone else: a committee admin who is also a superuser holds no
    more than their committee (issue 16)."""
    if user is None:
        return None
    if not access.can(user, Action.ADOPT, organization):
        return f"您无权为 {organization.name} 采用积分办法"
    if _committee_admin_of(user, organization) or allowed_here(organization) is not None:
        return None
    return (
        f"上级组织没有允许 {organization.name} 自定积分办法，党总支管理员不能为它采用积分办法；"
        f"请上级组织的管理员在“各组织适用的积分办法”页面开启“允许自定积分办法”，"
        f"或由党委管理员为它采用"
    )


def may_adopt(user: AnyUser, organization: Organization) -> bool:
    return adopt_refusal(user, organization) is None


def allowed_ids() -> set[int]:
    """The organizations carrying the flag, for pages listing a whole tree in one query."""
    return set(
        OwnRulebookAllowed.objects.filter(allowed=True).values_list("organization_id", flat=True)
    )


def adoptable(user: AnyUser, organizations: list[Organization]) -> set[int]:
    """Which of ``organizations`` ``user`` may adopt for — ``may_adopt`` for a whole list, in
    one query."""
    flagged = allowed_ids()
    reach = access.reach(user, Action.ADOPT)
    committee = [
        a.organization.path for a in access.assignments_of(user) if a.role == Role.COMMITTEE_ADMIN
    ]
    return {
        o.pk
        for o in organizations
        if reach.covers(o)
        and (
            any(o.path.startswith(path) for path in committee)
            or any(i in flagged for i in [*o.ancestor_ids(), o.pk])
        )
    }


def may_allow(user: AnyUser, organization: Organization) -> bool:
    """Whether ``user`` may set the flag of ``organization``: they may adopt for its parent."""
    parent = organization.parent
    return parent is not None and may_adopt(user, parent)


@transaction.atomic
def own_rulebook_allow(
    *, organization: Organization, allowed: bool, actor: AnyUser
) -> OwnRulebookAllowed:
    """Allow (or no longer allow) ``organization`` and its subtree their own rulebooks.
    Adoptions already made stay; the flag only governs adopting from now on."""
    if not may_allow(actor, organization):
        raise ValidationError(
            {"allowed": f"只有上级组织的管理员可以设置 {organization.name} 是否允许自定积分办法"}
        )
    flag, _created = OwnRulebookAllowed.objects.select_for_update().get_or_create(
        organization=organization
    )
    if flag.allowed == allowed:
        return flag
    flag.allowed = allowed
    flag.changed_by = actor if actor.is_authenticated else None  # type: ignore[assignment]
    flag.save()
    audit_record(
        action="rulebook.own.allow" if allowed else "rulebook.own.disallow",
        actor=actor,
        target=organization,
        summary=(
            f"{'允许' if allowed else '不再允许'} {organization.name} 及其下级组织自定积分办法"
        ),
    )
    return flag
