"""Pages of the quarter's close, one module per thing they show: ``lists`` (what waits for the
user), ``quarter`` (the quarterly sheet and its signature), ``notice`` (the public notice, 公示),
``objections`` (objections and their findings) and ``confirm`` (a member's confirmation)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def _today() -> dt.date:
    # One place for "today", so tests can set the day the pages see: they patch this name, and
    # the pages read it through ``common.today``.
    return timezone.localdate()
