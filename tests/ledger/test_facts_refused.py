"""Facts checked against the adopted rulebook before a bulk append (entries_append writes what
it is given): every refused fact named, each distinct value checked once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from jifen.ledger import scores
from jifen.ledger.models import Entry
from jifen.ledger.services import NewFact
from jifen.orgs.models import Person
from jifen.recording.models import Activity
from jifen.recording.services import Mark, attendance_record
from jifen.rulebooks.services import adoption_set
from jifen.scoring import check_fact

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def adopted(tree: SimpleNamespace) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return tree


def test_fitting_facts_pass_and_each_distinct_value_is_checked_once(
    adopted: SimpleNamespace, make_person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = [make_person(f"党员{i}", adopted.b1) for i in range(30)]
    calls: list[str] = []

    def counted(rulebook: object, fact: object) -> object:
        calls.append(str(fact))
        return check_fact(rulebook, fact)  # type: ignore[arg-type]

    monkeypatch.setattr(scores, "check_fact", counted)
    labels = ["present", "absent", "excused"]
    facts = [NewFact(p, D(2026, 3, 28), "party_day", labels[i % 3]) for i, p in enumerate(people)]
    assert scores.facts_refused(adopted.b1, facts) == []
    assert len(calls) == 3


def test_refused_facts_are_named_with_the_rulebooks_reason(
    adopted: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三", adopted.b1)
    problems = scores.facts_refused(
        adopted.b1,
        [
            NewFact(zhang, D(2026, 3, 28), "party_day", "present"),
            NewFact(zhang, D(2026, 3, 28), "party_day", "优秀"),
            NewFact(zhang, D(2026, 3, 28), "no_such_item", "1"),
            NewFact(zhang, D(2025, 3, 28), "party_day", "present"),
        ],
    )
    assert len(problems) == 3
    assert problems[0].startswith(
        "张三 2026-03-28：party_day 的值应为数字或 present/absent/excused"
    )
    assert "没有项目代码 'no_such_item'" in problems[1]
    assert problems[2] == "张三：教工第一党支部 2025 年还没有采用积分办法"


def test_attendance_on_an_item_the_rulebook_does_not_take_writes_nothing(
    adopted: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三", adopted.b1)
    # Made behind the services' back: xxqg_login is counted in days, not by attendance.
    odd = Activity.objects.create(
        organization=adopted.b1, item="xxqg_login", title="x", date=D(2026, 3, 2)
    )
    with pytest.raises(ValidationError, match="不是考勤项目"):
        attendance_record(activity=odd, marks={zhang.pk: Mark("present")}, actor=None)
    assert Entry.objects.count() == 0
