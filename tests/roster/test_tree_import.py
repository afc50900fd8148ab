"""Importing an organization tree (组织树) in the browser: real xlsx and CSV bytes in each
encoding, every kind of bad row with its row and column, all or nothing, checked again at apply."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from jifen.accounts.roles import Role
from jifen.audit.models import AuditEvent
from jifen.orgs.models import Organization, path_of
from jifen.orgs.services import organization_create, role_grant
from jifen.roster.models import TreeImport
from jifen.roster.tree_reading import TREE_HEADERS
from tests.clock import Clock
from tests.roster.conftest import Cell, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

# A committee's new tree in no particular order: a branch before its general branch, a group
# after its branch, and a branch under an existing general branch (G). Into 党委 C.
TREE: list[list[Cell]] = [
    ["T01", "第一党支部", "党支部", "TG", "2020-07-01"],
    ["TG", "新成立党总支", "党总支", "", "2019-01-01"],
    ["T0101", "第一党小组", "党小组", "T01", "2021/3/1"],
    ["T02", "第二党支部", "党支部", "G", "2020年9月1日"],
]
DAYS = [dt.date(2020, 7, 1), dt.date(2019, 1, 1), dt.date(2021, 3, 1), dt.date(2020, 9, 1)]
ALIASES = ("组织编码", "组织名称", "组织类别", "上级组织", "成立时间")


@pytest.fixture
def admin_client(committee_admin: User, clock: Clock) -> Client:
    client = Client()
    client.force_login(committee_admin)
    return client


def upload(client: Client, org_id: int, data: bytes, name: str = "组织.csv") -> Any:
    return client.post(f"/orgs/{org_id}/tree/import/", {"file": SimpleUploadedFile(name, data)})


def uploaded(client: Client, org: Organization, data: bytes, name: str = "组织.csv") -> TreeImport:
    response = upload(client, org.pk, data, name)
    assert response.status_code == 302, response.content.decode()
    found = TreeImport.objects.latest("pk")
    assert response["Location"] == f"/orgs/{org.pk}/tree/imports/{found.pk}/"
    return found


def csv_tree(rows: Sequence[Sequence[Cell]], **options: Any) -> bytes:
    return csv_bytes(rows, headers=options.pop("headers", TREE_HEADERS), **options)


def codes() -> set[str]:
    return set(Organization.objects.values_list("code", flat=True))


FILES = {
    # Real Excel date cells, under the other names for the headers.
    "xlsx": lambda: xlsx_bytes(
        [[*row[:4], day] for row, day in zip(TREE, DAYS, strict=True)], headers=ALIASES
    ),
    "utf-8 bom csv": lambda: csv_tree(TREE, bom=True),
    "gb18030 csv": lambda: csv_tree(TREE, encoding="gb18030", headers=ALIASES),
}


@pytest.mark.parametrize("kind", FILES)
def test_each_format_imports_a_three_level_tree_with_parents_in_any_order(
    admin_client: Client, tree: SimpleNamespace, kind: str
) -> None:
    before = codes()
    tree_import = uploaded(admin_client, tree.c, FILES[kind](), f"组织.{kind[-4:].strip()}")
    assert tree_import.errors == []
    assert [entry["code"] for entry in tree_import.plan] == ["TG", "T01", "T0101", "T02"]

    page = admin_client.get(f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/").content.decode()
    assert "新建 4 个组织" in page
    assert "第一党小组" in page
    assert "新成立党总支" in page
    assert codes() == before  # the preview writes nothing

    response = admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/apply/")
    assert response.status_code == 302
    made = {o.code: o for o in Organization.objects.filter(code__in=["TG", "T01", "T0101", "T02"])}
    assert made["TG"].parent == tree.c
    assert made["TG"].kind.name == "党总支"
    assert made["T01"].parent == made["TG"]
    assert made["T01"].kind.name == "党支部"
    assert made["T0101"].parent == made["T01"]
    assert made["T0101"].kind.name == "党小组"
    assert made["T02"].parent == tree.g
    assert made["T0101"].path == path_of(
        path_of(path_of(tree.c.path, made["TG"].pk), made["T01"].pk), made["T0101"].pk
    )
    assert made["T0101"].active_from == dt.date(2021, 3, 1)
    assert made["T02"].active_from == dt.date(2020, 9, 1)
    event = AuditEvent.objects.get(action="orgs.import")
    assert "新建 4 个组织" in event.summary
    assert event.actor.username == "admin"
    assert AuditEvent.objects.filter(action="org.create", summary__contains="T0101").exists()
    TreeImport.objects.get(pk=tree_import.pk, status=TreeImport.Status.APPLIED)


def row_with(index: int, header: str, value: str) -> list[list[Cell]]:
    rows = [list(row) for row in TREE]
    rows[index][TREE_HEADERS.index(header)] = value
    return rows


# (row index in TREE, column, value, what the message says). Excel row = index + 2.
BAD = [
    (0, "组织代码", "", "组织代码不能为空"),
    (0, "组织代码", "T 01", "只能由字母、数字和 . _ - 组成"),
    (0, "组织代码", "X" * 33, "不能超过 32 个"),
    (3, "组织代码", "B1", "组织代码 B1 已被使用"),
    (3, "组织代码", "b1", "组织代码 b1 已被使用"),
    (1, "名称", "", "名称不能为空"),
    (1, "名称", "长" * 101, "不能超过 100 字"),
    (1, "类别", "团支部", "类别应为 党委、党总支、党支部、党小组 之一，而不是“团支部”"),
    (1, "类别", "", "类别不能为空"),
    (2, "类别", "党总支", "党总支不能设在党支部 第一党支部 之下"),
    (3, "类别", "党委", "党委不能设在党总支 计算机学院党总支 之下"),
    (0, "成立日期", "2020-13-01", "“2020-13-01”不是有效日期"),
    (0, "成立日期", "", "成立日期不能为空"),
    (0, "成立日期", "2027-01-01", "成立日期 2027-01-01 晚于今天"),
    (3, "上级组织代码", "NOPE", "上级组织代码“NOPE”不存在"),
    (3, "上级组织代码", "XB", "上级组织代码“XB”不存在"),  # another committee's: not revealed
    (3, "上级组织代码", "T02", "上级组织代码不能是本组织自己的代码"),
]


@pytest.mark.parametrize(("index", "column", "value", "problem"), BAD)
def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_created(
    admin_client: Client, tree: SimpleNamespace, index: int, column: str, value: str, problem: str
) -> None:
    before = codes()
    tree_import = uploaded(admin_client, tree.c, csv_tree(row_with(index, column, value)))
    assert tree_import.status == TreeImport.Status.INVALID
    assert tree_import.plan == []
    assert any(
        e["row"] == index + 2 and e["column"] == column and problem in e["problem"]
        for e in tree_import.errors
    ), tree_import.errors
    page = admin_client.get(f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/").content.decode()
    assert problem in page
    assert "确认导入" not in page
    response = admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/apply/")
    assert response.status_code == 302
    assert codes() == before


def test_codes_repeated_in_the_file_are_named_on_every_row(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    rows = [*TREE, ["t01", "重复的支部", "党支部", "", "2020-01-01"]]
    tree_import = uploaded(admin_client, tree.c, csv_tree(rows))
    repeated = [e for e in tree_import.errors if "重复出现（第 2、6 行）" in e["problem"]]
    assert [(e["row"], e["column"]) for e in repeated] == [(2, "组织代码"), (6, "组织代码")]
    assert tree_import.plan == []


def test_a_cycle_of_parents_is_named(admin_client: Client, tree: SimpleNamespace) -> None:
    rows = [
        ["A1", "甲", "党支部", "A2", "2020-01-01"],
        ["A2", "乙", "党支部", "A1", "2020-01-01"],
        ["A3", "丙", "党小组", "A1", "2020-01-01"],
    ]
    tree_import = uploaded(admin_client, tree.c, csv_tree(rows))
    cycle = {(e["row"], e["column"]): e["problem"] for e in tree_import.errors}
    assert cycle[(2, "上级组织代码")] == "上级组织形成循环：A1 → A2 → A1"
    assert cycle[(3, "上级组织代码")] == "上级组织形成循环：A2 → A1 → A2"
    assert "A3" not in codes()


def test_a_visible_parent_outside_the_organization_imported_into_is_named(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    rows = [["N1", "新支部", "党支部", "B3", "2020-01-01"]]
    tree_import = uploaded(admin_client, tree.g, csv_tree(rows))
    assert tree_import.errors == [
        {
            "row": 2,
            "column": "上级组织代码",
            "problem": "上级组织 B3 不在 计算机学院党总支 之下，不能导入到那里",
        }
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),  # refused by the form itself
        (b"\n\n", "文件是空的"),
        ("组织代码,名称,类别,上级组织代码,成立日期\n".encode(), "文件中只有表头，没有组织"),
        ("组织代码,名称,类别\nT1,甲,党支部\n".encode(), "表头缺少以下列：上级组织代码、成立日期"),
        ("姓名,身份证号\n张三,1\n".encode(), "找不到表头"),
        (b"%PDF-1.4\x00\x00binary", "这不是表格文件"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_form(
    admin_client: Client, tree: SimpleNamespace, data: bytes, message: str
) -> None:
    response = upload(admin_client, tree.c.pk, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TreeImport.objects.exists()


def test_apply_checks_again_and_refuses_a_code_taken_since_the_preview(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    tree_import = uploaded(admin_client, tree.c, csv_tree(TREE))
    assert tree_import.status == TreeImport.Status.PENDING
    organization_create(code="T0101", name="别人先建的小组", kind="group", parent=tree.b1)
    before = codes()
    response = admin_client.post(
        f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/apply/", follow=True
    )
    assert "文件现在有错误，没有导入" in response.content.decode()
    tree_import.refresh_from_db()
    assert tree_import.status == TreeImport.Status.INVALID
    assert tree_import.errors == [
        {"row": 4, "column": "组织代码", "problem": "组织代码 T0101 已被使用"}
    ]
    assert codes() == before
    assert not AuditEvent.objects.filter(action="orgs.import").exists()


def test_a_second_apply_and_a_discarded_import_write_nothing(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    first = uploaded(admin_client, tree.c, csv_tree(TREE))
    admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{first.pk}/apply/")
    again = admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{first.pk}/apply/", follow=True)
    assert "没有重复导入" in again.content.decode()
    assert AuditEvent.objects.filter(action="orgs.import").count() == 1

    second = uploaded(admin_client, tree.c, csv_tree([["Z1", "甲", "党支部", "", "2020-01-01"]]))
    admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{second.pk}/discard/")
    admin_client.post(f"/orgs/{tree.c.pk}/tree/imports/{second.pk}/apply/")
    assert "Z1" not in codes()


def test_a_general_branch_admin_imports_into_its_own_subtree_only(
    general_admin: User, tree: SimpleNamespace, clock: Clock
) -> None:
    client = Client()
    client.force_login(general_admin)
    rows = [["GB9", "学生第九党支部", "党支部", "", "2020-01-01"]]
    assert upload(client, tree.c.pk, csv_tree(rows)).status_code == 404
    assert upload(client, tree.x.pk, csv_tree(rows)).status_code == 404
    tree_import = uploaded(client, tree.g, csv_tree(rows))
    client.post(f"/orgs/{tree.g.pk}/tree/imports/{tree_import.pk}/apply/")
    assert Organization.objects.get(code="GB9").parent == tree.g


def test_a_branch_secretary_cannot_import_a_tree(
    secretary: User, committee_admin: User, tree: SimpleNamespace, clock: Clock
) -> None:
    admin = Client()
    admin.force_login(committee_admin)
    tree_import = uploaded(admin, tree.c, csv_tree(TREE))
    client = Client()
    client.force_login(secretary)
    assert upload(client, tree.b1.pk, csv_tree(TREE)).status_code == 404
    url = f"/orgs/{tree.c.pk}/tree/imports/{tree_import.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url + "apply/").status_code == 404
    assert "T01" not in codes()


def test_the_template_has_the_headers_an_example_and_imports_as_it_is(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    response = admin_client.get(f"/orgs/{tree.c.pk}/tree/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["组织"]
    assert [cell.value for cell in sheet[1]] == list(TREE_HEADERS)
    assert [cell.value for cell in sheet[2]][:3] == [
        "C0101",
        "中共某某学院计算机系总支部委员会",
        "党总支",
    ]
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "B1" in notes
    assert "XB" not in notes
    tree_import = uploaded(admin_client, tree.c, response.content, "组织树模板.xlsx")
    assert tree_import.errors == []
    assert tree_import.plan[0]["code"] == "C0101"


def test_the_organization_page_and_the_first_run_guide_link_the_import(
    committee_admin: User, admin_client: Client, tree: SimpleNamespace
) -> None:
    page = admin_client.get(f"/orgs/{tree.c.pk}/").content.decode()
    assert f'href="/orgs/{tree.c.pk}/tree/import/"' in page
    # Day one: a committee with nothing under it yet, whose guide's first step is the tree.
    empty = organization_create(code="C02", name="新学院党委", kind="committee")
    role_grant(user=committee_admin, role=Role.COMMITTEE_ADMIN, organization=empty)
    page = admin_client.get(f"/orgs/{empty.pk}/").content.decode()
    step = page[page.index("开始使用") :]
    assert f'<a href="/orgs/{empty.pk}/tree/import/">从表格导入组织树</a>' in step


def test_the_add_page_refuses_what_the_import_refuses(
    admin_client: Client, tree: SimpleNamespace
) -> None:
    """One copy of the rules: the hand form shows the service's messages on its fields."""
    kinds = {o.kind.name: o.kind.pk for o in Organization.objects.select_related("kind")}
    data = {"code": "b1", "name": "甲", "kind": kinds["党委"], "active_from": "2020-01-01"}
    response = admin_client.post(f"/orgs/{tree.g.pk}/add/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "组织代码 b1 已被使用" in text
    assert "党委不能设在党总支 计算机学院党总支 之下" in text
    assert Organization.objects.filter(name="甲").count() == 0
