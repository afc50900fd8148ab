"""The inbox (one's own notifications), one's own preferences, and a branch's group robot."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts.current import signed_in
from jifen.core.formflow import form_page
from jifen.inbox.forms import PreferenceForm, RobotForm
from jifen.inbox.models import BranchWebhook, Notification, Preference
from jifen.inbox.services import (
    notification_read,
    notifications_read_all,
    preference_set,
    webhook_set,
)
from jifen.inbox.texts import worded
from jifen.orgs import access
from jifen.orgs.access import Action, Door

# Only the recipient is let in: no organization, no role reaches another's notification.
NOTIFICATIONS = Door(Notification.objects.all(), org_field=None)
SHOWN = 200


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = list(Notification.objects.filter(recipient_id=request.user.pk)[:SHOWN])
    for row in rows:
        row.text = worded(row)  # type: ignore[attr-defined]
    return render(request, "inbox/inbox.html", {"notifications": rows})


@login_required
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark it read and go where it points (a path within Jifen only)."""
    user = signed_in(request)
    notification = NOTIFICATIONS.open(
        user, notification_id, Action.READ_OWN, also=access.own(user, "recipient_id")
    )
    try:
        notification_read(notification=notification, actor=user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("inbox:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_read_all(actor=signed_in(request))
    messages.success(request, _("已将 %(count)s 条通知标为已读") % {"count": count})
    return redirect("inbox:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    current = Preference.objects.filter(user=user).first()
    # An unticked box sends an empty POST: still a POST, so not ``request.POST or None``.
    posted = request.POST if request.method == "POST" else None
    form = PreferenceForm(posted, initial={"email": current.email if current else True})
    return form_page(
        request,
        form,
        save=lambda data: preference_set(actor=user, email=data["email"]),
        done=lambda _result: redirect("inbox:preferences"),
        message=lambda result: (
            _("已保存：接收通知邮件") if result.email else _("已保存：不接收通知邮件")
        ),
        template="inbox/preferences.html",
        context={"mail_on": settings.JIFEN_MAIL, "address": user.email},
    )


@login_required
def robot(request: HttpRequest, org_id: int) -> HttpResponse:
    user = signed_in(request)
    organization = access.org_for(user, org_id, Action.SET_ROBOT)
    current = BranchWebhook.objects.filter(organization=organization).first()
    initial = {"url": current.url, "enabled": current.enabled} if current else {"enabled": True}
    form = RobotForm(request.POST if request.method == "POST" else None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: webhook_set(organization=organization, actor=user, **data),
        done=lambda _result: redirect(reverse("inbox:robot", kwargs={"org_id": organization.pk})),
        message=lambda result: _("已保存群机器人") if result else _("已删除群机器人"),
        template="inbox/robot.html",
        context={
            "organization": organization,
            "current": current,
            "robots_on": settings.JIFEN_WEBHOOKS,
            "hosts": settings.JIFEN_WEBHOOK_HOSTS,
        },
    )
