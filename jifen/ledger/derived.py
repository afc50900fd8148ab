"""Stores derived from the stored results by the apps above the ledger — the committee pages'
branch summaries (``jifen.reports.branch_figures``) — register here, so that
``jifen scores rebuild`` fills them and ``jifen scores verify`` checks them while the ledger
imports none of those apps (the layers in pyproject.toml)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jifen.ledger.stored_check import Verified
from jifen.orgs.models import Organization


@dataclass(frozen=True)
class Derived:
    name: str  # what the command prints, in Chinese
    # Fill the store for a committee's year as its pages ask on ``today``; how many rows.
    warm: Callable[[Organization, int, dt.date], int]
    # Compare every current row with a recompute from the ledger; the first difference.
    verify: Callable[[Organization, int], Verified]


DERIVED: list[Derived] = []


def register(derived: Derived) -> None:
    if all(d.name != derived.name for d in DERIVED):
        DERIVED.append(derived)
