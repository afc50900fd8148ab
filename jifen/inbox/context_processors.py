"""The unread count the header shows beside 通知."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from jifen.inbox.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Counted only when a template shows it (one query; the header's).
    return {
        "inbox_unread": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
        )
    }
