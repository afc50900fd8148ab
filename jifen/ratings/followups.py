"""Follow-up actions for the year's warnings, and the recorded steps that close them.

Which actions a warning calls for comes from the rulebook: each yellow or red band (and
consecutive-year flag) lists its ``actions``; each action becomes one follow-up for the member.
Its kind — a talk (约谈), a mentor (帮教), an extension of probation (延长预备期), a deadline to
put things right (限期整改), or another measure — is read from the action's wording and decides
which steps close it.

The good outcomes are tracked the same way (seed001 §四(三)): an info band that lists
``actions`` — five stars → 表彰 and 评先树优, a probationary member with high stars → 按期转正,
an activist with high stars → 优先接收 — raises one follow-up per action, with kinds and closing
steps of their own. An info band without actions only labels a result and raises nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.core.locks import row_lock
from jifen.inbox.models import Notification
from jifen.inbox.services import notify
from jifen.ledger.scores import BranchYear
from jifen.orgs.models import Organization, Person
from jifen.orgs.selectors import memberships_overlapping
from jifen.ratings.models import FollowUp, FollowUpStep, StarProposal
from jifen.ratings.selectors import MIXED, approved_stars, mixed, year_of
from jifen.scoring.ratings import band_hits
from jifen.scoring.results import BandHit

K = FollowUp.Kind
S = FollowUpStep.Kind

# The good outcomes' words are read only for info bands: a warning's "取消…评先评优资格" is
# not a recommendation. Whatever matches none of them is an "other" good outcome.
GOOD_WORDS: tuple[tuple[str, FollowUp.Kind], ...] = (
    ("按期转正", K.ON_TIME),
    ("优先接收", K.ADMIT),
    ("评先树优", K.RECOMMEND),
    ("推荐", K.RECOMMEND),
    ("表彰", K.COMMEND),
)

# The first match wins: "延长预备期" before "约谈", "帮扶教育" is mentoring.
KIND_WORDS: tuple[tuple[str, FollowUp.Kind], ...] = (
    ("预备期", K.PROBATION),
    ("帮教", K.MENTOR),
    ("帮扶", K.MENTOR),
    ("约谈", K.TALK),
    ("谈话", K.TALK),
    ("整改", K.RECTIFY),
    ("改正", K.RECTIFY),
)

# The steps each kind takes, and which of them closes the follow-up.
STEPS: dict[str, tuple[FollowUpStep.Kind, ...]] = {
    K.TALK: (S.TALK, S.NOTE),
    K.MENTOR: (S.MENTOR, S.NOTE),
    K.PROBATION: (S.PROBATION_PROPOSED, S.PROBATION_OUTCOME, S.NOTE),
    K.RECTIFY: (S.DEADLINE, S.DONE, S.NOTE),
    K.OTHER: (S.DONE, S.NOTE),
    K.COMMEND: (S.COMMENDED, S.NOTE),
    K.RECOMMEND: (S.RECOMMENDED, S.NOTE),
    K.ON_TIME: (S.ON_TIME_NOTED, S.NOTE),
    K.ADMIT: (S.ADMITTED, S.NOTE),
}
CLOSING = frozenset(
    {
        S.TALK,
        S.MENTOR,
        S.PROBATION_OUTCOME,
        S.DONE,
        S.COMMENDED,
        S.RECOMMENDED,
        S.ON_TIME_NOTED,
        S.ADMITTED,
    }
)
# What a good outcome's closing step must say (the honour, where recommended, the decision).
GOOD_NOTES: dict[str, str] = {
    S.COMMENDED: "请写明表彰的形式（如：党委通报表彰、年度优秀共产党员）",
    S.RECOMMENDED: "请写明推荐的评先树优项目或对象",
    S.ADMITTED: "请写明接收安排（如：列入下一批发展对象）",
}


def kind_of(action: str, good: bool = False) -> FollowUp.Kind:
    for word, kind in GOOD_WORDS if good else KIND_WORDS:
        if word in action:
            return kind
    return K.OTHER


def _branch_of(person_id: int, organization: Organization, year: int) -> Organization:
    """The member's branch at the end of their year under ``organization``."""
    membership = (
        memberships_overlapping(
            first=dt.date(year, 1, 1),
            last=dt.date(year, 12, 31),
            organization=organization,
            subtree=True,
        )
        .filter(person_id=person_id)
        .select_related("organization")
        .order_by("-start")
        .first()
    )
    return membership.organization if membership else organization


def _approved(organization: Organization, year: int) -> dict[int, int | None]:
    """Person id → the stars the general branch approved, over ``organization``'s subtree
    (a tie decided at the cut-off raises a member to the level above the engine's)."""
    found: dict[int, int | None] = {}
    branches = (
        StarProposal.objects.filter(organization__path__startswith=organization.path, year=year)
        .values_list("organization", flat=True)
        .distinct()
    )
    for branch in Organization.objects.filter(pk__in=list(branches)):
        found.update(approved_stars(branch, year) or {})
    return found


def _hits(current: BranchYear, person_id: int, approved: dict[int, int | None]) -> list[BandHit]:
    """The member's bands: by the approved stars where there are some, else the engine's."""
    result = current.results[person_id]
    if person_id not in approved:
        return list(result.bands)
    flags = {flag.code for flag in current.rulebook.consecutive}
    return [
        *band_hits(current.rulebook, result, approved[person_id]),
        *(hit for hit in result.bands if hit.code in flags),
    ]


