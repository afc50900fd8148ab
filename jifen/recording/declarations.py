"""个人申报: a member declares points with evidence; a reviewer approves (possibly fewer points),
rejects with a reason or returns it for more evidence; a disputed one goes to the branch
committee, whose decision is recorded. Nobody reviews their own declaration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.inbox.models import Notification
from jifen.inbox.services import notify
from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append, normalize_value, sealed_refusal
from jifen.orgs.models import Organization, Person
from jifen.orgs.services import membership_current
from jifen.recording.entries import may_decide_in
from jifen.recording.models import Declaration, Evidence
from jifen.rulebooks.services import adoption_for, rulebook_of
from jifen.rulebooks.wording import item_said, rulebook_for
from jifen.scoring import Fact, check_fact
from jifen.scoring.model import Earn

Status = Declaration.Status
MAX_FILES = 9


def declarable_items(organization: Organization, year: int) -> list[tuple[str, str]]:
    """The items a member may declare: the adopted rulebook's earned-points items."""
    adoption = adoption_for(organization, year)
    if adoption is None:
        return []
    rulebook = rulebook_of(adoption)
    choices = []
    for category in rulebook.categories:
        for item in category.items:
            if isinstance(item, Earn):
                most = most_for_one(item)
                bound = _("，每次最多 %(most)s 分") % {"most": most} if most is not None else ""
                choices.append((item.code, f"{category.title} · {item.title}{bound}"))
    return choices


def most_for_one(item: Earn) -> Decimal | None:
    """The most one declaration can bring: its per-fact maximum or, without one, the smallest
    cap (asking for more than a cap allows could never be granted)."""
    bounds = [
        b for b in (item.max, item.cap_month, item.cap_quarter, item.cap_year) if b is not None
    ]
    return min(bounds) if bounds else None


def declared_item_title(declaration: Declaration) -> str:
    """The declared item in its rulebook's words, for the audit log."""
    rulebook = rulebook_for(declaration.organization, declaration.date.year)
    return item_said(rulebook, declaration.item)


def _check_points(organization: Organization, date: dt.date, item: str, points: Decimal) -> None:
    adoption = adoption_for(organization, date.year)
    if adoption is None:
        raise ValidationError(
            {
                "date": _("%(name)s %(year)s 年还没有采用积分办法")
                % {"name": organization.name, "year": date.year}
            }
        )
    rulebook = rulebook_of(adoption)
    found = next(
        (i for c in rulebook.categories for i in c.items if i.code == item and isinstance(i, Earn)),
        None,
    )
    if found is None:
        raise ValidationError({"item": _("这个项目不能个人申报")})
    most = most_for_one(found)
    if most is not None and points > most:
        most_text = _("%(title)s 每次申报最多 %(most)s 分") % {"title": found.title, "most": most}
        raise ValidationError({"points": most_text})
    issue = check_fact(rulebook, Fact("new", "p", date, item, points))
    if issue is not None:
        raise ValidationError({"points": issue.message})


def _store_all(declaration: Declaration, files: Sequence[tuple[str, bytes]]) -> None:
    if len(files) + declaration.evidence.count() > MAX_FILES:
        raise ValidationError({"files": _("证明材料最多 %(n)s 个文件") % {"n": MAX_FILES}})
    for filename, data in files:
        Evidence.store(data, filename, declaration=declaration)


@transaction.atomic
def declaration_submit(
    *,
    person: Person,
    item: str,
    date: dt.date,
    description: str,
    points: Decimal,
    files: Sequence[tuple[str, bytes]],
    actor: User,
) -> Declaration:
    membership = membership_current(person, date)
    if membership is None:
        raise ValidationError({"date": _("%(date)s 当天您不属于任何党组织") % {"date": date}})
    _check_points(membership.organization, date, item, points)
    if not description.strip():
        raise ValidationError({"description": _("请写明事由")})
    if not files:
        raise ValidationError({"files": _("请上传至少一份证明材料（照片或 PDF）")})
    declaration = Declaration.objects.create(
        person=person,
        organization=membership.organization,
        item=item,
        date=date,
        description=description.strip(),
        points_asked=points,
        submitted_by=actor,
    )
    _store_all(declaration, files)
    audit_record(
        action="declaration.submit",
        actor=actor,
        target=declaration,
        summary=f"{person.name} 申报 {declared_item_title(declaration)} {points} 分",
    )
    return declaration


@transaction.atomic
def declaration_resubmit(
    *,
    declaration: Declaration,
    files: Sequence[tuple[str, bytes]],
    note: str,
    actor: User,
) -> Declaration:
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != Status.RETURNED:
        raise ValidationError(_("只有退回的申报可以补充材料"))
    if not files:
        raise ValidationError({"files": _("请上传补充的证明材料")})
    _store_all(locked, files)
    locked.status = Status.SUBMITTED
    if note.strip():
        locked.description = f"{locked.description}\n补充说明：{note.strip()}"
    locked.save()
    audit_record(action="declaration.resubmit", actor=actor, target=locked)
    return locked


