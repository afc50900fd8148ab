"""The one clock: today is Beijing's date, and a test that holds the clock holds all of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from jifen.core import clock as jifen_clock
from tests.clock import Clock, clock_held

UTC = dt.UTC


def test_today_is_beijings_date_not_the_servers(clock: Clock) -> None:
    # 17:30 on New Year's Eve in UTC is half past one on New Year's Day in Beijing.
    clock.set(dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
    assert jifen_clock.today() == dt.date(2027, 1, 1)
    clock.set(dt.datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC))
    assert jifen_clock.today() == dt.date(2026, 12, 31)


def test_a_held_clock_holds_djangos_time_and_signed_tokens_too(clock: Clock) -> None:
    clock.set(dt.date(2026, 10, 9))
    assert timezone.now() == jifen_clock.now() == clock.now
    assert timezone.localdate() == dt.date(2026, 10, 9)
    first = signing.dumps({"notice": 1}, salt="test")
    clock.advance(dt.timedelta(seconds=1))
    second = signing.dumps({"notice": 1}, salt="test")
    assert first != second  # the timestamp is in the token...
    clock.advance(dt.timedelta(seconds=-1))
    assert signing.dumps({"notice": 1}, salt="test") == first  # ...and it is the clock's


def test_a_clock_held_inside_another_gives_it_back(clock: Clock) -> None:
    outer = clock.now
    with clock_held(dt.date(2027, 1, 1)) as inner:
        assert timezone.localdate() == inner.today == dt.date(2027, 1, 1)
    assert timezone.now() == jifen_clock.now() == outer


def test_the_clock_refuses_a_moment_without_a_time_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        jifen_clock.freeze(dt.datetime(2026, 10, 9, 10, 0))
