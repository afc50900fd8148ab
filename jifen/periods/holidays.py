"""The State Council's holiday schedule for years the ``chinese-calendar`` package does not know.

The package wins for every year it knows (it is the published schedule, tested by its
maintainers); an entered schedule counts only for a year the package does not know, and the
entry is refused for a year it knows (docs/decisions.md). A schedule is national: one per
installation, entered by a committee admin of any committee or loaded from a file by the
deployment (``jifen holidays_load``). Entering a year again writes a new version; the latest
counts, the earlier ones stay, and every entry is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from jifen.accounts.roles import Role
from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs import access
from jifen.periods.models import HolidayDay, HolidaySchedule

SATURDAY = 5
# The State Council publishes the coming year's schedule in October or November; from November
# on, a missing coming year is worth a warning.
WARN_NEXT_YEAR_FROM_MONTH = 11


@dataclass(frozen=True)
class Day:
    day: dt.date
    kind: str  # HolidayDay.Kind
    name: str = ""


def may_enter(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Committee admins of any committee enter the national schedule (it is not theirs alone,
    but a committee admin is who runs an installation's year)."""
    return Role.COMMITTEE_ADMIN in access.roles_held(user)


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def day_problem(year: int, item: Day) -> str | None:
    """What is wrong with one day of a year's schedule, in Chinese, or None."""
    shown = f"{item.day.year}年{item.day.month}月{item.day.day}日"
    if item.day.year != year:
        return f"{shown} 不在 {year} 年"
    if item.kind == HolidayDay.Kind.WORKDAY and item.day.weekday() < SATURDAY:
        return f"{shown} 是工作日，调休上班的日期应为周六或周日"
    return None


def schedule_problems(year: int, days: list[Day]) -> list[str]:
    """Every problem of a whole schedule: the year, each day, a day given twice."""
    problems = []
    if package_knows(year):
        problems.append(f"chinese-calendar 已包含 {year} 年的节假日安排，无需录入")
    seen: dict[dt.date, str] = {}
    for item in days:
        problem = day_problem(year, item)
        if problem:
            problems.append(problem)
        if item.day in seen:
            problems.append(
                f"{item.day.year}年{item.day.month}月{item.day.day}日 重复出现"
                + ("，不能既是假日又是调休上班" if seen[item.day] != item.kind else "")
            )
        seen[item.day] = item.kind
    if not any(item.kind == HolidayDay.Kind.HOLIDAY for item in days):
        problems.append(f"{year} 年的安排至少应有一个假日")
    return problems


@transaction.atomic
def holiday_schedule_enter(
    *,
    year: int,
    days: list[Day],
    actor: User | None,
    source: str = HolidaySchedule.Source.PAGE,
) -> HolidaySchedule:
    """Write a new version of ``year``'s schedule, or refuse it whole with every reason."""
    problems = schedule_problems(year, days)
    if problems:
        raise ValidationError(problems)
    # Two entries of one year at once: the unique (year, version) refuses the second.
    latest = HolidaySchedule.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0
    schedule = HolidaySchedule.objects.create(
        year=year,
        version=latest + 1,
        source=source,
        entered_by=actor,
        entered_at=clock.now(),
    )
    HolidayDay.objects.bulk_create(
        HolidayDay(schedule=schedule, day=d.day, kind=d.kind, name=d.name[:40]) for d in days
    )
    holidays = sum(d.kind == HolidayDay.Kind.HOLIDAY for d in days)
    audit_record(
        action="periods.holidays_enter",
        actor=actor,
        target=schedule,
        summary=(
            f"录入 {year} 年节假日安排（第 {schedule.version} 版）：假日 {holidays} 天，"
            f"调休上班 {len(days) - holidays} 天"
        ),
        detail={
            "year": year,
            "version": schedule.version,
            "source": source,
            "days": [[d.day.isoformat(), d.kind, d.name] for d in days],
        },
    )
    return schedule


def latest_schedule(year: int) -> HolidaySchedule | None:
    return HolidaySchedule.objects.filter(year=year).order_by("-version").first()


def entered_days(year: int) -> dict[dt.date, bool] | None:
    """The latest entered schedule of ``year``, day → is it a working day; None if none."""
    schedule = latest_schedule(year)
    if schedule is None:
        return None
    return {
        d.day: d.kind == HolidayDay.Kind.WORKDAY
        for d in HolidayDay.objects.filter(schedule=schedule)
    }


def years_missing(today: dt.date | None = None) -> list[int]:
    """The current year, and from November the coming one, where neither the package nor an
    entry knows the schedule: notices there would count Monday to Friday."""
    today = today or clock.today()
    years = [today.year]
    if today.month >= WARN_NEXT_YEAR_FROM_MONTH:
        years.append(today.year + 1)
    entered = set(HolidaySchedule.objects.filter(year__in=years).values_list("year", flat=True))
    return [y for y in years if not package_knows(y) and y not in entered]


def schedules_listed() -> list[tuple[HolidaySchedule, int, int]]:
    """The latest version of each entered year, newest year first, with its counts."""
    listed = []
    for year in HolidaySchedule.objects.order_by("-year").values_list("year", flat=True).distinct():
        schedule = latest_schedule(year)
        assert schedule is not None  # noqa: S101 (the year was just read from its schedules)
        kinds = list(HolidayDay.objects.filter(schedule=schedule).values_list("kind", flat=True))
        holidays = kinds.count(HolidayDay.Kind.HOLIDAY)
        listed.append((schedule, holidays, len(kinds) - holidays))
    return listed
