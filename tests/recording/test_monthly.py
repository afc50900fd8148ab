"""学习强国 monthly figures from real files: xlsx, CSV in UTF-8, UTF-8 with BOM and GB18030."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.orgs.services import membership_transfer
from jifen.recording.monthly import monthly_apply, monthly_check
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = {name: make_person(name, tree.b1) for name in ("张三", "李四")}
    return SimpleNamespace(tree=tree, people=people)


def csv_file(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


GOOD = "姓名,登录学习强国,完成每日一题\n张三,2,15\n李四,,12\n"


def check(branch: SimpleNamespace, data: bytes, month: int = 3) -> object:
    return monthly_check(organization=branch.tree.b1, year=2026, month=month, data=data)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_figures_become_entries_and_scores(
    branch: SimpleNamespace, scorekeeper: User, encoding: str
) -> None:
    checked = check(branch, csv_file(GOOD, encoding))
    assert checked.problems == []  # type: ignore[attr-defined]
    applied = monthly_apply(
        organization=branch.tree.b1,
        checked=checked,
        filename="3月.csv",
        actor=scorekeeper,  # type: ignore[arg-type]
    )
    assert (applied.new, applied.changed, applied.unchanged) == (3, 0, 0)
    zhang = member_year(branch.people["张三"], 2026)
    li = member_year(branch.people["李四"], 2026)
    assert zhang is not None
    assert li is not None
    assert zhang.result.category("base").periods["M03"] == 69  # 2 days × 0.5
    assert li.result.category("base").periods["M03"] == Decimal("68.5")  # quiz 3 short × 0.5


def test_the_same_file_again_changes_nothing_and_a_changed_figure_is_a_correction(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    first = check(branch, csv_file(GOOD))
    monthly_apply(organization=branch.tree.b1, checked=first, filename="a.csv", actor=scorekeeper)  # type: ignore[arg-type]
    again = monthly_apply(
        organization=branch.tree.b1,
        checked=check(branch, csv_file(GOOD)),
        filename="a.csv",  # type: ignore[arg-type]
        actor=scorekeeper,
    )
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3)
    assert Entry.objects.count() == 3
    fixed = check(branch, csv_file("姓名,登录学习强国\n张三,1\n"))
    changed = monthly_apply(
        organization=branch.tree.b1, checked=fixed, filename="b.csv", actor=scorekeeper
    )  # type: ignore[arg-type]
    assert (changed.new, changed.changed) == (0, 1)
    correction = Entry.objects.order_by("-seq").first()
    assert correction is not None
    assert (correction.correction, correction.value, correction.reason) == (
        "replace",
        "1",
        "重新导入 b.csv",
    )


def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(
    branch: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    make_person("张三", branch.tree.b2)  # a namesake in another branch of the same general branch
    text = "姓名,登录学习强国,完成每日一题\n王五,1,15\n李四,两天,15\n李四,0,15\n,1,1\n张三,-1,15\n"
    checked = check(branch, csv_file(text))
    found = [(p.row, p.column, p.message) for p in checked.problems]  # type: ignore[attr-defined]
    assert found[0] == (2, "姓名", "2026年3月 教工第一党支部 没有名叫 王五 的党员")
    assert found[1] == (3, "登录学习强国", "应为数字，而不是“两天”")
    assert found[2] == (4, "姓名", "李四 在文件中出现了不止一次")
    assert found[3] == (5, "姓名", "姓名不能为空")
    assert found[4][:2] == (6, "登录学习强国")  # a negative shortfall, refused by the rulebook
    assert len(found) == 5
    assert Entry.objects.count() == 0


def test_namesakes_need_an_id_number(
    branch: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    other = make_person("张三", branch.tree.b1)
    checked = check(branch, csv_file("姓名,登录学习强国\n张三,1\n"))
    (problem,) = checked.problems  # type: ignore[attr-defined]
    assert "有 2 名党员叫 张三" in problem.message
    checked = check(branch, csv_file(f"姓名,身份证号,登录学习强国\n张三,{other.id_number},1\n"))
    assert checked.problems == []  # type: ignore[attr-defined]
    assert checked.figures[0].person == other  # type: ignore[attr-defined]


def test_a_member_who_left_mid_month_is_dated_inside_their_time(
    branch: SimpleNamespace,
) -> None:
    li = branch.people["李四"]
    membership_transfer(person=li, to=branch.tree.xb, on=dt.date(2026, 3, 16))
    checked = check(branch, csv_file("姓名,登录学习强国\n李四,1\n"))
    assert checked.figures[0].date == dt.date(2026, 3, 15)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件是空的"),
        (b"PK\x03\x04broken", "文件已损坏"),
        (csv_file("名字,分数\n张三,1\n"), "找不到表头"),
        (csv_file("姓名,体重\n张三,1\n"), "不认识的列：体重"),
    ],
)
def test_unreadable_files_say_why(branch: SimpleNamespace, data: bytes, message: str) -> None:
    (problem,) = check(branch, data).problems  # type: ignore[attr-defined]
    assert message in problem.message


def test_the_page_imports_an_xlsx_and_its_template_lists_the_members(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    template = client.get(
        reverse("recording:monthly_template", kwargs={"org_id": branch.tree.b1.pk})
        + "?month=2026-03"
    )
    sheet = load_workbook(io.BytesIO(template.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["姓名", "身份证号"]
    assert {r[0] for r in rows[1:]} == {"张三", "李四"}

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "登录学习强国"])
    sheet.append(["张三", 3])
    sheet.append(["李四", 0])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "三月.xlsx"
    url = reverse("recording:monthly", kwargs={"org_id": branch.tree.b1.pk})
    response = client.post(url, {"month": "2026-03", "file": upload}, follow=True)
    assert "导入完成：新增 2 项" in response.content.decode()
    bad = io.BytesIO(b"\xd0\xcf\x11\xe0old excel")
    bad.name = "old.xls"
    refused = client.post(url, {"month": "2026-03", "file": bad})
    assert refused.status_code == 400
    assert "旧版 Excel" in refused.content.decode()
    assert Entry.objects.count() == 2


def test_a_file_longer_than_a_request_may_take_is_refused_whole(branch: SimpleNamespace) -> None:
    """More than 20,000 rows would take the page past a few seconds just to read and check
    (bench/bench_bulk_recording.py; the worker applies what is over JOB_ROWS): refused with
    the way out (split it), nothing read further, nothing written."""
    data = csv_file("姓名,登录学习强国\n" + "张三,1\n" * 20_050)
    checked = check(branch, data)
    assert [str(p) for p in checked.problems] == [  # type: ignore[attr-defined]
        "数据超过 20000 行。请把月度数据分成几个文件，分批导入。"
    ]
    assert not Entry.objects.exists()
