"""``jifen holidays_load FILE.csv``: a deployment loads the State Council's holiday schedule of the
years ``chinese-calendar`` does not know, from a CSV with the columns 日期, 类型 (假日 or 调休上班)
and 名称. All or nothing: one bad row and nothing is written, the row named (exit 2)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jifen.audit.context import audit_context
from jifen.periods.holidays import Day, day_problem, holiday_schedule_enter, package_knows
from jifen.periods.models import HolidayDay, HolidaySchedule

KINDS = {"假日": HolidayDay.Kind.HOLIDAY, "调休上班": HolidayDay.Kind.WORKDAY}
MAX_BYTES = 1024 * 1024


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _date(text: str) -> dt.date | None:
    for layout in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def _row_day(number: int, row: dict[str, str], seen: dict[dt.date, int]) -> Day:
    """One row as a day of its year's schedule, or a CommandError naming the row."""
    text = (row.get("日期") or "").strip()
    day = _date(text)
    if day is None:
        raise CommandError(f"第 {number} 行：日期“{text}”无效，请写成 2027-01-01", returncode=2)
    kind = KINDS.get((row.get("类型") or "").strip())
    if kind is None:
        raise CommandError(f"第 {number} 行：类型应为“假日”或“调休上班”", returncode=2)
    if package_knows(day.year):
        raise CommandError(
            f"第 {number} 行：chinese-calendar 已包含 {day.year} 年的节假日安排，无需导入",
            returncode=2,
        )
    if day in seen:
        raise CommandError(f"第 {number} 行：{text} 与第 {seen[day]} 行重复", returncode=2)
    seen[day] = number
    item = Day(day, kind, (row.get("名称") or "").strip())
    problem = day_problem(day.year, item)
    if problem:
        raise CommandError(f"第 {number} 行：{problem}", returncode=2)
    return item


class Command(BaseCommand):
    help = (
        "从 CSV 导入国务院节假日安排（列：日期、类型 假日/调休上班、名称），全部通过才写入。"
        " Load the State Council holiday schedule from a CSV, all or nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="CSV 文件 the CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}", returncode=2)
        if path.stat().st_size > MAX_BYTES:
            raise CommandError("文件超过 1 MB，不像是节假日安排", returncode=2)
        reader = csv.DictReader(io.StringIO(_text(path.read_bytes())))
        missing = {"日期", "类型"} - set(reader.fieldnames or [])
        if missing:
            raise CommandError(f"第 1 行（表头）缺少列：{'、'.join(sorted(missing))}", returncode=2)
        years: dict[int, list[Day]] = {}
        seen: dict[dt.date, int] = {}
        for number, row in enumerate(reader, 2):
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            item = _row_day(number, row, seen)
            years.setdefault(item.day.year, []).append(item)
        if not years:
            raise CommandError("文件中没有任何日期", returncode=2)
        with audit_context(path=f"jifen holidays_load {path}"):
            self._load(years)

    @transaction.atomic
    def _load(self, years: dict[int, list[Day]]) -> None:
        for year, days in sorted(years.items()):
            try:
                schedule = holiday_schedule_enter(
                    year=year, days=days, actor=None, source=HolidaySchedule.Source.FILE
                )
            except ValidationError as error:
                raise CommandError(
                    f"{year} 年：{'；'.join(error.messages)}；没有写入任何数据", returncode=2
                ) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入 {year} 年节假日安排（第 {schedule.version} 版），共 {len(days)} 天"
                )
            )
