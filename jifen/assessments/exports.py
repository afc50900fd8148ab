"""The 考核打分表 (seed004 layout, self and committee columns), the ranking and the bulletin,
as ``jifen.documents.paper_forms.Form`` objects: the same form prints (A4 page) and downloads
(xlsx)."""

from __future__ import annotations

from decimal import Decimal

from jifen.assessments.facts import book_for
from jifen.assessments.models import Round, Sheet
from jifen.assessments.results import round_outcome
from jifen.documents.paper_forms import Cell, Form, form_xlsx
from jifen.orgs.models import Organization
from jifen.scoring import fmt
from jifen.scoring.model import Category, Deduct, Graded, Item, Rollup

PERIOD_LABEL = dict(Round.Period.choices)
SCORE_HEADERS = (
    "一级指标",
    "二级指标",
    "评价标准",
    "分值",
    "自评分",
    "考核分",
    "扣分原因",
)
CONTENT_HEADER = "考核内容"  # before 评价标准, when the rulebook carries its document's words


def _method(item: Item) -> str:
    """How the item is judged: the rulebook's own 评价标准, else a generic line by its rule."""
    if item.standard:
        return item.standard
    if isinstance(item, Deduct):
        return "从满分扣起，材料不全或未落实的视情况扣分，写明原因"
    if isinstance(item, Graded):
        return "按执行情况评定：" + "、".join(f"{k} {fmt(v)}" for k, v in item.grades.items())
    if isinstance(item, Rollup):
        return f"所属党支部得分平均 × {format(item.factor.normalize(), 'f')}"
    return "按落实情况打分（0 到满分，以 0.5 为单位）"


def score_form(found: Round, org: Organization, *, with_committee: bool) -> Form:
    """The 考核打分表 of one organization in a round. The committee column (and the
    deduction reasons) only once the reader may see results."""
    book = book_for(found, org)
    outcome = round_outcome(found)
    result = outcome.result(org.code)
    scores: dict[tuple[str, str], Decimal | None] = {}
    if result is not None:
        for scored in result.categories:
            for item_result in scored.items:
                scores[(item_result.code, item_result.source)] = (
                    None if item_result.incomplete else item_result.score
                )
    reasons: dict[str, list[str]] = {}
    if with_committee:
        committee = Sheet.objects.filter(
            round=found, organization=org, source="committee", status=Sheet.Status.SUBMITTED
        ).first()
        if committee is not None:
            for deduction in committee.deductions.order_by("id"):
                reasons.setdefault(deduction.item, []).append(
                    f"扣 {fmt(deduction.points)}：{deduction.reason}"
                )
            for value in committee.values.exclude(note=""):
                reasons.setdefault(value.item, []).append(value.note)
    with_content = any(item.description for c in book.categories for item in c.items)
    rows: list[list[Cell]] = []
    for category in book.categories:
        first = True
        for item in category.items:
            top = item.ceiling
            self_score = scores.get((item.code, "self"))
            comm_score = scores.get((item.code, "committee")) if with_committee else None
            rows.append(
                [
                    _category_cell(category) if first else "",
                    item.title,
                    *([item.description] if with_content else []),
                    _method(item),
                    Decimal(top) if top is not None else "",
                    self_score if not isinstance(item, Rollup) else "",
                    comm_score,
                    "；".join(reasons.get(item.code, [])),
                ]
            )
            first = False
    blank: list[Cell] = [""] if with_content else []
    if result is not None:
        rows.append(
            [
                "合计",
                "",
                *blank,
                "",
                book.total if book.total is not None else "",
                result.self_total,
                result.committee_total if with_committee else None,
                "",
            ]
        )
        if with_committee:
            rows.append(["考核得分", "", *blank, "", "", result.total, _summary(result)])
    headers = list(SCORE_HEADERS)
    if with_content:
        headers.insert(2, CONTENT_HEADER)
    return Form(
        title=f"{book.title} 考核打分表",
        sheet_name="考核打分表",
        subtitle=f"被考核单位：{org.name}　　{found.title}",
        headers=[headers],
        rows=rows,
        widths=(16, 20, 40, 22, 7, 8, 8, 24) if with_content else (18, 26, 30, 8, 9, 9, 30),
        text_columns=(2, 3, 7) if with_content else (2, 6),
        landscape=True,
        footer=(
            "被考核单位负责人签名：____________　　考核组成员签名：____________　　"
            "日期：____________",
        ),
    )


def _category_cell(category: Category) -> str:
    """一级指标: the title and maximum, then the category's own words (seed004's 要求) if any."""
    head = f"{category.title}（{fmt(category.max)}）{'加分项' if category.bonus else ''}"
    words = [w for w in (category.description, category.standard) if w]
    return "\n".join([head, *words])


def _summary(result: object) -> str:
    index = getattr(result, "index", None)
    stars = getattr(result, "stars", None)
    parts = []
    if index is not None:
        parts.append(f"堡垒指数 {fmt(index)}")
    if stars is not None:
        parts.append(f"{stars} 星")
    if getattr(result, "incomplete", False):
        parts.append("有项目未打分，结果未完成")
    return "；".join(parts)


BULLETIN_HEADERS = (
    "名次",
    "组织",
    "上级组织",
    "自评分",
    "考评分",
    "得分",
    "堡垒指数",
    "星级",
    "备注",
)


def bulletin_form(found: Round, codes: set[str], *, visible: bool) -> Form:
    """The ranking of a round, within each parent, as the bulletin (通报) prints it."""
    rows: list[list[Cell]] = []
    if visible:
        outcome = round_outcome(found)
        parents = {
            o.code: (o.parent.name if o.parent else "")
            for o in found.organizations.select_related("parent")
        }
        results = [
            r for r in (outcome.sheet.results if outcome.sheet else ()) if r.subject in codes
        ]
        results.sort(key=lambda r: (r.group, r.rank or 0, r.subject))
        for r in results:
            rows.append(
                [
                    r.rank,
                    r.name,
                    parents.get(r.subject, ""),
                    r.self_total,
                    r.committee_total,
                    r.total,
                    r.index,
                    f"{r.stars} 星" if r.stars is not None else "",
                    "结果未完成" if r.incomplete else "",
                ]
            )
    else:
        rows.append(["", "考核结果尚未公布", "", "", "", "", "", "", ""])
    published = f"公布日期：{found.published_at:%Y-%m-%d}" if found.published_at else "（尚未公布）"
    return Form(
        title=f"{found.title} 考核结果通报",
        sheet_name="排名通报",
        subtitle=f"{found.owner.name}　　{published}　　排名在同一上级组织内",
        headers=[BULLETIN_HEADERS],
        rows=rows,
        widths=(6, 24, 20, 9, 9, 9, 9, 8, 14),
        footer=(f"{found.owner.name}（盖章）　　日期：____________",),
    )


def as_xlsx(form: Form) -> bytes:
    return form_xlsx(form)
