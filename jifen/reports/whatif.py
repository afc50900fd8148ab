"""试算: a branch's real facts of a year scored under the rulebook it adopted and under a rulebook
it is thinking of (a draft of its own, or a built-in one), member by member and branch by branch.

A selector: it reads the engine's inputs exactly as the year pages score them
(``jifen.ledger.scores.branch_inputs``, the same ones ``jifen facts export`` writes) and scores
them twice with the pure engine; nothing is written, nothing is audited. The per-member changes
are ``jifen.simulation.compare.changes`` (what ``jifen rulebook compare`` lists); this module
adds what a page needs beside them: names, branches, warnings and the quota places.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from jifen.documents import charts
from jifen.documents.charts import Figure
from jifen.ledger.scores import BranchInputs, branch_inputs, person_key
from jifen.orgs.models import Organization, Person
from jifen.ratings.selectors import MIXED, branch_names, mixed, prior_totals
from jifen.reports.stats import DISTRIBUTION_LABELS, EDGES, STAR_LEVELS
from jifen.rulebooks.drafts import latest, version_rulebook
from jifen.rulebooks.models import Draft
from jifen.rulebooks.reading import LEVEL_NAMES
from jifen.scoring import (
    FactsError,
    Rulebook,
    RulebookError,
    Scoresheet,
    SubjectResult,
    builtin_ids,
    load_rulebook,
    round2,
    score,
)
from jifen.simulation.compare import changes


@dataclass(frozen=True)
class Choice:
    """A rulebook that may be tried: ``key`` is what the form sends (``builtin:seed003``,
    ``draft:12``), ``label`` what it shows."""

    key: str
    label: str
    rulebook: Rulebook
    owner: Organization | None = None  # the organization that wrote a draft


def choices(organization: Organization, kind: str) -> list[Choice]:
    """The built-in rulebooks of ``kind`` (member or organization) and the latest version of
    every draft written by ``organization`` or an organization above it, of the same kind
    (the page keeps only the drafts of organizations its user may adopt for)."""
    found = []
    for rulebook_id in builtin_ids():
        book = load_rulebook(rulebook_id)
        if book.kind == kind:
            found.append(
                Choice(
                    f"builtin:{rulebook_id}", _("%(title)s（内置）") % {"title": book.title}, book
                )
            )
    owners = [*organization.ancestor_ids(), organization.pk]
    drafts = Draft.objects.filter(organization_id__in=owners).select_related("organization")
    for draft in drafts.order_by("pk"):
        version = latest(draft)
        try:
            book = version_rulebook(version)
        except RulebookError:  # a base that changed since the version was saved
            continue
        if book.kind == kind:
            label = _("%(title)s（%(org)s 自定，第 %(number)s 版）") % {
                "title": draft.title,
                "org": draft.organization.name,
                "number": version.number,
            }
            found.append(Choice(f"draft:{draft.pk}", label, book, draft.organization))
    return found


@dataclass(frozen=True)
class MemberChange:
    person: Person
    branch: str
    old: SubjectResult
    new: SubjectResult
    delta: Decimal
    warnings_old: tuple[str, ...]
    warnings_new: tuple[str, ...]
    quota: str  # who gains or loses a place under a quota, in words; "" when neither

    @property
    def stars_changed(self) -> bool:
        return self.old.stars != self.new.stars

    @property
    def warnings_changed(self) -> bool:
        return self.warnings_old != self.warnings_new

    @property
    def changed(self) -> bool:
        return bool(self.delta) or self.stars_changed or self.warnings_changed


@dataclass(frozen=True)
class QuotaLine:
    """One star level with a quota, in one branch: places and holders under each rulebook."""

    stars: int
    places_old: int | None  # None: the level has no quota under that rulebook
    places_new: int | None
    held_old: int
    held_new: int
    lost: tuple[str, ...]
    gained: tuple[str, ...]


@dataclass(frozen=True)
class BranchChange:
    name: str
    members: int
    changed: int
    mean_old: Decimal | None
    mean_new: Decimal | None
    stars_old: list[int] | None  # counts per STAR_LEVELS
    stars_new: list[int] | None
    quotas: list[QuotaLine]


@dataclass(frozen=True)
class WhatIf:
    organization: Organization
    year: int
    old_title: str
    new_title: str
    members: list[MemberChange] = field(default_factory=list)
    branches: list[BranchChange] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    error: str = ""


def _warnings(result: SubjectResult) -> tuple[str, ...]:
    """The bands a member falls in, by level and label ("黄色预警 约谈提醒"), never by code."""
    return tuple(sorted({f"{LEVEL_NAMES[b.level]} {b.label}" for b in result.bands}))


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    return round2(sum(values, Decimal(0)) / len(values)) if values else None


def _stars(book: Rulebook, results: Sequence[SubjectResult]) -> list[int] | None:
    if book.stars is None:
        return None
    return [sum(1 for r in results if r.stars == level) for level in STAR_LEVELS]


def _places(book: Rulebook, stars: int, size: int) -> int | None:
    levels = book.stars.levels if book.stars is not None else ()
    quota = next((lv.quota for lv in levels if lv.stars == stars), None)
    return None if quota is None else math.floor(quota * size)


def _quota_lines(old: Rulebook, new: Rulebook, rows: Sequence[MemberChange]) -> list[QuotaLine]:
    """Every star level with a quota under either rulebook: the places (group size × quota),
    how many hold the level, and who holds it under one rulebook only."""
    levels = sorted(
        {
            level.stars
            for book in (old, new)
            if book.stars is not None
            for level in book.stars.levels
            if level.quota is not None
        },
        reverse=True,
    )
    lines = []
    for stars in levels:
        held_old = [r for r in rows if r.old.stars == stars]
        held_new = [r for r in rows if r.new.stars == stars]
        lines.append(
            QuotaLine(
                stars=stars,
                places_old=_places(old, stars, len(rows)),
                places_new=_places(new, stars, len(rows)),
                held_old=len(held_old),
                held_new=len(held_new),
                lost=tuple(r.person.name for r in held_old if r.new.stars != stars),
                gained=tuple(r.person.name for r in held_new if r.old.stars != stars),
            )
        )
    return lines


def _quota_words(lines: Sequence[QuotaLine], row: MemberChange) -> str:
    said = []
    for line in lines:
        if row.old.stars == line.stars and row.new.stars != line.stars:
            said.append(_("失去 %(stars)s 星名额") % {"stars": line.stars})
        if row.new.stars == line.stars and row.old.stars != line.stars:
            said.append(_("得到 %(stars)s 星名额") % {"stars": line.stars})
    return "；".join(said)


def _score(book: Rulebook, inputs: BranchInputs, year: int) -> Scoresheet:
    """The year as the ratings year page scores it: the whole year, with the earlier years'
    totals for the consecutive-year flags."""
    years = max((flag.years for flag in book.consecutive), default=1)
    organization = inputs.adoption.organization
    priors = prior_totals(organization, year, years) if years > 1 else {}
    return score(
        book, inputs.facts, year=year, subjects=inputs.subjects, prior_totals=priors, explain=False
    )


def whatif(organization: Organization, year: int, tried: Choice) -> WhatIf:
    """``organization``'s ``year`` under its adopted rulebook and under ``tried``."""
    head = WhatIf(organization, year, "", tried.label)
    if mixed(organization, year):
        return _failed(head, MIXED)
    inputs = branch_inputs(organization, year)
    if inputs is None:
        return _failed(head, _("%(year)s 年还没有采用积分办法，无从比较") % {"year": year})
    old_title = inputs.rulebook.title
    head = WhatIf(organization, year, old_title, tried.label)
    if tried.rulebook.kind != "member":
        return _failed(head, _("所选积分办法不是党员积分办法"))
    try:
        sheet_old = _score(inputs.rulebook, inputs, year)
        sheet_new = _score(tried.rulebook, inputs, year)
    except FactsError as error:
        reason = "；".join(issue.message for issue in error.issues[:5])
        return _failed(
            head, _("所选积分办法不能给本年度的记录计分：%(reason)s") % {"reason": reason}
        )
    return _compared(head, inputs, sheet_old, sheet_new, tried.rulebook)


