"""Day one, from an empty database, in a real browser (issue 13).

The deployment does what docs/getting-started.md says: ``jifen createsuperuser`` makes the
platform operator, who makes the committee admin's and the scorekeeper's accounts in /admin/;
``jifen committee C01 中共某某学院委员会 --admin admin``. From then on everything happens in the
browser, as the committee admin and then as a scorekeeper:

1. the first-run guide lists what is missing; the tree comes from an xlsx, the people from the
   roster import; the scorekeeper's account is given its role;
2. the committee adopts seed003 for 2026; the scorekeeper records the 5 November 主题党日, where
   甲 is absent without leave (seed003: −5 from November's base 70);
3. the admin writes an ``extends seed003`` draft in forms: an absence from 主题党日 costs 2, not
   5; 试算 on the real facts shows 甲's year changing by exactly (65 → 68) / 12 = +0.25, and
   nobody else changing;
4. the admin adopts the draft in place of seed003 (no quarter is signed yet, so it may), giving
   the reason; the scorekeeper records the 12 November 主题党日, where 乙 is absent: 乙's
   November base is 70 − 2 = 68, by the new rule.

With ``JIFEN_SCREENSHOTS=DIR`` the test saves the pages docs/getting-started.md shows
(``make screenshots``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from jifen.ledger.scores import member_year
from jifen.orgs.kinds import kinds_ensure
from jifen.orgs.models import Organization, OrganizationKind, Person
from jifen.roster.tree_reading import TREE_HEADERS
from jifen.rulebooks.models import Adoption
from tests.browser.helpers import log_in
from tests.clock import Clock
from tests.conftest import PASSWORD
from tests.roster.conftest import csv_bytes, roster_row, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TREE = [
    ["C0101", "计算机学院党总支", "党总支", "", "2019-01-01"],
    ["C010101", "教工第一党支部", "党支部", "C0101", "2019-03-01"],
    ["C010102", "学生第一党支部", "党支部", "C0101", "2019-03-01"],
]
PEOPLE = ("甲", "乙", "丙")


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("JIFEN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"getting-started-{name}.png"), full_page=True)


def _desktop(browser: Any, live_server: Any) -> Any:
    """A desktop-sized page (the guide's screenshots are of an office computer)."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    outside: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url),
    )
    page.outside = outside
    return page


def _upload(page: Any, label: str, path: Path) -> None:
    page.get_by_label(label).set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/imports/*/")


def _apply(page: Any) -> str:
    page.get_by_role("button", name="确认导入").click()
    page.locator("#summary h2", has_text=re.compile("^已导入$")).wait_for()
    return str(page.get_by_role("status").first.inner_text())


def _record_party_day(page: Any, branch: Organization, day: dt.date, absent: str) -> None:
    page.goto(f"/orgs/{branch.pk}/activities/")
    page.get_by_role("link", name="登记活动").click()
    page.get_by_label("类型").select_option(label="主题党日(每月两次)")
    page.get_by_label("主题").fill(f"{day.month} 月 {day.day} 日主题党日")
    page.get_by_label("日期").fill(day.isoformat())
    page.get_by_role("button", name="保存").click()
    for name in PEOPLE:
        choice = "无故缺席" if name == absent else "出席"
        page.get_by_role("radio", name=f"{name} {choice}").check()
    page.get_by_role("button", name="保存签到").click()
    assert page.get_by_role("status").inner_text() == "签到已记录：3 人"


def _november_base(name: str) -> Decimal:
    year = member_year(Person.objects.get(name=name), 2026)
    assert year is not None
    return year.result.category("base").periods["M11"]


def _operator_makes_accounts(page: Any, *usernames: str) -> None:
    """Step 0: the platform operator makes the accounts in the admin (/admin/), which is theirs
    alone: a committee admin is refused there (issue 16 moves accounts into Jifen's pages)."""
    log_in(page, "yunwei")
    for username in usernames:
        page.goto("/admin/auth/user/add/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password1").fill(PASSWORD)
        page.locator("#id_password2").fill(PASSWORD)
        page.locator("input[name=_save]").click()
        page.wait_for_url("**/admin/auth/user/*/change/**")


def _set_up_the_committee(page: Any, tmp_path: Path) -> Organization:
    """Step 1: tree, people, the scorekeeper's account and role — all in the browser."""
    committee = Organization.objects.get(code="C01")
    page.goto(f"/orgs/{committee.pk}/")
    guide = page.locator("#first-run").inner_text()
    for step in ("组织树", "人员", "积分办法"):
        assert step in guide
    _shot(page, "1-guide")

    tree_file = tmp_path / "组织树.xlsx"
    tree_file.write_bytes(xlsx_bytes(TREE, headers=TREE_HEADERS))
    page.get_by_role("link", name="从表格导入组织树").click()
    _upload(page, "组织表文件", tree_file)
    _shot(page, "2-tree-preview")
    assert "新建 3 个组织" in _apply(page)
    branch = Organization.objects.get(code="C010101")
    assert branch.parent.parent == committee

    roster = tmp_path / "花名册.csv"
    rows = [roster_row(name, serial, org="C010101") for serial, name in enumerate(PEOPLE, 1)]
    roster.write_bytes(csv_bytes(rows, encoding="gb18030"))
    page.goto(f"/orgs/{committee.pk}/roster/import/")
    _upload(page, "花名册文件", roster)
    assert "新增 3 人" in _apply(page)

    # The scorekeeper's account was made by the platform operator (step 0); the role is ours.
    page.goto(f"/orgs/{branch.pk}/roles/")
    page.get_by_label("用户名").fill("jifenyuan")
    page.get_by_label("角色").select_option(label="记分员")
    page.get_by_role("button", name="授予").click()
    page.wait_for_load_state()
    assert "jifenyuan" in page.locator("main").inner_text()
    return branch


def _adopt(page: Any, committee: Organization, label: str, reason: str = "") -> None:
    page.goto(f"/orgs/{committee.pk}/rulebook/adopt/")
    page.get_by_label("年度").fill("2026")
    page.get_by_label("积分办法").select_option(label=label)
    if reason:
        page.get_by_label("更换理由").fill(reason)
    page.get_by_role("button", name="确认采用").click()
    page.wait_for_url(f"**/orgs/{committee.pk}/rulebook/2026/")


