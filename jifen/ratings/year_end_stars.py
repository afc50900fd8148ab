"""The approved stars on the year-end sheet: seed001 "每年党员星级评定工作结束后……将每名党员年度
得星情况进行公示". A rulebook with stars adds a 星级 column to the year-end sheet (jifen/periods)
— each member's stars as the general branch approved them — and the sheet cannot be signed
until they are approved; the year-end notice then publicizes them with the points, and
objections to a member's stars are filed on it like any other."""

from __future__ import annotations

from collections.abc import Mapping

from jifen.orgs.models import Organization
from jifen.periods.year_end_sheet import YearColumn
from jifen.ratings.selectors import approved_stars, proposals_of
from jifen.rulebooks.services import adoption_for, rulebook_of


def _has_stars(organization: Organization, year: int) -> bool:
    adoption = adoption_for(organization, year)
    return adoption is not None and rulebook_of(adoption).stars is not None


def stars_words(stars: int | None) -> str:
    return "—" if stars is None else f"{stars} 星"


def approved_column(organization: Organization, year: int) -> tuple[Mapping[int, str], str] | None:
    """Person pk → the approved stars in words (and the words for anyone the approval does not
    name); None where the rulebook gives no stars. Before the approval every member reads
    待党总支审批."""
    if not _has_stars(organization, year):
        return None
    approved = approved_stars(organization, year)
    if approved is None:
        return {}, "待党总支审批"
    return {pk: stars_words(stars) for pk, stars in approved.items()}, "—"


def approval_missing(organization: Organization, year: int) -> str | None:
    """Why the year-end sheet cannot be signed yet: the stars are not approved."""
    if not _has_stars(organization, year):
        return None
    if approved_stars(organization, year) is not None:
        return None
    proposed = bool(proposals_of(organization, year))
    step = "等待党总支审批星级提名" if proposed else "请先提交星级提名，由党总支审批"
    return f"星级评定尚未经党总支审批，年度汇总表要连同星级一起签名和公示：{step}"


STARS_COLUMN = YearColumn("stars", "星级", approved_column, approval_missing)
