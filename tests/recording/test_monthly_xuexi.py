"""学习强国's own monthly export, imported as organizations download it: the worked example of
docs/recording.md (tests/recording/files/), its columns matched by name, its rows by 学习强国号
or by name and phone; xlsx and CSV in UTF-8, UTF-8 with BOM and GB18030."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.recording.models import XuexiAccount
from jifen.recording.monthly import Checked, monthly_apply, monthly_check
from jifen.recording.monthly_columns import XUEXI_COLUMNS, layout_of
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parent / "files" / "学习强国导出示例_2026年3月.csv"


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    phones = {
        "张三": "13812345678",
        "李四": "13912341234",
        "王五": "",  # no phone in the roster: the name alone decides
        "赵磊": "13600002222",
        "钱七": "13500000000",  # not in the export
    }
    people = {name: make_person(name, tree.b1, phone=phone) for name, phone in phones.items()}
    make_person("赵磊", tree.b1, phone="13600003333")  # a namesake, told apart by the phone
    return SimpleNamespace(tree=tree, people=people)


def check(branch: SimpleNamespace, data: bytes) -> Checked:
    return monthly_check(organization=branch.tree.b1, year=2026, month=3, data=data)


def base(person: Person) -> Decimal:
    year = member_year(person, 2026)
    assert year is not None
    return year.result.category("base").periods["M03"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_worked_example_as_docs_recording_md_works_it(
    branch: SimpleNamespace, scorekeeper: User, encoding: str
) -> None:
    data = EXAMPLE.read_text("utf-8").encode(encoding)
    checked = check(branch, data)
    assert checked.problems == []
    assert checked.source == "xuexi"
    assert checked.columns == {"登录天数": "xxqg_login", "每日答题积分": "xxqg_quiz"}
    assert checked.ignored == ["序号", "所属组织", "本月积分", "总积分", "最后学习时间"]
    # 钱七 and the other 赵磊 are not in the export.
    assert [a.person.name for a in checked.absent] == ["钱七", "赵磊"]
    figures = {(f.person.name, f.item): f.value for f in checked.figures}
    # March has 31 days: 登录天数 29 → 2 days not logged in.
    assert figures[("张三", "xxqg_login")] == 2
    assert figures[("李四", "xxqg_login")] == 0
    assert figures[("王五", "xxqg_login")] == 6
    monthly_apply(
        organization=branch.tree.b1,
        checked=checked,
        filename=EXAMPLE.name,
        actor=scorekeeper,
        absent="keep",
    )
    # seed003 by hand: 登录 10 − 0.5 × days not logged in; 每日一题 10 − 0.5 × (15 − points);
    # the other 50 of the month's 70 in full.
    people = branch.people
    assert base(people["张三"]) == Decimal("69")  # 9 + 10 + 50
    assert base(people["李四"]) == Decimal("68.5")  # 10 + 8.5 + 50
    assert base(people["王五"]) == Decimal("64")  # 7 + 7 + 50
    assert base(people["赵磊"]) == Decimal("70")
    assert base(people["钱七"]) == Decimal("70")  # kept: no data
    learned = dict(XuexiAccount.objects.values_list("person__name", "xuexi_id"))
    assert learned == {
        "张三": "80010001",
        "李四": "80010002",
        "王五": "80010003",
        "赵磊": "80010004",
    }
    assert XuexiAccount.objects.get(xuexi_id="80010004").person == people["赵磊"]
    assert AuditEvent.objects.filter(action="xuexi.learn").count() == 1


def test_the_same_export_as_xlsx_with_other_header_words(branch: SimpleNamespace) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["学员姓名", "用户ID", "手机号码", "部门", "本月登录积分", "每日答题（分）"])
    sheet.append(["张三", 80010001, "138****5678", "一支部", 31, 15])
    sheet.append(["李四", 80010002, "139****1234", "一支部", 30, 14])
    buffer = io.BytesIO()
    book.save(buffer)
    checked = check(branch, buffer.getvalue())
    assert checked.problems == []
    assert {(f.person.name, f.item): f.value for f in checked.figures} == {
        ("张三", "xxqg_login"): 0,
        ("张三", "xxqg_quiz"): 15,
        ("李四", "xxqg_login"): 1,
        ("李四", "xxqg_quiz"): 14,
    }
    assert checked.ignored == ["部门"]


def test_a_known_xuexi_id_settles_namesakes_without_a_phone(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    zhao = branch.people["赵磊"]
    XuexiAccount.objects.create(person=zhao, xuexi_id="80010004")
    checked = check(branch, "姓名,学习强国号,登录天数\n赵磊,80010004,30\n".encode())
    assert checked.problems == []
    assert checked.figures[0].person == zhao
    assert checked.learned == {}  # nothing new to remember


def test_rows_that_match_nobody_or_two_say_so(branch: SimpleNamespace) -> None:
    text = (
        "姓名,手机号,登录天数\n"
        "孙八,13800000000,30\n"  # nobody of that name
        "赵磊,,30\n"  # two of that name, no phone to tell them apart
        "张三,13900000000,30\n"  # the name fits, the phone does not
        "李四,139****1234,31.5\n"  # a fraction of a day
        "王五,,32\n"  # more days than March has
    )
    checked = check(branch, text.encode())
    assert [(p.row, p.column, p.message) for p in checked.problems] == [
        (2, "姓名", "2026年3月 教工第一党支部 没有名叫 孙八 的党员"),
        (
            3,
            "姓名",
            "有 2 名党员叫 赵磊，手机号也不能区分。"
            "请在花名册中补上他们的手机号，或改用本系统的模板并填写身份证号",
        ),
        (
            4,
            "姓名",
            "2026年3月 教工第一党支部 名叫 张三 的党员手机号与表中的 13900000000 不符，请核对",
        ),
        (5, "登录天数", "应为整数天数，而不是“31.5”"),
        (6, "登录天数", "3月只有 31 天，不能是 32 天"),
    ]
    assert not Entry.objects.exists()


def test_an_export_for_a_rulebook_without_xuexi_items_says_so(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    make_person("张三", tree.b1)
    checked = monthly_check(
        organization=tree.b1,
        year=2026,
        month=3,
        data="姓名,学习强国号,登录天数\n张三,1,3\n".encode(),
    )
    (problem,) = checked.problems
    assert "积分办法中没有学习强国的项目" in problem.message


def test_every_alias_is_read_as_its_meaning() -> None:
    known = {"登录学习强国": "xxqg_login", "完成每日一题": "xxqg_quiz"}
    for meaning, aliases in XUEXI_COLUMNS.items():
        for alias in aliases:
            headers = {
                "name": [alias, "登录天数"],
                "xuexi_id": ["姓名", alias, "登录天数"],
                "phone": ["姓名", alias, "学习强国号", "登录天数"],
            }.get(meaning, ["姓名", "学习强国号", alias])
            layout = layout_of([headers], known)
            assert not isinstance(layout, str), (alias, layout)
            if meaning in ("login_days", "absent_days", "quiz"):
                assert [c.header for c in layout.items] == [alias]
            else:
                index = {"name": layout.name, "xuexi_id": layout.xuexi_id, "phone": layout.phone}
                assert layout.headers[index[meaning] or 0] == alias


def test_the_page_previews_an_export_before_applying_it(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    url = reverse("recording:monthly", kwargs={"org_id": branch.tree.b1.pk})
    upload = SimpleUploadedFile(EXAMPLE.name, EXAMPLE.read_bytes())
    preview = client.post(url, {"month": "2026-03", "file": upload})["Location"]
    page = client.get(preview).content.decode()
    assert "这是学习强国导出的表格，按列名读取" in page
    assert "<td>登录天数</td><td>登录学习强国</td>" in page
    assert "未使用的列：序号、所属组织、本月积分、总积分、最后学习时间" in page
    assert "<li>钱七</li>" in page
    done = client.post(preview, {"absent": "absence"}, follow=True)
    assert "导入完成：新增 12 项" in done.content.decode()  # 4 in the file, 2 absent; 2 items


def test_an_id_remembered_for_the_wrong_member_is_corrected_by_name_and_phone(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    zhang, li = branch.people["张三"], branch.people["李四"]
    XuexiAccount.objects.create(person=zhang, xuexi_id="80010002")
    XuexiAccount.objects.create(person=li, xuexi_id="80010001")  # the two swapped by mistake
    text = "姓名,学习强国号,手机号,登录天数\n张三,80010001,138****5678,31\n李四,80010002,,30\n"
    checked = check(branch, text.encode())
    assert checked.problems == []
    assert {f.person.name for f in checked.figures} == {"张三", "李四"}
    assert checked.learned == {zhang.pk: "80010001", li.pk: "80010002"}
    monthly_apply(
        organization=branch.tree.b1,
        checked=checked,
        filename="3月.csv",
        actor=scorekeeper,
        absent="keep",
    )
    learned = dict(XuexiAccount.objects.values_list("person__name", "xuexi_id"))
    assert learned == {"张三": "80010001", "李四": "80010002"}
    event = AuditEvent.objects.get(action="xuexi.learn")
    assert event.detail["accounts"] == {str(zhang.pk): "80010001", str(li.pk): "80010002"}
