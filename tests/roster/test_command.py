"""``jifen roster_import``: the same checks and services from a shell."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Membership, Person
from tests.roster.conftest import csv_bytes, roster_row

pytestmark = pytest.mark.django_db


def test_it_previews_then_applies(
    tmp_path: Path, secretary: User, tree: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(
        csv_bytes([roster_row("张三", 1), roster_row("李四", 2)], encoding="gb18030")
    )
    call_command("roster_import", str(roster), org="B1", user="shuji")
    assert "预览（未写入）：新增 2 人" in capsys.readouterr().out
    assert Person.objects.count() == 0
    call_command("roster_import", str(roster), org="B1", user="shuji", apply=True)
    assert "导入完成：新增 2 人" in capsys.readouterr().out
    assert Person.objects.count() == 2


def test_it_lists_the_errors_and_writes_nothing(
    tmp_path: Path, secretary: User, tree: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes([roster_row("张三", 1, 性别="?")]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("roster_import", str(roster), org="B1", user="shuji", apply=True)
    assert "第 2 行 · 性别 · " in capsys.readouterr().out
    assert Person.objects.count() == 0


def test_it_goes_through_the_door(tmp_path: Path, scorekeeper: User, tree: SimpleNamespace) -> None:
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes([roster_row("张三", 1)]))
    with pytest.raises(CommandError, match="不能在 B1 导入花名册"):
        call_command("roster_import", str(roster), org="B1", user="jifenyuan", apply=True)


@pytest.mark.slow
def test_a_long_file_goes_through_the_command_in_one_import(
    tmp_path: Path, general_admin: User, tree: SimpleNamespace, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command, which no request waits on, takes a long file in one import (the page takes
    as many rows, through `jifen worker`)."""
    from tests.roster.test_large import big_rows

    rows = big_rows(rows=20_000)
    rows.append(roster_row("多出的一人", 99_999, org="B2"))
    roster = tmp_path / "花名册.csv"
    roster.write_bytes(csv_bytes(rows))
    call_command("roster_import", str(roster), org="G", user="zongzhi", apply=True)
    assert "导入完成：新增 20001 人" in capsys.readouterr().out
    assert Person.objects.count() == 20_001
    assert Membership.objects.filter(end__isnull=True).count() == 20_001
    assert AuditEvent.objects.filter(action="person.create").count() == 20_001
