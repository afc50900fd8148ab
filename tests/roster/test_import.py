"""Importing the roster: a corpus of bad files, each refused with its reason and nothing
written; preview then apply; re-import; update and transfer by re-import; applying once."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Membership, Person
from jifen.roster.columns import HEADERS, MAX_ROWS
from jifen.roster.models import RosterImport
from tests.conftest import valid_id_number
from tests.roster.conftest import csv_bytes, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@contextmanager
def nothing_written() -> Iterator[None]:
    before = (Person.objects.count(), Membership.objects.count())
    yield
    assert (Person.objects.count(), Membership.objects.count()) == before


def errors_of(client: Client, org_id: int, data: bytes, name: str = "花名册.csv") -> list[dict]:
    """Upload ``data``; the file must be read but hold row errors: return them."""
    response = upload(client, org_id, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    roster_import = RosterImport.objects.latest("pk")
    assert roster_import.status == RosterImport.Status.INVALID
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "不能导入" in page.content.decode()
    return list(roster_import.errors)


def refusal_of(client: Client, org_id: int, data: bytes, name: str = "花名册.csv") -> str:
    """Upload ``data``; the file as a whole must be refused: return the page's message."""
    response = upload(client, org_id, data, name)
    assert response.status_code == 200
    assert not RosterImport.objects.exists()
    return response.content.decode()


