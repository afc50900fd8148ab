"""The organization tree, the people in it over time, and the roles held in it.

Dates follow one rule throughout: ``start`` is the first day that counts, ``end`` the first day
that no longer counts (empty: still open). A transfer on 15 March ends the old membership and
starts the new one on the same date, so on 15 March the person belongs to the new branch only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from jifen.accounts.roles import Role


class OrganizationKind(models.Model):
    """党委, 党总支, 党支部, 党小组 … — configurable; ``level`` orders them top-down."""

    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.PositiveSmallIntegerField("层级", default=0)

    class Meta:
        verbose_name = "组织类型"
        verbose_name_plural = "组织类型"
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


PATH_DIGITS = 10  # an id of PostgreSQL's integer (up to 2147483647) fits


def path_of(parent_path: str | None, pk: int) -> str:
    """The materialized path of organization ``pk`` under a parent with ``parent_path``."""
    return f"{parent_path or '/'}{pk:0{PATH_DIGITS}d}/"


class Organization(models.Model):
    code = models.CharField("组织代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.ForeignKey(OrganizationKind, verbose_name="类型", on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of ids, each written ten digits wide ("/0000000001/0000000004/"): a
    # subtree is one indexed prefix query, and sorting by path is the tree's order (parent
    # first, then each child's subtree, siblings in the order they were made). Unpadded,
    # "/1/14/" sorted before "/1/2/" and 机关 (14) came before 机电 (2) in every list.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    active_from = models.DateField("成立日期", default=dt.date(2000, 1, 1))
    active_until = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_until__gt=models.F("active_from")),
                name="organization_active_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_within(self, other: Organization) -> bool:
        return self.path.startswith(other.path)


class Category(models.TextChoices):
    """The categories the rulebooks score differently (RULEBOOKS.md §6 roster codes)."""

    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    DEVELOPMENT_TARGET = "development_target", "发展对象"
    ACTIVIST = "activist", "入党积极分子"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Person(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    category = models.CharField("类别", max_length=24, choices=Category.choices)
    joined_party = models.DateField("入党日期", null=True, blank=True)
    probation_ends = models.DateField("预备期满日期", null=True, blank=True)
    # Derived from the name by the services, for search: 张三 → "zhangsan", "zs".
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["name_pinyin", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person belonging to an organization (normally a branch) from ``start`` until ``end``."""

    class StartReason(models.TextChoices):
        JOIN = "join", "加入"
        TRANSFER = "transfer", "转入"
        IMPORT = "import", "花名册导入"

    class EndReason(models.TextChoices):
        TRANSFER = "transfer", "转出"
        LEAVE = "leave", "离开"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    start_reason = models.CharField(max_length=16, choices=StartReason.choices)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "组织关系"
        verbose_name_plural = "组织关系"
        ordering = ["person_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="membership_dates_in_order",
            )
        ]
        indexes = [models.Index(fields=["organization", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization} {self.start}–{self.end or ''}"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class Exemption(models.Model):
    """不列入管理 (seed 001): reason, 支委会研究, 党员大会通过, 报党总支备案 — each dated."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exemptions")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=200)
    committee_decided_on = models.DateField("支委会研究日期")
    general_meeting_on = models.DateField("党员大会通过日期")
    filed_on = models.DateField("报党总支备案日期")

    class Meta:
        verbose_name = "不列入积分管理"
        verbose_name_plural = "不列入积分管理"
        ordering = ["person_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="exemption_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} 不列入管理 {self.start}"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


class RoleAssignment(models.Model):
    """A role held in an organization; it reaches that organization's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="roles"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_assignment_per_role_and_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} @ {self.organization}"
