"""The roles people hold (PRODUCT.md, "The people and what each does").

Every role will be held *in an organization* and reach its subtree only; that scoping comes with
the organization tree (issue 4). Until then a role is held installation-wide, as a Django group
named by the role's code, so navigation and tests can already follow roles.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMITTEE_ADMIN = "committee_admin", _("党委管理员")
    GENERAL_BRANCH_ADMIN = "general_branch_admin", _("党总支管理员")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")
    BRANCH_COMMITTEE = "branch_committee", _("支委")
    SCOREKEEPER = "scorekeeper", _("记分员")
    MEMBER = "member", _("党员")
    OBSERVER = "observer", _("群众代表")
    AUDITOR = "auditor", _("审计")


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """The roles a signed-in user holds; nobody holds a role before signing in."""
    if not user.is_authenticated:
        return frozenset()
    names = set(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if getattr(user, "is_superuser", False):
        # The technical account that installs Jifen administers the whole installation.
        roles.add(Role.COMMITTEE_ADMIN)
    return frozenset(roles)
