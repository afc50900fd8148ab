"""What each kind of notification says, in the reader's language: a notification stores its
kind and figures, and is worded when read (the inbox, an e-mail in the deployment's language)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jifen.inbox.models import Notification

K = Notification.Kind
SENTENCES: dict[str, Promise] = {
    K.DECLARATION_APPROVED: _("您 %(date)s 的申报已通过，核定 %(points)s 分"),
    K.DECLARATION_RETURNED: _("您 %(date)s 的申报被退回，请修改后重新提交：%(note)s"),
    K.DECLARATION_REJECTED: _("您 %(date)s 的申报未通过：%(note)s"),
    K.CORRECTION: _("您 %(date)s 的积分记录已更正：%(reason)s"),
    K.QUARTER_CONFIRM: _(
        "%(organization)s %(year)s 年第 %(quarter)s 季度考评表已可确认，请核对本人得分"
    ),
    K.OBJECTION_ANSWERED: _(
        "您对%(organization)s %(year)s 年第 %(quarter)s 季度考评结果提出的异议有了结论：%(outcome)s"
    ),
    K.WARNING_RAISED: _("%(year)s 年积分预警（%(band)s）：%(action)s"),
    K.STARS_APPROVED: _("%(organization)s %(year)s 年星级评定已批准，您评为 %(stars)s 星"),
    K.REMIND_SIGN: _(
        "%(organization)s %(year)s 年第 %(quarter)s 季度考评表尚未签名确认，"
        "季度结束已超过 %(days)s 个工作日"
    ),
    K.REMIND_NOTICE: _(
        "%(organization)s %(year)s 年第 %(quarter)s 季度考评结果的公示明天（%(date)s）截止"
    ),
    K.REMIND_REVIEW: _("%(organization)s有 %(count)s 份申报等待审核超过 %(days)s 个工作日"),
    K.REMIND_ACTIVITY: _("明天（%(date)s）有活动：%(title)s"),
}
# Figures stored as ISO dates, shown as dates; words stored in Chinese, the source of a msgid.
DATE_KEYS = frozenset({"date"})
WORD_KEYS = frozenset({"outcome", "band"})


def _shown(key: str, value: Any) -> Any:
    if key in DATE_KEYS and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return dateformat.format(day, gettext("Y年n月j日"))
    if key in WORD_KEYS and isinstance(value, str) and value:
        return gettext(value)
    return value


def worded(notification: Notification) -> str:
    """The notification's sentence in the active language."""
    sentence = SENTENCES.get(notification.kind)
    if sentence is None:
        return str(notification.get_kind_display())
    params = {key: _shown(key, value) for key, value in notification.params.items()}
    try:
        return str(sentence) % params
    except (KeyError, TypeError, ValueError):
        # A sentence changed since the notification was stored: say what kind it was.
        return str(notification.get_kind_display())
