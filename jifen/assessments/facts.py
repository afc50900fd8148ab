"""The one place where assessment sheets become engine facts (and organizations subjects).

Decision (docs/decisions.md, "Organization assessments"): sheets are not copied into the
ledger. A sheet is a form that is drafted, submitted, sometimes reopened and resubmitted; the
submitted sheet rows themselves are the record (locked, reopenings append-only and audited),
and this module turns them into :class:`jifen.scoring.Fact` objects each time results are
computed, exactly as ``jifen.ledger.scores`` does for ledger rows.

Fact dates place a sheet in its round: the last day of June for the first half, the last day of
December for the second half and for a year round. Fact ids name the row they came from
(``v12`` a value, ``d7`` a deduction) so an explanation line can point back to the sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from jifen.assessments.models import Round, Sheet
from jifen.orgs.models import Organization
from jifen.scoring import Fact, Rulebook, Subject, load_rulebook_text
from jifen.scoring.model import Deduct, Graded, Item, Rollup, ScoreItem

HALF_END = {"H1": (6, 30), "H2": (12, 31), "Y": (12, 31)}


@lru_cache(maxsize=64)
def _parse(round_id: int, text: str) -> Rulebook:
    return load_rulebook_text(text, f"round-{round_id}.yaml")


def rulebook_of_round(assessment_round: Round) -> Rulebook:
    """The round's frozen rulebook, parsed once per process (the text never changes)."""
    return _parse(assessment_round.pk, assessment_round.yaml_text)


def books(rulebook: Rulebook) -> dict[str, Rulebook]:
    """The rulebook and the rulebooks its rollups score children with (seed000-general →
    seed000-branch)."""
    found = {rulebook.id: rulebook}
    for child in rulebook.children.values():
        found.update(books(child))
    return found


def book_for(assessment_round: Round, organization: Organization) -> Rulebook:
    """The sheet an organization fills in this round: a rollup rulebook (seed000-general)
    scores general branches; the branches under it use the rulebook its rollup names."""
    main = rulebook_of_round(assessment_round)
    if not main.children:
        return main
    if organization.kind.code == "branch":
        return next(iter(main.children.values()))
    return main


def collections(rulebook: Rulebook, period: str, source: str) -> tuple[str, ...]:
    """The sheets a source fills in a round: seed002's self sheet twice (H1, H2) in a year."""
    if source == "self" and rulebook.sources.self_per == "half" and period == "Y":
        return ("H1", "H2")
    return (period,)


def sheet_date(year: int, collection: str) -> dt.date:
    month, day = HALF_END[collection]
    return dt.date(year, month, day)


def fillable_items(rulebook: Rulebook) -> list[tuple[str, str, Item]]:
    """(category title, category code, item) for every item a sheet fills (not rollups)."""
    return [
        (category.title, category.code, item)
        for category in rulebook.categories
        for item in category.items
        if not isinstance(item, Rollup)
    ]


def sheet_facts(sheet: Sheet) -> list[Fact]:
    """The facts of one submitted sheet (drafts give none)."""
    if sheet.status != Sheet.Status.SUBMITTED:
        return []
    book = book_for(sheet.round, sheet.organization)
    day = sheet_date(sheet.round.year, sheet.collection)
    subject = sheet.organization.code
    facts: list[Fact] = []
    for value in sheet.values.all():
        found = book.item(value.item)
        if found is None:
            continue
        item = found[1]
        if isinstance(item, ScoreItem) and value.score is not None:
            facts.append(
                Fact(
                    f"v{value.pk}", subject, day, value.item, value.score, sheet.source, value.note
                )
            )
        elif isinstance(item, Graded) and value.grade:
            facts.append(
                Fact(
                    f"v{value.pk}", subject, day, value.item, value.grade, sheet.source, value.note
                )
            )
    for deduction in sheet.deductions.all():
        found = book.item(deduction.item)
        if found is not None and isinstance(found[1], Deduct):
            facts.append(
                Fact(
                    f"d{deduction.pk}",
                    subject,
                    day,
                    deduction.item,
                    Decimal(deduction.points),
                    sheet.source,
                    deduction.reason,
                )
            )
    return facts


def round_subjects(assessment_round: Round, organizations: Iterable[Organization]) -> list[Subject]:
    """Organizations as engine subjects: ranked within their parent, each with its sheet's
    rulebook, so a general branch rolls up the branches under it in the same round."""
    subjects = []
    for org in organizations:
        parent = org.parent.code if org.parent_id and org.parent else None
        subjects.append(
            Subject(
                id=org.code,
                name=org.name,
                parent=parent,
                rulebook=book_for(assessment_round, org).id,
            )
        )
    return subjects
