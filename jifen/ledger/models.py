"""The ledger (积分台账): the append-only list of facts, chained by hash per organization.

The ledger stores facts, never computed points (RULEBOOKS.md §2). An entry is never updated or
deleted — the model refuses and a database trigger refuses; a correction is a new entry that
points at the one it voids or replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyModel
from jifen.orgs.models import Organization, Person

GENESIS = "0" * 64


# The labels stay Chinese where they are stored (audit summaries, notes) and are translated
# where they are shown (gettext_noop only marks them for the catalogue).
class Origin(models.TextChoices):
    ACTIVITY = "activity", gettext_noop("活动签到")
    DECLARATION = "declaration", gettext_noop("个人申报")
    IMPORT = "import", gettext_noop("导入")
    MANUAL = "manual", gettext_noop("记分员录入")
    REVIEW = "review", gettext_noop("评议")
    CORRECTION = "correction", gettext_noop("更正")


class Correction(models.TextChoices):
    VOID = "void", gettext_noop("作废")
    REPLACE = "replace", gettext_noop("替换")


class LedgerHead(models.Model):
    """The end of one organization's chain: appending locks this row, so entries are numbered
    one after another even when two scorekeepers record at the same moment."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, primary_key=True, related_name="ledger_head"
    )
    seq = models.PositiveBigIntegerField(default=0)
    head = models.CharField(max_length=64, default=GENESIS)
    # Ed25519 over (organization, seq, head) with the anchor key, which the database never holds
    # (jifen.ledger.heads): someone who can write rows can recompute hashes but not sign a head.
    signature = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        verbose_name = "台账链头"
        verbose_name_plural = "台账链头"

    def __str__(self) -> str:
        return f"{self.organization_id} #{self.seq}"


