"""Names people typed reach places with rules of their own: a sheet's title (Excel refuses
``/ \\ ? * [ ] :`` and more than 31 characters) and a download's file name. A member named with
a ``/`` still gets their 登记表 (issue 16: it was a 500)."""

from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.accounts.roles import Role
from jifen.documents.names import file_name, sheet_title
from jifen.documents.paper_forms import Form, form_xlsx
from jifen.documents.tables import xlsx_bytes
from jifen.orgs.services import role_grant
from tests.reports.conftest import YEAR, add

pytestmark = pytest.mark.django_db
FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
HOSTILE = "王/小\\明?*[一]:二"


def sheet_titles(data: bytes) -> list[str]:
    return load_workbook(io.BytesIO(data)).sheetnames


def saved_name(response: object) -> str:
    header = response["Content-Disposition"]  # type: ignore[index]
    return unquote(header.split("filename*=utf-8''", 1)[1])


@pytest.mark.parametrize("name", [HOSTILE, "长" * 30 + "/", "'[]'", "History"])
def test_the_register_of_a_member_with_any_name_downloads(
    client: Client,
    branch: SimpleNamespace,
    make_person: object,
    make_user: object,
    name: str,
) -> None:
    person = make_person(name, branch.b1)  # type: ignore[operator]
    add(branch.b1, person, dt.date(YEAR, 5, 4), "volunteer", 3)
    reader = make_user("shuji", "书记")  # type: ignore[operator]
    role_grant(user=reader, role=Role.BRANCH_SECRETARY, organization=branch.b1)
    client.force_login(reader)
    response = client.get(reverse("reports:register_xlsx", args=[person.pk, YEAR]))
    assert response.status_code == 200
    (title,) = sheet_titles(response.content)
    assert not FORBIDDEN.search(title)
    assert 0 < len(title) <= 31
    assert not title.startswith("'")
    assert not title.endswith("'")
    shown = saved_name(response)
    assert "/" not in shown
    assert "\\" not in shown
    assert shown.startswith("党员积分量化登记表-")
    assert shown.endswith(f"-{YEAR}.xlsx")


def test_a_name_keeps_what_it_can() -> None:
    assert sheet_title(HOSTILE + "2025") == "王_小_明___一__二2025"
    assert sheet_title("甲" * 40) == "甲" * 31
    assert sheet_title("/") == "_"
    assert sheet_title("''") == "Sheet"
    assert sheet_title("history") == "history_"  # Excel keeps that name for itself
    assert (
        file_name("党员积分量化登记表-王/小明-2025.xlsx") == "党员积分量化登记表-王_小明-2025.xlsx"
    )
    assert file_name("../../etc/passwd") == "_.._etc_passwd"


def test_two_forms_whose_titles_meet_after_cutting_stay_two_sheets() -> None:
    long = "党" * 40
    forms = [Form(title="登记表", sheet_name=long, headers=[["a"]], rows=[["1"]])] * 3
    titles = sheet_titles(form_xlsx(*forms))
    assert len(set(titles)) == 3
    assert all(len(t) <= 31 for t in titles)
    assert titles[1] == "党" * 28 + "(2)"


def test_a_table_titled_from_user_text_opens() -> None:
    data = xlsx_bytes(["姓名"], [["甲"]], title="第一/第二支部:花名册[2025]", notes=[["说明"]])
    assert sheet_titles(data) == ["第一_第二支部_花名册_2025_", "填写说明"]
