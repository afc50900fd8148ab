"""Democratic-review grades: facts of seed003's ``democratic_review`` (优秀 10, 合格 7, 基本合格 5,
不合格 0), entered in bulk or from a sheet; a different grade is a correction, the same grade
writes nothing; any bad row and nothing is written."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.ledger.models import Entry, Origin
from jifen.ledger.scores import branch_year
from jifen.orgs.models import Person
from jifen.ratings.grades import grade_item_for, grades_enter, grades_read
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed003(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    tree.zhang = make_person("张三", tree.b1)
    tree.li = make_person("李四", tree.b1)
    tree.wang = make_person("王五", tree.b2)
    return tree


def totals(tree: SimpleNamespace) -> dict[str, Decimal]:
    year = branch_year(tree.g, 2026)
    assert year is not None
    return {p.name: year.results[p.pk].total for p in year.people}


def test_bulk_grades_are_review_facts_in_each_members_branch(
    seed003: SimpleNamespace, secretary: User
) -> None:
    done = grades_enter(
        organization=seed003.g,
        year=2026,
        grades={seed003.zhang.pk: "优秀", seed003.li.pk: "", seed003.wang.pk: "基本合格"},
        actor=secretary,
    )
    assert (done.written, done.corrected, done.unchanged) == (2, 0, 0)
    # 70 base + 0 featured + review: 优秀 10, 基本合格 5; 李四 has no grade yet.
    assert totals(seed003) == {"张三": Decimal(80), "李四": Decimal(70), "王五": Decimal(75)}
    wang = Entry.objects.get(person=seed003.wang)
    assert (wang.organization, wang.origin, wang.item, wang.date.isoformat()) == (
        seed003.b2,
        Origin.REVIEW,
        "democratic_review",
        "2026-12-31",
    )


def test_a_different_grade_is_a_correction_and_the_same_writes_nothing(
    seed003: SimpleNamespace, secretary: User
) -> None:
    grades_enter(
        organization=seed003.b1, year=2026, grades={seed003.zhang.pk: "合格"}, actor=secretary
    )
    again = grades_enter(
        organization=seed003.b1, year=2026, grades={seed003.zhang.pk: "合格"}, actor=secretary
    )
    assert (again.written, again.corrected, again.unchanged) == (0, 0, 1)
    with pytest.raises(ValidationError, match="请写明更正原因"):
        grades_enter(
            organization=seed003.b1, year=2026, grades={seed003.zhang.pk: "优秀"}, actor=secretary
        )
    grades_enter(
        organization=seed003.b1,
        year=2026,
        grades={seed003.zhang.pk: "优秀"},
        reason="评议票数统计有误",
        actor=secretary,
    )
    first, correction = Entry.objects.filter(person=seed003.zhang).order_by("seq")
    assert correction.corrects == first
    assert correction.value == "优秀"
    assert totals(seed003)["张三"] == Decimal(80)


def test_a_bad_grade_refuses_the_whole_batch(seed003: SimpleNamespace, secretary: User) -> None:
    with pytest.raises(ValidationError, match="没有“良好”这个等次"):
        grades_enter(
            organization=seed003.b1,
            year=2026,
            grades={seed003.zhang.pk: "优秀", seed003.li.pk: "良好"},
            actor=secretary,
        )
    assert not Entry.objects.exists()


def test_a_rulebook_without_a_grade_item_takes_no_grades(
    tree: SimpleNamespace, make_person: Callable[..., Person], secretary: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    zhang = make_person("张三", tree.b1)
    assert grade_item_for(tree.b1, 2026) is None
    with pytest.raises(ValidationError, match="没有民主评议项目"):
        grades_enter(organization=tree.b1, year=2026, grades={zhang.pk: "优秀"}, actor=secretary)


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_sheet_is_read_row_by_row(seed003: SimpleNamespace) -> None:
    data = _xlsx(
        [
            ["2026年度民主评议结果"],
            ["姓名", "评议等次"],
            ["张三", "优秀"],
            ["李四", "良好"],
            ["赵六", "合格"],
            ["张三", "合格"],
        ]
    )
    checked = grades_read(organization=seed003.b1, year=2026, data=data)
    assert checked.problems == [
        "第 4 行“评议等次”列：“良好”不是评议等次，应为 优秀、合格、基本合格、不合格",
        "第 5 行“姓名”列：教工第一党支部 2026 年没有名叫 赵六 的党员",
        "第 6 行：张三 与第 3 行重复",
    ]
    good = grades_read(
        organization=seed003.b1,
        year=2026,
        data="姓名,评议等次\r\n张三,优秀\r\n李四,不合格\r\n".encode("gb18030"),
    )
    assert good.problems == []
    assert good.grades == {seed003.zhang.pk: "优秀", seed003.li.pk: "不合格"}


def test_members_of_a_branch_with_its_own_rulebook_are_not_graded_from_above(
    seed003: SimpleNamespace, secretary: User, committee_admin: User
) -> None:
    adoption_set(organization=seed003.b2, year=2026, rulebook="seed001")  # 王五's branch
    with pytest.raises(ValidationError, match="不在 测试学院党委 2026 年按本办法评议的党员名单中"):
        grades_enter(
            organization=seed003.c,
            year=2026,
            grades={seed003.zhang.pk: "优秀", seed003.wang.pk: "优秀"},
            actor=committee_admin,
        )
    assert not Entry.objects.exists()
