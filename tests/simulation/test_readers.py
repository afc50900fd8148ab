"""FACTS and ROSTER files: encodings detected, xlsx read, every bad file named by row and column."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from jifen.simulation.readers import InputError, read_facts, read_prior, read_roster

HEADER = "subject,date,item,value,source,note\n"
ROWS = "张三,2026-03-05,xxqg_login,2,,未登录两天\n李四,2026/4/8,group_study,缺席,自评,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "facts.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    loaded = read_facts(path)
    first, second = loaded.facts
    assert (first.subject, first.date, first.item, first.value, first.note) == (
        "张三",
        date(2026, 3, 5),
        "xxqg_login",
        Decimal(2),
        "未登录两天",
    )
    assert (second.subject, second.value, second.source) == ("李四", "absent", "self")
    assert loaded.rows == {"2": 2, "3": 3}


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_real_dates_and_numbers(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "facts.xlsx",
        [
            ["subject", "date", "item", "value"],
            ["张三", datetime(2026, 3, 5), "xxqg_login", 2],
            ["张三", "2026-03-06", "xxqg_quiz", 12.5],
            [None, None, None, None],
            ["李四", date(2026, 12, 1), "democratic_review", "优秀"],
        ],
    )
    facts = read_facts(path).facts
    assert [f.value for f in facts] == [Decimal(2), Decimal("12.5"), "优秀"]
    assert facts[0].date == date(2026, 3, 5)
    assert read_facts(path).rows["5"] == 5


def test_a_truncated_xlsx_is_refused_clearly(tmp_path: Path) -> None:
    good = _xlsx(
        tmp_path / "good.xlsx", [["subject", "date", "item", "value"], ["a", "2026-01-01", "x", 1]]
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match="不是有效的 xlsx 文件"):
        read_facts(bad)


@pytest.mark.parametrize(
    ("content", "words", "row", "column"),
    [
        (b"", "文件为空", None, None),
        (b"\n\n", "文件为空", None, None),
        (b"subject,date,item\n", "缺少 value", 1, None),
        (b"subject,date,item,value,colour\n", "未知的列名 'colour'", 1, "E"),
        (b"subject,date,item,value\na,2026-13-01,x,1\n", "不是有效的日期", 2, "date（B）"),
        (b"subject,date,item,value\na,yesterday,x,1\n", "不是有效的日期", 2, "date（B）"),
        (b"subject,date,item,value\n,2026-01-01,x,1\n", "subject 为空", 2, "subject（A）"),
        (b"subject,date,item,value\na,2026-01-01,x,\n", "value 为空", 2, "value（D）"),
        (b"subject,date,item,value\na,2026-01-01,,1\n", "item 为空", 2, "item（C）"),
        (b"subject,date,item,value\na,2026-01-01,x,1,extra\n", "多出", 2, "E"),
        (
            b"subject,date,item,value,source\na,2026-01-01,x,1,boss\n",
            "有效的来源",
            2,
            "source（E）",
        ),
        (
            b"subject,date,item,value\n\xff\xfe\xff,2026-01-01,x,1\n",
            "无法识别的文字编码",
            None,
            None,
        ),
    ],
)
def test_bad_files_name_row_column_and_expectation(
    tmp_path: Path, content: bytes, words: str, row: int | None, column: str | None
) -> None:
    path = tmp_path / "facts.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_facts(path)
    error = caught.value
    assert words in str(error)
    assert (error.row, error.column) == (row, column)
    assert str(path) in str(error)


def test_missing_file_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到文件"):
        read_facts(tmp_path / "nope.csv")
    (tmp_path / "facts.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"应为 \.csv 或 \.xlsx"):
        read_facts(tmp_path / "facts.txt")


def test_ids_and_voids_columns(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "subject,date,item,value,id,voids\na,2026-01-01,x,1,k1,\na,2026-01-02,,,k2,k1\n",
        encoding="utf-8",
    )
    facts = read_facts(path).facts
    assert (facts[1].id, facts[1].voids, facts[1].item) == ("k2", "k1", "")


def test_a_roster_with_intervals_categories_and_kinds(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "subject,name,org,kind,parent,category,joined,left\n"
        "a,张三,一支部,,,预备党员,2026-07-20,\n"
        "b,李四,一支部,,,full,2026-01-01,2026-03-31\n"
        "b,李四,一支部,,,full,2026-06-01,\n"
        "g,机电系党总支,,seed000-general,,,,\n",
        encoding="utf-8",
    )
    subjects = {s.id: s for s in read_roster(path, {"seed000-general"})}
    assert subjects["a"].category == "probationary"
    assert subjects["a"].active[0].start == date(2026, 7, 20)
    assert len(subjects["b"].active) == 2
    assert subjects["g"].rulebook == "seed000-general"


def test_a_bad_roster_category(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("subject,category\na,党外人士\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是有效的类别") as caught:
        read_roster(path, set())
    assert (caught.value.row, caught.value.column) == (2, "category（B）")


def test_prior_totals_from_csv_and_from_json(tmp_path: Path) -> None:
    csv_path = tmp_path / "prior.csv"
    csv_path.write_text("subject,year,total\na,2025,58.5\n", encoding="utf-8")
    assert read_prior(csv_path) == {"a": {2025: Decimal("58.5")}}
    json_path = tmp_path / "prior.json"
    json_path.write_text(
        '{"rulebook": "seed003", "year": 2025, "results": [{"subject": "a", "total": "58.50"}]}'
    )
    assert read_prior(json_path) == {"a": {2025: Decimal("58.50")}}
    csv_path.write_text("subject,year,total\na,去年,58.5\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是年份"):
        read_prior(csv_path)


def test_chinese_column_names(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "党员,日期,项目,分值,备注\n张三,2026-03-05,xxqg_login,2,出差\n", encoding="utf-8"
    )
    fact = read_facts(path).facts[0]
    assert (fact.subject, fact.item, fact.value, fact.note) == (
        "张三",
        "xxqg_login",
        Decimal(2),
        "出差",
    )
