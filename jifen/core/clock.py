"""The one place Jifen reads the clock: ``now()`` and ``today()``.

Everything that needs the current moment or date asks here, so a test can hold time still
(the ``clock`` fixture in tests/clock.py) and a page, a service and a form all see the same
day. Functions that decide something about a date still take it as a parameter where they
can (``today=``); this module is where the caller gets it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

Source = Callable[[], dt.datetime]

# Taken once, at import: a test that points ``django.utils.timezone.now`` at this clock must
# not make the clock ask itself.
_system_now: Source = timezone.now

_source: Source | None = None


def now() -> dt.datetime:
    """The current moment, time-zone aware."""
    return _source() if _source is not None else _system_now()


def today() -> dt.date:
    """Today's date where the installation is (settings.TIME_ZONE, Asia/Shanghai): after
    midnight in Beijing it is already tomorrow, whatever the server's own clock says."""
    return timezone.localdate(now())


def hold(source: Source | None) -> Source | None:
    """Read the time from ``source`` instead of the system (None: the system again); returns
    the source it replaces, so a caller can put it back. For tests (tests/clock.py)."""
    global _source  # the clock is process-wide state by nature
    before, _source = _source, source
    return before
