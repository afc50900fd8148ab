"""The demo's organization assessment: the committee's first-half round (seed000-general) of
信息工程学院党总支 and its branches, committee sheets filled, the demo secretary's and the
general branch's self sheets submitted, results published."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import User

from jifen.accounts.demo import COMMITTEE_CODE, DEMO_BRANCH_CODE, DEMO_GENERAL_BRANCH_CODE
from jifen.assessments.facts import book_for, fillable_items
from jifen.assessments.models import Round
from jifen.assessments.services import (
    ItemInput,
    round_open,
    round_publish,
    sheet_get,
    sheet_save,
    spot_check_record,
)
from jifen.orgs.models import Organization
from jifen.scoring.model import Graded, ScoreItem

HALF = Decimal("0.5")


def _inputs(found: Round, org: Organization, rng: random.Random) -> dict[str, ItemInput]:
    inputs = {}
    book = book_for(found, org)
    bonus = {c.code for c in book.categories if c.bonus}
    for _, category, item in fillable_items(book):
        if isinstance(item, ScoreItem):
            if category in bonus:
                if rng.random() < 0.3:
                    inputs[item.code] = ItemInput(score="3", note="特色项目：党建+专业")
                continue
            # most items full, some lose a point or two in steps of 0.5
            short = Decimal(rng.choice([0, 0, 0, 0, 1, 2])) * HALF
            # The demo's assessor checks what the records computed (assessments/computed.py);
            # on a self sheet the tick means nothing.
            inputs[item.code] = ItemInput(
                score=str(max(item.max - short, Decimal(0))), confirmed=True
            )
        elif isinstance(item, Graded):
            inputs[item.code] = ItemInput(grade=rng.choice(["好", "好", "较好", "一般"]))
    return inputs


def assessments_load(year: int) -> bool:
    """Open, fill and publish the demo round once; False when it is already there."""
    committee = Organization.objects.get(code=COMMITTEE_CODE)
    if Round.objects.filter(owner=committee, year=year, period="H1").exists():
        return False
    general = Organization.objects.get(code=DEMO_GENERAL_BRANCH_CODE)
    branches = list(
        Organization.objects.filter(parent=general, kind__code="branch").order_by("code")
    )
    admin = User.objects.get(username="admin")
    found = round_open(
        owner=committee,
        year=year,
        period="H1",
        rulebook="seed000-general",
        organizations=[general, *branches],
        self_deadline=dt.date(year, 6, 20),
        committee_deadline=dt.date(year, 7, 10),
        actor=admin,
    )
    rng = random.Random(f"jifen-demo-assessment-{year}")  # noqa: S311 (demo data)
    selves = {DEMO_BRANCH_CODE: "shuji", DEMO_GENERAL_BRANCH_CODE: "zongzhi"}
    for org in [*branches, general]:
        if org.code in selves:
            sheet = sheet_get(
                assessment_round=found, organization=org, source="self", collection="H1"
            )
            sheet_save(
                sheet=sheet,
                inputs=_inputs(found, org, rng),
                notes="按打分表逐项自查，材料已上传党建工作台账。",
                submit=True,
                actor=User.objects.get(username=selves[org.code]),
            )
        sheet = sheet_get(
            assessment_round=found, organization=org, source="committee", collection="H1"
        )
        sheet_save(sheet=sheet, inputs=_inputs(found, org, rng), submit=True, actor=admin)
    spot_check_record(
        assessment_round=found,
        organization=Organization.objects.get(code=DEMO_BRANCH_CODE),
        kind="daily",
        date=dt.date(year, 4, 28),
        text="抽查 4 月主题党日：签到表齐全，活动记录缺少照片。",
        items=["party_day_28"],
        actor=admin,
    )
    round_publish(assessment_round=found, actor=admin)
    return True
