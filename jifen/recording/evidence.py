"""Evidence files (photos, PDF) for declarations, activities, facts and assessments: checked by
content, size-limited, photos re-encoded (which drops EXIF, GPS included), kept under a random
name and served only through a permission-checked view.

Files are read and written through Django's default storage (``STORAGES["default"]``), never by
a filesystem path, so a deployment can keep them in a folder under ``MEDIA_ROOT`` (the default)
or in an S3-compatible store such as MinIO (``JIFEN_STORAGE=s3``, docs/deployment.md) without a
change here. Rows keep the bare random name; the storage key is ``evidence/<name>``, which is
also where the files already sat under ``MEDIA_ROOT`` (docs/decisions.md)."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jifen.audit.services import audit_record, target_of

if TYPE_CHECKING:  # the models store through this module: only the type goes the other way
    from jifen.recording.models import StoredFile as StoredFileRow

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a phone photo is ~12 MP; far beyond that is a decompression bomb
# Pillow refuses (DecompressionBombError) an image of more than twice this at open and warns
# (DecompressionBombWarning, a RuntimeWarning) above it; set once here, not per upload, so the
# very first probe already has it. Evidence is Jifen's only use of Pillow.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
FOLDER = "evidence"
# A stored name is one path segment: the random hex (plus the storage's own suffix when it ever
# had to pick another name) and an extension. Nothing with a slash or dots reaches the storage.
_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}\.[a-z0-9]{1,8}")


@dataclass(frozen=True)
class StoredFile:
    name: str  # within the evidence folder of the storage
    content_type: str
    size: int
    sha256: str


def evidence_key(name: str) -> str:
    """The storage key of a stored file's ``name``; refuses anything that is not one of ours."""
    if not _NAME.fullmatch(name):
        raise ValidationError("bad evidence name")
    return f"{FOLDER}/{name}"


def _reencoded(data: bytes) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            source_format = image.format or ""
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if source_format == "PNG":
                upright.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png", ".png"
            upright.convert("RGB").save(out, format="JPEG", quality=85)
            return out.getvalue(), "image/jpeg", ".jpg"
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(_("图片已损坏或无法识别")) from error


def _too_many_pixels(filename: str, size: tuple[int, int] | None = None) -> ValidationError:
    """A decompression bomb (a small file declaring a huge picture) or simply too large a
    photo: refused by its declared size, before a single pixel is decoded."""
    shown = f"{size[0]}×{size[1]}" if size else _("过大")
    return ValidationError(
        _("%(name)s：图片尺寸%(size)s超过上限（4000 万像素），请缩小后再上传")
        % {"name": filename, "size": shown}
    )


def _not_a_photo(filename: str) -> str:
    return _("%(name)s：只接受照片（JPEG、PNG 等）或 PDF 文件") % {"name": filename}


def evidence_store(data: bytes, filename: str) -> StoredFile:
    """Check ``data`` by its content (never by the name the phone gave it) and store it."""
    if not data:
        raise ValidationError(_("%(name)s：文件是空的") % {"name": filename})
    if len(data) > MAX_BYTES:
        raise ValidationError(_("%(name)s：文件超过 10 MB") % {"name": filename})
    if data.startswith(b"%PDF-"):
        body, content_type, suffix = data, "application/pdf", ".pdf"
    else:
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind, size = probe.format, probe.size
        except _BOMB as error:
            raise _too_many_pixels(filename) from error
        except (UnidentifiedImageError, OSError) as error:
            raise ValidationError(_not_a_photo(filename)) from error
        if kind not in IMAGE_FORMATS:
            raise ValidationError(_not_a_photo(filename))
        if size[0] * size[1] > MAX_PIXELS:  # between the limit and Pillow's own refusal
            raise _too_many_pixels(filename, size)
        body, content_type, suffix = _reencoded(data)
    # The storage may answer with another name if this one were taken (it never is: 128 random
    # bits); the row keeps the name the storage actually used.
    saved = default_storage.save(
        evidence_key(f"{secrets.token_hex(16)}{suffix}"), ContentFile(body)
    )
    name = saved.rpartition("/")[2]
    return StoredFile(name, content_type, len(body), hashlib.sha256(body).hexdigest())


def evidence_open(name: str) -> File[bytes]:
    """The stored file, open for reading from the storage (the caller closes it)."""
    return default_storage.open(evidence_key(name), "rb")


def evidence_read(name: str) -> bytes:
    with evidence_open(name) as stored:
        data: bytes = stored.read()
    return data


def file_response(request: HttpRequest, found: StoredFileRow) -> HttpResponse:
    """A stored file, shown in the browser, never sniffed as another type, cached privately —
    but only the bytes recorded at upload: they are read, checked against the row's SHA-256 and
    served from that one read. A file gone from the storage, or changed in it, is not served:
    the reader gets a page that says so and the audit log a row for an admin to act on.
    Callers have already checked that the reader may see it."""
    try:
        data = evidence_read(found.name)
    except FileNotFoundError:
        return _file_problem(request, found, missing=True, detail={})
    digest = hashlib.sha256(data).hexdigest()
    if digest != found.sha256:
        detail = {"sha256": digest, "size": len(data)}
        return _file_problem(request, found, missing=False, detail=detail)
    response = HttpResponse(data, content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _file_problem(
    request: HttpRequest, found: StoredFileRow, *, missing: bool, detail: dict[str, object]
) -> HttpResponse:
    what = {"original_name": found.original_name, "name": found.name, "recorded": found.sha256}
    if missing:
        action, summary = "evidence.missing", _("文件缺失：%(file)s")
    else:
        action, summary = "evidence.tampered", _("文件与上传时不一致，已拒绝提供：%(file)s")
    audit_record(
        action=action,
        target=target_of(found),
        summary=summary % {"file": found.original_name},
        detail={**what, **detail},
    )
    context = {"file": found, "missing": missing}
    # 404 as for any file that is not there; 409: the stored state contradicts the record.
    return render(request, "recording/file_problem.html", context, status=404 if missing else 409)


def uploads(request: HttpRequest, field: str = "files") -> list[tuple[str, bytes]]:
    """The files uploaded in ``field``, refused before reading when one is too large."""
    files = []
    for upload in request.FILES.getlist(field):
        if upload.size and upload.size > MAX_BYTES:
            raise ValidationError({"files": _("%(name)s：文件超过 10 MB") % {"name": upload.name}})
        files.append((upload.name or "file", upload.read()))
    return files
