"""A large roster in a real browser: the upload and 确认导入 each queue a job; the job page
follows `jifen worker` by itself (htmx, vendored), on to the preview after the reading and to
the result and the way back after the apply."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from jifen.orgs.models import Person
from tests.browser.helpers import log_in
from tests.roster.conftest import csv_bytes, roster_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _worker() -> None:
    try:
        call_command("worker", "--once", verbosity=0)
    finally:
        connection.close()


def _work() -> None:
    """The worker, in a thread of its own (its own connection), until the queue is empty."""
    worker = threading.Thread(target=_worker)
    worker.start()
    worker.join(timeout=60)


def test_the_job_page_follows_the_worker_to_the_end(
    page: Any, secretary: User, tree: SimpleNamespace, tmp_path: Path, settings: Any
) -> None:
    settings.JOB_ROWS = 3
    settings.JOB_CHECK_BYTES = 100  # the file, too, is read by the worker
    settings.JOB_PROGRESS_DIR = tmp_path
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes([roster_row(f"党员{n}", n) for n in range(6)]))
    log_in(page, "shuji")
    page.goto(f"/orgs/{tree.b1.pk}/roster/import/")
    page.get_by_label("花名册文件").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url("**/jobs/*/")
    assert page.locator("h1").inner_text() == "检查花名册"
    _work()
    # Read and checked: the job page goes on to the preview by itself.
    page.wait_for_url("**/roster/imports/*/")
    assert "确认后将在后台导入" in page.locator("#summary").inner_text()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/jobs/*/")
    assert page.locator("#job-state h2").inner_text() == "排队中"
    assert page.locator("progress").count() == 1
    assert Person.objects.count() == 0

    _work()
    # No reload: the page asks every second and swaps in the end.
    page.locator("#job-state h2", has_text=re.compile("^已完成$")).wait_for()
    assert "导入完成：新增 6 人" in page.locator("#job-state").inner_text()
    assert Person.objects.count() == 6
    page.get_by_role("link", name="返回").click()
    page.wait_for_url("**/roster/imports/*/")
    assert page.locator("#summary h2").inner_text() == "已导入"
