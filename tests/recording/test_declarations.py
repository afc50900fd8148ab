from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.recording.declarations import (
    declaration_decide,
    declaration_resubmit,
    declaration_review,
    declaration_submit,
)
from jifen.recording.evidence import evidence_read, evidence_store
from jifen.recording.models import Declaration
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 47.0, 0.0)}  # GPSInfo: where the photo was taken
    image.save(out, format=fmt, exif=exif) if fmt == "JPEG" else image.save(out, format=fmt)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# seed003 as a committee might adopt it where the branch alone decides featured points: the
# branch's approval enters the ledger at once. The committee's approval that seed003 itself asks
# for is tested in test_declarations_committee.py.
BRANCH_DECIDES = (
    "extends: seed003\nid: seed003\ncategories: {featured: {committee_approval: false}}\n"
)


@pytest.fixture
def seed003(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003", yaml_text=BRANCH_DECIDES)
    return SimpleNamespace(tree=tree, person=Person.objects.get(user=member), user=member)


def submit(world: SimpleNamespace, points: str = "3", files: list | None = None) -> Declaration:
    return declaration_submit(
        person=world.person,
        item="volunteer",
        date=D(2026, 6, 1),
        description="社区志愿服务 4 小时",
        points=Decimal(points),
        files=files if files is not None else [("志愿服务.jpg", photo())],
        actor=world.user,
    )


def test_photos_are_checked_by_content_and_reencoded_without_exif() -> None:
    stored = evidence_store(photo(), "a.jpg")
    assert stored.content_type == "image/jpeg"
    with Image.open(io.BytesIO(evidence_read(stored.name))) as image:
        assert not image.getexif()
    assert evidence_store(photo("PNG"), "b.png").content_type == "image/png"
    assert evidence_store(PDF, "c.pdf").content_type == "application/pdf"
    with pytest.raises(ValidationError, match="只接受照片"):
        evidence_store(b"#!/bin/sh\nrm -rf /\n", "photo.jpg")  # a name is not a content
    with pytest.raises(ValidationError, match="超过 10 MB"):
        evidence_store(b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf")
    with pytest.raises(ValidationError, match="空的"):
        evidence_store(b"", "empty.jpg")


def test_points_asked_are_bounded_by_the_rulebook(seed003: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="志愿服务参与情况 每次申报最多 5 分"):
        submit(seed003, points="6")  # 志愿服务 is capped at 5 for the year
    with pytest.raises(ValidationError, match="证明材料"):
        submit(seed003, files=[])
    assert not Declaration.objects.exists()


def test_approved_with_fewer_points_it_enters_the_ledger(
    seed003: SimpleNamespace, scorekeeper: User
) -> None:
    declaration = submit(seed003)
    with pytest.raises(ValidationError, match="不超过申报的"):
        declaration_review(
            declaration=declaration,
            decision="approve",
            note="",
            points=Decimal(4),
            actor=scorekeeper,
        )
    approved = declaration_review(
        declaration=declaration,
        decision="approve",
        note="按 2 分核定",
        points=Decimal(2),
        actor=scorekeeper,
    )
    assert approved.status == Declaration.Status.APPROVED
    entry = Entry.objects.get()
    assert (entry.item, entry.value, entry.origin) == ("volunteer", "2", "declaration")
    assert entry.evidence == [approved.evidence.get().name]
    year = member_year(seed003.person, 2026)
    assert year is not None
    assert str(year.result.category("featured").score) == "2.00"


def test_nobody_reviews_their_own_declaration(seed003: SimpleNamespace) -> None:
    role_grant(user=seed003.user, role="scorekeeper", organization=seed003.tree.b1)
    declaration = submit(seed003)
    with pytest.raises(ValidationError, match="不能审核自己的申报"):
        declaration_review(declaration=declaration, decision="approve", note="", actor=seed003.user)
    assert not Entry.objects.exists()


def test_two_reviewers_at_once_give_one_result(
    seed003: SimpleNamespace, scorekeeper: User, secretary: User
) -> None:
    declaration = submit(seed003)
    stale = Declaration.objects.get(pk=declaration.pk)  # the second reviewer's page, loaded before
    declaration_review(declaration=declaration, decision="approve", note="", actor=scorekeeper)
    with pytest.raises(ValidationError, match="已由他人处理（已通过）"):
        declaration_review(declaration=stale, decision="reject", note="不符合", actor=secretary)
    assert Entry.objects.count() == 1


def test_returned_for_more_evidence_then_resubmitted(
    seed003: SimpleNamespace, scorekeeper: User
) -> None:
    declaration = submit(seed003)
    with pytest.raises(ValidationError, match="请写明理由"):
        declaration_review(declaration=declaration, decision="return", note="", actor=scorekeeper)
    declaration_review(
        declaration=declaration, decision="return", note="请补充签到表", actor=scorekeeper
    )
    resubmitted = declaration_resubmit(
        declaration=declaration, files=[("签到表.pdf", PDF)], note="已补签到表", actor=seed003.user
    )
    assert resubmitted.status == Declaration.Status.SUBMITTED
    assert resubmitted.evidence.count() == 2


def test_a_disputed_declaration_is_decided_by_the_branch_committee(
    seed003: SimpleNamespace, scorekeeper: User, secretary: User
) -> None:
    declaration = submit(seed003)
    declaration_review(
        declaration=declaration, decision="dispute", note="分值有争议", actor=scorekeeper
    )
    with pytest.raises(ValidationError, match="只能由支委会"):
        declaration_decide(declaration=declaration, approve=True, note="x", actor=scorekeeper)
    decided = declaration_decide(
        declaration=declaration, approve=True, note="支委会研究同意 3 分", actor=secretary
    )
    assert decided.status == Declaration.Status.APPROVED
    assert decided.committee_note == "支委会研究同意 3 分"
    assert Entry.objects.get().value == "3"


def test_the_member_declares_from_the_page_and_the_evidence_is_guarded(
    client: Client, seed003: SimpleNamespace, scorekeeper: User, outsider: User, clock: Clock
) -> None:
    clock.set(D(2026, 6, 1))  # the form offers this year's items: it must be 2026
    client.force_login(seed003.user)
    upload = io.BytesIO(photo())
    upload.name = "photo.jpg"
    response = client.post(
        reverse("recording:declaration_new"),
        {
            "item": "volunteer",
            "date": "2026-06-01",
            "description": "社区志愿服务",
            "points": "3",
            "files": upload,
        },
        follow=True,
    )
    assert "申报已提交，请等待审核" in response.content.decode()
    declaration = Declaration.objects.get()
    evidence_url = reverse(
        "recording:evidence", kwargs={"evidence_id": declaration.evidence.get().pk}
    )
    assert client.get(evidence_url)["Content-Type"] == "image/jpeg"
    client.force_login(scorekeeper)
    assert client.get(evidence_url).status_code == 200
    page = client.get(reverse("recording:declaration", kwargs={"declaration_id": declaration.pk}))
    assert "通过" in page.content.decode()
    queue = client.get(
        reverse("recording:declarations_queue", kwargs={"org_id": seed003.tree.b1.pk})
    )
    assert "赵磊" in queue.content.decode()
    client.force_login(outsider)
    assert client.get(evidence_url).status_code == 404


def test_a_bad_upload_redisplays_the_form(
    client: Client, seed003: SimpleNamespace, clock: Clock
) -> None:
    clock.set(D(2026, 6, 1))  # the form offers this year's items: it must be 2026
    client.force_login(seed003.user)
    fake = io.BytesIO(b"not a photo at all")
    fake.name = "photo.jpg"
    response = client.post(
        reverse("recording:declaration_new"),
        {
            "item": "volunteer",
            "date": "2026-06-01",
            "description": "x",
            "points": "3",
            "files": fake,
        },
    )
    assert response.status_code == 400
    assert "只接受照片" in response.content.decode()
    assert not Declaration.objects.exists()
