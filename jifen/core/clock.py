"""The one place Jifen reads the clock: ``now()`` and ``today()``.

Everything that needs the current moment or date asks here, so a test can hold time still
(the ``clock`` fixture in tests/clock.py) and a page, a service and a form all see the same
day. Functions that decide something about a date still take it as a parameter where they
can (``today=``); this module is where the caller gets it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# Taken once, at import: a test that points ``django.utils.timezone.now`` at this clock must
# not make the clock ask itself.
_system_now = timezone.now

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, time-zone aware."""
    return _frozen if _frozen is not None else _system_now()


def today() -> dt.date:
    """Today's date where the installation is (settings.TIME_ZONE, Asia/Shanghai): after
    midnight in Beijing it is already tomorrow, whatever the server's own clock says."""
    return timezone.localdate(now())


def freeze(at: dt.datetime | None) -> dt.datetime | None:
    """Hold the clock at ``at`` (aware), or let it run again with None; returns where it was
    held before (None when it was running), so a caller can put it back. For tests."""
    global _frozen  # the clock is process-wide state by nature
    if at is not None and timezone.is_naive(at):
        raise ValueError("freeze() needs an aware datetime")
    before, _frozen = _frozen, at
    return before