def _write_the_draft(page: Any, committee: Organization) -> None:
    """Step 3: a draft based on seed003 where an absence from 主题党日 costs 2."""
    page.goto("/rulebooks/")
    page.get_by_role("link", name="新建自定积分办法").click()
    page.get_by_label("名称").fill("我院党员积分办法")
    page.get_by_label("所属组织").select_option(label=committee.name)
    page.get_by_label("基于").select_option(value="builtin:seed003")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rulebooks/drafts/*/")
    page.get_by_role("link", name="修改 主题党日(每月两次)").click()
    assert "基础办法：5" in page.locator("form.form").inner_text()
    page.get_by_label("每次缺席扣（分）").fill("2")
    page.get_by_label("修改理由").fill("缺席一次扣 2 分，以教育为主")
    _shot(page, "4-edit")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rulebooks/drafts/*/")
    assert "第 2 版" in page.locator("#version").inner_text()
    _shot(page, "5-draft")


def test_a_committee_starts_its_year_from_an_empty_database(
    browser: Any, live_server: Any, clock: Clock, tmp_path: Path
) -> None:
    # What the migrations leave in a new database: the built-in organization kinds. (A
    # browser test's database is flushed between tests, which empties that table too.)
    kinds_ensure(OrganizationKind)
    assert not Organization.objects.exists()
    # jifen createsuperuser: the platform operator, who holds no role in any organization.
    User.objects.create_superuser("yunwei", password=PASSWORD)
    page = _desktop(browser, live_server)
    _operator_makes_accounts(page, "admin", "jifenyuan")
    call_command("committee", "C01", "中共某某学院委员会", "--admin", "admin")
    committee = Organization.objects.get(code="C01")
    log_in(page, "admin")
    page.goto("/admin/")
    assert "平台运维后台只供平台运维人员使用" in page.locator("main").inner_text()
    branch = _set_up_the_committee(page, tmp_path)

    # Step 2: seed003 for 2026; the scorekeeper records the 5 November 主题党日.
    page.goto(f"/orgs/{committee.pk}/")
    guide = page.locator("#first-run").inner_text()
    assert "组织树 — ✓" in guide
    assert "人员 — ✓" in guide
    page.get_by_role("link", name="采用今年的积分办法").click()
    page.get_by_label("年度").fill("2026")
    page.get_by_label("积分办法").select_option(value="seed003")
    _shot(page, "3-adopt")
    page.get_by_role("button", name="确认采用").click()
    page.wait_for_url(f"**/orgs/{committee.pk}/rulebook/2026/")
    log_in(page, "jifenyuan")
    _record_party_day(page, branch, dt.date(2026, 11, 5), absent="甲")
    assert _november_base("甲") == 65

    # Step 3: the draft, and 试算 on the real facts of the year.
    log_in(page, "admin")
    _write_the_draft(page, committee)
    page.get_by_role("link", name="试算：用本组织的实际记录看效果").click()
    page.get_by_role("button", name="试算").click()
    page.wait_for_load_state()
    jia = Person.objects.get(name="甲")
    row = page.locator(f"#p{jia.pk}").inner_text()
    assert "+0.25" in row
    _shot(page, "6-whatif")
    page.get_by_label("只看有变化的").check()
    page.get_by_role("button", name="试算").click()
    page.wait_for_url("**changed=on**")
    assert page.locator(".whatif-members tbody tr").count() == 1

    # Step 4: adopt the draft instead of seed003; the next activity scores by the new rule.
    page.goto("/rulebooks/")
    page.get_by_role("link", name="我院党员积分办法").first.click()
    page.get_by_role("link", name="采用这一版").click()
    page.get_by_label("更换理由").fill("党委会研究决定，缺席主题党日一次扣 2 分")
    page.get_by_role("button", name="确认采用").click()
    page.wait_for_url(f"**/orgs/{committee.pk}/rulebook/2026/")
    _shot(page, "7-adopted")
    current = Adoption.objects.current().get(organization=committee, year=2026)
    assert current.draft_version is not None
    assert current.draft_version.number == 2
    log_in(page, "jifenyuan")
    _record_party_day(page, branch, dt.date(2026, 11, 12), absent="乙")
    assert _november_base("乙") == 68  # 70 − 2: the new rule
    assert _november_base("甲") == 68  # the earlier absence is scored by the new rule too
    assert _november_base("丙") == 70
    assert not page.outside
