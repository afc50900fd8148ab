"""Facts that give a member a chosen total, worked by hand from the seeds.

seed001: base 70 kept in full without shortfalls; contribution earned in pieces of at most 10
(each item's yearly cap); below 70, each late month of dues takes 2 points (at most 10),
then each breach of discipline 5.
seed003: base 70 a month (the year's base is the mean of the months); the misconduct deduction
takes 10 × value from a month's base; review 优秀 10, 合格 7, 基本合格 5, 不合格 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jifen.ledger.models import Origin
from jifen.ledger.services import NewFact, entries_append
from jifen.orgs.models import Organization, Person

EARN = ("center_work", "reform", "stability")


def seed001_total(branch: Organization, person: Person, total: int | str, year: int) -> None:
    """Facts that make ``person``'s seed001 total exactly ``total`` (50 … 100)."""
    left = Decimal(total) - 70
    facts: list[NewFact] = []
    day = dt.date(year, 6, 1)
    if left >= 0:
        for item in (*EARN, "service"):
            piece = min(left, Decimal(10))
            if piece > 0:
                facts.append(NewFact(person, day, item, piece))
            left -= piece
    else:
        short = -left
        dues = min(short, Decimal(10))  # dues is worth 10: 2 a late month, at most 5 months
        facts.append(NewFact(person, day, "dues", dues / 2))
        if short > dues:  # the rest from discipline, 5 a fact (worth 10)
            facts.append(NewFact(person, day, "discipline", (short - dues) / 5))
    entries_append(
        organization=branch,
        facts=facts,
        origin=Origin.MANUAL,
        origin_ref="test",
        recorded_by=None,
        summary="test",
    )


def seed003_base(branch: Organization, person: Person, base: int | str, year: int) -> None:
    """Misconduct in every month so that ``person``'s seed003 base is ``base`` (≤ 70)."""
    value = (70 - Decimal(base)) / 10
    if value <= 0:
        return
    entries_append(
        organization=branch,
        facts=[NewFact(person, dt.date(year, m, 10), "misconduct", value) for m in range(1, 13)],
        origin=Origin.MANUAL,
        origin_ref="test",
        recorded_by=None,
        summary="test",
    )
