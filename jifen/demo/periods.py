"""The demo branch's closed quarters: Q1–Q3 signed by its secretary and publicized, the latest
notice still running with one objection from the 群众代表 waiting for the branch committee.

Runs after the year's facts are recorded (``year_load``); a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from jifen.accounts.demo import DEMO_BRANCH_CODE
from jifen.orgs.models import Organization
from jifen.periods.models import Objection, Signature
from jifen.periods.services import notice_open, objection_file, period_sign
from jifen.periods.sheet import quarter_sheet
from jifen.periods.workdays import notice_window

ONE_DAY = dt.timedelta(days=1)


@transaction.atomic
def periods_load(as_of: dt.date) -> list[str]:
    """Sign and publicize every quarter of ``as_of``'s year (up to the third) that ended before
    ``as_of``; returns one line per quarter closed now."""
    branch = Organization.objects.filter(code=DEMO_BRANCH_CODE).first()
    secretary = User.objects.filter(username="shuji").first()
    observer = User.objects.filter(username="qunzhong").first()
    if branch is None or secretary is None:
        return []
    closed: list[str] = []
    ended = []
    for number in (1, 2, 3):
        sheet = quarter_sheet(branch, as_of.year, number)
        if sheet is None or as_of <= sheet.quarter.end:
            break
        ended.append(sheet)
    for i, sheet in enumerate(ended):
        number = sheet.quarter.number
        if Signature.objects.filter(organization=branch, year=as_of.year, quarter=number).exists():
            continue
        latest = i == len(ended) - 1
        # Earlier quarters were closed on the first working day after they ended; the latest
        # one today, so its notice is running when the demo opens.
        day = as_of if latest else notice_window(sheet.quarter.end + ONE_DAY, 1).starts
        signature = period_sign(
            organization=branch, year=as_of.year, quarter=number, actor=secretary, today=day
        )
        notice = notice_open(signature=signature, actor=secretary, today=day)
        closed.append(f"{sheet.quarter.name}：已签名，公示 {notice.starts} 至 {notice.ends}")
        if latest and observer is not None and not Objection.objects.filter(notice=notice).exists():
            objection_file(
                notice=notice,
                actor=observer,
                text="党员活动室签到表上的人数与公示名单中主题党日的出勤情况不一致，请核实。",
                today=day,
            )
    return closed
