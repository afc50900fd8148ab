"""The rulebook as frozen data: what a validated YAML rulebook becomes.

Every number is a :class:`~decimal.Decimal`. The loader (:mod:`jifen.scoring.loader`) is the only
producer of these objects; the engine only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

PeriodKind = Literal["month", "quarter", "half", "year"]
Combine = Literal["mean", "sum"]
Level = Literal["info", "yellow", "red"]
RulebookKind = Literal["member", "organization"]

MEMBER_CATEGORIES = ("full", "probationary", "activist", "development_target")
# The party members: whom a star quota counts unless the rulebook names others.
QUOTA_BASE = ("full", "probationary")
SOURCES = ("self", "committee")


# --- member items -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Allowance:
    """Worth ``points`` per period, kept in full unless shortfall facts are recorded."""

    code: str
    title: str
    points: Decimal
    period: PeriodKind
    deduct: Decimal | None = None
    target: Decimal | None = None
    absent: Decimal | None = None
    excused: Decimal = Decimal(0)
    spread: Literal["quarter"] | None = None
    unit: str = ""
    description: str = ""
    standard: str = ""
    rule: Literal["allowance"] = "allowance"
    # "5 分/次" within a period's points (seed003's study): the period's points are shared among
    # its occasions — the attendance facts recorded in it — so each mark deducts its share.
    per_occasion: bool = False

    @property
    def ceiling(self) -> Decimal:
        return self.points


@dataclass(frozen=True, slots=True)
class Earn:
    """Points earned by approved declarations or entries, capped per month, quarter, year."""

    code: str
    title: str
    min: Decimal = Decimal(0)
    max: Decimal | None = None
    per: Decimal | None = None
    cap_month: Decimal | None = None
    cap_quarter: Decimal | None = None
    cap_year: Decimal | None = None
    unit: str = ""
    description: str = ""
    standard: str = ""
    rule: Literal["earn"] = "earn"

    @property
    def ceiling(self) -> Decimal | None:
        for cap in (self.cap_year, self.cap_quarter, self.cap_month):
            if cap is not None:
                return cap
        return None


@dataclass(frozen=True, slots=True)
class Grade:
    """A label mapped to points; the latest grade in the period counts."""

    code: str
    title: str
    grades: Mapping[str, Decimal]
    description: str = ""
    standard: str = ""
    rule: Literal["grade"] = "grade"

    @property
    def ceiling(self) -> Decimal:
        return max(self.grades.values(), default=Decimal(0))


# --- organization items -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """The assessor gives 0..max in steps of 0.5."""

    code: str
    title: str
    max: Decimal
    description: str = ""
    standard: str = ""
    rule: Literal["score"] = "score"

    @property
    def ceiling(self) -> Decimal:
        return self.max


@dataclass(frozen=True, slots=True)
class Graded:
    """A label (好 / 较好 / 一般 / 没执行) mapped to points."""

    code: str
    title: str
    grades: Mapping[str, Decimal]
    description: str = ""
    standard: str = ""
    rule: Literal["graded"] = "graded"

    @property
    def ceiling(self) -> Decimal:
        return max(self.grades.values(), default=Decimal(0))


@dataclass(frozen=True, slots=True)
class Deduct:
    """Starts at ``max``; every fact deducts its value with a written reason; floor 0."""

    code: str
    title: str
    max: Decimal
    description: str = ""
    standard: str = ""
    rule: Literal["deduct"] = "deduct"

    @property
    def ceiling(self) -> Decimal:
        return self.max


@dataclass(frozen=True, slots=True)
class Rollup:
    """``factor`` × mean of the child organizations' totals scored with rulebook ``of``."""

    code: str
    title: str
    of: str
    factor: Decimal
    description: str = ""
    standard: str = ""
    rule: Literal["rollup"] = "rollup"

    @property
    def ceiling(self) -> Decimal | None:
        return None


# Every item may carry the source document's own words: ``description`` (考核内容, what is
# assessed) and ``standard`` (评价标准 / 记分标准, how it is judged). They are printed on the
# forms and never read by the rules, so they cannot change a score.

