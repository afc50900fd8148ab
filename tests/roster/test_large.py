"""10,000 rows, all or nothing: one bad row and nothing is written.

How fast 10,000 rows are checked, applied and re-imported is measured in
bench/bench_roster_import.py, which also checks the counts at that size; this one runs in
`make test` on SQLite only (the `slow` marker): checking 10,000 rows is Python work that writes
one import record, so a second engine adds a minute and no coverage — all or nothing on both
engines is tested with small files in test_import.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client

from jifen.core.models import Job
from jifen.orgs.models import Membership, Person
from jifen.roster.models import RosterImport
from tests.roster.conftest import csv_bytes, roster_row, upload

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROWS = 10_000


def big_rows(broken_at: int | None = None, rows: int = ROWS) -> list[list[object]]:
    made = []
    for index in range(rows):
        birth = f"19{60 + index % 40:02d}0{1 + index % 9}1{index % 10}"
        row = roster_row(f"党员{index}", index, org=("B1", "B2")[index % 2], 手机号="")
        row[2] = _id(index, birth)
        made.append(row)
    if broken_at is not None:
        made[broken_at][1] = "未知"
    return made


def _id(serial: int, birth: str) -> str:
    from tests.conftest import valid_id_number

    return valid_id_number(serial, birth=birth, region=f"{110000 + serial // 1000:06d}")


def test_one_bad_row_in_ten_thousand_writes_nothing(
    general_client: Client, tree: SimpleNamespace
) -> None:
    response = upload(general_client, tree.g.pk, csv_bytes(big_rows(broken_at=9_876)))
    assert response.status_code == 302
    # A file this large is read and checked by the worker; its job page leads to the preview.
    assert response["Location"].startswith("/jobs/")
    call_command("worker", "--once", verbosity=0)
    job = Job.objects.get()
    assert job.message == "已读取并检查 10000 行，有 1 处错误。请查看预览。"
    roster_import = RosterImport.objects.get()
    preview = f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/"
    assert job.result["link"] == preview
    assert roster_import.errors == [
        {"row": 9_878, "column": "性别", "problem": "性别应为“男”或“女”，而不是“未知”"}
    ]
    general_client.post(f"{preview}apply/")
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
