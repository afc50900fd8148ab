"""Working days for a public notice (公示): weekends, statutory holidays and 调休 workdays from
the ``chinese-calendar`` package.

The package knows the State Council's schedule only for the years it was released with (up to
2026 in version 1.11). For a later year the schedule entered in Jifen counts (jifen/periods/
holidays.py: a committee admin's page, or ``jifen holidays_load``). Where none is entered either,
Monday to Friday are counted as working days and the notice says so (``holidays_known`` is
False), so whoever opens it can check the dates against the year's schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils import dateformat
from django.utils.translation import gettext

from jifen.periods.holidays import entered_days

# Seed 003: "在支部范围内进行公示(5个工作日)". The rulebook format has no key for it yet, so every
# rulebook gets the seed's five (docs/periods.md).
DEFAULT_NOTICE_DAYS = 5
ONE_DAY = dt.timedelta(days=1)


def is_workday(
    day: dt.date, entered: dict[int, dict[dt.date, bool] | None] | None = None
) -> tuple[bool, bool]:
    """(is it a working day, is the year's holiday schedule known). The package first; for a
    year it does not know, the schedule entered in Jifen (read once per year into ``entered``
    when the caller passes a dict to keep it in)."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        pass
    entered = {} if entered is None else entered
    if day.year not in entered:
        entered[day.year] = entered_days(day.year)
    schedule = entered[day.year]
    if schedule is None:
        return day.weekday() < 5, False
    return schedule.get(day, day.weekday() < 5), True


@dataclass(frozen=True)
class Window:
    starts: dt.date  # the first working day on or after the day the notice is opened
    ends: dt.date  # the last of ``days`` working days, inclusive
    days: int
    holidays_known: bool


def notice_window(opened: dt.date, days: int = DEFAULT_NOTICE_DAYS) -> Window:
    """The notice opened on ``opened`` runs ``days`` working days, counting ``opened`` itself
    when it is a working day (opened on a holiday, it starts on the next working day)."""
    if days < 1:
        raise ValueError("a notice runs at least one working day")
    known = True
    day = opened
    starts: dt.date | None = None
    counted = 0
    entered: dict[int, dict[dt.date, bool] | None] = {}
    while True:
        working, day_known = is_workday(day, entered)
        known = known and day_known
        if working:
            starts = starts or day
            counted += 1
            if counted == days:
                return Window(starts, day, days, known)
        day += ONE_DAY


def cn_date(day: dt.date) -> str:
    """2026年10月8日, as notices and their messages write a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def shown_date(day: dt.date) -> str:
    """cn_date in the reader's language, for what a page says (2026年10月8日, or 8 Oct 2026)."""
    return dateformat.format(day, gettext("Y年n月j日"))