Item = Allowance | Earn | Grade | ScoreItem | Graded | Deduct | Rollup
MEMBER_RULES = ("allowance", "earn", "grade")
ORGANIZATION_RULES = ("score", "graded", "deduct", "rollup")


# --- structure ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deduction:
    """A category-level deduction code: each fact removes ``points`` × value from the period."""

    code: str
    title: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    title: str
    max: Decimal
    items: tuple[Item, ...]
    period: PeriodKind = "year"
    period_max: Decimal | None = None
    combine: Combine = "mean"
    bonus: bool = False
    deductions: tuple[Deduction, ...] = ()
    description: str = ""
    standard: str = ""
    # Declarations of this category that the branch approves wait for the committee's approval
    # (党委审批) before their fact is recorded (seed003 特色分 "由各支部评定、机关党委审批").
    # The engine scores recorded facts only; the flag is read by the declaration flow.
    committee_approval: bool = False


@dataclass(frozen=True, slots=True)
class Veto:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class StarLevel:
    stars: int
    min: Decimal
    quota: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Stars:
    levels: tuple[StarLevel, ...]  # highest first
    otherwise: int = 0
    # Who a quota counts and limits: the branch's party members, full and probationary (seed001:
    # "本支部党员总数的20%"). The others are rated by the thresholds alone: they neither count
    # in the base nor take a party member's place (RULEBOOKS.md, Ratings).
    quota_base: tuple[str, ...] = QUOTA_BASE


@dataclass(frozen=True, slots=True)
class Band:
    """A range of total (``min`` ≤ total < ``below``) or a set of star levels, with a label."""

    code: str
    label: str
    level: Level
    min: Decimal | None = None
    below: Decimal | None = None
    stars: tuple[int, ...] | None = None
    categories: tuple[str, ...] | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Consecutive:
    """Total below ``below`` in ``years`` consecutive years (this one included)."""

    code: str
    label: str
    level: Level
    below: Decimal
    years: int = 2
    categories: tuple[str, ...] | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sources:
    """How the self and committee sheets of an organization combine."""

    weights: Mapping[str, Decimal] | None = None
    self_per: Literal["half"] | None = None
    self_combine: Combine = "mean"


@dataclass(frozen=True, slots=True)
class Rulebook:
    """A validated rulebook (after ``extends`` has been merged)."""

    id: str
    version: str
    kind: RulebookKind
    title: str
    categories: tuple[Category, ...]
    total: Decimal | None = None
    year_start: int = 1
    vetoes: tuple[Veto, ...] = ()
    stars: Stars | None = None
    bands: tuple[Band, ...] = ()
    consecutive: tuple[Consecutive, ...] = ()
    rounds: Literal["half", "year"] = "year"
    combine_rounds: Literal["mean", "sum", "last"] = "mean"
    sources: Sources = field(default_factory=Sources)
    index_cap: Decimal | None = None
    # Working days a quarter's results are publicized (公示); None: the deployment's default.
    notice_days: int | None = None
    extends: str | None = None
    source: str = ""
    path: str = ""
    children: Mapping[str, Rulebook] = field(default_factory=dict)

    # Lookups by code, built once (the rulebook is frozen); not part of equality.
    _items: dict[str, tuple[Category, Item]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _deductions: dict[str, tuple[Category, Deduction]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _vetoes: dict[str, Veto] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for category in self.categories:
            for item in category.items:
                self._items[item.code] = (category, item)
            for deduction in category.deductions:
                self._deductions[deduction.code] = (category, deduction)
        for veto in self.vetoes:
            self._vetoes[veto.code] = veto

    def item(self, code: str) -> tuple[Category, Item] | None:
        """The category and item of an item code, or None."""
        return self._items.get(code)

    def deduction(self, code: str) -> tuple[Category, Deduction] | None:
        """The category and deduction of a category-level deduction code, or None."""
        return self._deductions.get(code)

    def veto(self, code: str) -> Veto | None:
        return self._vetoes.get(code)

    def codes(self) -> set[str]:
        """Every code a fact may carry: items, deductions, vetoes."""
        found = {item.code for category in self.categories for item in category.items}
        found |= {d.code for category in self.categories for d in category.deductions}
        found |= {veto.code for veto in self.vetoes}
        return found