def _failed(head: WhatIf, error: str) -> WhatIf:
    return WhatIf(head.organization, head.year, head.old_title, head.new_title, error=error)


def _compared(
    head: WhatIf, inputs: BranchInputs, sheet_old: Scoresheet, sheet_new: Scoresheet, new: Rulebook
) -> WhatIf:
    old_by = {r.subject: r for r in sheet_old.results}
    new_by = {r.subject: r for r in sheet_new.results}
    # The engine's own list of changed totals and stars (jifen rulebook compare): its delta is
    # the one the page shows, so the page and the command can never disagree.
    deltas = {c["subject"]: Decimal(c["delta"]) for c in changes(sheet_old, sheet_new)}
    names = branch_names({r.group for r in sheet_old.results})
    by_branch: dict[str, list[MemberChange]] = {}
    for person in inputs.people:
        key = person_key(person.pk)
        if key not in old_by or key not in new_by:
            continue
        before, after = old_by[key], new_by[key]
        row = MemberChange(
            person,
            names.get(before.group, before.group),
            before,
            after,
            deltas.get(key, Decimal("0.00")),
            _warnings(before),
            _warnings(after),
            "",
        )
        by_branch.setdefault(before.group, []).append(row)
    members: list[MemberChange] = []
    branches = []
    for code in sorted(by_branch, key=lambda c: names.get(c, c)):
        rows, name = by_branch[code], names.get(code, code)
        quotas = _quota_lines(inputs.rulebook, new, rows)
        rows = [_with_quota(r, quotas) for r in rows]
        members.extend(rows)
        branches.append(_branch(name, rows, inputs.rulebook, new, quotas))
    members.sort(
        key=lambda r: (-abs(r.delta), not r.stars_changed, not r.changed, r.person.name_pinyin)
    )
    figures = _figures(head, members, inputs.rulebook, new)
    return WhatIf(
        head.organization, head.year, head.old_title, head.new_title, members, branches, figures
    )


