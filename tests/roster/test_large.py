"""10,000 rows: checked and applied within a reasonable time, and all or nothing."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.test import Client

from jifen.orgs.models import Membership, Person
from jifen.roster.models import RosterImport
from tests.roster.conftest import csv_bytes, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = 10_000
# Generous bounds for a slow CI machine; the measured times are printed with -s.
SECONDS_TO_CHECK = 60
SECONDS_TO_APPLY = 240


def big_rows(broken_at: int | None = None) -> list[list[object]]:
    rows = []
    for index in range(ROWS):
        birth = f"19{60 + index % 40:02d}0{1 + index % 9}1{index % 10}"
        row = roster_row(f"党员{index}", index, org=("B1", "B2")[index % 2], 手机号="")
        row[2] = _id(index, birth)
        rows.append(row)
    if broken_at is not None:
        rows[broken_at][1] = "未知"
    return rows


def _id(serial: int, birth: str) -> str:
    from tests.conftest import valid_id_number

    return valid_id_number(serial, birth=birth, region=f"{110000 + serial // 1000:06d}")


def test_ten_thousand_rows_are_checked_and_applied(
    general_client: Client, tree: SimpleNamespace
) -> None:
    data = xlsx_bytes(big_rows())
    started = time.perf_counter()
    response = upload(general_client, tree.g.pk, data, "万人.xlsx")
    checked = time.perf_counter() - started
    assert response.status_code == 302
    roster_import = RosterImport.objects.get()
    assert roster_import.errors == []
    assert roster_import.plan["counts"]["new"] == ROWS
    assert general_client.get(response["Location"]).status_code == 200

    started = time.perf_counter()
    applied = general_client.post(f"{response['Location']}apply/", follow=True)
    seconds = time.perf_counter() - started
    assert "导入完成：新增 10000 人" in applied.content.decode()
    assert Person.objects.count() == ROWS
    assert Membership.objects.count() == ROWS
    print(f"\n10,000 rows: checked in {checked:.1f}s, applied in {seconds:.1f}s")  # noqa: T201
    assert checked < SECONDS_TO_CHECK
    assert seconds < SECONDS_TO_APPLY

    # Re-imported, the same ten thousand rows change nothing.
    started = time.perf_counter()
    upload(general_client, tree.g.pk, data, "万人.xlsx")
    again = time.perf_counter() - started
    print(f"10,000 rows re-imported: checked in {again:.1f}s")  # noqa: T201
    assert RosterImport.objects.latest("pk").plan["counts"]["unchanged"] == ROWS


def test_one_bad_row_in_ten_thousand_writes_nothing(
    general_client: Client, tree: SimpleNamespace
) -> None:
    response = upload(general_client, tree.g.pk, csv_bytes(big_rows(broken_at=9_876)))
    assert response.status_code == 302
    roster_import = RosterImport.objects.get()
    assert roster_import.errors == [
        {"row": 9_878, "column": "性别", "problem": "性别应为“男”或“女”，而不是“未知”"}
    ]
    general_client.post(f"{response['Location']}apply/")
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
