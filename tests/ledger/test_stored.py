"""Stored results (jifen.ledger.stored): read through ``stored_branch_years`` they equal a
recompute from the ledger after every kind of change, and a row is used only while its tags
are current."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jifen.ledger.bulk import BulkFact, entries_load
from jifen.ledger.models import Entry, StoredYear
from jifen.ledger.services import entries_correct, entry_correct
from jifen.ledger.stored import stored_branch_year
from jifen.orgs.services import (
    exemption_create,
    membership_leave,
    membership_transfer,
    person_update,
)
from jifen.rulebooks.services import adoption_set
from tests.ledger.stored_helpers import assert_stored_equals_recompute
from tests.reports.conftest import YEAR, add

D = dt.date
CUTS = [None, D(YEAR, 3, 31), D(YEAR, 6, 30), D(YEAR, 9, 30), D(YEAR, 8, 15)]


@pytest.mark.django_db
def test_first_read_stores_and_equals_recompute(branch: SimpleNamespace) -> None:
    assert_stored_equals_recompute(branch.tree.c, YEAR, CUTS)
    assert StoredYear.objects.filter(year=YEAR).count() == 6 * 5
    assert_stored_equals_recompute(branch.tree.c, YEAR, CUTS)
    assert_stored_equals_recompute(branch.b1, YEAR, CUTS)


OURS = (
    "extends: seed003\nid: ours\n"
    "categories: {review: {items: {democratic_review: {grades: {优秀: 8}}}}}\n"
)


def _read_twice(branch: SimpleNamespace) -> None:
    for org in (branch.tree.c, branch.tree.g, branch.b1, branch.tree.b2):
        assert_stored_equals_recompute(org, YEAR, CUTS)


@pytest.mark.django_db
def test_a_row_with_current_tags_is_served_as_stored(branch: SimpleNamespace) -> None:
    stored_branch_year(branch.b1, YEAR)
    row = StoredYear.objects.get(person=branch.jia, year=YEAR, reached=12)
    assert row.total == Decimal("82.92")
    StoredYear.objects.filter(pk=row.pk).update(total=Decimal("99.00"))
    served = stored_branch_year(branch.b1, YEAR)
    assert served is not None
    assert served.results[branch.jia.pk].total == Decimal("99.00")  # read, not recomputed
    # A new fact about 甲 moves the ledger tag: the row is recomputed before it is read.
    add(branch.b1, branch.jia, D(YEAR, 7, 1), "volunteer", 1)
    served = stored_branch_year(branch.b1, YEAR)
    assert served is not None
    assert served.results[branch.jia.pk].total == Decimal("83.92")
    assert_stored_equals_recompute(branch.b1, YEAR, CUTS)


@pytest.mark.django_db
def test_corrections(branch: SimpleNamespace) -> None:
    _read_twice(branch)
    entry = Entry.objects.get(person=branch.jia, item="volunteer")
    entry_correct(entry=entry, reason="记错了", recorded_by=None, value=1)
    _read_twice(branch)
    voided = Entry.objects.get(person=branch.yi, item="party_day")
    entries_correct(corrections=[(voided, None)], reason="补假", recorded_by=None, summary="作废")
    _read_twice(branch)


@pytest.mark.django_db
def test_transfer_leave_exemption_and_category(branch: SimpleNamespace) -> None:
    _read_twice(branch)
    membership_transfer(person=branch.yi, to=branch.tree.b2, on=D(YEAR, 7, 1))
    _read_twice(branch)
    membership_leave(person=branch.ding, on=D(YEAR, 10, 1))
    _read_twice(branch)
    exemption_create(
        person=branch.wu,
        start=D(YEAR, 4, 1),
        end=D(YEAR, 9, 1),
        reason="疾病",
        committee_decided_on=D(YEAR, 3, 1),
        general_meeting_on=D(YEAR, 3, 5),
        filed_on=D(YEAR, 3, 10),
    )
    _read_twice(branch)
    person_update(person=branch.bing, category="probationary", probation_ends=D(YEAR + 1, 1, 1))
    _read_twice(branch)


@pytest.mark.django_db
def test_adoption_replaced_and_nested(branch: SimpleNamespace) -> None:
    _read_twice(branch)
    adoption_set(
        organization=branch.tree.c, year=YEAR, rulebook="yaml", yaml_text=OURS, reason="改"
    )
    _read_twice(branch)
    jia = stored_branch_year(branch.b1, YEAR)
    assert jia is not None
    assert jia.results[branch.jia.pk].total == Decimal("80.92")  # 优秀 now 8, not 10
    # B2 adopts a rulebook of its own: it leaves the committee's scope.
    adoption_set(organization=branch.tree.b2, year=YEAR, rulebook="seed003")
    _read_twice(branch)
    whole = stored_branch_year(branch.tree.c, YEAR)
    assert whole is not None
    assert branch.ji.pk not in whole.results


@pytest.mark.django_db
def test_year_rollover(branch: SimpleNamespace) -> None:
    _read_twice(branch)
    adoption_set(organization=branch.tree.c, year=YEAR + 1, rulebook="seed003")
    add(branch.b1, branch.jia, D(YEAR + 1, 1, 10), "volunteer", 2)
    next_cuts = [None, D(YEAR + 1, 2, 1)]
    for org in (branch.tree.c, branch.b1):
        assert_stored_equals_recompute(org, YEAR + 1, next_cuts)
    _read_twice(branch)
    assert StoredYear.objects.filter(year=YEAR + 1, person=branch.jia).count() == 2


@pytest.mark.django_db
def test_a_bulk_load_moves_the_tags_of_the_people_it_is_about(branch: SimpleNamespace) -> None:
    """``jifen demo --members`` writes facts through ``ledger.bulk.entries_load``, not
    ``entries_append``: a result stored before the load must not be served after it."""
    stored_branch_year(branch.b1, YEAR)
    before = StoredYear.objects.get(person=branch.jia, year=YEAR, reached=12).total
    entries_load(
        organization=branch.b1,
        facts=[BulkFact(branch.jia.pk, D(YEAR, 7, 2), "volunteer", 1, origin="manual")],
        recorded_by=None,
        summary="批量",
    )
    served = stored_branch_year(branch.b1, YEAR)
    assert served is not None
    assert served.results[branch.jia.pk].total == before + 1
    assert_stored_equals_recompute(branch.b1, YEAR, CUTS)