@transaction.atomic
def followups_raise(
    *,
    organization: Organization,
    year: int,
    actor: User | None,
) -> list[FollowUp]:
    """One follow-up per action of every yellow or red warning, and of every info band that
    lists actions (the good outcomes), the engine gives a member of ``organization`` in
    ``year``; those already raised are left as they are."""
    if mixed(organization, year):
        raise ValidationError(MIXED)
    current = year_of(organization, year)
    if current is None:
        raise ValidationError(f"{organization.name} {year} 年没有采用积分办法")
    existing = set(
        FollowUp.objects.filter(person_id__in=current.results, year=year).values_list(
            "person_id", "band", "action"
        )
    )
    now = clock.now()
    approved = _approved(organization, year)
    created: list[FollowUp] = []
    for person in current.people:
        result = current.results.get(person.pk)
        if result is None:
            continue
        for hit in _hits(current, person.pk, approved):
            if hit.level == "info" and not hit.actions:
                continue  # a label only: nothing to carry out
            for action in hit.actions or (hit.label,):
                if (person.pk, hit.code, action) in existing:
                    continue
                try:
                    with transaction.atomic():
                        followup = FollowUp.objects.create(
                            organization=_branch_of(person.pk, organization, year),
                            year=year,
                            person=person,
                            band=hit.code,
                            band_label=hit.label[:200],
                            level=hit.level,
                            action=action[:300],
                            kind=kind_of(action, good=hit.level == "info"),
                            total=result.total,
                            raised_by=actor,
                            raised_at=now,
                        )
                except IntegrityError:
                    continue  # raised a moment ago by someone else
                created.append(followup)
    for followup in created:
        if followup.level != "info":  # a warning, not an encouragement: tell the member
            notify(
                kind=Notification.Kind.WARNING_RAISED,
                person_ids=[followup.person_id],
                params={"year": year, "band": followup.band_label, "action": followup.action},
                link=reverse("ledger:my_points"),
            )
    if created:
        audit_record(
            action="ratings.followups",
            actor=actor,
            target=organization,
            summary=f"{organization.name} {year} 年跟进事项（预警与激励）{len(created)} 项",
        )
    return created


def is_open(followup: FollowUp) -> bool:
    return not followup.steps.filter(closes=True).exists()


def _good_problems(kind: str, note: str, outcome: str) -> dict[str, str]:
    """What a good outcome's closing step must say."""
    problems = {}
    if kind in GOOD_NOTES and not note.strip():
        problems["note"] = GOOD_NOTES[kind]
    if kind == S.ON_TIME_NOTED and not outcome.strip():
        problems["outcome"] = "请写明结果（如：2027年6月30日按期转为正式党员）"
    return problems


@transaction.atomic
def followup_step(
    *,
    followup: FollowUp,
    kind: str,
    date: dt.date,
    actor: User,
    done_by: str = "",
    mentor: Person | None = None,
    deadline: dt.date | None = None,
    outcome: str = "",
    note: str = "",
) -> FollowUpStep:
    """Record one step of a follow-up; a closing step (talk held, mentor named, outcome of
    the probation proposal, done) closes it. A closed follow-up takes no more steps."""
    row_lock(FollowUp, followup.pk)
    if not is_open(followup):
        raise ValidationError("这项跟进已经办结")
    allowed = STEPS[followup.kind]
    if kind not in allowed:
        shown = "、".join(str(S(k).label) for k in allowed)
        raise ValidationError({"kind": f"“{followup.action}”可以记录：{shown}"})
    problems: dict[str, str] = {}
    if date > clock.today():
        problems["date"] = "日期不能晚于今天"
    if kind == S.TALK and not done_by.strip():
        problems["done_by"] = "请写明约谈人"
    if kind == S.MENTOR and mentor is None:
        problems["mentor"] = "请选择帮教人"
    if kind == S.MENTOR and mentor is not None and mentor.pk == followup.person_id:
        problems["mentor"] = "帮教人不能是本人"
    if kind == S.DEADLINE and deadline is None:
        problems["deadline"] = "请填写整改期限"
    if kind == S.PROBATION_OUTCOME:
        if not followup.steps.filter(kind=S.PROBATION_PROPOSED).exists():
            problems["kind"] = "请先记录“提出延长预备期”"
        if not outcome.strip():
            problems["outcome"] = "请写明结果（如：同意延长预备期一年）"
    if kind in (S.NOTE, S.DONE, S.PROBATION_PROPOSED) and not note.strip():
        problems["note"] = "请写明情况"
    problems.update(_good_problems(kind, note, outcome))
    if problems:
        raise ValidationError(problems)
    step = FollowUpStep.objects.create(
        followup=followup,
        kind=kind,
        date=date,
        done_by=done_by.strip()[:100],
        mentor=mentor,
        deadline=deadline,
        outcome=outcome.strip()[:200],
        note=note.strip()[:500],
        closes=kind in CLOSING,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    audit_record(
        action="ratings.followup",
        actor=actor,
        target=followup,
        summary=(
            f"{followup.person.name} {followup.year} 年“{followup.action}”："
            f"{step.get_kind_display()}{'（办结）' if step.closes else ''}"
        ),
    )
    return step
