"""Writes of organization assessments: open a round, fill and submit sheets, reopen them,
record spot checks, publish results. Each is one transaction and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.accounts.roles import Role
from jifen.assessments.computed import computed_for, plain, unconfirmed
from jifen.assessments.facts import book_for, collections, fillable_items, rulebook_of_round
from jifen.assessments.models import (
    Round,
    Sheet,
    SheetDeduction,
    SheetFile,
    SheetLink,
    SheetReopen,
    SheetValue,
    SpotCheck,
    SpotCheckFile,
)
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization
from jifen.periods.workdays import DEFAULT_NOTICE_DAYS, notice_window
from jifen.rulebooks.services import rulebook_text_load
from jifen.scoring import Rulebook, fmt
from jifen.scoring.model import Deduct, Graded, ScoreItem

HALF = Decimal("0.5")
PERIOD_LABEL = dict(Round.Period.choices)


# --- who may fill ------------------------------------------------------------------------------


def may_fill(user: access.AnyUser, sheet: Sheet) -> bool:
    """The self sheet is filled by the organization's own secretary (or the general branch's
    admin for a general branch): a role held in that very organization, not above it. The
    committee sheet by an assessor: a committee admin whose reach covers the organization."""
    if sheet.source == Sheet.Source.COMMITTEE:
        return access.can(user, Action.ASSESS, sheet.organization)
    own = {Role.BRANCH_SECRETARY, Role.GENERAL_BRANCH_ADMIN}
    return any(
        a.organization_id == sheet.organization_id and a.role in own
        for a in access.assignments_of(user)
    )


# --- rounds ------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    owner: Organization,
    year: int,
    period: str,
    rulebook: str,
    organizations: Sequence[Organization],
    self_deadline: dt.date,
    committee_deadline: dt.date,
    yaml_text: str | None = None,
    title: str = "",
    actor: User | None = None,
) -> Round:
    """Open a round: a built-in rulebook by id, or an organization's own YAML text (kept in
    the round as it is now), for organizations within ``owner``'s subtree."""
    yaml_text, loaded = rulebook_text_load(
        rulebook=rulebook,
        yaml_text=yaml_text,
        name=f"{owner.code}-{year}-round.yaml",
        noun="考核办法",
    )
    if loaded.kind != "organization":
        raise ValidationError({"rulebook": f"{loaded.id} 是党员积分办法，不能用于组织考核"})
    if loaded.rounds == "half" and period not in {"H1", "H2"}:
        raise ValidationError({"period": f"{loaded.id} 每半年考核一轮，请选择上半年或下半年"})
    if loaded.rounds == "year" and period != "Y":
        raise ValidationError({"period": f"{loaded.id} 每年考核一轮，请选择全年"})
    if not organizations:
        raise ValidationError({"organizations": "请选择参加考核的组织"})
    outside = [o.name for o in organizations if not o.path.startswith(owner.path)]
    if outside:
        raise ValidationError({"organizations": f"不在本组织范围内：{'、'.join(outside)}"})
    if committee_deadline < self_deadline:
        raise ValidationError({"committee_deadline": "考评截止日期不能早于自评截止日期"})
    if Round.objects.filter(owner=owner, year=year, period=period, rulebook_id=loaded.id).exists():
        raise ValidationError(
            {"period": f"{year} 年{PERIOD_LABEL[period]}已有一轮 {loaded.id} 考核"}
        )
    created = Round.objects.create(
        owner=owner,
        year=year,
        period=period,
        title=title or f"{year}年{PERIOD_LABEL[period]} {loaded.title}",
        rulebook_id=loaded.id,
        rulebook_version=str(loaded.version),
        yaml_text=yaml_text,
        self_deadline=self_deadline,
        committee_deadline=committee_deadline,
        opened_by=actor,
    )
    created.organizations.set(organizations)
    audit_record(
        action="assessment.round_open",
        actor=actor,
        target=created,
        summary=f"{owner.name} 开启考核 {created.title}（{len(organizations)} 个组织）",
    )
    return created


