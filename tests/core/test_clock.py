"""The one clock: today is Beijing's date, and a test that holds the clock holds all of it."""

from __future__ import annotations

import datetime as dt

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
    held = clock.now
    # Each reading is a microsecond after the last: rows keep the order they were written in.
    first, second = jifen_clock.now(), timezone.now()
    assert held < first < second < held + dt.timedelta(milliseconds=1)
    assert timezone.localdate() == jifen_clock.today() == clock.today == dt.date(2026, 10, 9)
    token = signing.dumps({"notice": 1}, salt="test")
    assert signing.dumps({"notice": 1}, salt="test") == token  # the same second, whatever ran
    clock.advance(dt.timedelta(seconds=1))
    assert signing.dumps({"notice": 1}, salt="test") != token  # the timestamp is the clock's


def test_a_clock_held_inside_another_gives_it_back(clock: Clock) -> None:
    with clock_held(dt.date(2027, 1, 1)) as inner:
        assert timezone.localdate() == inner.today == dt.date(2027, 1, 1)
    assert timezone.localdate() == clock.today == dt.date(2026, 11, 18)
    assert jifen_clock.now() == clock.now  # the reading came from the outer clock


def test_without_the_fixture_the_clock_runs() -> None:
    before = dt.datetime.now(dt.UTC)
    assert before <= jifen_clock.now() <= dt.datetime.now(dt.UTC)
