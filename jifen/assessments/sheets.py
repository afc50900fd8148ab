"""Reads for the sheet pages: one row per item with what was filled, the other source's
value, spot-check findings, suggestions and evidence beside it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.http import QueryDict
from django.urls import NoReverseMatch, reverse

from jifen.assessments.computed import Computed, computed_for
from jifen.assessments.facts import book_for, fillable_items
from jifen.assessments.models import Sheet, SheetFile, SheetLink, SpotCheck
from jifen.assessments.services import ItemInput
from jifen.assessments.suggestions import Suggestion, suggestions_for
from jifen.scoring import Rulebook, fmt
from jifen.scoring.model import Deduct, Graded, Item

BLANK_DEDUCTIONS = 2
LINK_VIEWS = {"activity": "recording:activity", "declaration": "recording:declaration"}


def link_url(ref: str) -> str:
    """The page of a record named as the ledger names it (``activity:12``), or ""."""
    kind, _, pk = ref.partition(":")
    if kind not in LINK_VIEWS or not pk.isdigit():
        return ""
    try:
        return reverse(LINK_VIEWS[kind], args=[int(pk)])
    except NoReverseMatch:
        return ""


@dataclass
class Row:
    category: str  # the category title on the first row of a category, else ""
    category_max: Decimal | None
    item: Item
    kind: str
    max: Decimal
    given: ItemInput
    other: str = ""  # the other source's value, shown beside
    spot_checks: list[SpotCheck] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    files: list[SheetFile] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    computed: Computed | None = None  # the value the records give, with its source
    prefilled: bool = False  # the score field holds the computed value, not yet saved

    @property
    def grades(self) -> list[str]:
        return list(self.item.grades) if isinstance(self.item, Graded) else []

    @property
    def deduction_rows(self) -> list[tuple[str, str]]:
        return [*self.given.deductions, *([("", "")] * BLANK_DEDUCTIONS)]


def inputs_of(sheet: Sheet) -> dict[str, ItemInput]:
    """What is stored on the sheet, as form inputs."""
    found: dict[str, ItemInput] = defaultdict(ItemInput)
    for value in sheet.values.all():
        found[value.item] = ItemInput(
            score="" if value.score is None else _plain(value.score),
            grade=value.grade,
            note=value.note,
            confirmed=bool(value.computed),
        )
    for deduction in sheet.deductions.order_by("id"):
        found[deduction.item].deductions.append((_plain(deduction.points), deduction.reason))
    return dict(found)


def inputs_from_post(book: Rulebook, data: QueryDict) -> dict[str, ItemInput]:
    inputs = {}
    for _, _, item in fillable_items(book):
        code = item.code
        points = data.getlist(f"ded-{code}-points")
        reasons = data.getlist(f"ded-{code}-reason")
        inputs[code] = ItemInput(
            score=data.get(f"score-{code}", ""),
            grade=data.get(f"grade-{code}", ""),
            note=data.get(f"note-{code}", ""),
            deductions=list(zip(points, reasons, strict=False)),
            confirmed=data.get(f"confirm-{code}") == "yes",
        )
    return inputs


def _plain(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def value_text(item: Item, given: ItemInput | None) -> str:
    """One source's value of an item as a short text: ``2.5``, ``较好``, ``扣 1（原因）``."""
    if given is None:
        return "未填"
    if isinstance(item, Deduct):
        if not given.deductions:
            return f"无扣分（{fmt(item.max)}）"
        return "；".join(f"扣 {p}（{r}）" for p, r in given.deductions)
    if isinstance(item, Graded):
        return given.grade or "未填"
    return given.score or "未填"


def _sheet_name(sheet: Sheet) -> str:
    """自评, or 自评上半年 where the round collects the self sheet twice."""
    half = "" if sheet.collection == sheet.round.period else sheet.get_collection_display()
    return f"{sheet.get_source_display()}{half}"


def sheet_rows(
    sheet: Sheet,
    inputs: Mapping[str, ItemInput],
    *,
    with_suggestions: bool,
) -> list[Row]:
    """The rows of a sheet page. The committee sheet shows the self sheet's values, spot
    checks and suggestions beside each item; the self sheet shows its own evidence."""
    book = book_for(sheet.round, sheet.organization)
    others = Sheet.objects.filter(
        round=sheet.round, organization=sheet.organization, status=Sheet.Status.SUBMITTED
    ).exclude(pk=sheet.pk)
    other_inputs = [(o, inputs_of(o)) for o in others.order_by("collection")]
    checks: dict[str, list[SpotCheck]] = defaultdict(list)
    files: dict[str, list[SheetFile]] = defaultdict(list)
    links: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if sheet.source == Sheet.Source.COMMITTEE:
        for check in SpotCheck.objects.filter(
            round=sheet.round, organization=sheet.organization
        ).prefetch_related("files"):
            for code in check.items:
                checks[code].append(check)
    evidence_sheets = [sheet, *others] if sheet.source == Sheet.Source.COMMITTEE else [sheet]
    for found in SheetFile.objects.filter(sheet__in=evidence_sheets):
        files[found.item].append(found)
    for link in SheetLink.objects.filter(sheet__in=evidence_sheets):
        links[link.item].append((link.label or link.ref, link_url(link.ref)))
    suggested = (
        suggestions_for(book, sheet.organization, sheet.round.year, sheet.round.period)
        if with_suggestions
        else {}
    )
    computed = (
        computed_for(book, sheet.organization, sheet.round.year, sheet.round.period)
        if with_suggestions
        else {}
    )
    rows = []
    last_category = ""
    for title, category_code, item in fillable_items(book):
        category = next(c for c in book.categories if c.code == category_code)
        other = "；".join(
            f"{_sheet_name(o)}：{value_text(item, given.get(item.code))}"
            for o, given in other_inputs
        )
        given = inputs.get(item.code, ItemInput())
        worked = computed.get(item.code)
        prefill = False
        if worked is not None and worked.value is not None and not given.score and not sheet.locked:
            given, prefill = replace(given, score=_plain(worked.value)), True
        rows.append(
            Row(
                category=title if title != last_category else "",
                category_max=category.max if title != last_category else None,
                item=item,
                kind=item.rule,
                max=item.ceiling or Decimal(0),
                given=given,
                computed=worked,
                prefilled=prefill,
                other=other,
                spot_checks=checks.get(item.code, []),
                suggestions=suggested.get(item.code, []),
                files=files.get(item.code, []),
                links=links.get(item.code, []),
            )
        )
        last_category = title
    return rows
