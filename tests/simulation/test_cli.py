"""``jifen simulate`` and ``jifen rulebook``: exit codes, messages, and the three formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jifen.simulation.cli import rulebook_main, simulate_main

ROOT = Path(__file__).resolve().parents[2]
FACTS = """subject,date,item,value,source,note
张三,2026-03-05,xxqg_login,2,,
张三,2026-12-20,democratic_review,优秀,,
李四,2026-04-08,dues,1,,=HYPERLINK("http://x")
李四,2026-12-20,democratic_review,合格,,
"""


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text(FACTS, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = simulate_main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_is_rulebooks_md_section_6(
    facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "seed003", str(facts))
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert (doc["rulebook"], doc["year"]) == ("seed003", 2026)
    zhang = doc["results"][0]
    assert zhang == {
        "subject": "张三",
        "total": "79.92",
        "categories": {"base": "69.92", "featured": "0.00", "review": "10.00"},
        "vetoed": False,
        "incomplete": False,
        "stars": None,
        "bands": ["学习培训激励"],
        "warnings": [],
        "rank": 1,
    }


def test_organization_results_add_index_rounds_self_and_committee(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "subject,date,item,value,source\n支部,2026-12-01,committee,4,\n支部,2026-06-01,committee,3,self\n"
    )
    code, out, err = _run(capsys, "seed002", str(path))
    assert code == 0, err
    result = json.loads(out)["results"][0]
    assert result["rounds"] == {"Y": result["total"]}
    assert result["index"] is None
    assert (result["self"], result["committee"]) == ("1.50", "4.00")  # self: mean(H1 3, H2 0)
    assert result["total"] == "3.25"  # team 0.3 × 1.5 + 0.7 × 4
    assert result["incomplete"] is True


def test_table_format(facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "seed003", str(facts), "--format", "table")
    assert code == 0
    assert "张三" in out
    assert "79.92" in out
    assert "基础分" in out


def test_xlsx_format_with_explanations_and_no_formulas(
    facts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.xlsx"
    code, _, err = _run(capsys, "seed003", str(facts), "--format", "xlsx", "--output", str(target))
    assert code == 0, err
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["结果", "说明"]
    results = list(workbook["结果"].iter_rows(values_only=True))
    assert results[0][0] == "对象"
    assert results[1][0] == "张三"
    cells = [c for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(isinstance(c, str) and "差 2 天 × 0.5" in c for c in cells)


def test_xlsx_needs_an_output(facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "seed003", str(facts), "--format", "xlsx")
    assert code == 2
    assert "--output" in err


def test_output_to_a_file(facts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    code, out, _ = _run(capsys, "seed003", str(facts), "--output", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["year"] == 2026


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "subject,date,item,value\na,2026-03-05,nope,1\n",
            "第 2 行 item（C） 列: 规则 seed003 中没有项目代码 'nope'",
        ),
        ("subject,date,item,value\na,2026-03-05,xxqg_login,abc\n", "第 2 行 value（D） 列"),
        ("subject,date,item,value\na,2026-02-30,xxqg_login,1\n", "第 2 行 date（B） 列"),
        (
            "subject,date,item,value\na,2025-12-05,xxqg_login,1\na,2026-01-05,xxqg_login,1\n",
            "跨越多个年度",
        ),
        ("subject,date,item,value\n", "没有任何记录"),
        ("subject,date,item\n", "缺少 value"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "seed003", str(path))
    assert code == 2
    assert words in err, err
    assert "Traceback" not in err
    assert out == ""


def test_year_picks_the_year_when_facts_span_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "facts.csv"
    path.write_text(
        "subject,date,item,value\na,2025-12-05,xxqg_login,1\na,2026-01-05,xxqg_login,1\n"
    )
    code, out, _ = _run(capsys, "seed003", str(path), "--year", "2025")
    assert code == 0
    assert json.loads(out)["year"] == 2025


def test_bad_arguments_and_bad_rulebooks_exit_2(
    facts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "seed003")[0] == 2
    assert _run(capsys, "seed003", str(facts), "--format", "pdf")[0] == 2
    code, _, err = _run(capsys, "seed999", str(facts))
    assert code == 2
    assert "找不到规则" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nkind: member\ntotal: 100\ncategories: {}\n", encoding="utf-8")
    code, _, err = _run(capsys, str(bad), str(facts))
    assert code == 2
    assert "bad.yaml" in err


def test_a_roster_subject_missing_from_the_facts(
    tmp_path: Path, facts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("subject,name,org\n张三,张三,一支部\n", encoding="utf-8")
    code, _, err = _run(capsys, "seed003", str(facts), "--roster", str(roster))
    assert code == 2
    assert "第 4 行" in err
    assert "名单中没有 '李四'" in err


def test_consecutive_flag_with_prior(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "subject,date,item,value\na,2026-12-20,democratic_review,不合格\n", encoding="utf-8"
    )
    for month in range(1, 13):
        with facts.open("a", encoding="utf-8") as stream:
            stream.write(f"a,2026-{month:02d}-10,misconduct,2\n")
    prior = tmp_path / "prior.csv"
    prior.write_text("subject,year,total\na,2025,40\n", encoding="utf-8")
    code, out, err = _run(capsys, "seed003", str(facts), "--prior", str(prior))
    assert code == 0, err
    result = json.loads(out)["results"][0]
    assert result["total"] == "50.00"
    assert "按党章和有关规定慎重处置" in result["bands"]
    assert result["warnings"] == ["red"]


def test_rulebook_check_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rulebook_main(["show", "seed003"]) == 0
    out, _ = capsys.readouterr()
    assert "xxqg_login" in out
    assert "登录学习强国" in out
    good = tmp_path / "mine.yaml"
    good.write_text(
        "id: mine\nextends: seed001\nstars:\n  levels:\n    4: {min: 85}\n", encoding="utf-8"
    )
    assert rulebook_main(["check", str(good)]) == 0
    assert "检查通过" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: mine\nextends: seed001\nstars:\n  levels:\n    4: {min: 95}\n", encoding="utf-8"
    )
    assert rulebook_main(["check", str(bad)]) == 2
    assert "4 星的门槛 95 高于 5 星的 90" in capsys.readouterr().err
    assert rulebook_main([]) == 2
    assert rulebook_main(["list"]) == 0
    assert "seed000-general" in capsys.readouterr().out


def _jifen() -> list[str]:
    exe = Path(sys.executable).parent / "jifen"
    if exe.exists():
        return [str(exe)]
    code = (
        "import sys; from jifen.simulation.cli import simulate_main; "
        "sys.exit(simulate_main(sys.argv[2:]))"
    )
    return [sys.executable, "-c", code, "simulate"]


def test_the_installed_command(facts: Path) -> None:
    done = subprocess.run(
        [*_jifen(), "simulate", "seed003", str(facts)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][1]["subject"] == "李四"
    bad = subprocess.run(
        [*_jifen(), "simulate", "seed003", str(ROOT / "nope.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "找不到文件" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_general_branch_file_shows_its_branches_on_their_own_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "subject,date,item,value\n"
        "G,2026-06-25,meeting_system,好\n"
        "B,2026-06-25,political_lead,3\n"
        "B,2026-12-25,political_lead,2.5\n",
        encoding="utf-8",
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("subject,name,parent\nG,党总支,\nB,党支部,G\n", encoding="utf-8")
    target = tmp_path / "out.xlsx"
    argv = ["seed000-general", str(facts), "--roster", str(roster)]
    assert simulate_main([*argv, "--format", "xlsx", "--output", str(target)]) == 0
    assert load_workbook(target).sheetnames == ["结果", "结果-seed000-branch", "说明"]
    assert simulate_main(argv) == 0
    results = {r["subject"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["B"]["rulebook"] == "seed000-branch"
    assert results["B"]["rounds"] == {"H1": "3.00", "H2": "2.50"}
    assert results["G"]["rounds"]["H1"] == "7.40"  # 好 5 + 0.8 × 3
    assert results["G"]["incomplete"] is True
