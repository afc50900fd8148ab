"""The home page tells a person how many notifications wait unread, and the latest one's words;
reading them takes the line away."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from jifen.inbox.models import Notification

pytestmark = pytest.mark.django_db


def _note(user: User, when: int) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=Notification.Kind.values[0],
        params={},
        created_at=timezone.now() + timezone.timedelta(minutes=when),
    )


def test_unread_notifications_are_a_line_of_the_home_page() -> None:
    user = User.objects.create_user("reader", password="x")
    client = Client()
    client.force_login(user)
    assert "未读通知" not in client.get("/").content.decode()
    _note(user, 0)
    _note(user, 1)
    page = client.get("/").content.decode()
    assert "未读通知" in page
    assert "最新：" in page
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    assert "未读通知" not in client.get("/").content.decode()
