"""Results that explain themselves.

Every number a member or an assessor sees is a result object carrying :class:`Line` objects: the
period, the rule that produced it (``category.item``), the facts (their ids) it rests on, and a
human-readable reason in Chinese. Clicking a score in the web app shows these lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class Line(NamedTuple):
    """One line of explanation, e.g. ``3月 登录学习强国: 未登录 2 天 × 0.5 = 扣 1.00，得 9.00``.

    ``rule`` is the path of the rule in the rulebook (``base.xxqg_login``, ``base``,
    ``vetoes.negative_list``, ``stars`` …); ``period`` the period key (``M03``, ``Q1``, ``H1``,
    ``Y``) or ``""`` for the year as a whole; ``facts`` the ids of the facts used; ``points`` the
    score or the points added/removed, when one number sums the line up.

    A NamedTuple rather than a dataclass: immutable all the same, and a year of explanations
    (hundreds of lines per member) is built several times faster.
    """

    rule: str
    period: str
    text: str
    facts: tuple[str, ...] = ()
    points: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One item of one category: its score per period and for the year, with reasons.

    For organizations there is one ItemResult per source sheet (``committee``/``self``).
    ``score`` is the item's contribution to the year before the category's caps.
    """

    code: str
    title: str
    rule: str
    score: Decimal
    periods: Mapping[str, Decimal]
    lines: tuple[Line, ...]
    source: str = ""
    incomplete: bool = False


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """A category's year score (rounded to 2 places, half up) and how it was formed."""

    code: str
    title: str
    score: Decimal
    periods: Mapping[str, Decimal]
    items: tuple[ItemResult, ...]
    lines: tuple[Line, ...]
    self_score: Decimal | None = None
    committee_score: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BandHit:
    code: str
    label: str
    level: str
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SubjectResult:
    """The year's result for one member or organization (RULEBOOKS.md §6)."""

    subject: str
    name: str
    rulebook: str
    kind: str
    group: str  # the branch (members) or parent (organizations) ranked and rated within
    total: Decimal
    categories: tuple[CategoryResult, ...]
    vetoed: bool = False
    incomplete: bool = False
    stars: int | None = None
    tied: bool = False
    bands: tuple[BandHit, ...] = ()
    warnings: tuple[str, ...] = ()
    rank: int | None = None
    index: Decimal | None = None
    rounds: Mapping[str, Decimal] = field(default_factory=dict)
    self_total: Decimal | None = None
    committee_total: Decimal | None = None
    member_category: str = "full"
    lines: tuple[Line, ...] = ()

    @property
    def rated(self) -> Decimal:
        """The number stars, bands and ranks compare against: the index, else the total."""
        return self.index if self.index is not None else self.total

    def explanations(self) -> Iterator[tuple[str, str, str, Line]]:
        """Every line of the result as (category code, item code, source, line): the subject's
        own lines first (total, veto, stars, bands), then each category's, then its items'."""
        for line in self.lines:
            yield "", "", "", line
        for category in self.categories:
            for line in category.lines:
                yield category.code, "", "", line
            for item in category.items:
                for line in item.lines:
                    yield category.code, item.code, item.source, line

    def category(self, code: str) -> CategoryResult:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Tie:
    """Members tied at a quota's cut-off: all held one level down, listed for the branch to
    decide."""

    group: str
    stars: int
    held_at: int
    rated: Decimal
    subjects: tuple[str, ...]
    quota: int


@dataclass(frozen=True, slots=True)
class Scoresheet:
    """Every subject's result for one rulebook and one year."""

    rulebook: str
    version: str
    year: int
    results: tuple[SubjectResult, ...]
    ties: tuple[Tie, ...] = ()
    notes: tuple[str, ...] = ()

    def result(self, subject: str) -> SubjectResult:
        for result in self.results:
            if result.subject == subject:
                return result
        raise KeyError(subject)
