"""`jifen facts export ORG_CODE YEAR --output FILE --roster ROSTER` (the `export_facts` command):
what it writes, `jifen simulate` scores exactly as the ledger does."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jifen.ledger.models import Origin
from jifen.ledger.scores import branch_year, member_year, person_key
from jifen.ledger.services import entry_append, entry_correct
from jifen.orgs.models import Person
from jifen.rulebooks.services import adoption_set
from jifen.simulation.cli import simulate_main
from tests.ratings.helpers import seed003_base

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ledger(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    """Under seed003: 张三 (base 50), 李四 who joined in April with a corrected absence and a
    voided one, 王五 in the other branch with a review grade."""
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    zhang = make_person("张三")
    li = make_person("李四", start=D(2026, 4, 1))
    wang = make_person("王五", tree.b2)
    seed003_base(tree.b1, zhang, 50, 2026)

    def add(person: Person, day: dt.date, item: str, value: str) -> object:
        return entry_append(
            organization=tree.b2 if person == wang else tree.b1,
            person=person,
            date=day,
            item=item,
            value=value,  # type: ignore[arg-type]
            origin=Origin.MANUAL,
            recorded_by=None,
        )

    wrong = add(li, D(2026, 5, 10), "party_day", "absent")
    entry_correct(entry=wrong, reason="实际请假", recorded_by=None, value="excused")  # type: ignore[arg-type]
    voided = add(li, D(2026, 6, 10), "party_day", "absent")
    entry_correct(entry=voided, reason="录错了人", recorded_by=None)  # type: ignore[arg-type]
    add(li, D(2026, 7, 10), "party_day", "absent")
    add(wang, D(2026, 12, 1), "democratic_review", "优秀")
    return SimpleNamespace(tree=tree, people=[zhang, li, wang])


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_facts", *args, stdout=out)
    return out.getvalue()


def simulate(capsys: pytest.CaptureFixture[str], facts: Path, roster: Path) -> dict[str, Decimal]:
    capsys.readouterr()
    code = simulate_main(
        ["seed003", str(facts), "--roster", str(roster), "--year", "2026", "--format", "json"]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return {r["subject"]: Decimal(r["total"]) for r in json.loads(out)["results"]}


def test_simulate_scores_the_export_as_the_ledger_does(
    ledger: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts, roster = tmp_path / "facts.csv", tmp_path / "roster.csv"
    said = export("G", "2026", "--output", str(facts), "--roster", str(roster))
    assert "jifen simulate seed003" in said
    totals = simulate(capsys, facts, roster)
    year = branch_year(ledger.tree.g, 2026)
    assert year is not None
    expected = {person_key(p.pk): year.results[p.pk].total for p in ledger.people}
    assert totals == expected
    for person in ledger.people:
        alone = member_year(person, 2026)
        assert alone is not None
        assert totals[person_key(person.pk)] == alone.result.total
    zhang, li, _wang = ledger.people
    # The figures differ, so the comparison could fail: base 50 against 70 a month, less 5 for
    # the one absence that stands (the corrected one is excused, the voided one gone).
    assert totals[person_key(zhang.pk)] < totals[person_key(li.pk)]
    text = facts.read_text(encoding="utf-8-sig")
    assert text.count(",party_day,") == 2
    assert ",excused," in text
    assert text.count(",absent,") == 1
    roster_text = roster.read_text(encoding="utf-8-sig")
    assert f"{person_key(li.pk)},李四,B1,,,full,2026-04-01,2026-12-31" in roster_text
    for person in ledger.people:
        assert person.id_number not in text
        assert person.id_number not in roster_text


def test_a_branch_exports_only_its_own_members(
    ledger: SimpleNamespace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts, roster = tmp_path / "facts.csv", tmp_path / "roster.csv"
    export("B2", "2026", "--output", str(facts), "--roster", str(roster))
    wang = ledger.people[2]
    totals = simulate(capsys, facts, roster)
    year = branch_year(ledger.tree.b2, 2026)
    assert year is not None
    assert totals == {person_key(wang.pk): year.results[wang.pk].total}


def test_an_organization_with_nobody_in_it_yet_exports_empty_files(
    ledger: SimpleNamespace, tmp_path: Path
) -> None:
    # Day one: a branch created before its roster is imported. Found from an empty database.
    facts, roster = tmp_path / "facts.csv", tmp_path / "roster.csv"
    export("B3", "2026", "--output", str(facts), "--roster", str(roster))
    assert facts.read_text(encoding="utf-8-sig").strip().splitlines() == [
        "subject,date,item,value,source,note,id"
    ]
    assert len(roster.read_text(encoding="utf-8-sig").strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("NOPE", "2026"), "没有组织代码为 NOPE 的组织"),
        (("G", "26"), "年度 26 不对"),
        (("G", "2025"), "2025 年还没有采用积分办法"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    ledger: SimpleNamespace, tmp_path: Path, args: tuple[str, str], message: str
) -> None:
    facts = tmp_path / "facts.csv"
    with pytest.raises(CommandError, match=message) as refused:
        export(*args, "--output", str(facts), "--roster", str(tmp_path / "r.csv"))
    assert refused.value.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_exits_2_and_writes_nothing(
    ledger: SimpleNamespace, tmp_path: Path
) -> None:
    facts = tmp_path / "facts.csv"
    with pytest.raises(CommandError, match="无法写入") as refused:
        export("G", "2026", "--output", str(facts), "--roster", str(tmp_path / "no" / "r.csv"))
    assert refused.value.returncode == 2
    assert list(tmp_path.iterdir()) == []