def sheet_get(
    *, assessment_round: Round, organization: Organization, source: str, collection: str
) -> Sheet:
    """The sheet (created empty on first use) of an organization in a round."""
    if not assessment_round.organizations.filter(pk=organization.pk).exists():
        raise ValidationError(f"{organization.name} 不在本轮考核中")
    book = rulebook_of_round(assessment_round)
    if collection not in collections(book, assessment_round.period, source):
        raise ValidationError("没有这一期的考核表")
    sheet, _ = Sheet.objects.get_or_create(
        round=assessment_round, organization=organization, source=source, collection=collection
    )
    return sheet


# --- filling a sheet ---------------------------------------------------------------------------


@dataclass
class ItemInput:
    """What the form gave for one item, as typed (checked by ``sheet_save``)."""

    score: str = ""
    grade: str = ""
    note: str = ""
    deductions: list[tuple[str, str]] = field(default_factory=list)
    # The assessor ticked "checked" beside a value the records computed (``computed.py``).
    confirmed: bool = False


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check_inputs(  # noqa: PLR0912 - one branch per kind of item, kept side by side
    rulebook: Rulebook, inputs: Mapping[str, ItemInput]
) -> tuple[dict[str, tuple[Decimal | None, str, str]], dict[str, list[tuple[Decimal, str]]]]:
    """Parse and check every item's input against the rulebook. Raises ValidationError with
    one Chinese message per problem, naming the item; returns values and deductions."""
    problems: list[str] = []
    values: dict[str, tuple[Decimal | None, str, str]] = {}
    deductions: dict[str, list[tuple[Decimal, str]]] = {}
    for _, _, item in fillable_items(rulebook):
        given = inputs.get(item.code, ItemInput())
        name = f"「{item.title}」"
        note = given.note.strip()[:500]
        if isinstance(item, ScoreItem):
            text = given.score.strip()
            if not text:
                if note:
                    values[item.code] = (None, "", note)
                continue
            value = _decimal(text)
            if value is None:
                problems.append(f"{name}的分数应为数字，实际是“{text}”")
                continue
            if value < 0 or value > item.max or (value % HALF and value != item.max):
                problems.append(
                    f"{name}的分数应在 0 到 {fmt(item.max)} 之间、以 0.5 为单位，实际是 {text}"
                )
                continue
            values[item.code] = (value, "", note)
        elif isinstance(item, Graded):
            label = given.grade.strip()
            if label and label not in item.grades:
                problems.append(f"{name}的等次应为{'、'.join(item.grades)}之一，实际是“{label}”")
                continue
            if label or note:
                values[item.code] = (None, label, note)
        elif isinstance(item, Deduct):
            rows = []
            for raw_points, raw_reason in given.deductions:
                points_text, reason = raw_points.strip(), raw_reason.strip()
                if not points_text and not reason:
                    continue
                points = _decimal(points_text)
                if points is None or points <= 0:
                    problems.append(f"{name}的扣分应为大于 0 的数字，实际是“{points_text}”")
                    continue
                if points > item.max:
                    problems.append(
                        f"{name}的一次扣分不能超过该项分值 {fmt(item.max)}，实际是 {points_text}"
                    )
                    continue
                if not reason:
                    problems.append(f"{name}扣 {points_text} 分，必须写明扣分原因")
                    continue
                rows.append((points, reason[:500]))
            if rows:
                deductions[item.code] = rows
            if note:
                values[item.code] = (None, "", note)
    if problems:
        raise ValidationError(problems)
    return values, deductions


