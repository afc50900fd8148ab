"""Stars with quotas, bands and warnings, the consecutive-year flag, and ranks."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from jifen.scoring.facts import fmt
from jifen.scoring.model import Rulebook, StarLevel, Stars
from jifen.scoring.results import BandHit, Line, SubjectResult, Tie

LEVEL_ORDER = {"red": 0, "yellow": 1, "info": 2}


@dataclass(slots=True)
class _Awarded:
    """Stars awarded so far, by index into the results, with the ties held at a quota line."""

    stars: dict[int, int] = field(default_factory=dict)
    tied: set[int] = field(default_factory=set)
    ties: list[Tie] = field(default_factory=list)
    lines: dict[int, list[Line]] = field(default_factory=lambda: defaultdict(list))


def rate(
    rulebook: Rulebook,
    results: list[SubjectResult],
    prior_totals: Mapping[str, Mapping[int, Decimal]],
    year: int,
) -> tuple[list[SubjectResult], list[Tie]]:
    """Stars, bands, warnings and ranks for results scored with ``rulebook``.

    Quotas and ranks count within a result's ``group`` (the member's branch, the organization's
    parent).
    """
    groups: dict[str, list[int]] = defaultdict(list)
    for i, result in enumerate(results):
        groups[result.group].append(i)
    awarded = _Awarded()
    if rulebook.stars is not None:
        for group, members in groups.items():
            _award_group(rulebook.stars, results, group, members, awarded)
    ranks = _ranks(results, groups)

    rated: list[SubjectResult] = []
    for i, result in enumerate(results):
        star = awarded.stars.get(i) if rulebook.stars is not None else None
        lines = list(result.lines)
        lines.extend(awarded.lines.get(i, []))
        if star is not None:
            lines.append(
                Line("stars", "", f"星级评定：{star} 星（按 {fmt(result.rated)} 分）", (), None)
            )
        hits = band_hits(rulebook, result, star)
        hits.extend(
            _consecutive_hits(rulebook, result, prior_totals.get(result.subject, {}), year, lines)
        )
        for hit in hits:
            actions = f"：{'；'.join(hit.actions)}" if hit.actions else ""
            lines.append(Line(f"bands.{hit.code}", "", f"{hit.label}{actions}"))
        warnings: list[str] = []
        for hit in sorted(hits, key=lambda h: LEVEL_ORDER[h.level]):
            if hit.level != "info" and hit.level not in warnings:
                warnings.append(hit.level)
        rated.append(
            replace(
                result,
                stars=star,
                tied=i in awarded.tied,
                bands=tuple(hits),
                warnings=tuple(warnings),
                rank=ranks[i],
                lines=tuple(lines),
            )
        )
    return rated, awarded.ties


# --- stars --------------------------------------------------------------------------------------


def _award_group(
    stars: Stars,
    results: list[SubjectResult],
    group: str,
    members: list[int],
    awarded: _Awarded,
) -> None:
    """Stars for one group, highest level first: each level takes those at or above its
    minimum, within its quota of the group; whoever is left gets ``otherwise``."""
    levels = stars.levels
    counted = {i for i in members if results[i].member_category in stars.quota_base}
    n = len(counted)
    remaining = sorted(members, key=lambda i: (-results[i].rated, results[i].subject))
    for position, level in enumerate(levels):
        candidates = [i for i in remaining if results[i].rated >= level.min]
        chosen = candidates
        if level.quota is not None:
            lower = levels[position + 1].stars if position + 1 < len(levels) else stars.otherwise
            # The quota limits the party members it counts; the others reach the level by its
            # threshold alone (an activist takes no party member's place).
            chosen = _within_quota(
                level,
                results,
                group,
                n=n,
                lower=lower,
                candidates=[i for i in candidates if i in counted],
                awarded=awarded,
            ) + [i for i in candidates if i not in counted]
        for i in chosen:
            awarded.stars[i] = level.stars
        chosen_set = set(chosen)
        remaining = [i for i in remaining if i not in chosen_set]
    for i in remaining:
        awarded.stars[i] = stars.otherwise


def _within_quota(
    level: StarLevel,
    results: list[SubjectResult],
    group: str,
    *,
    n: int,
    lower: int,
    candidates: list[int],
    awarded: _Awarded,
) -> list[int]:
    """The candidates the level's quota admits. Those tied at the quota line are all held at
    the next level (the branch decides), and recorded as a tie. ``n`` is the group's size,
    ``lower`` the stars the next level gives."""
    assert level.quota is not None  # noqa: S101 - only called for a level with a quota
    limit = math.floor(level.quota * n)
    chosen = candidates[:limit]
    if len(candidates) <= limit:
        return chosen
    cut = results[candidates[limit]].rated
    held = [i for i in chosen if results[i].rated == cut]
    if held:
        chosen = [i for i in chosen if results[i].rated != cut]
        all_tied = [i for i in candidates if results[i].rated == cut]
        awarded.tied.update(all_tied)
        awarded.ties.append(
            Tie(
                group=group,
                stars=level.stars,
                held_at=lower,
                rated=cut,
                subjects=tuple(sorted(results[i].subject for i in all_tied)),
                quota=limit,
            )
        )
        for i in all_tied:
            awarded.lines[i].append(
                Line(
                    "stars",
                    "",
                    f"{level.stars} 星名额 {limit} 名"
                    f"（名额基数 {n} 人 × {_n(level.quota)}），"
                    f"{len(all_tied)} 人以 {fmt(cut)} 并列于名额线，"
                    "暂评为下一档，由支部研究决定",
                )
            )
    for i in candidates[len(chosen) :]:
        if i not in awarded.tied:
            awarded.lines[i].append(
                Line(
                    "stars",
                    "",
                    f"{level.stars} 星名额 {limit} 名已满"
                    f"（名额基数 {n} 人 × {_n(level.quota)}），评为下一档",
                )
            )
    return chosen


# --- ranks, bands, flags ------------------------------------------------------------------------


def _ranks(results: list[SubjectResult], groups: dict[str, list[int]]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) within each group."""
    ranks: dict[int, int] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda i: -results[i].rated)
        previous: Decimal | None = None
        rank = 0
        for position, i in enumerate(ordered, start=1):
            if results[i].rated != previous:
                rank = position
                previous = results[i].rated
            ranks[i] = rank
    return ranks


