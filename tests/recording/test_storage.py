"""Uploaded files go through Django's storage (``STORAGES["default"]``), never a filesystem path:
swap the storage and the same pages keep and serve the same bytes from wherever it keeps them."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from jifen.orgs.models import Person
from jifen.recording.evidence import evidence_key, evidence_read, evidence_store
from jifen.recording.models import Activity, Attachment, Declaration
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from jifen.settings import upload_storage
from tests.clock import Clock

pytestmark = pytest.mark.django_db
JUNE = dt.date(2026, 6, 1)  # the declaration form offers this year's items
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 40


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def body(response: Any) -> bytes:  # the bytes served (checked against their SHA-256 first)
    return bytes(response.content)


@pytest.fixture
def media(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def in_memory(settings: pytest.FixtureRequest, media: Path) -> Path:
    """Django's own in-memory storage as the default: nothing may land under MEDIA_ROOT."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return media


@pytest.fixture
def seed003(tree: SimpleNamespace, member: User) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return SimpleNamespace(tree=tree, person=Person.objects.get(user=member), user=member)


def declare(client: Client, world: SimpleNamespace, data: bytes, filename: str) -> Declaration:
    client.force_login(world.user)
    upload = io.BytesIO(data)
    upload.name = filename
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
    return Declaration.objects.get()


def test_evidence_round_trips_through_the_storage_not_the_folder(
    client: Client,
    seed003: SimpleNamespace,
    scorekeeper: User,
    outsider: User,
    in_memory: Path,
    clock: Clock,
) -> None:
    clock.set(JUNE)
    evidence = declare(client, seed003, PDF, "证明.pdf").evidence.get()
    assert default_storage.exists(f"evidence/{evidence.name}")
    assert default_storage.size(f"evidence/{evidence.name}") == len(PDF) == evidence.size
    assert files_under(in_memory) == []  # nothing was written by path
    url = reverse("recording:evidence", kwargs={"evidence_id": evidence.pk})
    client.force_login(scorekeeper)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert body(response) == PDF  # byte for byte
    assert hashlib.sha256(PDF).hexdigest() == evidence.sha256
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # the storage changes nothing about who may read


def test_a_photo_is_reencoded_and_served_as_stored(
    client: Client, seed003: SimpleNamespace, scorekeeper: User, in_memory: Path, clock: Clock
) -> None:
    clock.set(JUNE)
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(photo, format="JPEG")
    evidence = declare(client, seed003, photo.getvalue(), "photo.jpg").evidence.get()
    kept = evidence_read(evidence.name)
    assert hashlib.sha256(kept).hexdigest() == evidence.sha256
    client.force_login(scorekeeper)
    served = client.get(reverse("recording:evidence", kwargs={"evidence_id": evidence.pk}))
    assert served["Content-Type"] == "image/jpeg"
    assert body(served) == kept
    assert files_under(in_memory) == []


def test_a_storage_in_another_folder_keeps_the_files_there(
    client: Client,
    tree: SimpleNamespace,
    scorekeeper: User,
    settings: pytest.FixtureRequest,
    media: Path,
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(elsewhere)},
        },
    }
    activity = party_day(tree)
    client.force_login(scorekeeper)
    upload = io.BytesIO(PDF)
    upload.name = "会议记录.pdf"
    page = reverse("recording:activity", kwargs={"activity_id": activity.pk})
    assert "附件已保存" in client.post(page, {"attachment": upload}, follow=True).content.decode()
    attachment = activity.attachments.get()
    assert (elsewhere / "evidence" / attachment.name).read_bytes() == PDF
    assert files_under(media) == []
    served = client.get(reverse("recording:attachment", kwargs={"attachment_id": attachment.pk}))
    assert body(served) == PDF


def test_files_kept_before_the_storage_are_served_as_they_were(
    client: Client, tree: SimpleNamespace, scorekeeper: User, media: Path
) -> None:
    """Rows written when evidence.py wrote by path keep the bare name; the file sat at
    MEDIA_ROOT/evidence/<name>, which is the default storage's key evidence/<name>."""
    activity = party_day(tree)
    name = "0123456789abcdef0123456789abcdef.pdf"
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / name).write_bytes(PDF)  # as the old code did
    old = Attachment.objects.create(
        activity=activity,
        name=name,
        original_name="旧的.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    client.force_login(scorekeeper)
    served = client.get(reverse("recording:attachment", kwargs={"attachment_id": old.pk}))
    assert body(served) == PDF
    # and a new file lands beside it, where the old code would have put it
    new = evidence_store(PDF, "新的.pdf")
    assert (media / "evidence" / new.name).read_bytes() == PDF


@pytest.mark.parametrize("name", ["../secret_key", "a/b.pdf", "..pdf", "x.pdf/", "", "x"])
def test_only_our_own_names_reach_the_storage(name: str) -> None:
    with pytest.raises(ValidationError):
        evidence_key(name)


def test_the_folder_is_the_default_and_s3_is_configured_from_the_environment() -> None:
    folder = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert upload_storage({}, s3_installed=False) == folder
    assert upload_storage({"JIFEN_STORAGE": "filesystem"}, s3_installed=True) == folder
    with pytest.raises(ImproperlyConfigured, match="只能是 filesystem"):
        upload_storage({"JIFEN_STORAGE": "nfs"}, s3_installed=True)
    with pytest.raises(ImproperlyConfigured, match=r"pip install 'jifen\[s3\]'"):
        upload_storage({"JIFEN_STORAGE": "s3"}, s3_installed=False)
    given = {
        "JIFEN_STORAGE": "S3",
        "JIFEN_S3_ENDPOINT": "https://minio.intranet:9000",
        "JIFEN_S3_BUCKET": "jifen",
    }
    with pytest.raises(ImproperlyConfigured, match="JIFEN_S3_ACCESS_KEY、JIFEN_S3_SECRET_KEY"):
        upload_storage(given, s3_installed=True)
    s3 = upload_storage(
        {**given, "JIFEN_S3_ACCESS_KEY": "jifen-app", "JIFEN_S3_SECRET_KEY": "s3cret"},
        s3_installed=True,
    )
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert (options["endpoint_url"], options["bucket_name"]) == (
        "https://minio.intranet:9000",
        "jifen",
    )
    assert (options["access_key"], options["secret_key"]) == ("jifen-app", "s3cret")
    assert options["addressing_style"] == "path"
    assert options["default_acl"] is None
    assert options["file_overwrite"] is False
    assert (options["location"], options["verify"]) == ("", None)


def party_day(tree: SimpleNamespace) -> Activity:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return activity_create(organization=tree.b1, item="party_day", title="6月主题党日", date=JUNE)
