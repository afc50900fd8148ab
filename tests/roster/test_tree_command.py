"""``jifen orgs import FILE --under CODE --user USER [--apply]``: the tree import from a shell,
through the same checks and services, and its exit 2 for bad input with nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from jifen.audit.models import AuditEvent
from jifen.cli import USAGE_EXTRA
from jifen.orgs.models import Organization
from jifen.roster.tree_reading import TREE_HEADERS
from tests.clock import Clock
from tests.roster.conftest import csv_bytes, xlsx_bytes
from tests.roster.test_tree_import import TREE

pytestmark = pytest.mark.django_db


def jifen(*args: str) -> int:
    """``jifen orgs import …`` in this process (the test's database): 0, or the exit status
    of its refusal, whose message goes to stderr as ``jifen`` prints it."""
    assert args[:2] == ("orgs", "import")
    try:
        call_command("import_orgs", *args[2:])
    except CommandError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0


@pytest.fixture
def tree_file(tmp_path: Path) -> Path:
    path = tmp_path / "组织.csv"
    path.write_bytes(csv_bytes(TREE, headers=TREE_HEADERS, encoding="gb18030"))
    return path


def codes() -> set[str]:
    return set(Organization.objects.values_list("code", flat=True))


def test_without_apply_it_prints_the_plan_and_writes_nothing(
    committee_admin: User,
    tree: SimpleNamespace,
    tree_file: Path,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = codes()
    events = AuditEvent.objects.count()
    assert jifen("orgs", "import", str(tree_file), "--under", "C", "--user", "admin") == 0
    out = capsys.readouterr().out
    assert "第 3 行  TG  新成立党总支  党总支  上级 C  成立 2019-01-01" in out
    assert "第 4 行  T0101  第一党小组  党小组  上级 T01  成立 2021-03-01" in out
    assert "将在 测试学院党委 下新建 4 个组织" in out
    assert codes() == before
    assert AuditEvent.objects.count() == events


def test_with_apply_it_creates_the_tree_and_audits_it(
    committee_admin: User,
    tree: SimpleNamespace,
    tmp_path: Path,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "组织.xlsx"
    path.write_bytes(xlsx_bytes(TREE, headers=TREE_HEADERS))
    args = ("orgs", "import", str(path), "--under", "C", "--user", "admin", "--apply")
    assert jifen(*args) == 0
    assert "已在 测试学院党委 下新建 4 个组织" in capsys.readouterr().out
    group = Organization.objects.get(code="T0101")
    assert group.parent.code == "T01"
    assert group.parent.parent.code == "TG"
    event = AuditEvent.objects.get(action="orgs.import")
    assert event.actor == committee_admin
    assert event.detail["created"] == 4
    assert event.path == "jifen orgs import"
    # Again: every code is now taken, so the second run is refused, row by row.
    assert jifen(*args) == 2
    assert "第 2 行 组织代码：组织代码 T01 已被使用" in capsys.readouterr().err


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    before = codes()
    events = AuditEvent.objects.filter(action__startswith="orgs.").count()
    assert jifen("orgs", "import", *args) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert codes() == before
    assert AuditEvent.objects.filter(action__startswith="orgs.").count() == events
    return captured.err


@pytest.mark.parametrize("apply", [[], ["--apply"]])
def test_bad_input_exits_2_with_a_chinese_message_and_writes_nothing(
    committee_admin: User,
    secretary: User,
    tree: SimpleNamespace,
    tree_file: Path,
    tmp_path: Path,
    clock: Clock,
    capsys: pytest.CaptureFixture[str],
    apply: list[str],
) -> None:
    file = str(tree_file)
    assert "没有用户名为 nobody 的用户" in refused(
        capsys, file, "--under", "C", "--user", "nobody", *apply
    )
    assert "用户 admin 不能在组织 NOPE 下新建组织" in refused(
        capsys, file, "--under", "NOPE", "--user", "admin", *apply
    )
    assert "用户 admin 不能在组织 X 下新建组织" in refused(
        capsys, file, "--under", "X", "--user", "admin", *apply
    )
    assert "用户 shuji 不能在组织 B1 下新建组织" in refused(
        capsys, file, "--under", "B1", "--user", "shuji", *apply
    )
    assert "无法读取" in refused(
        capsys, str(tmp_path / "missing.csv"), "--under", "C", "--user", "admin", *apply
    )
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert "坏.xlsx：文件已损坏" in refused(
        capsys, str(broken), "--under", "C", "--user", "admin", *apply
    )
    bad = tmp_path / "错.csv"
    rows = [list(row) for row in TREE]
    rows[1][2] = "团支部"
    rows[2][4] = "2020-02-30"
    bad.write_bytes(csv_bytes(rows, headers=TREE_HEADERS, bom=True))
    err = refused(capsys, str(bad), "--under", "C", "--user", "admin", *apply)
    assert "文件有 2 处错误，没有写入任何数据" in err
    assert "第 3 行 类别：类别应为 党委、党总支、党支部、党小组 之一，而不是“团支部”" in err
    assert "第 4 行 成立日期：“2020-02-30”不是有效日期" in err


def test_jifen_orgs_import_is_the_command_and_exits_2_without_a_traceback(tmp_path: Path) -> None:
    # Its own process, as a deployment runs it; the file is refused before any database is
    # opened, so the process touches none.
    path = tmp_path / "组织.csv"
    path.write_bytes("组织代码,名称,类别\nT1,甲,党支部\n".encode())
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jifen.cli",
            "orgs",
            "import",
            str(path),
            "--under",
            "C",
            "--user",
            "admin",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "组织.csv：表头缺少以下列：上级组织代码、成立日期" in done.stderr
    assert "Traceback" not in done.stderr
    assert "jifen orgs import FILE --under CODE --user USER [--apply]" in USAGE_EXTRA
