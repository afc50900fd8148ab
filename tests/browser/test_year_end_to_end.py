"""A seed 003 year of one branch, end to end in a real browser (issue 6):
record → review → confirm → sign → publicize → object → correct → re-sign → year end → stars
and warnings.

The branch B1 adopts seed 003 with the star rule of ``tests/browser/test_ratings.py`` added
(5★ ≥ 80 with a 20 % quota, 4★ ≥ 70, else 3★). Worked by hand:
- 赵磊 is marked 无故缺席 at the 12 August 主题党日 (−5 from August's base 70): the third
  quarter's base is (70 + 65 + 70) / 3 = 68.33. He disputes it, objects during the notice, the
  committee finds he had leave (请假, which costs nothing): the mark is corrected to excused, the
  quarter reopens, its base is 70.00 again, the secretary signs again and publicizes again.
- Year end, grades 张三 优秀 and 李四 优秀: base 70 + review 10 = 80.00 each, tied at the one
  five-star place (floor(20 % × 5) = 1); 王五 合格 77.00, 赵磊 合格 77.00 → 4★;
  钱六, misconduct every month (base 65) and 不合格 (0): 65.00, 3★ and a yellow warning
  (60–69.99: 支部书记约谈提醒), followed up by a recorded talk.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.periods.models import Notice, Signature
from jifen.ratings.models import FollowUp, StarDecision
from jifen.ratings.selectors import year_of
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.browser.test_periods import open_menu
from tests.browser.test_ratings import RULEBOOK
from tests.clock import Clock
from tests.ratings.helpers import seed003_base

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2026


def test_a_seed003_year_from_recording_to_stars_and_warnings(
    page: Any,
    tree: SimpleNamespace,
    member: User,
    scorekeeper: User,
    secretary: User,
    general_admin: User,
    make_user: Any,
    make_person: Any,
    clock: Clock,
) -> None:
    # Friday 9 October 2026, after National Day: the third quarter is over.
    clock.set(dt.date(YEAR, 10, 9))
    adoption_set(organization=tree.c, year=YEAR, rulebook="b1-stars", yaml_text=RULEBOOK)
    committee = make_user("zhiwei", "孙丽")
    role_grant(user=committee, role=Role.BRANCH_COMMITTEE, organization=tree.b1)
    zhao = Person.objects.get(user=member)
    for name in ("张三", "李四", "王五", "钱六"):
        make_person(name, tree.b1)
    qian = Person.objects.get(name="钱六")
    seed003_base(tree.b1, qian, 65, YEAR)

    # Record: the scorekeeper enters the activity and its checklist.
    log_in(page, "jifenyuan")
    page.goto(f"/orgs/{tree.b1.pk}/activities/")
    page.get_by_role("link", name="登记活动").click()
    page.get_by_label("类型").select_option(label="主题党日(每月两次)")
    page.get_by_label("主题").fill("参观革命纪念馆")
    page.get_by_label("日期").fill(f"{YEAR}-08-12")
    page.get_by_role("button", name="保存").click()
    for name in ("张三", "李四", "王五", "钱六"):
        page.get_by_role("radio", name=f"{name} 出席").check()
    page.get_by_role("radio", name="赵磊 无故缺席").check()
    page.get_by_role("button", name="保存签到").click()
    assert page.get_by_role("status").inner_text() == "签到已记录：5 人"
    absent = Entry.objects.get(person=zhao, item="party_day")
    assert absent.value == "absent"

    # Review: the scoring group reads the quarter's sheet.
    quarter_url = f"/orgs/{tree.b1.pk}/periods/{YEAR}/3/"
    log_in(page, "zhiwei")
    page.goto(quarter_url)
    assert page.locator("#status").inner_text() == "未签名"
    assert "68.33" in page.locator("main").inner_text()  # 赵磊's base: (70 + 65 + 70) / 3

    # Confirm: the member disputes his quarter from his own page.
    log_in(page, "dangyuan")
    page.goto("/me/")
    page.get_by_role("link", name="第3季度").click()
    # On a phone each choice is a finger-sized row: a small radio beside its words.
    radio = page.get_by_role("radio", name="有异议").bounding_box()
    row = page.locator("label:has(input[type=radio])", has_text="有异议").bounding_box()
    assert radio["width"] < 32
    assert row["height"] >= 44
    assert row["y"] <= radio["y"]
    assert radio["y"] + radio["height"] <= row["y"] + row["height"]
    page.get_by_role("radio", name="有异议").check()
    page.get_by_label("理由（有异议时必填）").fill("8月12日我请过假")
    page.get_by_role("button", name="提交").click()
    assert page.get_by_role("status").inner_text() == "已记录：有异议"

    # Sign and publicize: the secretary sees the dispute beside the scores.
    log_in(page, "shuji")
    page.goto(quarter_url)
    assert "有异议：8月12日我请过假" in page.locator("main").inner_text()
    page.locator("#sign").click()
    page.locator("#confirm").click()
    assert page.locator("#status").inner_text() == "已签名"
    # The signed sheet's 64-character hash wraps on a phone instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#open-notice").click()
    page.locator("#confirm").click()
    assert page.locator("#notice-state").inner_text() == "公示中"

    # Object: the member files an objection inside the window.
    log_in(page, "dangyuan")
    open_menu(page, "公示与异议")
    page.get_by_role("link", name="教工第一党支部 2026年第3季度").click()
    page.locator("#object").click()
    page.get_by_label("涉及党员（可不选）").select_option(label="赵磊")
    page.get_by_label("异议内容").fill("8月12日主题党日我请过假，有请假条")
    page.get_by_role("button", name="提交异议").click()
    objection_url = page.url

    # Correct: the branch committee upholds it; the mark becomes 请假 by a correction.
    log_in(page, "zhiwei")
    page.goto(objection_url)
    page.locator("#investigate").click()
    page.get_by_label("异议成立", exact=True).check()
    page.get_by_label("调查情况").fill("查请假条属实")
    page.get_by_label("异议成立时：更正哪一条记录").select_option(index=1)
    page.get_by_label("改为", exact=True).select_option(label="请假")
    page.get_by_role("button", name="记录结论").click()
    assert page.locator("#objection-state").inner_text() == "支委会：异议成立"
    assert Entry.objects.get(corrects=absent).value == "excused"

    # Re-sign and publicize again.
    log_in(page, "shuji")
    page.goto(quarter_url)
    assert page.locator("#status").inner_text() == "已重开（需重新签名）"
    page.locator("#sign").click()
    page.locator("#confirm").click()
    assert page.locator("#status").inner_text() == "已签名"
    page.locator("#open-notice").click()
    page.locator("#confirm").click()
    assert page.locator("#notice-state").inner_text() == "公示中"
    assert (Signature.objects.count(), Notice.objects.count()) == (2, 2)
    latest = Signature.objects.order_by("pk").last()
    assert latest is not None
    assert next(m for m in latest.sheet["members"] if m["person"] == zhao.pk)["total"] == "70.00"

    # Year end: democratic-review grades in one grid, stars proposed.
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{YEAR}/grades/")
    for name, grade in (
        ("张三", "优秀"),
        ("李四", "优秀"),
        ("王五", "合格"),
        ("钱六", "不合格"),
        ("赵磊", "合格"),
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

    # The general branch decides the tie within the quota and approves.
    log_in(page, "zongzhi")
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{YEAR}/stars/")
    assert "5 星名额线并列：80.00 分（名额 1 名，剩 1 名）" in page.content()
    page.get_by_role("checkbox", name="张三").check()
    page.get_by_label("理由").first.fill("张三全年组织生活全勤")
    page.get_by_role("button", name="记录决定").click()
    assert page.get_by_role("status").inner_text() == "已记录并列人员的决定"
    page.get_by_role("button", name="批准星级评定").click()
    page.locator("#confirm").click()  # approving cannot be undone: it asks first
    assert page.get_by_role("status").inner_text() == "已批准星级评定"
    (decided,) = StarDecision.objects.filter(kind="tie")
    assert decided.chosen == [Person.objects.get(name="张三").pk]

    # Warnings: 钱六's yellow warning calls for a talk, which the secretary records.
    year = year_of(tree.b1, YEAR)
    assert year is not None
    totals = {p.name: year.results[p.pk].total for p in year.people}
    assert {name: f"{total:.2f}" for name, total in totals.items()} == {
        "张三": "80.00",
        "李四": "80.00",
        "王五": "77.00",
        "赵磊": "77.00",
        "钱六": "65.00",
    }
    assert year.results[qian.pk].warnings == ("yellow",)
    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/year-end/{YEAR}/followups/")
    page.get_by_role("link", name="支部书记约谈提醒并督促其提高").click()
    page.get_by_label("记录").select_option(label="已约谈")
    page.get_by_label("约谈人 / 执行人").fill("张伟")
    page.get_by_label("说明").fill("谈心谈话，本人表示按时参加组织生活")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("status").inner_text() == "已记录：已约谈"
    assert FollowUp.objects.get(person=qian).steps.filter(closes=True).exists()