def band_hits(rulebook: Rulebook, result: SubjectResult, star: int | None) -> list[BandHit]:
    """The bands a result falls in (by member category, total and stars)."""
    hits: list[BandHit] = []
    for band in rulebook.bands:
        if band.categories is not None and result.member_category not in band.categories:
            continue
        if band.min is not None and result.rated < band.min:
            continue
        if band.below is not None and result.rated >= band.below:
            continue
        if band.stars is not None and (star is None or star not in band.stars):
            continue
        hits.append(BandHit(band.code, band.label, band.level, band.actions))
    return hits


def _consecutive_hits(
    rulebook: Rulebook,
    result: SubjectResult,
    prior: Mapping[int, Decimal],
    year: int,
    lines: list[Line],
) -> list[BandHit]:
    """The consecutive-year flags a result raises, each explained in ``lines``."""
    hits: list[BandHit] = []
    for flag in rulebook.consecutive:
        if flag.categories is not None and result.member_category not in flag.categories:
            continue
        if result.rated >= flag.below:
            continue
        years = [year - k for k in range(1, flag.years)]
        if all(y in prior and prior[y] < flag.below for y in years):
            hits.append(BandHit(flag.code, flag.label, flag.level, flag.actions))
            shown = "、".join(f"{y} 年 {fmt(prior[y])}" for y in years)
            lines.append(
                Line(
                    f"consecutive.{flag.code}",
                    "",
                    f"连续 {flag.years} 年低于 {fmt(flag.below)} 分"
                    f"（{shown}、{year} 年 {fmt(result.rated)}）：{flag.label}",
                )
            )
    return hits


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")
