"""The stored branch summaries behind the committee pages (jifen.reports.branch_figures): read
as stored while their tags hold, recomputed branch by branch when a fact, a membership, an
exemption, a person or an adoption moves them — always equal to the figures recomputed from the
ledger the plain way (tests/reports/figures_helpers.py) — and checked by `jifen scores verify`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jifen.ledger import touch
from jifen.ledger.models import PersonHead, StoredUnit
from jifen.orgs.models import Membership
from jifen.orgs.services import exemption_create, membership_transfer, person_update
from jifen.reports.branch_figures import year_overview
from jifen.rulebooks.services import adoption_set
from tests.reports.conftest import YEAR, add
from tests.reports.figures_helpers import overview_digest, reference_overview

pytestmark = pytest.mark.django_db
D = dt.date
AFTER = D(YEAR + 1, 2, 1)


def _v(person: object) -> int:
    return PersonHead.objects.get(person_id=person.pk).v  # type: ignore[attr-defined]


def test_the_triggers_are_installed_and_touch_on_every_record_change(
    branch: SimpleNamespace,
) -> None:
    assert touch.installed(connection)
    yi = branch.yi
    seen = [_v(yi)]  # the first membership touched them
    membership_transfer(person=yi, to=branch.tree.b2, on=D(YEAR, 8, 1))
    seen.append(_v(yi))
    exemption_create(
        person=yi,
        start=D(YEAR, 9, 1),
        reason="疾病",
        committee_decided_on=D(YEAR, 8, 20),
        general_meeting_on=D(YEAR, 8, 25),
        filed_on=D(YEAR, 8, 28),
    )
    seen.append(_v(yi))
    person_update(person=yi, name="乙二")
    seen.append(_v(yi))
    # Behind every service's back too: a raw update of a membership row.
    Membership.objects.filter(person=yi).update(note="改")
    seen.append(_v(yi))
    assert seen == sorted(seen)
    assert len(set(seen)) == len(seen)
    # Each new value is above every value anyone had before.
    assert _v(yi) == max(PersonHead.objects.values_list("v", flat=True))


def test_summaries_are_stored_then_served_and_only_a_moved_branch_recomputed(
    branch: SimpleNamespace,
) -> None:
    tree = branch.tree
    assert overview_digest(tree.c, YEAR, AFTER) == reference_overview(tree.c, YEAR, AFTER)
    # B1, B2, B3: rated as of today, and the four quarter ends (the fourth shares today's cut-off).
    assert StoredUnit.objects.filter(year=YEAR, rated=True).count() == 3
    assert StoredUnit.objects.filter(year=YEAR, rated=False).count() == 3 * 3
    # Served as stored: a summary changed behind the tags shows (proving nothing recomputed) …
    for unit in (tree.b1, tree.b2):
        row = StoredUnit.objects.get(unit=unit, year=YEAR, rated=True)
        row.data["stats"]["mean"] = "1.00"
        row.save()
    means = {unit.pk: stats.mean for unit, stats in year_overview(tree.c, YEAR, AFTER)[0]}
    assert means[tree.b1.pk] == means[tree.b2.pk] == 1
    # … until a fact about one of B1's members moves B1's tag: B1 is recomputed, B2 is not.
    add(branch.b1, branch.bing, D(YEAR, 5, 6), "volunteer", 4)
    means = {unit.pk: stats.mean for unit, stats in year_overview(tree.c, YEAR, AFTER)[0]}
    assert means[tree.b1.pk] != 1
    assert means[tree.b2.pk] == 1


@pytest.mark.parametrize(
    "change",
    ["fact", "transfer", "exemption", "name", "category", "adoption"],
)
def test_every_kind_of_change_reaches_the_figures(branch: SimpleNamespace, change: str) -> None:
    tree = branch.tree
    assert overview_digest(tree.c, YEAR, AFTER) == reference_overview(tree.c, YEAR, AFTER)
    before = overview_digest(tree.c, YEAR, AFTER)
    if change == "fact":
        add(branch.b1, branch.ding, D(YEAR, 11, 3), "volunteer", 5)
    elif change == "transfer":
        # 甲 (the highest in B1) moves to B2: two branches joined by one person.
        membership_transfer(person=branch.jia, to=tree.b2, on=D(YEAR, 8, 1))
    elif change == "exemption":
        exemption_create(
            person=branch.wu,
            start=D(YEAR, 1, 1),
            reason="疾病",
            committee_decided_on=D(YEAR, 1, 2),
            general_meeting_on=D(YEAR, 1, 3),
            filed_on=D(YEAR, 1, 4),
        )
    elif change == "name":
        person_update(person=branch.jia, name="甲乙")
    elif change == "category":
        person_update(person=branch.wu, category="probationary", probation_ends=D(YEAR + 1, 6, 1))
    else:
        adoption_set(
            organization=tree.c,
            year=YEAR,
            rulebook="yaml",
            yaml_text="extends: seed003\nid: x\ncategories: {review: {items: "
            "{democratic_review: {grades: {优秀: 8}}}}}\n",
            reason="改",
        )
    after = overview_digest(tree.c, YEAR, AFTER)
    assert after == reference_overview(tree.c, YEAR, AFTER)
    assert after != before


def test_scores_verify_checks_the_summaries(branch: SimpleNamespace) -> None:
    tree = branch.tree
    year_overview(tree.c, YEAR, AFTER)
    out = StringIO()
    call_command("scores_verify", "--org", "C", "--year", str(YEAR), stdout=out)
    assert "存储的支部汇总与台账重新计算一致：核对 12 条" in out.getvalue()
    row = StoredUnit.objects.get(unit=tree.b1, year=YEAR, rated=True)
    row.data["stats"]["total_sum"] = "99.00"
    row.save()
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("scores_verify", "--org", "C", "--year", str(YEAR), stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert "教工第一党支部 2025 年计至第 12 个月（含星级和预警）" in err.getvalue()


def test_scores_rebuild_fills_the_summaries(branch: SimpleNamespace) -> None:
    out = StringIO()
    call_command("scores_rebuild", "--org", "C", "--year", str(YEAR), stdout=out, stderr=StringIO())
    assert "已更新 3 个支部汇总" in out.getvalue()
    assert StoredUnit.objects.filter(year=YEAR).exists()
