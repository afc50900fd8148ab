"""Writing notifications, preferences and a branch's group robot.

``notify`` is the one way an app tells people something: called inside the service's own
transaction, so a declaration that is rolled back tells nobody. What goes out by e-mail is
handed to the channels only after the transaction commits (``channels.deliver_after_commit``),
so a mail server that is down never fails nor holds up the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.inbox.channels import deliver_after_commit, email_body, email_subject
from jifen.inbox.models import BranchWebhook, Delivery, Notification, Preference, ReminderSent
from jifen.orgs.models import Organization, Person


def users_of(person_ids: Iterable[int]) -> list[int]:
    """The accounts of these people (a person without an account is told nothing)."""
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        return []
    found = dict(Person.objects.filter(pk__in=ids, user__isnull=False).values_list("pk", "user_id"))
    return [found[pk] for pk in ids if pk in found]


def _emails_for(user_ids: list[int]) -> dict[int, str]:
    """Who gets this by e-mail: the deployment sends mail, the account has an address, and the
    person has not turned e-mail off."""
    if not settings.JIFEN_MAIL or not user_ids:
        return {}
    off = set(
        Preference.objects.filter(user_id__in=user_ids, email=False).values_list(
            "user_id", flat=True
        )
    )
    return {
        pk: email
        for pk, email in User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
        if pk not in off
    }


def notify(
    *,
    kind: str,
    params: dict[str, Any],
    link: str = "",
    user_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
) -> list[Notification]:
    """Tell these accounts (and the accounts of these people) ``kind`` with ``params``: a
    notification in each inbox, and an e-mail where the deployment and the person want one."""
    recipients = list(dict.fromkeys([*user_ids, *users_of(person_ids)]))
    if not recipients:
        return []
    now = clock.now()
    made = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, params=params, link=link, created_at=now)
            for pk in recipients
        ]
    )
    emails = _emails_for(recipients)
    if emails:
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    channel=Delivery.Channel.EMAIL,
                    notification=notification,
                    address=emails[notification.recipient_id],
                    subject=email_subject(),
                    body=email_body(notification),
                    created_at=now,
                )
                for notification in made
                if notification.recipient_id in emails
            ]
        )
        deliver_after_commit([d.pk for d in deliveries])
    return made


def announce(*, organization: Organization, text: str) -> Delivery | None:
    """A message to the branch's group chat through its robot, if the deployment allows robots
    and the branch has one switched on; sent after the transaction commits."""
    if not settings.JIFEN_WEBHOOKS:
        return None
    webhook = BranchWebhook.objects.filter(organization=organization, enabled=True).first()
    if webhook is None:
        return None
    delivery = Delivery.objects.create(
        channel=Delivery.Channel.WEBHOOK,
        webhook=webhook,
        address=urlsplit(webhook.url).netloc[:254],
        body=text,
        created_at=clock.now(),
    )
    deliver_after_commit([delivery.pk])
    return delivery


def reminder_claim(*, key: str, recipient: str) -> bool:
    """True the first time ``recipient`` is reminded of ``key`` (and records it), False after:
    the unique key, not a read before the write, decides, so two runs at once remind once."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(key=key[:120], recipient=recipient, sent_at=clock.now())
    except IntegrityError:
        return False
    return True


@transaction.atomic
def notification_read(*, notification: Notification, actor: User) -> Notification:
    """Mark the reader's own notification read (reading it twice keeps the first time)."""
    if notification.recipient_id != actor.pk:
        raise ValidationError(_("这不是您的通知"))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=clock.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, actor: User) -> int:
    """Mark every unread notification of the reader read; how many there were."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=clock.now()
    )


@transaction.atomic
def preference_set(*, actor: User, email: bool) -> Preference:
    """The reader's own choice of e-mail, audited."""
    preference, _created = Preference.objects.update_or_create(
        user=actor, defaults={"email": email}
    )
    audit_record(
        action="inbox.preference",
        actor=actor,
        target=preference,
        summary=f"{actor.get_username()} {'接收' if email else '不接收'}通知邮件",
    )
    return preference


def webhook_host_allowed(url: str) -> bool:
    """Only the hosts the deployment names (JIFEN_WEBHOOK_HOSTS): a branch admin's page must
    not become a way to make the server call any address on the intranet."""
    host = (urlsplit(url).hostname or "").lower()
    return host in {h.lower() for h in settings.JIFEN_WEBHOOK_HOSTS}


@transaction.atomic
def webhook_set(
    *,
    organization: Organization,
    url: str,
    secret: str | None,
    enabled: bool,
    actor: User,
) -> BranchWebhook | None:
    """Set, change or (an empty ``url``) remove the branch's group robot. ``secret`` None keeps
    the one stored (the page never shows it back)."""
    url = url.strip()
    existing = BranchWebhook.objects.select_for_update().filter(organization=organization).first()
    if not url:
        if existing is not None:
            existing.delete()
            audit_record(
                action="inbox.webhook_remove",
                actor=actor,
                target=organization,
                summary=f"{organization.name} 删除群机器人",
            )
        return None
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ValidationError({"url": _("机器人地址应以 https:// 开头")})
    if not webhook_host_allowed(url):
        raise ValidationError(
            {
                "url": _("本系统只允许向这些地址发送：%(hosts)s。请联系系统管理员。")
                % {"hosts": "、".join(settings.JIFEN_WEBHOOK_HOSTS) or _("（无）")}
            }
        )
    webhook = existing or BranchWebhook(organization=organization)
    webhook.url = url
    if secret is not None:
        webhook.secret = secret.strip()
    webhook.enabled = enabled
    webhook.updated_by = actor
    webhook.updated_at = clock.now()
    webhook.save()
    audit_record(
        action="inbox.webhook",
        actor=actor,
        target=organization,
        summary=(
            f"{organization.name} 设置群机器人 {urlsplit(url).netloc}"
            f"（{'加签' if webhook.secret else '不加签'}，{'启用' if enabled else '停用'}）"
        ),
    )
    return webhook
