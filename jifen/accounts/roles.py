"""The roles people hold (PRODUCT.md, "The people and what each does").

A role is held *in an organization* and reaches its subtree only: see
``jifen.orgs.models.RoleAssignment`` and the access door ``jifen.orgs.access``.
"""

from __future__ import annotations

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
