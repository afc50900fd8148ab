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
