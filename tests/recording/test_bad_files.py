"""Bad files (issue 16): a decompression bomb on the evidence form is refused with a message,
never a 500, and nothing is kept; a stored file is served only if its bytes are still the ones
recorded at upload (SHA-256) — a missing one and an altered one each get a page that says so
and an audit row for an admin to act on."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from PIL import Image

from jifen.audit.models import AuditEvent
from jifen.orgs.models import Person
from jifen.recording.evidence import MAX_PIXELS, evidence_store
from jifen.recording.models import Attachment, Declaration, Evidence
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
JUNE = dt.date(2026, 6, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real, valid PNG of ``width`` × ``height`` black-and-white pixels that weighs a few
    dozen KB: Pillow writes a 1-bit PNG, whose header is then made to declare the huge size and
    whose pixel data becomes that many rows of zeros, deflated (what the attack uploaded)."""
    small = io.BytesIO()
    Image.new("1", (1, 1)).save(small, format="PNG")
    header = small.getvalue()[8 + 8 : 8 + 8 + 13]  # IHDR's data, after the signature
    ihdr = struct.pack(">II", width, height) + header[8:]
    deflate = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte 0, then the row's bits
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def seed003(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return SimpleNamespace(tree=tree, person=Person.objects.get(user=member), user=member)


def declare(client: Client, world: SimpleNamespace, data: bytes, filename: str) -> object:
    client.force_login(world.user)
    upload = io.BytesIO(data)
    upload.name = filename
    form = {"item": "volunteer", "date": "2026-06-01", "description": "志愿服务", "points": "3"}
    return client.post(reverse("recording:declaration_new"), {**form, "files": upload})


def test_the_bomb_is_what_the_attack_sent() -> None:
    bomb = png_bomb()
    assert len(bomb) < 60_000  # the attack's was 48 KB
    assert struct.unpack(">II", bomb[16:24]) == (20_000, 20_000)  # what IHDR declares
    with pytest.raises(Image.DecompressionBombError):  # Pillow refuses it at open
        Image.open(io.BytesIO(bomb))


def test_a_decompression_bomb_on_the_form_is_refused_and_nothing_is_kept(
    client: Client, seed003: SimpleNamespace, media: Path, clock: Clock
) -> None:
    clock.set(JUNE)
    response = declare(client, seed003, png_bomb(), "bomb.png")
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "bomb.png：图片尺寸" in page
    assert "超过上限（4000 万像素），请缩小后再上传" in page
    assert not Declaration.objects.exists()
    assert not Evidence.objects.exists()
    assert files_under(media) == []


@pytest.mark.parametrize(
    "warnings_as",
    [
        pytest.param("error", id="warning-raised"),  # as the tests run: RuntimeWarning → error
        pytest.param(
            "shown",  # as a deployment runs: Pillow only warns, the size check refuses
            marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
        ),
    ],
)
def test_a_picture_between_the_limit_and_pillows_refusal_is_refused_too(
    media: Path, warnings_as: str
) -> None:
    width, height = 8_000, 6_000  # 48 MP: over MAX_PIXELS, under Pillow's 2 × MAX_PIXELS
    assert MAX_PIXELS < width * height < 2 * MAX_PIXELS
    with pytest.raises(ValidationError, match="超过上限（4000 万像素）") as refused:
        evidence_store(png_bomb(width, height), "big.png")
    if warnings_as == "shown":
        assert "8000×6000" in refused.value.messages[0]
    assert files_under(media) == []


def stored_evidence(client: Client, world: SimpleNamespace) -> Evidence:
    response = declare(client, world, PDF, "证明.pdf")
    assert response.status_code == 302  # type: ignore[attr-defined]
    evidence: Evidence = Declaration.objects.get().evidence.get()
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    return evidence


def test_an_intact_file_is_served_byte_for_byte(
    client: Client, seed003: SimpleNamespace, scorekeeper: User, media: Path, clock: Clock
) -> None:
    clock.set(JUNE)
    evidence = stored_evidence(client, seed003)
    client.force_login(scorekeeper)
    response = client.get(reverse("recording:evidence", kwargs={"evidence_id": evidence.pk}))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not AuditEvent.objects.filter(action__startswith="evidence.").exists()


def test_a_missing_file_is_a_page_that_says_so_and_an_audit_row(
    client: Client, seed003: SimpleNamespace, scorekeeper: User, media: Path, clock: Clock
) -> None:
    clock.set(JUNE)
    evidence = stored_evidence(client, seed003)
    (media / "evidence" / evidence.name).unlink()
    client.force_login(scorekeeper)
    response = client.get(reverse("recording:evidence", kwargs={"evidence_id": evidence.pk}))
    assert response.status_code == 404
    page = response.content.decode()
    assert "文件缺失" in page
    assert "“证明.pdf”的文件已不在存储中" in page
    event = AuditEvent.objects.get(action="evidence.missing")
    assert event.target == f"recording.Evidence:{evidence.pk}"
    assert event.actor == scorekeeper
    assert event.detail["recorded"] == evidence.sha256


def test_an_altered_file_is_not_served_and_is_audited(
    client: Client, seed003: SimpleNamespace, scorekeeper: User, media: Path, clock: Clock
) -> None:
    clock.set(JUNE)
    evidence = stored_evidence(client, seed003)
    altered = PDF.replace(b"endobj", b"ENDOBJ")  # same size, other bytes
    (media / "evidence" / evidence.name).write_bytes(altered)
    client.force_login(scorekeeper)
    response = client.get(reverse("recording:evidence", kwargs={"evidence_id": evidence.pk}))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert b"ENDOBJ" not in response.content
    page = response.content.decode()
    assert "文件与上传时不一致" in page
    assert "校验值（SHA-256）不符" in page
    event = AuditEvent.objects.get(action="evidence.tampered")
    assert event.target == f"recording.Evidence:{evidence.pk}"
    assert event.detail["sha256"] == hashlib.sha256(altered).hexdigest()
    assert event.detail["recorded"] == hashlib.sha256(PDF).hexdigest()
    assert "证明.pdf" in event.summary


def test_an_activitys_altered_attachment_is_refused_too(
    client: Client, tree: SimpleNamespace, scorekeeper: User, media: Path
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    activity = activity_create(organization=tree.b1, item="party_day", title="主题党日", date=JUNE)
    client.force_login(scorekeeper)
    upload = io.BytesIO(PDF)
    upload.name = "会议记录.pdf"
    page = reverse("recording:activity", kwargs={"activity_id": activity.pk})
    assert client.post(page, {"attachment": upload}).status_code == 302
    attachment = Attachment.objects.get()
    (media / "evidence" / attachment.name).write_bytes(PDF + b"% appended\n")
    url = reverse("recording:attachment", kwargs={"attachment_id": attachment.pk})
    assert client.get(url).status_code == 409
    assert AuditEvent.objects.filter(
        action="evidence.tampered", target=f"recording.Attachment:{attachment.pk}"
    ).exists()
