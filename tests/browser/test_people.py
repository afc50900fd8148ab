from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.orgs.models import Person
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_walks_the_tree_to_a_person_and_transfers_them(
    page: Any,
    secretary: User,
    general_admin: User,
    tree: SimpleNamespace,
    make_person: Callable[..., Person],
) -> None:
    make_person("张三", tree.b1, id_number="11010519491231002X")
    make_person("李四", tree.b1)
    log_in(page, "zongzhi")

    page.goto("/orgs/")
    assert page.get_by_role("heading", level=1).inner_text() == "组织"
    tree_text = " ".join(page.locator(".tree").inner_text().split())
    assert "计算机学院党总支 党总支 · G 2 人" in tree_text  # the general branch counts its branches
    assert "教工第一党支部 党支部 · B1 2 人" in tree_text
    assert "测试学院党委" not in tree_text  # above the admin's reach
    page.get_by_role("link", name="教工第一党支部").click()
    assert page.get_by_role("heading", level=1).inner_text() == "教工第一党支部"
    assert "共 2 人" in page.locator("#members").inner_text()

    # Searching by initials narrows the list in place (htmx), without a page load.
    page.get_by_placeholder("姓名、拼音或首字母，如 zhangsan、zs").fill("zs")
    page.locator("#members", has_text="共 1 人").wait_for()
    assert "李四" not in page.locator("#members").inner_text()

    page.locator("#members").get_by_role("link", name="张三").click()
    assert page.get_by_role("heading", level=1).inner_text() == "张三"
    assert page.locator(".id-number").inner_text() == "11010519491231002X"

    page.get_by_role("link", name="组织关系转接").click()
    page.get_by_label("转入组织").select_option(label="学生第一党支部")
    page.get_by_label("转接日期").fill("2021-03-15")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("status").inner_text() == "张三 的组织关系已转接"
    history = page.locator("table").first.inner_text()
    assert "学生第一党支部" in history
    assert "2021-03-15（转出）" in history


def test_a_scorekeeper_sees_masked_numbers(
    page: Any, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    person = make_person("张三", id_number="11010519491231002X", phone="13812345678")
    log_in(page, "jifenyuan")
    page.goto(f"/people/{person.pk}/")
    assert page.locator(".id-number").inner_text() == "1101**********002X"
    assert page.locator(".phone").inner_text() == "138****5678"
    assert page.get_by_role("link", name="组织关系转接").count() == 0
