"""The roster import in a real browser: upload a file, read the preview, apply it."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.orgs.models import Person
from tests.browser.helpers import log_in
from tests.roster.conftest import csv_bytes, roster_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_uploads_the_roster_previews_it_and_applies_it(
    page: Any, secretary: User, tree: SimpleNamespace, tmp_path: Path
) -> None:
    good = tmp_path / "花名册.csv"
    good.write_bytes(
        csv_bytes(
            [roster_row("张三", 1), roster_row("李四", 2, 类别="入党积极分子", 入党日期="")],
            encoding="gb18030",
        )
    )
    bad = tmp_path / "有错误.csv"
    bad.write_bytes(csv_bytes([roster_row("王五", 3, 性别="未知")]))
    log_in(page, "shuji")

    page.goto(f"/orgs/{tree.b1.pk}/")
    page.get_by_role("link", name="导入花名册").click()
    assert page.get_by_role("heading", level=1).inner_text() == "导入花名册"
    assert page.get_by_role("link", name="下载 Excel 模板（.xlsx）").count() == 1

    # A file with an error: the preview lists it by row and column, and offers no apply.
    page.get_by_label("花名册文件").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/roster/imports/*/")
    errors = page.locator("#errors").inner_text()
    assert "第 2 行" in errors
    assert "性别应为“男”或“女”，而不是“未知”" in errors
    assert page.get_by_role("button", name="确认导入").count() == 0

    # A good file (GB18030, as Excel on Chinese Windows saves CSV): previewed, then applied.
    page.goto(f"/orgs/{tree.b1.pk}/roster/import/")
    page.get_by_label("花名册文件").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/roster/imports/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "导入预览"
    summary = " ".join(page.locator("#summary").inner_text().split())
    assert "新增 2 人" in summary
    assert "张三" in page.locator("#new").inner_text()
    assert Person.objects.count() == 0

    page.get_by_role("button", name="确认导入").click()
    page.locator("#summary h2", has_text=re.compile("^已导入$")).wait_for()
    assert "导入完成：新增 2 人" in page.get_by_role("status").first.inner_text()
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张三", "李四"]

    page.get_by_role("link", name="查看 教工第一党支部 的党员名单").click()
    assert "共 2 人" in page.locator("#members").inner_text()


def test_a_file_that_is_not_a_roster_is_refused_in_place(
    page: Any, secretary: User, tree: SimpleNamespace, tmp_path: Path
) -> None:
    picture = tmp_path / "照片.csv"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/roster/import/")
    page.get_by_label("花名册文件").set_input_files(str(picture))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_text("这不是表格文件").wait_for()
    assert page.url.endswith(f"/orgs/{tree.b1.pk}/roster/import/")
