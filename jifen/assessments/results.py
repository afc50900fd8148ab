"""Reads: a round's results, the year's (rounds combined), seed002's two-year view.

Every number comes from the engine (``jifen.scoring.score``) over the facts of submitted sheets
(``jifen.assessments.facts``); nothing here adds points up by itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from jifen.assessments.facts import round_subjects, rulebook_of_round, sheet_facts
from jifen.assessments.models import Round, Sheet
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.scoring import FactsError, Rulebook, Scoresheet, SubjectResult, round2, score

PERIOD_LABEL = dict(Round.Period.choices)


def results_visible(user: access.AnyUser, assessment_round: Round) -> bool:
    """Published results are read by everyone in scope; before that, by the committee only."""
    return assessment_round.published_at is not None or access.can(
        user, Action.ASSESS, assessment_round.owner
    )


def _as_one_round(rulebook: Rulebook) -> Rulebook:
    """The rulebook scoring a single round on its own: the round's facts form the whole
    'year', so the index, stars and ranks are those of this round."""
    children = {k: _as_one_round(v) for k, v in rulebook.children.items()}
    return dataclasses.replace(rulebook, rounds="year", children=children)


def _organizations(rounds: Iterable[Round]) -> list[Organization]:
    found: dict[int, Organization] = {}
    for each in rounds:
        for org in each.organizations.select_related("kind", "parent"):
            found[org.pk] = org
    return sorted(found.values(), key=lambda o: o.path)


def _facts(sheets: QuerySet[Sheet]) -> list:  # type: ignore[type-arg]
    facts = []
    for sheet in (
        sheets.filter(status=Sheet.Status.SUBMITTED)
        .select_related("round", "organization__kind")
        .prefetch_related("values", "deductions")
    ):
        facts.extend(sheet_facts(sheet))
    return facts


@dataclass(frozen=True)
class Outcome:
    """A scoresheet, or why it could not be computed."""

    sheet: Scoresheet | None
    error: str = ""
    rounds: tuple[Round, ...] = ()

    def result(self, code: str) -> SubjectResult | None:
        if self.sheet is None:
            return None
        for result in self.sheet.results:
            if result.subject == code:
                return result
        return None


def round_outcome(assessment_round: Round, tried: Rulebook | None = None) -> Outcome:
    """This round alone: its total, fortress index, stars and rank within the parent. With
    ``tried``, the same submitted sheets scored under that rulebook instead (试算): each
    organization keeps its sheet, the round's rulebook id is read as ``tried``'s."""
    own = rulebook_of_round(assessment_round)
    rulebook = tried if tried is not None else own
    orgs = _organizations([assessment_round])
    facts = _facts(Sheet.objects.filter(round=assessment_round))
    one = rulebook if rulebook.rounds == "year" else _as_one_round(rulebook)
    subjects = round_subjects(assessment_round, orgs)
    if tried is not None:
        subjects = [
            dataclasses.replace(s, rulebook=tried.id) if s.rulebook == own.id else s
            for s in subjects
        ]
    try:
        sheet = score(one, facts, year=assessment_round.year, subjects=subjects)
    except FactsError as error:
        return Outcome(None, "；".join(i.message for i in error.issues), (assessment_round,))
    return Outcome(sheet, rounds=(assessment_round,))


def year_outcome(owner: Organization, year: int, rulebook_id: str) -> Outcome:
    """The year with its rounds combined (seed000: the mean of the two halves), scored with
    the latest round's rulebook text."""
    rounds = tuple(
        Round.objects.filter(owner=owner, year=year, rulebook_id=rulebook_id).order_by("period")
    )
    if not rounds:
        return Outcome(None, f"{year} 年没有考核")
    latest = max(rounds, key=lambda r: r.pk)
    orgs = _organizations(rounds)
    facts = _facts(Sheet.objects.filter(round__in=rounds))
    try:
        sheet = score(
            rulebook_of_round(latest), facts, year=year, subjects=round_subjects(latest, orgs)
        )
    except FactsError as error:
        return Outcome(None, "；".join(i.message for i in error.issues), rounds)
    return Outcome(sheet, rounds=rounds)


@dataclass(frozen=True)
class TwoYearRow:
    code: str
    name: str
    first: Decimal | None
    second: Decimal | None
    mean: Decimal | None
    incomplete: bool
    rank: int = 0


def two_year_rows(owner: Organization, year: int, rulebook_id: str) -> list[TwoYearRow]:
    """seed002's biennial selection (先进基层党组织, every two years): each organization's
    totals of ``year - 1`` and ``year`` and their mean, ranked by the mean (a year without a
    result counts as missing and marks the row incomplete)."""
    earlier = year_outcome(owner, year - 1, rulebook_id)
    later = year_outcome(owner, year, rulebook_id)
    names: dict[str, str] = {}
    for outcome in (earlier, later):
        if outcome.sheet is not None:
            for result in outcome.sheet.results:
                names[result.subject] = result.name
    rows = []
    for code, name in sorted(names.items()):
        a, b = earlier.result(code), later.result(code)
        totals = [r.total for r in (a, b) if r is not None]
        incomplete = a is None or b is None or a.incomplete or b.incomplete
        mean = round2(sum(totals, Decimal(0)) / 2) if totals else None
        rows.append(
            TwoYearRow(code, name, a.total if a else None, b.total if b else None, mean, incomplete)
        )
    rows.sort(key=lambda r: (-(r.mean or Decimal(0)), r.code))
    ranked = []
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(rows, start=1):
        if row.mean != previous:
            rank = position
            previous = row.mean
        ranked.append(dataclasses.replace(row, rank=rank))
    return ranked


def round_label_text(text: str, assessment_round: Round) -> str:
    """A round scored on its own is the engine's 'whole year'; say which half it is."""
    if assessment_round.period == "Y":
        return text
    return text.replace("全年", PERIOD_LABEL[assessment_round.period])
