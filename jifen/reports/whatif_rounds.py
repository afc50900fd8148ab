"""试算 for organization assessment: a finished round's submitted sheets scored under the
round's own rulebook and under another one of the same kind (built-in or a draft), per
organization: old score, new score, the difference and the change of rank. Read only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from jifen.assessments.facts import rulebook_of_round
from jifen.assessments.models import Round
from jifen.assessments.results import round_outcome
from jifen.documents import charts
from jifen.documents.charts import Figure
from jifen.reports.whatif import Choice
from jifen.scoring import round2


@dataclass(frozen=True)
class OrgChange:
    code: str
    name: str
    old: Decimal
    new: Decimal
    delta: Decimal
    rank_old: int | None
    rank_new: int | None
    stars_old: int | None
    stars_new: int | None

    @property
    def changed(self) -> bool:
        return bool(self.delta) or (self.rank_old, self.stars_old) != (
            self.rank_new,
            self.stars_new,
        )


@dataclass(frozen=True)
class RoundWhatIf:
    old_title: str
    new_title: str
    rows: list[OrgChange] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    error: str = ""


def finished(assessment_round: Round) -> bool:
    """A round is finished once its results are published: every sheet it counts is in."""
    return assessment_round.published_at is not None


def round_whatif(assessment_round: Round, tried: Choice) -> RoundWhatIf:
    own = rulebook_of_round(assessment_round)
    head = RoundWhatIf(f"{own.id} {own.title}", tried.label)
    if not finished(assessment_round):
        return RoundWhatIf(
            head.old_title, head.new_title, error=_("本轮考核结果尚未公布，不能试算")
        )
    if tried.rulebook.kind != "organization":
        return RoundWhatIf(head.old_title, head.new_title, error=_("所选办法不是党组织考核办法"))
    old = round_outcome(assessment_round)
    new = round_outcome(assessment_round, tried.rulebook)
    if old.sheet is None or new.sheet is None:
        reason = old.error or new.error
        return RoundWhatIf(
            head.old_title,
            head.new_title,
            error=_("所选办法不能给本轮的考评表计分：%(reason)s") % {"reason": reason},
        )
    new_by = {r.subject: r for r in new.sheet.results}
    rows = []
    for result in old.sheet.results:
        other = new_by.get(result.subject)
        if other is None:
            continue
        before, after = round2(result.total), round2(other.total)
        rows.append(
            OrgChange(
                result.subject,
                result.name,
                before,
                after,
                after - before,
                result.rank,
                other.rank,
                result.stars,
                other.stars,
            )
        )
    rows.sort(key=lambda r: (-abs(r.delta), r.rank_old == r.rank_new, r.code))
    return RoundWhatIf(head.old_title, head.new_title, rows, _figures(rows))


def _figures(rows: list[OrgChange]) -> list[Figure]:
    if not rows:
        return []
    now_label, tried_label = _("本轮办法"), _("试算办法")
    labels, old = charts.distribution_rows([r.old for r in rows])
    _labels, new = charts.distribution_rows([r.new for r in rows])
    title = _("考核得分分布：本轮与试算")
    svg = charts.bars(title, labels, {now_label: old, tried_label: new})
    table = [[label, str(a), str(b)] for label, a, b in zip(labels, old, new, strict=True)]
    return [Figure(title, svg, [_("得分"), now_label, tried_label], table)]
