"""Two people acting at the same moment, for real: two threads, two database connections."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.recording.declarations import declaration_review
from jifen.recording.models import Declaration
from jifen.recording.services import Mark, activity_create, attendance_record
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(*actions: Callable[[], object]) -> list[object]:
    """Run the actions in threads released together; each result or the exception raised."""
    start = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        start.wait()
        try:
            results[index] = action()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def branch(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    # The branch alone decides here (no 党委审批), so an approval enters the ledger at once.
    text = "extends: seed003\nid: seed003\ncategories: {featured: {committee_approval: false}}\n"
    adoption_set(organization=tree.c, year=2026, rulebook="seed003", yaml_text=text)
    return SimpleNamespace(tree=tree, person=Person.objects.get(user=member))


def test_two_reviewers_at_once_yield_one_result_and_a_message(
    branch: SimpleNamespace, scorekeeper: User, secretary: User
) -> None:
    declaration = Declaration.objects.create(
        person=branch.person,
        organization=branch.tree.b1,
        item="volunteer",
        date=dt.date(2026, 6, 1),
        description="志愿服务",
        points_asked=3,
        submitted_by=branch.person.user,
    )
    results = at_once(
        lambda: declaration_review(
            declaration=declaration, decision="approve", note="", actor=scorekeeper
        ),
        lambda: declaration_review(
            declaration=declaration, decision="reject", note="不符", actor=secretary
        ),
    )
    done = [r for r in results if isinstance(r, Declaration)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 1, results
    assert len(refused) == 1, results
    assert "已由他人处理" in str(refused[0])
    final = Declaration.objects.get(pk=declaration.pk)
    assert final.status == done[0].status  # type: ignore[attr-defined]
    assert Entry.objects.count() == (1 if final.status == "approved" else 0)


def test_a_checklist_submitted_twice_at_once_is_recorded_once(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    activity = activity_create(
        organization=branch.tree.b1,
        item="party_day",
        title="主题党日",
        date=dt.date(2026, 3, 28),
    )
    marks = {branch.person.pk: Mark("absent")}
    results = at_once(
        lambda: attendance_record(activity=activity, marks=marks, actor=scorekeeper),
        lambda: attendance_record(activity=activity, marks=marks, actor=scorekeeper),
    )
    assert sorted(results) == [0, 1], results  # type: ignore[type-var]
    assert Entry.objects.count() == 1
