"""The demo's previous year, closed: the year before the demo year, with its ratings done.

Kept light so `jifen demo` stays fast: no activities or monthly figures for that year (the
base is kept in full unless a shortfall is recorded), only what the year end needs. 信息工程学院
党总支 (where the demo accounts are) adopts for that year seed003 with its own star rules; every
member gets a democratic-review grade (entered by the 支委 刘洋), some earn featured points, two
have deductions that bring warnings; in 信息工程学院学生第一党支部 the secretary 张伟 proposes the
stars, the general branch (李红梅) decides the tie at the five-star quota and approves; one
follow-up (a talk) is recorded as done, the others stay open. Deterministic: a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.models import User
from django.db import transaction

from jifen.accounts.demo import DEMO_BRANCH_CODE, DEMO_GENERAL_BRANCH_CODE
from jifen.core import clock
from jifen.ledger.models import Origin
from jifen.ledger.services import NewFact, entries_append
from jifen.orgs.models import Organization
from jifen.ratings.followups import followup_step
from jifen.ratings.grades import Member, grades_enter, members_of
from jifen.ratings.models import FollowUp, StarProposal
from jifen.ratings.stars import stars_propose, stars_verdict, tie_decide
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_set
from jifen.scoring.model import QUOTA_BASE

STARS_RULEBOOK = """\
# 信息工程学院党总支 党员积分星级评定细则：继承常州办法（seed003），增加星级评定。
id: info-stars
version: 1
extends: seed003
title: 信息工程学院党总支 党员积分制考核与星级评定细则
stars:
  levels:
    5: {min: 85, quota: 0.2}   # 五星级不超过本支部党员的 20%
    4: {min: 78}
    3: {min: 70}
    2: {min: 60}
  else: 1
"""
GRADES = ("优秀", "合格", "基本合格")


def _adopt(year: int) -> None:
    """The year's adoptions: each organization's rulebook of the demo year, the same text;
    信息工程学院党总支 its own star rules."""
    for later in Adoption.objects.current().filter(year=year + 1):
        if not Adoption.objects.filter(organization=later.organization, year=year).exists():
            adoption_set(
                organization=later.organization,
                year=year,
                rulebook=later.rulebook_id,
                yaml_text=later.yaml_text,
            )
    info = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    if not Adoption.objects.filter(organization=info, year=year).exists():
        adoption_set(organization=info, year=year, rulebook="info-stars", yaml_text=STARS_RULEBOOK)


def _drawn(members: list[Member], year: int) -> tuple[dict[int, str], dict[int, list[NewFact]]]:
    """Every member's drawn grade, and the featured points (特色分) drawn per branch."""
    rng = random.Random(f"jifen-demo-ratings-{year}")  # noqa: S311 (demo data, not secrets)
    featured: dict[int, list[NewFact]] = {}
    grades: dict[int, str] = {}
    for member in members:
        grades[member.person.pk] = rng.choices(GRADES, weights=(35, 60, 5))[0]
        points = rng.choice((0, 0, 2, 4, 5, 8, 10))
        if points:
            featured.setdefault(member.branch.pk, []).append(
                NewFact(member.person, dt.date(year, 9, 20), "volunteer", min(points, 5))
            )
            if points > 5:
                featured[member.branch.pk].append(
                    NewFact(member.person, dt.date(year, 11, 8), "branch_choice", points - 5)
                )
    return grades, featured


@transaction.atomic
def ratings_load(year: int) -> bool:
    """Close ``year`` for the demo; False when it is already there."""
    _adopt(year)
    info = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    branch = Organization.objects.get(code=DEMO_BRANCH_CODE)
    if StarProposal.objects.filter(organization=branch, year=year).exists():
        return False
    users = {
        u.username: u for u in User.objects.filter(username__in=["shuji", "zhiwei", "zongzhi"])
    }
    if len(users) < 3:
        return False
    members = members_of(info, year, "democratic_review")
    grades, featured = _drawn(members, year)
    # In the demo branch: one member more than the five-star places at 93 (优秀 10 + featured 13;
    # nobody else can reach 93), a tie for the general branch; and two with deductions in every
    # month: 70 − 10 + 基本合格 5 = 65, yellow; 70 − 20 + 合格 7 = 57, red.
    mine = sorted((m for m in members if m.branch == branch), key=lambda m: m.person.pk)
    # 20 % of the party members (the quota's base): one party member more than the places
    # ties at the top.
    party = [m for m in mine if m.person.category in QUOTA_BASE]
    places = len(party) // 5
    top, low = party[: places + 1], mine[-2:]
    for member in top:
        grades[member.person.pk] = "优秀"
        featured[branch.pk] = [f for f in featured.get(branch.pk, []) if f.person != member.person]
        featured[branch.pk] += [
            NewFact(member.person, dt.date(year, 9, 20), "volunteer", 5),
            NewFact(member.person, dt.date(year, 11, 8), "branch_choice", 8),
        ]
    for member, (value, grade) in zip(low, ((1, "基本合格"), (2, "合格")), strict=True):
        grades[member.person.pk] = grade
        featured[branch.pk] = [f for f in featured.get(branch.pk, []) if f.person != member.person]
        featured[branch.pk] += [
            NewFact(member.person, dt.date(year, m, 15), "misconduct", value, "无故不参加集中学习")
            for m in range(1, 13)
        ]
    organizations = {m.branch.pk: m.branch for m in members}
    for branch_id, facts in featured.items():
        entries_append(
            organization=organizations[branch_id],
            facts=facts,
            origin=Origin.MANUAL,
            origin_ref=f"demo:{year}",
            recorded_by=users["zhiwei"],
            summary=f"演示：{year} 年特色分与扣分",
        )
    grades_enter(organization=info, year=year, grades=grades, actor=users["zhiwei"])
    proposal = stars_propose(
        organization=branch, year=year, actor=users["shuji"], note="按年度积分提名"
    )
    for index, tie in enumerate(proposal.ties):
        tie_decide(
            proposal=proposal,
            tie_index=index,
            chosen=sorted(tie["people"])[: tie["free"]],
            reason="党总支研究：综合全年志愿服务表现决定",
            actor=users["zongzhi"],
        )
    stars_verdict(proposal=proposal, approve=True, reason="同意", actor=users["zongzhi"])
    talk = FollowUp.objects.filter(year=year, kind=FollowUp.Kind.TALK).order_by("pk").first()
    if talk is not None:
        followup_step(
            followup=talk,
            kind="talk",
            date=min(dt.date(year + 1, 1, 10), clock.today()),
            done_by="张伟（支部书记）",
            note="谈心谈话，指出问题，本人表示按时参加组织生活",
            actor=users["shuji"],
        )
    return True