class Entry(AppendOnlyModel):
    refusal = "台账记录不能修改或删除；请录入一条更正记录"

    organization = models.ForeignKey(
        Organization, verbose_name="台账所属组织", on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField("序号")
    # The subject: a member (member rulebooks) or an organization (organization rulebooks).
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    subject_org = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    date = models.DateField("日期", db_index=True)
    item = models.CharField("项目代码", max_length=64, blank=True)
    value = models.CharField("值", max_length=64, blank=True)
    source = models.CharField("来源", max_length=16, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    evidence = models.JSONField("证明材料", default=list, blank=True)
    origin = models.CharField("记录方式", max_length=16, choices=Origin.choices)
    origin_ref = models.CharField("出处", max_length=64, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    correction = models.CharField(max_length=8, choices=Correction.choices, blank=True)
    reason = models.CharField("更正原因", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "积分台账"
        db_table = appendonly.register("ledger_entry")
        ordering = ["organization_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="one_entry_per_seq"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(subject_org__isnull=False),
                name="entry_has_a_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "date"]),
            models.Index(fields=["subject_org", "date"]),
            # What one organization recorded from one source (an activity's attendance, a
            # month's import): the home page asks which months were imported, attendance is
            # read by its activity.
            models.Index(fields=["organization", "origin_ref"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.date} {self.item} {self.value}"


class Seal(AppendOnlyModel):
    """A span of days the branch secretary has signed for an organization (and its subtree).

    Written by whoever signs (periods) and read by the ledger itself: a new fact about someone
    who belonged to the organization on a sealed day is refused unless it is a correction with
    a reason. A seal is never lifted; a correction inside it shows as a changed sheet that needs
    a new signature. The ledger knows nothing of quarters or notices: ``ref`` and ``label`` are
    the signer's words for the span.
    """

    refusal = "签名封存记录不能修改或删除"

    organization = models.ForeignKey(
        Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")  # inclusive, as the engine's periods
    label = models.CharField("期间", max_length=64)
    ref = models.CharField("出处", max_length=64)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sealed_at = models.DateTimeField("签名时间")

    class Meta:
        verbose_name = "签名封存"
        verbose_name_plural = "签名封存"
        db_table = appendonly.register("ledger_seal")
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.label} {self.start}–{self.end}"


class ScoreHead(models.Model):
    """How far one person's facts of one year have come: ``n`` goes up by one in the same
    transaction as every append or correction of a fact about ``person`` dated in ``year``
    (``services._append``). A stored result remembers the ``n`` it was computed from, so a
    stored result whose ``n`` differs from this one is never used (docs/architecture.md,
    "存储的积分")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    n = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "积分事实计数"
        verbose_name_plural = "积分事实计数"
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="one_score_head_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} #{self.n}"


class StoredYear(models.Model):
    """The engine's result for one member and year, under one adoption's scope, as it stood at
    one month cut-off (``reached`` months of the scoring year begun: 12 is the whole year) —
    before the cross-member rules (stars, quotas, bands, ranks), which run on the stored totals
    when read. Derived, never a source: used only while all four tags equal the current ones
    (``jifen.ledger.stored``), otherwise recomputed from the ledger and written again;
    ``jifen scores verify`` compares every current row with a recompute."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    # The organization whose adoption rules the member's facts and months (adoption.organization).
    scope = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveSmallIntegerField("计至第几个月")
    # The tags: the adoption in force (which pins the rulebook's text) and the nested adoptions
    # that cut the scope; the person's ScoreHead.n; a digest of the member as the engine saw them
    # (memberships within the scope, exemptions, category, cut at ``reached``).
    adoption = models.ForeignKey("rulebooks.Adoption", on_delete=models.CASCADE, related_name="+")
    nested = models.CharField(max_length=200, blank=True)
    ledger = models.PositiveBigIntegerField()
    subject = models.CharField(max_length=64)
    # The result. ``scored`` False: the engine gave no result (no active month and no fact).
    scored = models.BooleanField(default=True)
    group = models.CharField(max_length=32, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    vetoed = models.BooleanField(default=False)
    incomplete = models.BooleanField(default=False)
    # [[category code, score], …] and {category code: {period key (M01, Q1, Y): points}}, every
    # number a Decimal as a string; apart, so that a read that needs no periods decodes none.
    categories = models.JSONField(default=list)
    periods = models.JSONField(default=dict)

    class Meta:
        verbose_name = "存储的年度积分"
        verbose_name_plural = "存储的年度积分"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "scope", "reached"], name="one_stored_year"
            )
        ]
        indexes = [models.Index(fields=["scope", "year", "reached"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} /{self.reached} {self.total}"


class PersonHead(models.Model):
    """How far one person's own record has come: ``v`` takes a new, higher value from one clock
    for the whole database whenever a row that tells the engine who they are is written — their
    person row, a membership, an exemption. Kept by database triggers (``jifen.ledger.touch``),
    not by the services, so a bulk import, a raw fix or a service written later cannot forget
    it. A branch's stored summary (:class:`StoredUnit`) remembers the sums it was computed from.
    ``person_id`` is a plain number, not a foreign key: the counter outlives nothing and blocks
    nothing."""

    person_id = models.BigIntegerField(unique=True)
    v = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = "成员信息计数"
        verbose_name_plural = "成员信息计数"

    def __str__(self) -> str:
        return f"{self.person_id} v{self.v}"


class StoredUnit(models.Model):
    """One branch's figures on the committee pages (members, mean, extremes, distribution,
    stars, warnings, the quarter trend) for one year under one adoption's scope, at ``reached``
    months — rated (stars, bands) or not. Derived from the stored results and used only while
    ``tag`` equals the tag read now (``jifen.ledger.stored_units``): a digest of the adoption,
    the nested adoptions, the cut-off and, for every organization linked to the branch by a
    member who moved, the count of memberships and the sums of their people's ScoreHead.n and
    PersonHead.v. Otherwise recomputed and written again; ``jifen scores verify`` checks it."""

    unit = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    scope = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    reached = models.PositiveSmallIntegerField("计至第几个月")
    rated = models.BooleanField(default=False)
    tag = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "存储的支部汇总"
        verbose_name_plural = "存储的支部汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "scope", "reached", "rated"], name="one_stored_unit"
            )
        ]
        indexes = [models.Index(fields=["scope", "year"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} /{self.reached}{' rated' if self.rated else ''}"
