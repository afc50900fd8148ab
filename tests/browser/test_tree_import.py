"""Day one in a real browser: a new committee's admin follows the first-run guide to the tree
import, is shown a bad file's problems by row and column, then imports a real xlsx tree."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.accounts.roles import Role
from jifen.orgs.models import Organization
from jifen.orgs.services import organization_create, role_grant
from jifen.roster.tree_reading import TREE_HEADERS
from tests.browser.helpers import log_in
from tests.roster.conftest import xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["N0101", "第一党支部", "党支部", "N01", "2020-07-01"],
    ["N01", "计算机系党总支", "党总支", "", "2019-01-01"],
    ["N010101", "第一党小组", "党小组", "N0101", "2021-03-01"],
]


def test_a_new_committee_imports_its_tree_from_the_first_run_guide(
    page: Any, committee_admin: User, tree: SimpleNamespace, tmp_path: Path
) -> None:
    committee = organization_create(code="N", name="中共新学院委员会", kind="committee")
    role_grant(user=committee_admin, role=Role.COMMITTEE_ADMIN, organization=committee)
    bad = tmp_path / "有错误.xlsx"
    bad.write_bytes(
        xlsx_bytes([*ROWS, ["N01", "重复", "党支部", "", "2020-01-01"]], headers=TREE_HEADERS)
    )
    good = tmp_path / "组织树.xlsx"
    good.write_bytes(xlsx_bytes(ROWS, headers=TREE_HEADERS))
    log_in(page, "admin")

    page.goto(f"/orgs/{committee.pk}/")
    page.get_by_role("link", name="从表格导入组织树").click()
    assert page.get_by_role("heading", level=1).inner_text() == "导入组织树"
    assert page.get_by_role("link", name="下载 Excel 模板（.xlsx）").count() == 1

    page.get_by_label("组织表文件").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/tree/imports/*/")
    errors = page.locator("#errors").inner_text()
    assert "第 3 行" in errors
    assert "组织代码在文件中重复出现（第 3、5 行）" in errors
    assert page.get_by_role("button", name="确认导入").count() == 0

    page.goto(f"/orgs/{committee.pk}/tree/import/")
    page.get_by_label("组织表文件").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/tree/imports/*/")
    planned = page.locator("#planned").inner_text()
    assert (
        planned.index("计算机系党总支") < planned.index("第一党支部") < planned.index("第一党小组")
    )
    assert not Organization.objects.filter(code__startswith="N0").exists()

    page.get_by_role("button", name="确认导入").click()
    page.locator("#summary h2", has_text=re.compile("^已导入$")).wait_for()
    assert "导入完成：新建 3 个组织" in page.get_by_role("status").first.inner_text()
    group = Organization.objects.get(code="N010101")
    assert group.parent.code == "N0101"
    assert group.parent.parent.parent == committee

    page.goto(f"/orgs/{committee.pk}/")
    guide = page.locator("#first-run").inner_text()
    assert "从表格导入组织树" not in guide
