"""``jifen scores rebuild`` and ``jifen scores verify``."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jifen.cli import main
from jifen.ledger.models import StoredYear
from jifen.ledger.stored import stored_branch_year
from tests.clock import Clock
from tests.ledger.stored_helpers import assert_stored_equals_recompute
from tests.reports.conftest import YEAR, add

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_stores_every_member_then_verify_agrees(
    branch: SimpleNamespace,
    clock: Clock,
) -> None:
    clock.set(
        dt.date(YEAR + 1, 3, 2)
    )  # the year is closed: the whole year and its four quarter ends
    out, err = run("scores_rebuild", "--org", "C", "--year", str(YEAR))
    assert "已重新计算 2025 年 6 名党员的积分" in out
    assert "教工第一党支部：5 人" in err
    assert "学生第一党支部：1 人" in err
    assert "2/2" in err
    assert StoredYear.objects.filter(year=YEAR).count() == 6 * 4
    out, _err = run("scores_verify", "--org", "C", "--year", str(YEAR))
    assert "核对 24 条" in out
    assert "另有 0 条已过时" in out
    assert_stored_equals_recompute(branch.tree.c, YEAR, [None])


def test_verify_finds_a_tampered_row_and_names_it(branch: SimpleNamespace, clock: Clock) -> None:
    clock.set(dt.date(YEAR + 1, 3, 2))
    run("scores_rebuild", "--year", str(YEAR))
    StoredYear.objects.filter(person=branch.jia, reached=12).update(total=Decimal("99.00"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="不一致") as failed:
        call_command("scores_verify", "--year", str(YEAR), stdout=io.StringIO(), stderr=err)
    assert failed.value.returncode == 1
    assert "甲" in err.getvalue()
    assert "存储的 total 为 99.00，由台账重新计算为 82.92" in err.getvalue()
    # A later fact moves the tag: the tampered row is outdated, no longer compared.
    add(branch.b1, branch.jia, dt.date(YEAR, 7, 1), "volunteer", 1)
    out, _err = run("scores_verify", "--year", str(YEAR))
    assert "另有 4 条已过时" in out
    stored_branch_year(branch.b1, YEAR)  # a read recomputes 甲's rows
    out, _err = run("scores_verify", "--year", str(YEAR))
    assert "另有 3 条已过时" in out  # the quarter ends nobody asked for yet stay outdated


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "NOPE"), "没有组织代码为 NOPE 的组织"),
        (("--year", "26"), "年度 26 不对"),
    ],
)
@pytest.mark.parametrize("name", ["scores_rebuild", "scores_verify"])
def test_bad_input_exits_2(
    branch: SimpleNamespace,
    name: str,
    args: tuple[str, str],
    message: str,
) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        run(name, *args)
    assert refused.value.returncode == 2
    assert not StoredYear.objects.exists()


def test_the_jifen_command_maps_scores_verify(
    branch: SimpleNamespace,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scores", "verify", "--year", str(YEAR)]) == 0
    assert "核对 0 条" in capsys.readouterr().out
