"""Stars with quotas, bands and warnings, the consecutive-year flag, and ranks."""
# ruff: noqa: PLR0912, PLR0915

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from jifen.scoring.facts import fmt
from jifen.scoring.model import Rulebook
from jifen.scoring.results import BandHit, Line, SubjectResult, Tie

LEVEL_ORDER = {"red": 0, "yellow": 1, "info": 2}


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
    stars: dict[int, int] = {}
    tied: set[int] = set()
    ties: list[Tie] = []
    star_lines: dict[int, list[Line]] = defaultdict(list)
    if rulebook.stars is not None:
        levels = rulebook.stars.levels
        for group, members in groups.items():
            n = len(members)
            remaining = sorted(members, key=lambda i: (-results[i].rated, results[i].subject))
            for position, level in enumerate(levels):
                candidates = [i for i in remaining if results[i].rated >= level.min]
                if level.quota is None:
                    chosen = candidates
                else:
                    limit = math.floor(level.quota * n)
                    chosen = candidates[:limit]
                    if len(candidates) > limit:
                        cut = results[candidates[limit]].rated
                        held = [i for i in chosen if results[i].rated == cut]
                        if held:
                            chosen = [i for i in chosen if results[i].rated != cut]
                            all_tied = [i for i in candidates if results[i].rated == cut]
                            tied.update(all_tied)
                            lower = (
                                levels[position + 1].stars
                                if position + 1 < len(levels)
                                else rulebook.stars.otherwise
                            )
                            ties.append(
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
                                star_lines[i].append(
                                    Line(
                                        "stars",
                                        "",
                                        f"{level.stars} 星名额 {limit} 名"
                                        f"（{n} 人 × {_n(level.quota)}），"
                                        f"{len(all_tied)} 人以 {fmt(cut)} 并列于名额线，"
                                        "暂评为下一档，由支部研究决定",
                                    )
                                )
                        for i in candidates[len(chosen) :]:
                            if i not in tied:
                                star_lines[i].append(
                                    Line(
                                        "stars",
                                        "",
                                        f"{level.stars} 星名额 {limit} 名已满"
                                        f"（{n} 人 × {_n(level.quota)}），评为下一档",
                                    )
                                )
                for i in chosen:
                    stars[i] = level.stars
                chosen_set = set(chosen)
                remaining = [i for i in remaining if i not in chosen_set]
            for i in remaining:
                stars[i] = rulebook.stars.otherwise

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

    rated: list[SubjectResult] = []
    for i, result in enumerate(results):
        star = stars.get(i) if rulebook.stars is not None else None
        hits: list[BandHit] = []
        lines = list(result.lines)
        lines.extend(star_lines.get(i, []))
        if star is not None:
            lines.append(
                Line("stars", "", f"星级评定：{star} 星（按 {fmt(result.rated)} 分）", (), None)
            )
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
        for flag in rulebook.consecutive:
            if flag.categories is not None and result.member_category not in flag.categories:
                continue
            if result.rated >= flag.below:
                continue
            prior = prior_totals.get(result.subject, {})
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
                tied=i in tied,
                bands=tuple(hits),
                warnings=tuple(warnings),
                rank=ranks[i],
                lines=tuple(lines),
            )
        )
    return rated, ties


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")
