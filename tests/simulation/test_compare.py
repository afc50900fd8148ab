"""``jifen rulebook compare A B FACTS``: each side is ``jifen simulate``'s JSON, and the changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jifen.simulation.cli import rulebook_main, simulate_main

FACTS = """subject,date,item,value,source,note
张三,2026-03-05,xxqg_login,2,,
张三,2026-12-20,democratic_review,优秀,,
李四,2026-04-08,dues,1,,
李四,2026-12-20,democratic_review,合格,,
"""
# seed003 with one item's points changed: 年度民主评议 优秀 10 → 8 (合格 stays 7).
STRICTER = """id: stricter
version: 1
extends: seed003
categories:
  review:
    items:
      democratic_review:
        grades: {优秀: 8}
"""


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(FACTS, encoding="utf-8")
    return path


@pytest.fixture
def stricter(tmp_path: Path) -> Path:
    path = tmp_path / "stricter.yaml"
    path.write_text(STRICTER, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], main: object, *argv: str) -> tuple[int, str, str]:
    assert callable(main)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _compare(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return _run(capsys, rulebook_main, "compare", *argv)


def test_each_side_is_simulate_json_and_the_change_is_hand_worked(
    facts: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _compare(capsys, "seed003", str(stricter), str(facts))
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert set(doc) == {"a", "b", "changes"}
    for side, book in (("a", "seed003"), ("b", str(stricter))):
        simulated = _run(capsys, simulate_main, book, str(facts))
        assert simulated[0] == 0, simulated[2]
        assert doc[side] == json.loads(simulated[1])
    assert doc["b"]["rulebook"] == "stricter"
    # 张三 was 优秀: 10 points under seed003, 8 under the draft; 李四 (合格, 7 in both) unchanged.
    assert doc["a"]["results"][0]["total"] == "79.92"
    assert doc["changes"] == [
        {
            "subject": "张三",
            "total_a": "79.92",
            "total_b": "77.92",
            "delta": "-2.00",
            "stars_a": None,
            "stars_b": None,
        }
    ]


def test_the_same_with_a_roster_and_a_year(
    facts: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "subject,name,org,kind,parent,category,joined,left\n"
        "张三,张三,B1,branch,,full,,\n李四,李四,B1,branch,,full,,\n王五,王五,B1,branch,,full,,\n",
        encoding="utf-8",
    )
    argv = [str(facts), "--roster", str(roster), "--year", "2026"]
    code, out, err = _compare(capsys, "seed003", str(stricter), *argv)
    assert code == 0, err
    doc = json.loads(out)
    for side, book in (("a", "seed003"), ("b", str(stricter))):
        simulated = _run(capsys, simulate_main, book, *argv)
        assert doc[side] == json.loads(simulated[1])
    assert {r["subject"] for r in doc["a"]["results"]} == {"张三", "李四", "王五"}
    assert [c["subject"] for c in doc["changes"]] == ["张三"]


def test_identical_rulebooks_give_no_changes(
    facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _compare(capsys, "seed003", "seed003", str(facts))
    assert code == 0
    doc = json.loads(out)
    assert doc["changes"] == []
    assert doc["a"] == doc["b"]
    code, out, _ = _compare(capsys, "seed003", "seed003", str(facts), "--format", "table")
    assert code == 0
    assert "所有对象的总分和星级都相同" in out


def test_table_shows_the_changes(
    facts: Path, stricter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _compare(capsys, "seed003", str(stricter), str(facts), "--format", "table")
    assert (code, err) == (0, "")
    assert "差值" in out
    assert "原总分" in out
    assert "-2.00" in out
    assert "张三" in out
    assert "李四" not in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["seed00x", "seed003", "FACTS"], "seed00x"),
        (["seed003", "missing.yaml", "FACTS"], "missing.yaml"),
        (["seed003", "seed003", "missing.csv"], "missing.csv"),
        (["seed003", "seed003", "FACTS", "--format", "xlsx"], "--output"),
        (["seed00x", "seed003", "FACTS", "--format", "xlsx", "--output", "out.xlsx"], "seed00x"),
        (["seed003", "seed003", "FACTS", "--year", "12"], "--year"),
        (["seed003"], "参数错误"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    argv: list[str],
    says: str,
    facts: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _compare(capsys, *[str(facts) if a == "FACTS" else a for a in argv])
    assert code == 2
    assert out == ""
    assert says in err
    assert "错误" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv"]  # nothing written


def test_facts_the_draft_refuses_name_the_row(
    facts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "id: draft\nversion: 1\nextends: seed003\n"
        "categories:\n  review:\n    items:\n      democratic_review: null\n"
        "      talk:\n        title: 谈话\n        rule: grade\n        grades: {好: 10}\n",
        encoding="utf-8",
    )
    code, out, err = _compare(capsys, "seed003", str(draft), str(facts))
    assert code == 2, err
    assert out == ""
    assert "第 3 行" in err
    assert "democratic_review" in err


def test_xlsx_has_the_changes_as_numbers_and_both_results(
    facts: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "对比.xlsx"
    argv = [str(facts), "--format", "xlsx", "--output", str(path)]
    code, out, err = _compare(capsys, "seed003", str(stricter), *argv)
    assert (code, out, err) == (0, "", "")
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["变化", "A 结果", "B 结果"]
    rows = list(workbook["变化"].iter_rows(values_only=True))
    assert rows[0] == ("对象", "名称", "原总分", "新总分", "差值", "原星级", "新星级")
    assert rows[1][0] == "张三"
    assert [float(v) for v in rows[1][2:5]] == [79.92, 77.92, -2.0]
    assert len(rows) == 2
    totals = {}
    for side in ("A", "B"):
        sheet = list(workbook[f"{side} 结果"].iter_rows(values_only=True))
        column = sheet[0].index("总分")
        totals[side] = {row[0]: float(row[column]) for row in sheet[1:]}
    assert totals == {"A": {"张三": 79.92, "李四": 75.75}, "B": {"张三": 77.92, "李四": 75.75}}


def test_json_to_a_file(
    facts: Path, stricter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "对比.json"
    code, out, _ = _compare(capsys, "seed003", str(stricter), str(facts), "--output", str(path))
    assert (code, out) == (0, "")
    assert json.loads(path.read_text(encoding="utf-8"))["changes"][0]["delta"] == "-2.00"


def test_the_installed_command(facts: Path, stricter: Path) -> None:
    exe = Path(sys.executable).parent / "jifen"
    if not exe.exists():
        pytest.skip("jifen is not installed in this environment")
    done = subprocess.run(
        [str(exe), "rulebook", "compare", "seed003", str(stricter), str(facts)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes"][0]["delta"] == "-2.00"
