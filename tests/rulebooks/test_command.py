"""`jifen rulebook adopt ORG_CODE YEAR RULEBOOK --user USER` (the `adopt_rulebook` command)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from jifen import cli
from jifen.audit.models import AuditEvent
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import builtin_text


def adopt(*args: str) -> str:
    out = StringIO()
    call_command("adopt_rulebook", *args, stdout=out)
    return out.getvalue()


def test_the_command_adopts_and_names_the_user_in_the_audit(
    tree: SimpleNamespace, committee_admin: User
) -> None:
    said = adopt("C", "2026", "seed003", "--user", "admin")
    assert "2026 年已采用 seed003" in said
    adoption = Adoption.objects.get()
    assert (adoption.organization, adoption.year, adoption.adopted_by) == (
        tree.c,
        2026,
        committee_admin,
    )
    assert AuditEvent.objects.get(action="rulebook.adopt").actor_name == "admin"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("NOPE", "2026", "seed003", "--user", "admin"), "没有组织代码为 NOPE 的组织"),
        (("C", "2026", "nosuch", "--user", "admin"), "没有内置积分办法 nosuch"),
        (("C", "2026", "seed003", "--user", "ghost"), "没有用户名为 ghost 的用户"),
        (("C", "二〇二六", "seed003", "--user", "admin"), "年度 二〇二六 不对"),
        (("C", "2026", "missing.yaml", "--user", "admin"), "无法读取 missing.yaml"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_message_and_adopts_nothing(
    committee_admin: User, args: tuple[str, ...], says: str
) -> None:
    with pytest.raises(CommandError) as raised:
        adopt(*args)
    assert raised.value.returncode == 2
    assert says in str(raised.value)
    assert not Adoption.objects.exists()


def test_adopting_twice_exits_2(committee_admin: User) -> None:
    adopt("C", "2026", "seed003", "--user", "admin")
    with pytest.raises(CommandError, match="已采用了 2026 年的积分办法") as raised:
        adopt("C", "2026", "seed001", "--user", "admin")
    assert raised.value.returncode == 2
    assert Adoption.objects.get().rulebook_id == "seed003"


def test_a_yaml_file_is_adopted_as_written(
    tree: SimpleNamespace, committee_admin: User, tmp_path: Path
) -> None:
    text = builtin_text("seed003").replace("title: 登录学习强国", "title: 登录学习强国平台")
    path = tmp_path / "ours.yaml"
    path.write_text(text, encoding="utf-8")
    adopt("G", "2026", str(path), "--user", "admin")
    assert "登录学习强国平台" in Adoption.objects.get(organization=tree.g).yaml_text


def test_jifen_rulebook_adopt_reaches_the_command_and_exits_2_without_a_traceback(
    committee_admin: User, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["rulebook", "adopt", "NOPE", "2026", "seed003", "--user", "admin"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "没有组织代码为 NOPE 的组织" in err
    assert "Traceback" not in err
