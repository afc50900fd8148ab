from __future__ import annotations

from django.conf import settings
from django.db import models

from jifen.orgs.models import Organization


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

    class Meta:
        verbose_name = "采用的积分办法"
        verbose_name_plural = "采用的积分办法"
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_rulebook_a_year")
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
