"""The year end in a real browser: the branch enters democratic-review grades in one grid, the
secretary proposes stars, the general branch resolves the tie at the quota (over-quota refused)
and approves, and the secretary records the talk a member's warning called for.

The branch's own rulebook extends seed003 with stars (5★ ≥ 80 with a 20 % quota). Five members:
张三 and 李四 优秀 → 80 each, tied for the one five-star place (5 × 20 %); 王五 合格 77,
钱六 基本合格 75; 赵磊 base 65 (misconduct) and 不合格 → 65: yellow, 约谈提醒.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.orgs.models import Person
from jifen.ratings.models import FollowUp, FollowUpStep, StarDecision
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock
from tests.ratings.helpers import seed003_base

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULEBOOK = """
id: b1-stars
version: 1
extends: seed003
stars:
  levels:
    5: {min: 80, quota: 0.2}
    4: {min: 70}
  else: 3
"""


def test_grades_stars_a_tie_and_a_warning_followed_up(
    page: Any,
    tree: SimpleNamespace,
    make_person: Any,
    member: User,
    secretary: User,
    general_admin: User,
    clock: Clock,
) -> None:
    year = clock.today.year
    adoption_set(organization=tree.c, year=year, rulebook="b1-stars", yaml_text=RULEBOOK)
    zhao = Person.objects.get(name="赵磊")
    seed003_base(tree.b1, zhao, 65, year)
    for name in ("张三", "李四", "王五", "钱六"):
        make_person(name, tree.b1)

    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{year}/grades/")
    for name, grade in (
        ("张三", "优秀"),
        ("李四", "优秀"),
        ("王五", "合格"),
        ("钱六", "基本合格"),
        ("赵磊", "不合格"),
    ):
        page.get_by_label(name, exact=True).select_option(grade)
    page.get_by_role("button", name="保存评议等次").click()
    assert page.get_by_role("status").inner_text() == "已保存：新录 5 人，更正 0 人，未变 0 人"

    page.get_by_role("link", name="星级评定").click()
    page.get_by_role("button", name="按年度积分提名星级").click()
    said = page.get_by_role("status").inner_text().splitlines()
    assert said[0] == "已提交星级提名，等待党总支审批"
    # Proposed before the year's end: the secretary is told why the stars may still change.
    assert len(said) > 1
    assert all(line.startswith("提示：") for line in said[1:])

    log_in(page, "zongzhi")
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{year}/stars/")
    assert "5 星名额线并列：80.00 分（名额 1 名，剩 1 名）" in page.content()
    page.get_by_role("checkbox", name="张三").check()
    page.get_by_role("checkbox", name="李四").check()
    page.get_by_label("理由").first.fill("两人都优秀")
    page.get_by_role("button", name="记录决定").click()
    assert "只剩 1 个名额，不能评定 2 人" in page.get_by_role("status").inner_text()
    assert not StarDecision.objects.exists()
    page.get_by_role("checkbox", name="李四").check()
    page.get_by_label("理由").first.fill("李四全年志愿服务时长居支部第一")
    page.get_by_role("button", name="记录决定").click()
    assert page.get_by_role("status").inner_text() == "已记录并列人员的决定"
    page.get_by_role("button", name="批准星级评定").click()
    page.locator("#confirm").click()  # approving cannot be undone: it asks first
    assert page.get_by_role("status").inner_text() == "已批准星级评定"
    (decided,) = StarDecision.objects.filter(kind="tie")
    assert decided.chosen == [Person.objects.get(name="李四").pk]

    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{year}/followups/")
    page.get_by_role("link", name="支部书记约谈提醒并督促其提高").click()
    page.get_by_label("记录").select_option(label="已约谈")
    page.get_by_label("约谈人 / 执行人").fill("张伟")
    page.get_by_label("说明").fill("谈心谈话，本人表示下一年按时参加组织生活")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("status").inner_text() == "已记录：已约谈"
    assert "已办结" in page.content()
    followup = FollowUp.objects.get(person=zhao)
    assert FollowUpStep.objects.get(followup=followup).closes