def _with_quota(row: MemberChange, quotas: Sequence[QuotaLine]) -> MemberChange:
    words = _quota_words(quotas, row)
    if not words:
        return row
    return MemberChange(
        row.person,
        row.branch,
        row.old,
        row.new,
        row.delta,
        row.warnings_old,
        row.warnings_new,
        words,
    )


def _branch(
    name: str, rows: Sequence[MemberChange], old: Rulebook, new: Rulebook, quotas: list[QuotaLine]
) -> BranchChange:
    return BranchChange(
        name=name,
        members=len(rows),
        changed=sum(1 for r in rows if r.changed),
        mean_old=_mean([r.old.total for r in rows]),
        mean_new=_mean([r.new.total for r in rows]),
        stars_old=_stars(old, [r.old for r in rows]),
        stars_new=_stars(new, [r.new for r in rows]),
        quotas=quotas,
    )


def _figures(
    head: WhatIf, members: Sequence[MemberChange], old: Rulebook, new: Rulebook
) -> list[Figure]:
    """The distribution of totals under both rulebooks, and the stars under both."""
    if not members:
        return []
    now_label, tried_label = _("现行办法"), _("试算办法")
    _labels, counts_old = charts.distribution_rows([r.old.total for r in members], edges=EDGES)
    _labels, counts_new = charts.distribution_rows([r.new.total for r in members], edges=EDGES)
    title = _("%(name)s %(year)s 年积分分布：现行与试算") % {
        "name": head.organization.name,
        "year": head.year,
    }
    svg = charts.bars(title, DISTRIBUTION_LABELS, {now_label: counts_old, tried_label: counts_new})
    rows = [
        [label, str(a), str(b)]
        for label, a, b in zip(DISTRIBUTION_LABELS, counts_old, counts_new, strict=True)
    ]
    shown = [Figure(title, svg, [_("积分"), now_label, tried_label], rows)]
    stars_old = _stars(old, [r.old for r in members])
    stars_new = _stars(new, [r.new for r in members])
    if stars_old is not None or stars_new is not None:
        zero = [0] * len(STAR_LEVELS)
        old_counts, new_counts = stars_old or zero, stars_new or zero
        labels = [_("%(n)s星") % {"n": level} for level in STAR_LEVELS]
        title = _("星级人数：现行与试算")
        svg = charts.bars(title, labels, {now_label: old_counts, tried_label: new_counts})
        rows = [
            [label, str(a), str(b)]
            for label, a, b in zip(labels, old_counts, new_counts, strict=True)
        ]
        shown.append(Figure(title, svg, [_("星级"), now_label, tried_label], rows))
    return shown
