"""党员积分量化星级评定情况统计表 (seed 001, 附件二): one branch's year, as xlsx and as an A4 page.

The seed names the form but not its columns; these are ours **(interpretation)**: 序号, 姓名,
性别, 党员类别, one column per category of the adopted rulebook, 年度积分, 星级, 备注 (veto,
warnings); then a line counting the members at each level, and the signature lines.
"""

from __future__ import annotations

from collections import Counter

from jifen.documents.paper_forms import Cell, Form
from jifen.orgs.models import Organization
from jifen.ratings.selectors import STAR_NAMES, approved_stars, rows_of, year_of

TITLE = "党员积分量化星级评定情况统计表"
LEVELS = {"yellow": "黄色预警", "red": "红色预警"}


def statistics_form(organization: Organization, year: int) -> Form | None:
    """The form for ``organization``'s ``year``, or None when no rulebook applies. Stars are
    the general branch's approved ones; before approval, the engine's, and the subtitle says so."""
    current = year_of(organization, year)
    if current is None:
        return None
    approved = approved_stars(organization, year)
    categories = [(c.code, c.title) for c in current.rulebook.categories]
    headers: list[Cell] = [
        "序号",
        "姓名",
        "性别",
        "党员类别",
        *(f"{title}" for _, title in categories),
        "年度积分",
        "星级",
        "备注",
    ]
    rows: list[list[Cell]] = []
    count: Counter[int] = Counter()
    for row in rows_of(current):
        r = row.result
        stars = approved.get(row.person.pk) if approved is not None else r.stars
        if stars is not None:
            count[stars] += 1
        notes = []
        if r.vetoed:
            notes.append("触及负面清单")
        notes.extend(b.label for b in r.bands if b.level in LEVELS)
        if approved is None and r.tied:
            notes.append("名额线并列，待党总支决定")
        rows.append(
            [
                row.number,
                row.person.name,
                row.person.get_gender_display(),
                row.person.get_category_display(),
                *(r.category(code).score for code, _ in categories),
                r.total,
                STAR_NAMES.get(stars, str(stars)) if stars is not None else "",
                "；".join(notes),
            ]
        )
    if current.rulebook.stars is not None:
        summary = "，".join(
            f"{STAR_NAMES.get(level, level)} {count.get(level, 0)} 人"
            for level in sorted(
                {*(lv.stars for lv in current.rulebook.stars.levels), 0}, reverse=True
            )
        )
        rows.append(["", f"合计 {len(rows)} 人：{summary}", *[""] * (len(headers) - 2)])
    state = (
        "星级经党总支批准"
        if approved is not None
        else "星级为按积分办法计算的结果，尚未经党总支批准"
    )
    return Form(
        title=TITLE,
        headers=[headers],
        rows=rows,
        sheet_name=f"{year}星级评定",
        subtitle=f"党支部：{organization.name}　　年度：{year}　　{state}",
        footer=(
            "支部书记（签名）：______________　　日期：________________",
            "党总支审核意见：__________________________________________",
            "党总支书记（签名）：______________　　日期：________________",
        ),
        widths=[6, 10, 6, 12, *[10] * len(categories), 10, 8, 30],
        landscape=len(headers) > 9,
    )
