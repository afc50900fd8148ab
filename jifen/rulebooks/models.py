from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    def current(self) -> AdoptionQuerySet:
        """The adoptions in force: the latest version of each organization's year."""
        return self.filter(superseded_at__isnull=True)


class Adoption(models.Model):
    """An organization scores ``year`` with one rulebook version, for its whole subtree.

    The YAML text is kept as adopted, so a later release of a built-in rulebook never changes a
    year that was scored with the earlier one.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="adoptions"
    )
    year = models.PositiveSmallIntegerField("年度")
    rulebook_id = models.CharField("积分办法", max_length=64)
    rulebook_version = models.CharField("版本", max_length=32)
    yaml_text = models.TextField("规则全文")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)
    # Where an organization's own rulebook came from: the draft version adopted (its text is
    # copied into ``yaml_text`` all the same, so the year never depends on the draft).
    draft_version = models.ForeignKey(
        "DraftVersion",
        verbose_name="来自自定积分办法版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adoptions",
    )
    # Versions of one year's adoption: a change adopts again; the adoption it replaces is kept,
    # marked superseded, and stays readable. Only ``superseded_at`` is ever written afterwards,
    # never the text, so a parsed rulebook cached by pk stays right.
    replaces = models.OneToOneField(
        "self",
        verbose_name="替换的版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    reason = models.TextField("更换理由", blank=True)
    superseded_at = models.DateTimeField("被替换时间", null=True, blank=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        verbose_name = "采用的积分办法"
        verbose_name_plural = "采用的积分办法"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_rulebook_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}: {self.rulebook_id} v{self.rulebook_version}"


class Draft(models.Model):
    """An organization's own rulebook in the making: a built-in rulebook (``base``) and the
    differences the organization wrote in forms, kept as numbered versions.

    A draft is written by people who never see YAML, but what it stores is the expert's form:
    an ``extends`` document of the differences only, so a YAML view and upload stay possible
    and the engine's loader stays the one judge of what is valid."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="rulebook_drafts"
    )
    title = models.CharField("名称", max_length=120)
    base = models.CharField("基于", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "自定积分办法"
        verbose_name_plural = "自定积分办法"

    def __str__(self) -> str:
        return self.title

    @property
    def rulebook_code(self) -> str:
        """The ``id`` every version of this draft carries: plain ASCII, unique per draft."""
        return f"own{self.pk}"


class DraftVersion(models.Model):
    """One saved state of a draft: the whole ``extends`` document, who saved it and why.
    Versions are only ever added; the latest is the draft's current text."""

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    yaml_text = models.TextField("规则全文")
    reason = models.TextField("修改理由")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "自定积分办法版本"
        verbose_name_plural = "自定积分办法版本"
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="one_number_a_draft_version")
        ]

    def __str__(self) -> str:
        return f"{self.draft} 第 {self.number} 版"


class OwnRulebookAllowed(models.Model):
    """允许自定积分办法: the level above lets an organization (and its subtree) adopt rulebooks of
    its own. Committee admins adopt anywhere in their tree; a general-branch admin only where
    this is set on its organization or one above. Set and withdrawn by an admin who may adopt
    for the organization's parent, never by the organization itself (audited)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="own_rulebook"
    )
    allowed = models.BooleanField("允许自定积分办法", default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "允许自定积分办法"
        verbose_name_plural = "允许自定积分办法"

    def __str__(self) -> str:
        return f"{self.organization} {'允许' if self.allowed else '不允许'}自定积分办法"
