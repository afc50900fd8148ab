"""Unread notifications on the home page (jifen/core/todo.py): how many, and the latest one's
words, one tap from the inbox. Two indexed queries, whatever the inbox holds."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.core.todo import Todo, provider
from jifen.inbox.models import Notification
from jifen.inbox.texts import worded
from jifen.orgs.access import AnyUser


@provider
def unread_notifications(user: AnyUser, today: dt.date) -> list[Todo]:
    if not user.is_authenticated:
        return []
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    count = unread.count()
    if not count:
        return []
    latest = unread.order_by("-created_at", "-pk").first()
    note = _("最新：%(text)s") % {"text": worded(latest)} if latest is not None else ""
    return [Todo(_("未读通知"), reverse("inbox:inbox"), count=count, note=note, order=0)]
