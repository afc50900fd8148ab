"""Sending what ``notify`` and ``announce`` queued: e-mail through the organization's own SMTP
server (Django's mail) and the group robots of 企业微信 and 钉钉.

Nothing is sent inside a transaction: a delivery row is written with the notification, and its
sending starts after the commit (``deliver_after_commit``) on a thread of its own, so the page
answers at once whether the server is up, slow or down. Each attempt is written back on the row
(sent, or failed and why); ``jifen remind`` tries the failed ones again. Both channels are off
until the deployment switches them on (JIFEN_MAIL, JIFEN_WEBHOOKS; docs/deployment.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from jifen.core import clock
from jifen.inbox.models import Delivery, Notification
from jifen.inbox.texts import worded

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
STALE = dt.timedelta(minutes=10)
_threads: list[threading.Thread] = []


def email_body(notification: Notification) -> str:
    """The e-mail's text in the deployment's language, with a link where the site's address is
    known (JIFEN_SITE_URL)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = worded(notification)
    site = settings.JIFEN_SITE_URL.rstrip("/")
    if site and notification.link:
        text += f"\n\n{site}{notification.link}"
    return text


def email_subject() -> str:
    """In the deployment's language, not that of whoever caused the message."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("积分量化管理系统通知")


def robot_url(url: str, secret: str, now_ms: int) -> str:
    """DingTalk's 加签: ``timestamp`` and ``sign`` = base64(HMAC-SHA256(secret, "ts\\nsecret"))
    added to the robot's address. Without a secret (企业微信, or 钉钉 by keyword) unchanged."""
    if not secret:
        return url
    to_sign = f"{now_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{joiner}timestamp={now_ms}&sign={sign}"


def robot_body(text: str) -> bytes:
    """The text message both robots take."""
    return json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode(
        "utf-8"
    )


def _send_webhook(delivery: Delivery) -> None:
    webhook = delivery.webhook
    if webhook is None:
        raise RuntimeError("群机器人已删除")
    url = robot_url(webhook.url, webhook.secret, int(time.time() * 1000))
    request = urllib.request.Request(  # noqa: S310 (http(s) only, hosts the deployment allows)
        url,
        data=robot_body(delivery.body),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=settings.JIFEN_DELIVERY_TIMEOUT
    ) as response:
        answer = response.read(10_000)
    # Both robots answer 200 with {"errcode": 0, …}; any other errcode is a refusal.
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise RuntimeError(f"机器人拒收：{answer[:200].decode('utf-8', 'replace')}")


def _send_email(delivery: Delivery, mail: BaseEmailBackend) -> None:
    EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        connection=mail,
    ).send()


def mail_connection() -> BaseEmailBackend:
    """One connection to the SMTP server for a batch: opened at the first message, kept."""
    return get_connection(settings.JIFEN_MAIL_BACKEND, timeout=settings.JIFEN_DELIVERY_TIMEOUT)


def delivery_attempt(delivery: Delivery, mail: BaseEmailBackend | None = None) -> bool:
    """Send one delivery (an e-mail over ``mail``, the batch's connection) and write down how
    it went. Never raises: a server that is down is a failed delivery with the reason, not an
    error for whoever caused the message."""
    try:
        if delivery.channel == Delivery.Channel.EMAIL:
            _send_email(delivery, mail or mail_connection())
        else:
            _send_webhook(delivery)
    except Exception as error:  # any failure of the far side is recorded alike
        logger.warning("delivery %s failed: %s", delivery.pk, error)
        if mail is not None:
            mail.close()  # the next message opens a fresh connection
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED,
            attempts=delivery.attempts + 1,
            error=f"{type(error).__name__}: {error}"[:500],
        )
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, attempts=delivery.attempts + 1, error="", sent_at=clock.now()
    )
    return True


def deliveries_send(ids: Sequence[int]) -> int:
    """Send these deliveries if not sent yet, the e-mails over one connection; how many went
    out."""
    sent = 0
    mail = mail_connection()
    try:
        for delivery in (
            Delivery.objects.filter(pk__in=list(ids))
            .exclude(status=Delivery.Status.SENT)
            .select_related("webhook")
            .order_by("pk")
        ):
            sent += delivery_attempt(delivery, mail)
    finally:
        mail.close()
    return sent


def deliveries_retry() -> tuple[int, int]:
    """Try again what failed (fewer than MAX_ATTEMPTS times) or never started (the process
    ended first); (sent, tried). A pending one younger than STALE may be on its way from a
    page's thread right now: left alone, so nobody gets it twice."""
    stale = clock.now() - STALE
    waiting = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.FAILED)
            | Q(status=Delivery.Status.PENDING, created_at__lt=stale),
            attempts__lt=MAX_ATTEMPTS,
        ).values_list("pk", flat=True)
    )
    return deliveries_send(waiting), len(waiting)


def _send_in_thread(ids: list[int]) -> None:
    try:
        deliveries_send(ids)
    except Exception:  # the thread must not die loudly; the rows stay pending for a retry
        logger.exception("deliveries %s not attempted", ids)
    finally:
        connection.close()  # the thread's own connection


def deliver_after_commit(ids: list[int]) -> None:
    """Once the transaction commits, send these on a thread of their own (the request does not
    wait); JIFEN_DELIVER_INLINE sends them at once instead (the ``jifen remind`` command)."""
    if not ids:
        return

    def start() -> None:
        if settings.JIFEN_DELIVER_INLINE:
            deliveries_send(ids)
            return
        thread = threading.Thread(target=_send_in_thread, args=(ids,), daemon=True)
        _threads.append(thread)
        thread.start()

    transaction.on_commit(start)


def deliveries_wait(timeout: float = 30) -> None:
    """Wait for the threads started so far (for ``jifen remind`` before it exits, and tests)."""
    while _threads:
        _threads.pop().join(timeout)