def needs_committee(organization: Organization, date: dt.date, item: str) -> bool:
    """Whether the rulebook's category of ``item`` wants the committee's approval (党委审批)
    after the branch's."""
    adoption = adoption_for(organization, date.year)
    if adoption is None:
        return False
    found = rulebook_of(adoption).item(item)
    return found is not None and found[0].committee_approval


def declaration_record(declaration: Declaration, actor: User) -> None:
    """The granted points into the ledger, once every approval the rulebook asks for is in."""
    if declaration.points_granted is None:
        raise ValidationError(_("这份申报还没有核定分数"))
    declaration.entry = entry_append(
        organization=declaration.organization,
        person=declaration.person,
        date=declaration.date,
        item=declaration.item,
        value=normalize_value(declaration.points_granted),
        note=declaration.description[:200],
        evidence=[e.name for e in declaration.evidence.all()],
        origin=Origin.DECLARATION,
        origin_ref=declaration.ref,
        recorded_by=actor,
    )
    declaration.status = Status.APPROVED


def _grant(declaration: Declaration, points: Decimal, actor: User) -> None:
    """The branch grants ``points``: recorded at once, or left waiting for the committee where
    the rulebook says so."""
    if points <= 0 or points > declaration.points_asked:
        raise ValidationError(
            {
                "points": _("核定分数应大于 0 且不超过申报的 %(asked)s 分")
                % {"asked": declaration.points_asked}
            }
        )
    _check_points(declaration.organization, declaration.date, declaration.item, points)
    declaration.points_granted = points
    if needs_committee(declaration.organization, declaration.date, declaration.item):
        # Said now, not after the committee approves: a signed quarter takes no new fact.
        refusal = sealed_refusal(
            [{"person": declaration.person, "date": declaration.date, "subject_org": None}]
        )
        if refusal is not None:
            raise ValidationError(refusal)
        declaration.status = Status.AWAITING
    else:
        declaration_record(declaration, actor)


_TOLD = {
    Status.APPROVED: Notification.Kind.DECLARATION_APPROVED,
    Status.RETURNED: Notification.Kind.DECLARATION_RETURNED,
    Status.REJECTED: Notification.Kind.DECLARATION_REJECTED,
}


def declaration_told(declaration: Declaration) -> None:
    """Tell the member how their declaration came out, in the deciding transaction (waiting for
    the committee, or disputed, is no outcome yet)."""
    kind = _TOLD.get(Status(declaration.status))
    if kind is None:
        return
    notify(
        kind=kind,
        person_ids=[declaration.person_id],
        params={
            "date": declaration.date.isoformat(),
            "points": str(declaration.points_granted or ""),
            "note": declaration.committee_note or declaration.review_note,
        },
        link=reverse("recording:declaration", kwargs={"declaration_id": declaration.pk}),
    )


def _lock_for(declaration: Declaration, expected: str, actor: User) -> Declaration:
    locked = Declaration.objects.select_for_update().select_related("person").get(pk=declaration.pk)
    if locked.status != expected:
        raise ValidationError(
            _("这份申报已由他人处理（%(status)s）") % {"status": _(locked.get_status_display())}
        )
    if locked.person.user_id == actor.pk:
        raise ValidationError(_("不能审核自己的申报"))
    return locked


@transaction.atomic
def declaration_review(
    *,
    declaration: Declaration,
    decision: str,
    note: str,
    actor: User,
    points: Decimal | None = None,
) -> Declaration:
    """``decision``: approve (``points`` may be fewer than asked), reject, return, dispute."""
    locked = _lock_for(declaration, Status.SUBMITTED, actor)
    note = note.strip()
    if decision == "approve":
        _grant(locked, points if points is not None else locked.points_asked, actor)
    elif decision in {"reject", "return", "dispute"}:
        if not note:
            raise ValidationError({"note": _("请写明理由")})
        locked.status = {
            "reject": Status.REJECTED,
            "return": Status.RETURNED,
            "dispute": Status.DISPUTED,
        }[decision]
    else:
        raise ValidationError(_("未知的审核操作"))
    locked.review_note = note
    locked.reviewed_by = actor
    locked.reviewed_at = clock.now()
    locked.save()
    audit_record(
        action=f"declaration.{decision}",
        actor=actor,
        target=locked,
        summary=f"{locked.person.name} 的申报：{locked.get_status_display()}",
    )
    declaration_told(locked)
    return locked


@transaction.atomic
def declaration_decide(
    *,
    declaration: Declaration,
    approve: bool,
    note: str,
    actor: User,
    points: Decimal | None = None,
) -> Declaration:
    """The branch committee's decision on a disputed declaration."""
    locked = _lock_for(declaration, Status.DISPUTED, actor)
    if not may_decide_in(actor, locked.organization):
        raise ValidationError(_("只能由支委会（支委、支部书记）决定"))
    if not note.strip():
        raise ValidationError({"note": _("请记录支委会的决定和理由")})
    if approve:
        _grant(locked, points if points is not None else locked.points_asked, actor)
    else:
        locked.status = Status.REJECTED
    locked.committee_note = note.strip()
    locked.save()
    audit_record(
        action="declaration.decide",
        actor=actor,
        target=locked,
        summary=f"支委会决定 {locked.person.name} 的申报：{locked.get_status_display()}",
    )
    declaration_told(locked)
    return locked
