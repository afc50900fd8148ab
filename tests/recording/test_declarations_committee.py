"""党委审批 of featured points (seed003 特色分 "由各支部评定、机关党委审批").

By hand from seed003: featured = 党建网格化 (≤ 5 a year) + 志愿服务 (≤ 5) + 支部自选 (≤ 10),
at most 20.
赵磊 declares 志愿服务 4; the scorekeeper grants 3. Until the committee approves, nothing is in the
ledger: featured 0.00. After approval: featured 3.00 (one fact, value 3). A second declaration,
网格化 5, returned by the committee with a reason, goes back to the branch: still 3.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.recording.declarations import declaration_review, declaration_submit
from jifen.recording.declarations_committee import (
    awaiting_committee,
    declaration_committee_approve,
    declaration_committee_return,
)
from jifen.recording.models import Declaration
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db
D = dt.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
Status = Declaration.Status


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed003(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return SimpleNamespace(tree=tree, person=Person.objects.get(user=member), user=member)


def declare(world: SimpleNamespace, item: str, points: str) -> Declaration:
    return declaration_submit(
        person=world.person,
        item=item,
        date=D(2026, 6, 1),
        description="社区志愿服务 4 小时",
        points=Decimal(points),
        files=[("证明.pdf", PDF)],
        actor=world.user,
    )


def featured(world: SimpleNamespace) -> str:
    year = member_year(world.person, 2026)
    assert year is not None
    return str(year.result.category("featured").score)


def branch_approves(declaration: Declaration, by: User, points: str) -> Declaration:
    return declaration_review(
        declaration=declaration, decision="approve", note="", points=Decimal(points), actor=by
    )


def test_the_branchs_approval_waits_for_the_committee_before_the_ledger(
    seed003: SimpleNamespace, scorekeeper: User, committee_admin: User, general_admin: User
) -> None:
    waiting = branch_approves(declare(seed003, "volunteer", "4"), scorekeeper, "3")
    assert waiting.status == Status.AWAITING
    assert waiting.points_granted == Decimal(3)
    assert not Entry.objects.exists()
    assert featured(seed003) == "0.00"
    assert list(awaiting_committee(seed003.tree.c, committee_admin)) == [waiting]
    with pytest.raises(ValidationError, match="只能由党委审批"):
        declaration_committee_approve(declaration=waiting, note="", actor=general_admin)

    approved = declaration_committee_approve(
        declaration=waiting, note="同意", actor=committee_admin
    )
    assert approved.status == Status.APPROVED
    entry = Entry.objects.get()
    assert (entry.item, entry.value, entry.recorded_by) == ("volunteer", "3", committee_admin)
    assert featured(seed003) == "3.00"
    assert AuditEvent.objects.filter(action="declaration.committee_approve").count() == 1
    with pytest.raises(ValidationError, match="已由他人处理（已通过）"):
        declaration_committee_approve(declaration=waiting, note="", actor=committee_admin)


def test_returned_with_a_reason_it_goes_back_to_the_branch(
    seed003: SimpleNamespace, scorekeeper: User, committee_admin: User
) -> None:
    waiting = branch_approves(declare(seed003, "grid_work", "5"), scorekeeper, "5")
    with pytest.raises(ValidationError) as no_reason:
        declaration_committee_return(declaration=waiting, note=" ", actor=committee_admin)
    assert no_reason.value.message_dict == {"note": ["请写明退回的理由"]}
    back = declaration_committee_return(
        declaration=waiting, note="走访记录表缺少日期", actor=committee_admin
    )
    assert (back.status, back.points_granted, back.above_note) == (
        Status.SUBMITTED,
        None,
        "走访记录表缺少日期",
    )
    assert not Entry.objects.exists()
    assert featured(seed003) == "0.00"
    assert AuditEvent.objects.get(action="declaration.committee_return").summary.endswith(
        "走访记录表缺少日期"
    )


def test_the_committee_pages_confirm_before_approving(
    seed003: SimpleNamespace, scorekeeper: User, committee_admin: User, outsider: User
) -> None:
    waiting = branch_approves(declare(seed003, "volunteer", "4"), scorekeeper, "3")
    client = Client()
    client.force_login(committee_admin)
    queue = client.get(reverse("recording:declarations_committee", args=[seed003.tree.c.pk]))
    assert "赵磊" in queue.content.decode()
    page = client.get(reverse("recording:declaration", args=[waiting.pk])).content.decode()
    assert "已核对证明材料，同意记入台账" in page
    url = reverse("recording:declaration_committee", args=[waiting.pk])
    unconfirmed = client.post(url, {"action": "approve", "note": "同意"}, follow=True)
    assert "请先勾选确认" in unconfirmed.content.decode()
    assert not Entry.objects.exists()
    client.post(url, {"action": "approve", "note": "同意", "confirm": "yes"})
    assert Declaration.objects.get().status == Status.APPROVED
    assert Entry.objects.count() == 1
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(url, {"action": "return", "note": "x"}).status_code == 404


def test_a_signed_quarter_refuses_the_branchs_approval_at_once(
    seed003: SimpleNamespace, scorekeeper: User, secretary: User
) -> None:
    from jifen.periods.services import period_sign

    declaration = declaration_submit(
        person=seed003.person,
        item="volunteer",
        date=D(2026, 3, 8),
        description="社区志愿服务",
        points=Decimal(2),
        files=[("证明.pdf", PDF)],
        actor=seed003.user,
    )
    period_sign(
        organization=seed003.tree.b1, year=2026, quarter=1, actor=secretary, today=D(2026, 4, 2)
    )
    with pytest.raises(ValidationError, match="已由支部书记签名确认"):
        branch_approves(declaration, scorekeeper, "2")
    assert Declaration.objects.get().status == Status.SUBMITTED


def test_a_disputed_one_the_branch_committee_approves_waits_too(
    seed003: SimpleNamespace, scorekeeper: User, secretary: User, committee_admin: User
) -> None:
    from jifen.recording.declarations import declaration_decide

    disputed = declaration_review(
        declaration=declare(seed003, "volunteer", "4"),
        decision="dispute",
        note="分值有争议",
        actor=scorekeeper,
    )
    decided = declaration_decide(
        declaration=disputed, approve=True, note="支委会同意 4 分", actor=secretary
    )
    assert (decided.status, decided.points_granted) == (Status.AWAITING, Decimal(4))
    assert not Entry.objects.exists()
    declaration_committee_approve(declaration=decided, note="", actor=committee_admin)
    assert featured(seed003) == "4.00"
