"""Why a star proposal may be early (issue 15): stars rest on the year's totals, which are not
known before the scoring year has ended, before every member's democratic-review grade (评议分)
is in, or while the year-end sheet has not been approved by the level above (seed003 六(三);
seed001: 每年党员星级评定工作结束后 … 公示). The proposal is not refused — a general branch may
want a provisional list in December — but the secretary is told why before proposing, the
reasons are repeated when the proposal is made and are kept in its audit record."""

from __future__ import annotations

import datetime as dt

from jifen.orgs.models import Organization
from jifen.periods.workdays import cn_date
from jifen.periods.year_end_sheet import year_bounds
from jifen.periods.year_end_state import YearStatus, year_end_state
from jifen.ratings.grades import grade_item, members_of
from jifen.rulebooks.services import adoption_for, rulebook_of

SHOWN_NAMES = 10  # a long list of names is cut, with the count


def star_warnings(organization: Organization, year: int, today: dt.date) -> list[str]:
    """The reasons a star proposal for ``organization``'s ``year`` made ``today`` is early;
    empty when the year is over, graded and approved."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return []
    rulebook = rulebook_of(adoption)
    warnings: list[str] = []
    _start, end = year_bounds(rulebook, year)
    if today <= end:
        warnings.append(
            f"{year} 年度到 {cn_date(end)} 才结束：全年积分尚未确定，现在提名的星级只是按截至今天的"
            "分数推算，年度结束后还会变化"
        )
    item = grade_item(rulebook)
    if item is not None:
        missing = [
            m.person.name for m in members_of(organization, year, item.code) if m.current is None
        ]
        if missing:
            names = "、".join(missing[:SHOWN_NAMES]) + ("等" if len(missing) > SHOWN_NAMES else "")
            warnings.append(
                f"{len(missing)} 名党员尚未评定{item.title}（{names}）：评议分未计入，星级可能变化"
            )
    # A rulebook with stars puts the approved stars on its year-end sheet (year_end_stars.py):
    # there the stars come first and the sheet after, so its approval is no reason to wait.
    status = year_end_state(organization, year).status
    if rulebook.stars is None and status not in (YearStatus.APPROVED, YearStatus.PUBLICIZED):
        warnings.append(
            f"{organization.name} {year} 年度积分汇总表尚未经上级党组织审核通过"
            f"（当前：{status.label}）"
        )
    return warnings
