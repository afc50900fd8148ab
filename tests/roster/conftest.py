"""Building roster files with real bytes: xlsx through openpyxl, CSV in any encoding."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jifen.roster.columns import HEADERS
from tests.conftest import valid_id_number

Cell = str | int | float | dt.date | dt.datetime | None


def roster_row(name: str, serial: int, org: str = "B1", **changes: Cell) -> list[Cell]:
    """One valid row: a full member of ``org`` since 2020-01-01."""
    values: dict[str, Cell] = {
        "姓名": name,
        "性别": "男",
        "身份证号": valid_id_number(serial, birth="19850101", region="110105"),
        "手机号": "13900000000",
        "类别": "正式党员",
        "入党日期": "2010-07-01",
        "预备期满日期": "",
        "所在组织代码": org,
        "加入日期": "2020-01-01",
    }
    for header, value in changes.items():
        values[header] = value
    return [values[header] for header in HEADERS]


def csv_bytes(
    rows: Sequence[Sequence[Cell]],
    *,
    headers: Sequence[str] = HEADERS,
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[Sequence[Cell]], *, headers: Sequence[str] = HEADERS) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append([None if cell == "" else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, org_id: int, data: bytes, name: str = "花名册.csv") -> Any:
    return client.post(f"/orgs/{org_id}/roster/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def secretary_client(secretary: User) -> Client:
    client = Client()
    client.force_login(secretary)
    return client


@pytest.fixture
def general_client(general_admin: User) -> Client:
    client = Client()
    client.force_login(general_admin)
    return client
