"""``Idempotency-Key`` on every write: a retried request records once and gets the first answer.

The write and the remembered answer commit together (one transaction around the operation), so
there is no moment when the write is done but its answer forgotten. Keys are per user; the same
key with another method, path or body is 422 ``idempotency_key_reused``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Status

from jifen.accounts.current import signed_in
from jifen.api.errors import api_error
from jifen.api.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _digest(request: HttpRequest) -> str:
    """The request's method, path and content. A multipart body has been read into the form
    and files by now (Django refuses ``request.body`` then): its fields and the files' bytes."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:
        for name, values in sorted(request.POST.lists()):
            digest.update(f"{name}={values!r}\n".encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """The answer as JSON keeps it (Decimals and dates as text), to be replayed verbatim."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def once(request: HttpRequest, write: Callable[[], Status[Any]]) -> Status[Any]:
    """Run the write operation's ``write`` — or, when the request carries an Idempotency-Key
    already answered, give that answer again without writing."""
    key = request.META.get(HEADER, "").strip()
    if not key:
        return write()
    if len(key) > 200:
        raise api_error(422, _("Idempotency-Key 不能超过 200 个字符"), code="invalid")
    digest = _digest(request)
    user = signed_in(request)
    try:
        with transaction.atomic():
            seen = IdempotentRequest.objects.filter(user=user, key=key).first()
            if seen is not None:
                if seen.request_digest != digest:
                    raise api_error(
                        422,
                        _("这个 Idempotency-Key 已用于另一个请求，请换一个"),
                        code="idempotency_key_reused",
                    )
                return Status(seen.status, seen.body)
            answer = write()
            IdempotentRequest.objects.create(
                user=user,
                key=key,
                request_digest=digest,
                status=answer.status_code,
                body=_plain(answer.value),
            )
            return answer
    except IntegrityError:
        # The same key committed by a concurrent request a moment ago: answer as it did.
        seen = IdempotentRequest.objects.filter(user=user, key=key).first()
        if seen is None or seen.request_digest != digest:
            raise
        return Status(seen.status, seen.body)
