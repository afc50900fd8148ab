"""Filling sheets in tests: every item at full marks unless told otherwise."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User

from jifen.assessments.facts import book_for, fillable_items
from jifen.assessments.models import Round, Sheet
from jifen.assessments.services import ItemInput, sheet_get, sheet_save
from jifen.orgs.models import Organization
from jifen.scoring.model import Graded, ScoreItem


def full_inputs(
    assessment_round: Round, org: Organization, **given: str | list[tuple[str, str]]
) -> dict[str, ItemInput]:
    """Score items at their max (bonus items left blank), graded items 好, deduct items
    untouched; ``given`` overrides an item: a score or grade as text, deductions as a list."""
    book = book_for(assessment_round, org)
    inputs: dict[str, ItemInput] = {}
    # Every value is the assessor's own: where the records computed one (computed.py), they
    # ticked "checked" too.
    bonus = {c.code for c in book.categories if c.bonus}
    for _, category, item in fillable_items(book):
        if item.code in given:
            value = given[item.code]
            if isinstance(value, list):
                inputs[item.code] = ItemInput(deductions=value, confirmed=True)
            elif isinstance(item, Graded):
                inputs[item.code] = ItemInput(grade=value, confirmed=True)
            else:
                inputs[item.code] = ItemInput(score=value, confirmed=True)
        elif isinstance(item, ScoreItem) and category not in bonus:
            inputs[item.code] = ItemInput(score=str(Decimal(item.max).normalize()), confirmed=True)
        elif isinstance(item, Graded):
            inputs[item.code] = ItemInput(grade="好", confirmed=True)
    return inputs


def submit(
    assessment_round: Round,
    org: Organization,
    source: str,
    actor: User,
    collection: str | None = None,
    **given: str | list[tuple[str, str]],
) -> Sheet:
    sheet = sheet_get(
        assessment_round=assessment_round,
        organization=org,
        source=source,
        collection=collection or assessment_round.period,
    )
    return sheet_save(
        sheet=sheet, inputs=full_inputs(assessment_round, org, **given), submit=True, actor=actor
    )
