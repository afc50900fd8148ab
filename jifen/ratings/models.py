"""The year end's records: star proposals and the general branch's decisions on them, and the
follow-up actions that warnings call for with the steps that close them.

Every record here is append-only (model and database trigger): a newer proposal supersedes an
older one, a decision is a new row, a follow-up is closed by a recorded step. Grades are not
here: they are facts in the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_noop

from jifen.core import appendonly
from jifen.core.appendonly import AppendOnlyModel
from jifen.orgs.models import Organization, Person


class StarProposal(AppendOnlyModel):
    """The branch secretary's proposal of a year's stars: a snapshot of the engine's ratings.

    ``rows`` holds one dict per member (person id, name, branch, member category, category
    scores, total, the engine's stars, tied, warnings, band codes); ``ties`` the engine's ties
    at a quota's cut-off (level, held-at level, score, person ids, quota, free places).
    ``digest`` is a hash of the rows, so the page can say when the ledger has moved on since.
    """

    refusal = "星级提名不能修改或删除；请重新提名（新提名取代旧的）"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    rulebook_id = models.CharField("积分办法", max_length=64)
    rulebook_version = models.CharField("版本", max_length=32)
    rows = models.JSONField("名单")
    ties = models.JSONField("并列", default=list)
    digest = models.CharField(max_length=64)
    note = models.CharField("说明", max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提名时间")

    class Meta:
        verbose_name = "星级提名"
        verbose_name_plural = "星级提名"
        db_table = appendonly.register("ratings_starproposal")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year} #{self.pk}"


class StarDecision(AppendOnlyModel):
    """The general branch's recorded decision on a proposal: which tied members get the higher
    level (``tie`` with ``tie_index`` and ``chosen``), the approval, or a return."""

    refusal = "审批记录不能修改或删除"

    class Kind(models.TextChoices):
        # Labels in Chinese where stored and printed; pages translate them.
        TIE = "tie", gettext_noop("并列决定")
        APPROVE = "approve", gettext_noop("批准")
        RETURN = "return", gettext_noop("退回")

    proposal = models.ForeignKey(StarProposal, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField("决定", max_length=8, choices=Kind.choices)
    tie_index = models.PositiveSmallIntegerField(null=True, blank=True)
    chosen = models.JSONField("评为较高等级的人员", default=list)
    reason = models.CharField("理由", max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "星级审批"
        verbose_name_plural = "星级审批"
        db_table = appendonly.register("ratings_stardecision")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "tie_index"],
                condition=models.Q(kind="tie"),
                name="one_decision_per_tie",
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(kind__in=["approve", "return"]),
                name="one_verdict_per_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind}"


class FollowUp(AppendOnlyModel):
    """One action a warning calls for (the rulebook band's ``actions``), or a good outcome an
    info band promises (表彰, 评先树优, 按期转正, 优先接收), for one member and year. Open until a
    closing step is recorded."""

    refusal = "跟进事项不能修改或删除；请记录一个步骤"

    class Kind(models.TextChoices):
        TALK = "talk", "约谈"
        MENTOR = "mentor", "帮教"
        PROBATION = "probation", "延长预备期"
        RECTIFY = "rectify", "限期整改"
        OTHER = "other", "其他"
        # The good outcomes of seed001 §四(三), raised from the rulebook's info bands.
        COMMEND = "commend", "表彰宣传"
        RECOMMEND = "recommend", "评先树优推荐"
        ON_TIME = "on_time", "按期转正"
        ADMIT = "admit", "优先接收"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    band = models.CharField("预警", max_length=64)
    band_label = models.CharField("预警内容", max_length=200)
    level = models.CharField("等级", max_length=8)
    action = models.CharField("处置措施", max_length=300)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    total = models.DecimalField("年度积分", max_digits=7, decimal_places=2)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField("建立时间")

    class Meta:
        verbose_name = "跟进事项"
        verbose_name_plural = "跟进事项"
        db_table = appendonly.register("ratings_followup")
        ordering = ["person_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "band", "action"], name="one_followup_per_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year} {self.action}"

    @property
    def is_good(self) -> bool:
        """A good outcome (an info band), not a warning."""
        return self.level == "info"


class FollowUpStep(AppendOnlyModel):
    """A recorded step of a follow-up: a talk held, a mentor named, an extension of probation
    proposed or decided, a deadline set, the matter done. ``closes`` marks the closing step."""

    refusal = "跟进记录不能修改或删除；请再记录一个步骤"

    class Kind(models.TextChoices):
        TALK = "talk", "已约谈"
        MENTOR = "mentor", "确定帮教人"
        PROBATION_PROPOSED = "probation_proposed", "提出延长预备期"
        PROBATION_OUTCOME = "probation_outcome", "延长预备期结果"
        DEADLINE = "deadline", "确定整改期限"
        DONE = "done", "已完成"
        NOTE = "note", "进展"
        COMMENDED = "commended", "已表彰"
        RECOMMENDED = "recommended", "已推荐"
        ON_TIME_NOTED = "on_time_noted", "按期转正结果"
        ADMITTED = "admitted", "已列为优先接收对象"

    followup = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField("步骤", max_length=20, choices=Kind.choices)
    date = models.DateField("日期")
    done_by = models.CharField("执行人", max_length=100, blank=True)
    mentor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("期限", null=True, blank=True)
    outcome = models.CharField("结果", max_length=200, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    closes = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "跟进记录"
        verbose_name_plural = "跟进记录"
        db_table = appendonly.register("ratings_followupstep")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.followup_id} {self.kind}"
