"""A small branch with a year worked by hand (seed 003, 2025 — a closed year).

B1 (教工第一党支部), every figure below worked from seed 003: base 70 a month (the year's base
the mean of the months), featured by declarations, review by the democratic-review grade.

| 成员 | facts | base | featured | review | total | band |
| --- | --- | --- | --- | --- | --- | --- |
| 甲 | 3月 未登录 2 天 (−1); volunteer 3; 优秀 | (11×70+69)/12 = 69.92 | 3 | 10 | 82.92 | ≥80 |
| 乙 | 1月 主题党日 absent (−5); 合格 | (11×70+65)/12 = 69.58 | 0 | 7 | 76.58 | ≥70 |
| 丙 | none (no grade yet) | 70.00 | 0 | 0 | 70.00 | ≥70 (incomplete) |
| 丁 | every month 未登录 20 天 (−10); 基本合格 | 60.00 | 0 | 5 | 65.00 | yellow |
| 戊 | every month 未登录 20 天 (−10), 每日一题 0 分 (−7.5); 不合格 | 52.50 | 0 | 0 | 52.50 | red |

B2 (学生第一党支部): 己 with 优秀, volunteer 5 and grid_work 5: 70 + 10 + 10 = 90.00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from jifen.ledger.models import Origin
from jifen.ledger.services import entry_append
from jifen.orgs.models import Organization, Person
from jifen.rulebooks.services import adoption_set

YEAR = 2025
D = dt.date


def add(org: Organization, person: Person, day: dt.date, item: str, value: object) -> None:
    entry_append(
        organization=org,
        person=person,
        date=day,
        item=item,
        value=value,  # type: ignore[arg-type]
        origin=Origin.MANUAL,
        recorded_by=None,
    )


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=YEAR, rulebook="seed003")
    b1 = tree.b1
    jia, yi, bing, ding, wu = (make_person(n, b1) for n in ("甲", "乙", "丙", "丁", "戊"))
    add(b1, jia, D(YEAR, 3, 5), "xxqg_login", 2)
    add(b1, jia, D(YEAR, 5, 4), "volunteer", 3)
    add(b1, jia, D(YEAR, 12, 20), "democratic_review", "优秀")
    add(b1, yi, D(YEAR, 1, 28), "party_day", "absent")
    add(b1, yi, D(YEAR, 12, 20), "democratic_review", "合格")
    for month in range(1, 13):
        add(b1, ding, D(YEAR, month, 25), "xxqg_login", 20)
        add(b1, wu, D(YEAR, month, 25), "xxqg_login", 20)
        add(b1, wu, D(YEAR, month, 25), "xxqg_quiz", 0)
    add(b1, ding, D(YEAR, 12, 20), "democratic_review", "基本合格")
    add(b1, wu, D(YEAR, 12, 20), "democratic_review", "不合格")
    ji = make_person("己", tree.b2)
    add(tree.b2, ji, D(YEAR, 6, 1), "volunteer", 5)
    add(tree.b2, ji, D(YEAR, 6, 2), "grid_work", 5)
    add(tree.b2, ji, D(YEAR, 12, 20), "democratic_review", "优秀")
    return SimpleNamespace(
        tree=tree, b1=b1, jia=jia, yi=yi, bing=bing, ding=ding, wu=wu, ji=ji, year=YEAR
    )