@transaction.atomic
def sheet_save(
    *,
    sheet: Sheet,
    inputs: Mapping[str, ItemInput],
    notes: str = "",
    submit: bool = False,
    files: Iterable[tuple[str, str, bytes]] = (),
    links: Iterable[tuple[str, str, str]] = (),
    actor: User,
) -> Sheet:
    """Save a sheet as a draft, or submit it (which locks it). Every value is checked against
    the round's rulebook first; on any problem nothing changes. ``files`` are (item, name,
    data) and ``links`` (item, ref, label) added to the sheet's evidence."""
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    values, deductions, sources = _checked(sheet, inputs, submit, actor)
    kept_files = [(item, name, data) for item, name, data in files]
    sheet.values.all().delete()
    sheet.deductions.all().delete()
    SheetValue.objects.bulk_create(
        SheetValue(
            sheet=sheet,
            item=code,
            score=score,
            grade=grade,
            note=note,
            computed=sources.get(code, "")[:1000],
        )
        for code, (score, grade, note) in values.items()
    )
    SheetDeduction.objects.bulk_create(
        SheetDeduction(sheet=sheet, item=code, points=points, reason=reason)
        for code, rows in deductions.items()
        for points, reason in rows
    )
    for item, name, data in kept_files:
        SheetFile.store(data, name, sheet=sheet, item=item, uploaded_by=actor)
    for item, ref, label in links:
        if ref.strip():
            SheetLink.objects.create(
                sheet=sheet, item=item, ref=ref.strip()[:64], label=label[:200]
            )
    sheet.notes = notes
    sheet.updated_by = actor
    if submit:
        sheet.status = Sheet.Status.SUBMITTED
        sheet.submitted_at = clock.now()
        sheet.submitted_by = actor
    sheet.save()
    what = "提交" if submit else "保存草稿"
    audit_record(
        action="assessment.sheet_submit" if submit else "assessment.sheet_save",
        actor=actor,
        target=sheet,
        summary=f"{what}：{sheet.organization.name} {sheet.round.title} "
        f"{sheet.get_source_display()}（{PERIOD_LABEL[sheet.collection]}）",
        detail={
            "values": {k: [str(v[0]) if v[0] is not None else "", v[1]] for k, v in values.items()},
            "deductions": {k: [[str(p), r] for p, r in v] for k, v in deductions.items()},
            "confirmed_from_records": sources,
        },
    )
    return sheet


def sheet_check(
    *, sheet: Sheet, inputs: Mapping[str, ItemInput], submit: bool, actor: User
) -> None:
    """Whether ``sheet_save`` would take these inputs, without writing anything: the page asks
    before submitting (which locks the sheet) only what the service would accept."""
    _checked(sheet, inputs, submit, actor)


def _checked(
    sheet: Sheet, inputs: Mapping[str, ItemInput], submit: bool, actor: User
) -> tuple[
    dict[str, tuple[Decimal | None, str, str]], dict[str, list[tuple[Decimal, str]]], dict[str, str]
]:
    if sheet.locked:
        raise ValidationError("考核表已提交并锁定；如需修改，请党委退回")
    if not may_fill(actor, sheet):
        raise ValidationError("你不能填写这张考核表")
    book = book_for(sheet.round, sheet.organization)
    values, deductions = check_inputs(book, inputs)
    return values, deductions, _confirmed_sources(sheet, book, inputs, submit)


def _confirmed_sources(
    sheet: Sheet, book: Rulebook, inputs: Mapping[str, ItemInput], submit: bool
) -> dict[str, str]:
    """On a committee sheet, the items the records decide: submitting needs the assessor's
    confirmation of each; the confirmed ones keep how the records computed them."""
    if sheet.source != Sheet.Source.COMMITTEE:
        return {}
    computed = computed_for(book, sheet.organization, sheet.round.year, sheet.round.period)
    confirmed = [code for code, given in inputs.items() if given.confirmed]
    missing = unconfirmed(computed, confirmed)
    if submit and missing:
        titles = "、".join(f"「{found[1].title}」" for c in missing if (found := book.item(c)))
        raise ValidationError(f"{titles}由记录预填，请核对后勾选“已核对”再提交")
    return {
        code: f"{c.text}（预填 {plain(c.value)} 分）"
        for code, c in computed.items()
        if c.value is not None and code in confirmed
    }


