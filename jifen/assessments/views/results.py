"""Results: the round's ranking, one organization's result explained, the year's and two years'
results, each shown only once the results are visible to the user."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jifen.assessments.facts import book_for
from jifen.assessments.models import Round
from jifen.assessments.results import (
    results_visible,
    round_label_text,
    round_outcome,
    two_year_rows,
    year_outcome,
)
from jifen.assessments.selectors import organizations_seen
from jifen.assessments.views.doors import ROUNDS, organization_in
from jifen.documents import charts
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.scoring import SubjectResult

PERIOD_LABEL = dict(Round.Period.choices)


def _share(score: Decimal, top: Decimal) -> Decimal:
    return (score / top * 100).quantize(Decimal("0.1")) if top else Decimal(0)


@login_required
def results(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        outcome = round_outcome(found)
        codes = {o.code: o for o in organizations_seen(request.user, found)}
        shown = [r for r in outcome.sheet.results if r.subject in codes] if outcome.sheet else []
        context.update(
            error=outcome.error,
            results=[(r, codes[r.subject]) for r in shown],
            is_committee=access.can(request.user, Action.ASSESS, found.owner),
            rounds_label=PERIOD_LABEL[found.period],
        )
        if shown:
            ordered = sorted(shown, key=lambda r: -r.total)
            context["ranking_chart"] = charts.bars(
                "得分排名",
                [r.name for r in ordered],
                {"得分": [r.total for r in ordered]},
                horizontal=True,
            )
            indexed = [r for r in shown if r.index is not None]
            if indexed:
                context["index_chart"] = charts.bars(
                    "堡垒指数（按组织树）",
                    [f"{'　' * max(codes[r.subject].depth - 1, 0)}{r.name}" for r in indexed],
                    {"堡垒指数": [r.index for r in indexed]},
                    horizontal=True,
                    range_=(0, 100),
                )
    return render(request, "assessments/results.html", context)


def explained(result: SubjectResult, found: Round) -> list[tuple[str, str, list[str]]]:
    """(heading, score, lines) blocks: the result's own lines, then each category's."""
    blocks = [("合计", str(result.total), [round_label_text(x.text, found) for x in result.lines])]
    for category in result.categories:
        lines = [round_label_text(x.text, found) for x in category.lines]
        for item in category.items:
            lines.extend(round_label_text(x.text, found) for x in item.lines)
        blocks.append((category.title, str(category.score), lines))
    return blocks


@login_required
def org_result(request: HttpRequest, round_id: int, org_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    org = organization_in(request.user, found, org_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "organization": org, "visible": visible}
    if visible:
        outcome = round_outcome(found)
        result = outcome.result(org.code)
        context.update(error=outcome.error, result=result)
        if result is not None:
            book = book_for(found, org)
            cats = [c for c in book.categories if c.max]
            by_code = {c.code: c for c in result.categories}
            context["radar"] = charts.radar(
                "各类得分率（%）",
                [c.title for c in cats],
                {
                    "考评": [
                        _share(by_code[c.code].committee_score or Decimal(0), c.max) for c in cats
                    ],
                    "自评": [_share(by_code[c.code].self_score or Decimal(0), c.max) for c in cats],
                },
            )
            context["categories"] = [
                (c, by_code[c.code], _share(by_code[c.code].score, c.max)) for c in cats
            ]
            context["blocks"] = explained(result, found)
    return render(request, "assessments/org_result.html", context)


@login_required
def year_view(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        outcome = year_outcome(found.owner, found.year, found.rulebook_id)
        codes = {o.code for o in organizations_seen(request.user, found)}
        context.update(
            error=outcome.error,
            results=[r for r in outcome.sheet.results if r.subject in codes]
            if outcome.sheet
            else [],
            rounds=outcome.rounds,
            round_keys=[k for k in ("H1", "H2", "Y") if any(r.period == k for r in outcome.rounds)]
            or ["Y"],
        )
    return render(request, "assessments/year.html", context)


@login_required
def two_years(request: HttpRequest, round_id: int) -> HttpResponse:
    found = ROUNDS.open(request.user, round_id)
    visible = results_visible(request.user, found)
    context: dict[str, Any] = {"round": found, "visible": visible}
    if visible:
        codes = {o.code for o in organizations_seen(request.user, found)}
        rows = two_year_rows(found.owner, found.year, found.rulebook_id)
        context["rows"] = [r for r in rows if r.code in codes]
    return render(request, "assessments/two_years.html", context)