# -- Files refused as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "文件是空的"),
        (b"   \r\n\r\n", "blank.csv", "文件是空的"),
        (csv_bytes([]), "header-only.csv", "只有表头，没有数据行"),
        (csv_bytes([[""] * 9, [""] * 9]), "blank-rows.csv", "只有表头，没有数据行"),
        (b"name,id\nZhang,1\n", "english.csv", "找不到表头"),
        (
            csv_bytes([["张三", "男"]], headers=["姓名", "性别", "身份证号"]),
            "short-header.csv",
            "表头缺少以下列：手机号、类别、入党日期、预备期满日期、所在组织代码、加入日期",
        ),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "roster.pdf", "这不是表格文件"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "这不是表格文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", "旧版 Excel（.xls）"),
        (b"PK\x03\x04garbage that is not a zip", "broken.xlsx", "文件已损坏"),
    ],
    ids=[
        "zero-bytes",
        "whitespace",
        "header-only",
        "blank-rows-only",
        "wrong-header",
        "missing-columns",
        "pdf",
        "png",
        "xls",
        "garbage-zip",
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_with_a_reason(
    secretary_client: Client, tree: SimpleNamespace, data: bytes, name: str, message: str
) -> None:
    with nothing_written():
        page = refusal_of(secretary_client, tree.b1.pk, data, name)
    assert message in page


def test_a_truncated_xlsx_is_refused(secretary_client: Client, tree: SimpleNamespace) -> None:
    whole = xlsx_bytes([roster_row("张三", 1)])
    for cut in (len(whole) // 3, len(whole) // 2, len(whole) - 40):
        with nothing_written():
            page = refusal_of(secretary_client, tree.b1.pk, whole[:cut], "cut.xlsx")
        assert "文件已损坏或不是有效的 xlsx 文件" in page


def test_a_zip_that_is_not_a_workbook_is_refused(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    page = refusal_of(secretary_client, tree.b1.pk, buffer.getvalue(), "letter.docx")
    assert "文件已损坏或不是有效的 xlsx 文件" in page


def test_a_file_over_5_mb_is_refused(secretary_client: Client, tree: SimpleNamespace) -> None:
    data = csv_bytes([roster_row("张三", 1)]) + b"#" * (5 * 1024 * 1024)
    page = refusal_of(secretary_client, tree.b1.pk, data, "big.csv")
    assert "文件太大" in page
    assert "不能超过 5 MB" in page


def test_a_file_over_the_row_limit_is_refused(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    """A file this long is read by the worker (it is over JOB_CHECK_BYTES): the job fails with
    the reason, and nothing is stored."""
    line = "张三,男,110105198501010011,,入党积极分子,,,B1,2020-01-01\n".encode()
    data = ",".join(HEADERS).encode() + b"\n" + line * (MAX_ROWS + 1)
    response = upload(secretary_client, tree.b1.pk, data, "many.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/jobs/")
    call_command("worker", "--once", verbosity=0)
    page = secretary_client.get(response["Location"]).content.decode()
    assert f"数据超过 {MAX_ROWS} 行。请把花名册分成几个文件，分批导入。" in page
    assert not RosterImport.objects.exists()


def test_a_file_that_is_not_utf8_nor_gb18030_is_refused(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    data = csv_bytes([roster_row("张三", 1)]) + b"\x81\x20\xff\xfe\x80"
    page = refusal_of(secretary_client, tree.b1.pk, data, "odd.csv")
    assert "无法识别文件的编码" in page


# -- Row errors: every one listed, by row and column ---------------------------------------


def test_every_row_error_is_listed_with_its_row_and_column(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    bad_checksum = valid_id_number(7)[:-1] + ("0" if valid_id_number(7)[-1] != "0" else "1")
    rows = [
        roster_row("正常", 1),  # row 2
        roster_row("", 2, 性别="男性"),  # row 3: no name, bad gender
        roster_row("校验位", 3, 身份证号=bad_checksum),  # row 4
        roster_row("重复甲", 4, 身份证号=valid_id_number(50)),  # row 5
        roster_row("重复乙", 5, 身份证号=valid_id_number(50)),  # row 6
        roster_row("无组织", 6, org="NOPE"),  # row 7
        roster_row("外单位", 7, org="XB"),  # row 8: exists, but not ours to see
        roster_row("兄弟支部", 8, org="B2"),  # row 9: visible to nobody here but B1's secretary
        roster_row("坏日期", 9, 入党日期="2010-13-01", 加入日期="昨天"),  # row 10
        roster_row("预备", 10, 类别="预备党员"),  # row 11: no probation end
        roster_row("正式", 11, 入党日期=""),  # row 12: full member without a date
        roster_row("类别", 12, 类别="群众"),  # row 13
        roster_row("电话", 13, 手机号="12345"),  # row 14
        roster_row("缺证", 14, 身份证号="", 所在组织代码="", 加入日期=""),  # row 15
    ]
    with nothing_written():
        errors = errors_of(secretary_client, tree.b1.pk, csv_bytes(rows))
    found = {(e["row"], e["column"]): e["problem"] for e in errors}
    assert 2 not in {e["row"] for e in errors}
    assert found[(3, "姓名")] == "姓名不能为空"
    assert "性别应为“男”或“女”，而不是“男性”" in found[(3, "性别")]
    assert "校验位错误" in found[(4, "身份证号")]
    assert found[(5, "身份证号")] == "身份证号在文件中重复出现（第 5、6 行）"
    assert found[(6, "身份证号")] == "身份证号在文件中重复出现（第 5、6 行）"
    assert found[(7, "所在组织代码")] == "组织代码“NOPE”不存在"
    assert found[(8, "所在组织代码")] == "组织代码“XB”不存在"  # not confirmed to outsiders
    assert found[(9, "所在组织代码")] == "组织代码“B2”不存在"  # the secretary sees B1 only
    assert "不是有效日期" in found[(10, "入党日期")]
    assert "“昨天”不是有效日期" in found[(10, "加入日期")]
    assert found[(11, "预备期满日期")] == "预备党员须填写预备期满日期"
    assert found[(12, "入党日期")] == "正式党员须填写入党日期"
    assert "而不是“群众”" in found[(13, "类别")]
    assert "手机号应为 11 位" in found[(14, "手机号")]
    assert {(15, "身份证号"), (15, "所在组织代码"), (15, "加入日期")} <= set(found)
    assert [e["row"] for e in errors] == sorted(e["row"] for e in errors)


def test_the_preview_page_shows_the_errors_in_a_table(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    response = upload(secretary_client, tree.b1.pk, csv_bytes([roster_row("张三", 1, 性别="x")]))
    page = secretary_client.get(response["Location"]).content.decode()
    assert "<td>第 2 行</td><td>性别</td>" in page
    assert "确认导入" not in page


def test_an_organization_outside_the_chosen_one_but_visible_is_named(
    general_client: Client, tree: SimpleNamespace
) -> None:
    errors = errors_of(general_client, tree.b1.pk, csv_bytes([roster_row("张三", 1, org="B2")]))
    assert errors == [
        {
            "row": 2,
            "column": "所在组织代码",
            "problem": "组织 B2（学生第一党支部）不在本次导入的组织范围内",
        }
    ]


def test_a_person_registered_in_another_committee_is_not_moved_nor_revealed(
    secretary_client: Client, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    stranger = make_person("外人", tree.xb)
    rows = [roster_row("外人", 1, 身份证号=stranger.id_number)]
    errors = errors_of(secretary_client, tree.b1.pk, csv_bytes(rows))
    assert len(errors) == 1
    assert errors[0]["column"] == "身份证号"
    assert "本次导入范围之外的组织" in errors[0]["problem"]
    assert "另一单位" not in errors[0]["problem"]


def test_an_id_number_typed_as_a_number_in_excel_gets_a_hint(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    rows = [roster_row("张三", 1, 身份证号=110105198501010000.0)]
    errors = errors_of(secretary_client, tree.b1.pk, xlsx_bytes(rows), "花名册.xlsx")
    assert "数字格式" in errors[0]["problem"]


# -- Encodings and formats ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "shown"),
    [("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8（带 BOM）"), ("gb18030", False, "GB18030")],
)
def test_csv_in_each_encoding_reads_the_same(
    secretary_client: Client, tree: SimpleNamespace, encoding: str, bom: bool, shown: str
) -> None:
    rows = [roster_row("张三丰", 1), roster_row("欧阳娜娜", 2, 性别="女")]
    response = upload(secretary_client, tree.b1.pk, csv_bytes(rows, encoding=encoding, bom=bom))
    roster_import = RosterImport.objects.get()
    assert roster_import.status == RosterImport.Status.PENDING, roster_import.errors
    assert roster_import.encoding == shown
    assert [e["name"] for e in roster_import.plan["entries"]] == ["张三丰", "欧阳娜娜"]
    page = secretary_client.get(response["Location"]).content.decode()
    assert "新增 <strong>2</strong> 人" in page


def test_dates_in_every_accepted_shape_and_real_excel_dates(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    rows = [
        roster_row("甲", 1, 入党日期="2010-07-01"),
        roster_row("乙", 2, 入党日期="2010/7/1"),
        roster_row("丙", 3, 入党日期="2010年7月1日"),
        roster_row("丁", 4, 入党日期=dt.datetime(2010, 7, 1)),
        roster_row("戊", 5, 入党日期=dt.date(2010, 7, 1)),
    ]
    upload(secretary_client, tree.b1.pk, xlsx_bytes(rows), "花名册.xlsx")
    roster_import = RosterImport.objects.get()
    assert roster_import.errors == []
    assert {e["fields"]["joined_party"] for e in roster_import.plan["entries"]} == {"2010-07-01"}


def test_a_title_line_above_the_header_and_extra_columns_are_fine(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    data = csv_bytes([[*roster_row("张三", 1), "备注内容"]], headers=[*HEADERS, "备注"])
    data = "教工第一党支部党员花名册\n".encode() + data
    upload(secretary_client, tree.b1.pk, data)
    roster_import = RosterImport.objects.get()
    assert roster_import.errors == []
    assert roster_import.ignored_headers == ["备注"]
    assert roster_import.plan["entries"][0]["row"] == 3  # as Excel numbers it


# -- Preview, apply, re-import ------------------------------------------------------------


def preview_and_apply(client: Client, org_id: int, data: bytes, name: str = "花名册.csv") -> str:
    response = upload(client, org_id, data, name)
    assert response.status_code == 302
    roster_import = RosterImport.objects.latest("pk")
    assert roster_import.status == RosterImport.Status.PENDING, roster_import.errors
    applied = client.post(f"{response['Location']}apply/", follow=True)
    assert applied.status_code == 200
    return applied.content.decode()


def test_preview_writes_nothing_and_apply_writes_everything(
    general_client: Client, tree: SimpleNamespace, general_admin: User
) -> None:
    rows = [
        roster_row("张三", 1),
        roster_row(
            "李四", 2, org="B2", 类别="预备党员", 入党日期="2025-07-01", 预备期满日期="2026-07-01"
        ),
        roster_row("王五", 3, org="G", 类别="入党积极分子", 入党日期="", 手机号=""),
    ]
    with nothing_written():
        response = upload(general_client, tree.g.pk, csv_bytes(rows))
    page = general_client.get(response["Location"]).content.decode()
    assert "新增 <strong>3</strong> 人" in page
    assert "李四" in page

    page = general_client.post(f"{response['Location']}apply/", follow=True).content.decode()
    assert "导入完成：新增 3 人，更新 0 人，转接 0 人，0 人没有变化。" in page
    li = Person.objects.get(name="李四")
    assert li.category == "probationary"
    assert li.probation_ends == dt.date(2026, 7, 1)
    membership = li.memberships.get()
    assert membership.organization == tree.b2
    assert membership.start == dt.date(2020, 1, 1)
    assert membership.start_reason == Membership.StartReason.IMPORT
    assert Person.objects.get(name="王五").phone == ""

    event = AuditEvent.objects.get(action="roster.import")
    assert event.actor == general_admin
    assert event.detail == {"new": 3, "update": 0, "transfer": 0, "unchanged": 0}
    assert AuditEvent.objects.filter(action="person.create").count() == 3
    assert RosterImport.objects.get().status == RosterImport.Status.APPLIED


def test_the_same_file_twice_changes_nothing(general_client: Client, tree: SimpleNamespace) -> None:
    data = csv_bytes([roster_row("张三", 1), roster_row("李四", 2, org="B2")])
    preview_and_apply(general_client, tree.g.pk, data)
    with nothing_written():
        response = upload(general_client, tree.g.pk, data)
    second = RosterImport.objects.latest("pk")
    assert second.plan["counts"] == {"new": 0, "update": 0, "transfer": 0, "unchanged": 2}
    page = general_client.get(response["Location"]).content.decode()
    assert "没有需要导入的变化" in page


def test_a_changed_file_updates_people_instead_of_adding_them(
    general_client: Client, tree: SimpleNamespace
) -> None:
    preview_and_apply(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    changed = csv_bytes([roster_row("张三", 1, 手机号="13711112222", 类别="正式党员", 性别="女")])
    response = upload(general_client, tree.g.pk, changed)
    page = general_client.get(response["Location"]).content.decode()
    assert "更新 <strong>1</strong> 人" in page
    assert "手机号：13900000000 → 13711112222" in page
    assert "性别：男 → 女" in page
    general_client.post(f"{response['Location']}apply/")
    person = Person.objects.get()
    assert (person.phone, person.gender) == ("13711112222", "F")
    event = AuditEvent.objects.get(action="person.update")
    assert event.detail["phone"] == ["13900000000", "13711112222"]


def test_a_new_organization_code_transfers_the_person_on_the_joining_date(
    general_client: Client, tree: SimpleNamespace
) -> None:
    preview_and_apply(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    moved = csv_bytes([roster_row("张三", 1, org="B2", 加入日期="2024/3/15")])
    response = upload(general_client, tree.g.pk, moved)
    page = general_client.get(response["Location"]).content.decode()
    assert "组织关系转接 <strong>1</strong> 人" in page
    assert "教工第一党支部" in page
    general_client.post(f"{response['Location']}apply/")
    person = Person.objects.get()
    old, new = person.memberships.order_by("start")
    assert (old.organization, old.end, old.end_reason) == (
        tree.b1,
        dt.date(2024, 3, 15),
        "transfer",
    )
    assert (new.organization, new.start, new.end) == (tree.b2, dt.date(2024, 3, 15), None)
    assert AuditEvent.objects.filter(action="membership.transfer").count() == 1
    # And the moved file, imported again, changes nothing.
    upload(general_client, tree.g.pk, moved)
    assert RosterImport.objects.latest("pk").plan["counts"]["unchanged"] == 1


def test_a_transfer_dated_before_the_current_membership_is_an_error(
    general_client: Client, tree: SimpleNamespace
) -> None:
    preview_and_apply(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    errors = errors_of(
        general_client,
        tree.g.pk,
        csv_bytes([roster_row("张三", 1, org="B2", 加入日期="2019-01-01")]),
    )
    assert errors[0]["column"] == "加入日期"
    assert "应晚于该日期" in errors[0]["problem"]


def test_a_second_apply_applies_nothing_and_says_so(
    general_client: Client, tree: SimpleNamespace
) -> None:
    response = upload(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    first = general_client.post(f"{response['Location']}apply/", follow=True)
    assert "导入完成" in first.content.decode()
    with nothing_written():
        second = general_client.post(f"{response['Location']}apply/", follow=True)
    assert "没有重复导入" in second.content.decode()
    assert AuditEvent.objects.filter(action="roster.import").count() == 1


def test_apply_checks_again_and_refuses_when_the_database_moved(
    general_client: Client, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    row = roster_row("张三", 1)
    response = upload(general_client, tree.g.pk, csv_bytes([row]))
    # Meanwhile someone else registers the same person in another committee.
    make_person("张三", tree.xb, id_number=row[2])
    with nothing_written():
        page = general_client.post(f"{response['Location']}apply/", follow=True).content.decode()
    assert "文件现在有错误，没有导入" in page
    assert RosterImport.objects.get().status == RosterImport.Status.INVALID


def test_apply_shows_a_fresh_preview_when_the_plan_changed(
    general_client: Client, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    row = roster_row("张三", 1)
    response = upload(general_client, tree.g.pk, csv_bytes([row]))
    make_person("张三", tree.b1, id_number=row[2], phone="13800000000")
    with nothing_written():
        page = general_client.post(f"{response['Location']}apply/", follow=True).content.decode()
    assert "请再次确认" in page
    assert "更新 <strong>1</strong> 人" in page
    general_client.post(f"{response['Location']}apply/")
    assert Person.objects.get().phone == "13900000000"


def test_a_discarded_import_cannot_be_applied(
    general_client: Client, tree: SimpleNamespace
) -> None:
    response = upload(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    general_client.post(f"{response['Location']}discard/")
    with nothing_written():
        page = general_client.post(f"{response['Location']}apply/", follow=True).content.decode()
    assert "已放弃" in page
    assert RosterImport.objects.get().rows == []  # the ID numbers are not kept


def test_an_exported_roster_imports_back_unchanged(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    preview_and_apply(
        secretary_client, tree.b1.pk, csv_bytes([roster_row("=张三", 1), roster_row("李四", 2)])
    )
    for file_format in ("csv", "xlsx"):
        exported = secretary_client.get(f"/orgs/{tree.b1.pk}/roster/export/?format={file_format}")
        upload(secretary_client, tree.b1.pk, exported.content, f"导出.{file_format}")
        roster_import = RosterImport.objects.latest("pk")
        assert roster_import.errors == []
        assert roster_import.plan["counts"]["unchanged"] == 2, roster_import.plan


# -- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["import/", "template/", "template/?format=csv", "export/", "export/?format=csv"]
)
def test_outside_the_subtree_the_roster_pages_do_not_exist(
    outsider: User, tree: SimpleNamespace, path: str
) -> None:
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/orgs/{tree.b1.pk}/roster/{path}").status_code == 404


def test_someone_elses_import_is_404_outside_and_a_scorekeeper_cannot_import(
    general_client: Client, tree: SimpleNamespace, outsider: User, scorekeeper: User
) -> None:
    response = upload(general_client, tree.g.pk, csv_bytes([roster_row("张三", 1)]))
    preview_url = response["Location"]
    for user in (outsider, scorekeeper):
        client = Client()
        client.force_login(user)
        assert client.get(preview_url).status_code == 404
        assert client.post(f"{preview_url}apply/").status_code == 404
        assert client.get(f"/orgs/{tree.b1.pk}/roster/import/").status_code == 404
    # An import reached through another organization's URL does not exist either.
    other = preview_url.replace(f"/orgs/{tree.g.pk}/", f"/orgs/{tree.b1.pk}/")
    assert general_client.get(other).status_code == 404
    assert Person.objects.count() == 0


# -- htmx: the upload swaps in place and shows that work is happening ----------------------


def test_an_htmx_upload_redirects_to_the_preview_or_swaps_the_form_with_its_error(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    page = secretary_client.get(f"/orgs/{tree.b1.pk}/roster/import/").content.decode()
    assert "正在上传并校验" in page
    assert 'hx-indicator="#checking"' in page

    url = f"/orgs/{tree.b1.pk}/roster/import/"
    good = SimpleUploadedFile("a.csv", csv_bytes([roster_row("张三", 1)]))
    response = secretary_client.post(url, {"file": good}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    roster_import = RosterImport.objects.get()
    assert response["HX-Redirect"] == f"/orgs/{tree.b1.pk}/roster/imports/{roster_import.pk}/"

    bad = SimpleUploadedFile("a.csv", b"nonsense")
    response = secretary_client.post(url, {"file": bad}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="upload"')
    assert "找不到表头" in body


def test_a_new_person_with_the_name_of_a_member_is_flagged_in_the_preview(
    secretary_client: Client, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    make_person("张三", tree.b1, id_number="11010519491231002X")
    response = upload(secretary_client, tree.b1.pk, csv_bytes([roster_row("张三", 1)]))
    page = secretary_client.get(response["Location"]).content.decode()
    assert "本组织已有同名人员（身份证号 1101**********002X）" in page
    assert "新增 <strong>1</strong> 人" in page  # a warning only: namesakes exist


def test_an_xlsx_that_unpacks_to_gigabytes_is_refused_before_parsing(
    secretary_client: Client, tree: SimpleNamespace
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 5 * 1024 * 1024
    page = refusal_of(secretary_client, tree.b1.pk, buffer.getvalue(), "bomb.xlsx")
    assert "解压后过大" in page
