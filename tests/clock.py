"""Time held still: the ``clock`` fixture (and ``clock_held`` for a fixture wider than a test).

A test that depends on the date or the moment asks for ``clock``; from then until it ends,
time stands at the moment the test chose (``clock.set``, ``clock.advance``), never moved by a
second or a midnight passing while it runs. Each reading is one microsecond after the one
before, so rows written one after another keep that order when sorted by their timestamps,
as they would in real time, and the second (in signed tokens) and the date do not change.

Holding the clock holds Jifen's clock (jifen/core/clock.py) and points at it the two places
Django reads the time itself, so everything in the process agrees on the moment — the live
server's thread of the browser tests included: ``django.utils.timezone.now`` (``auto_now_add``
fields, sessions, ``timezone.localdate()``) and the timestamp ``django.core.signing.dumps``
puts in a signed token (the notice's public address, the activity's check-in code), so a
token the test computes is the one the page drew. Code that imported ``now`` by name keeps
the real clock: django-axes does (its lockout window), so the lockout test holds no clock.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.utils import timezone

from jifen.core import clock as jifen_clock

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A working Wednesday morning in the middle of a quarter, far from midnight, a month's end,
# a quarter's end and the year's end.
DEFAULT = dt.datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)

_TICK = dt.timedelta(microseconds=1)


class Clock:
    """The clock a test holds."""

    def __init__(self, at: dt.datetime | dt.date) -> None:
        self._lock = threading.Lock()  # the browser tests' live server reads it from a thread
        self.set(at)

    def __call__(self) -> dt.datetime:
        """A reading: a microsecond after the last one."""
        with self._lock:
            self._at += _TICK
            return self._at

    @property
    def now(self) -> dt.datetime:
        """The latest reading (or the moment set), without taking a new one."""
        return self._at

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self._at)

    def set(self, at: dt.datetime | dt.date) -> None:
        """Stop the clock at ``at``; a date means 10:00 that morning in Beijing, a naive
        datetime Beijing's time."""
        if not isinstance(at, dt.datetime):
            at = dt.datetime.combine(at, dt.time(10, 0), tzinfo=SHANGHAI)
        elif timezone.is_naive(at):
            at = at.replace(tzinfo=SHANGHAI)
        self._at = at

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self._at + delta)


def _timestamp(_signer: signing.TimestampSigner) -> str:
    return signing.b62_encode(int(jifen_clock.now().timestamp()))


@contextmanager
def clock_held(at: dt.datetime | dt.date = DEFAULT) -> Iterator[Clock]:
    """The clock held at ``at`` inside the with-block, for a fixture that outlives one test
    (a module's world built once); on leaving, the clock is back where it was."""
    held = Clock(at)
    before = jifen_clock.hold(held)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", jifen_clock.now)
        patch.setattr(signing.TimestampSigner, "timestamp", _timestamp)
        try:
            yield held
        finally:
            jifen_clock.hold(before)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Time stands at DEFAULT (2026-11-18 10:00 in Beijing) until the test moves it."""
    with clock_held() as held:
        yield held