@transaction.atomic
def sheet_reopen(*, sheet: Sheet, reason: str, actor: User) -> SheetReopen:
    """The committee sends a submitted sheet back for changes; the reason is kept for good."""
    sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
    if not access.can(actor, Action.ASSESS, sheet.organization):
        raise ValidationError("只有党委考核人可以退回考核表")
    if not sheet.locked:
        raise ValidationError("考核表尚未提交，无需退回")
    if not reason.strip():
        raise ValidationError({"reason": "请写明退回原因"})
    record = SheetReopen.objects.create(sheet=sheet, reason=reason.strip()[:500], reopened_by=actor)
    sheet.status = Sheet.Status.DRAFT
    sheet.save(update_fields=["status", "updated_at"])
    audit_record(
        action="assessment.sheet_reopen",
        actor=actor,
        target=sheet,
        summary=f"退回 {sheet.organization.name} 的{sheet.get_source_display()}表：{reason}",
    )
    return record


@transaction.atomic
def spot_check_record(
    *,
    assessment_round: Round,
    organization: Organization,
    kind: str,
    date: dt.date,
    text: str,
    items: Sequence[str],
    files: Iterable[tuple[str, bytes]] = (),
    actor: User,
) -> SpotCheck:
    """Record a spot-check finding (日常抽检 / 专题抽检) shown beside the items it concerns."""
    if not access.can(actor, Action.ASSESS, organization):
        raise ValidationError("只有党委考核人可以记录抽检")
    if not assessment_round.organizations.filter(pk=organization.pk).exists():
        raise ValidationError(f"{organization.name} 不在本轮考核中")
    if kind not in SpotCheck.Kind.values:
        raise ValidationError({"kind": "请选择日常抽检或专题抽检"})
    if not text.strip():
        raise ValidationError({"text": "请写明抽检发现的情况"})
    book = book_for(assessment_round, organization)
    unknown = [code for code in items if book.item(code) is None]
    if unknown:
        raise ValidationError({"items": f"考核表中没有这些项目：{'、'.join(unknown)}"})
    check = SpotCheck.objects.create(
        round=assessment_round,
        organization=organization,
        kind=kind,
        date=date,
        text=text.strip(),
        items=list(items),
        recorded_by=actor,
    )
    for name, data in files:
        SpotCheckFile.store(data, name, spot_check=check)
    audit_record(
        action="assessment.spot_check",
        actor=actor,
        target=check,
        summary=f"{check.get_kind_display()} {organization.name} {date}：{text[:60]}",
    )
    return check


@transaction.atomic
def round_publish(
    *,
    assessment_round: Round,
    actor: User,
    today: dt.date | None = None,
) -> Round:
    """Publish a round's results to the organizations in it (until then only the committee
    sees them) and publicize them for the same number of working days as members' scores
    (公示, weekends, statutory holidays and 调休 workdays respected)."""
    if not access.can(actor, Action.ASSESS, assessment_round.owner):
        raise ValidationError("只有开启考核的党委可以公布结果")
    if assessment_round.published_at is not None:
        raise ValidationError("结果已经公布")
    window = notice_window(today or clock.today(), DEFAULT_NOTICE_DAYS)
    assessment_round.published_at = clock.now()
    assessment_round.published_by = actor
    assessment_round.notice_starts, assessment_round.notice_ends = window.starts, window.ends
    assessment_round.save(
        update_fields=["published_at", "published_by", "notice_starts", "notice_ends"]
    )
    audit_record(
        action="assessment.publish",
        actor=actor,
        target=assessment_round,
        summary=(
            f"公布考核结果：{assessment_round.title}，公示 {window.starts} 至 {window.ends}"
            f"（{DEFAULT_NOTICE_DAYS} 个工作日）"
        ),
    )
    return assessment_round
