"""The State Council's schedule for a year ``chinese-calendar`` does not know (2027): entered on a
page or loaded from a file, it moves a notice's end date; a missing one is warned about.

The 2027 schedule below is the test's own, not the State Council's (not published when this
was written): 元旦 1月1日（周五）至3日放假; 春节 2月6日至2月12日放假, 2月20日（周六）上班.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.periods.models import HolidayDay, HolidaySchedule, Notice
from jifen.periods.workdays import is_workday
from tests.clock import Clock

pytestmark = pytest.mark.django_db
D = dt.date

HOLIDAYS = "2027-01-01 元旦\n2027-01-02 元旦\n2027-01-03 元旦\n" + "".join(
    f"2027-02-{day:02d} 春节\n" for day in range(6, 13)
)
WORKDAYS = "2027-02-20 春节调休\n"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _enter(admin: User, holidays: str = HOLIDAYS, workdays: str = WORKDAYS, year: int = 2027):
    return _client(admin).post(
        reverse("periods:holidays_enter"),
        {"year": year, "holidays": holidays, "workdays": workdays},
    )


def _open_notice(branch: SimpleNamespace) -> Notice:
    secretary = _client(branch.secretary)
    args = [branch.org.pk, 2026, 4]
    assert secretary.post(reverse("periods:sign", args=args), {"confirm": "yes"}).status_code == 302
    secretary.post(
        reverse("periods:notice_open", args=args), {"how_to_object": "", "confirm": "yes"}
    )
    return Notice.objects.get()


def test_without_a_schedule_new_years_day_counts_as_a_working_day(
    branch: SimpleNamespace, clock: Clock
) -> None:
    clock.set(D(2027, 1, 1))  # a Friday, 元旦
    notice = _open_notice(branch)
    # Monday to Friday: 1/1 (Fri), 1/4, 1/5, 1/6, 1/7.
    assert (notice.starts, notice.ends, notice.holidays_known) == (
        D(2027, 1, 1),
        D(2027, 1, 7),
        False,
    )


def test_the_entered_2027_schedule_moves_the_notice_end_date(
    branch: SimpleNamespace, committee_admin: User, clock: Clock
) -> None:
    clock.set(D(2027, 1, 1))
    response = _enter(committee_admin)
    assert response.status_code == 302
    notice = _open_notice(branch)
    # Opened on 元旦 (a holiday): 1/4, 1/5, 1/6, 1/7, 1/8.
    assert (notice.starts, notice.ends, notice.holidays_known) == (
        D(2027, 1, 4),
        D(2027, 1, 8),
        True,
    )
    assert is_workday(D(2027, 2, 20)) == (True, True)  # the Saturday 调休上班
    assert is_workday(D(2027, 2, 8)) == (False, True)  # a Monday of 春节
    assert is_workday(D(2027, 3, 1)) == (True, True)  # not listed: an ordinary Monday
    event = AuditEvent.objects.get(action="periods.holidays_enter")
    assert event.actor == committee_admin
    assert "假日 10 天，调休上班 1 天" in event.summary


def test_a_new_version_counts_and_the_old_one_stays(committee_admin: User, clock: Clock) -> None:
    clock.set(D(2027, 1, 5))
    assert _enter(committee_admin).status_code == 302
    assert is_workday(D(2027, 2, 12)) == (False, True)
    assert (
        _enter(committee_admin, holidays=HOLIDAYS.replace("2027-02-12 春节\n", "")).status_code
        == 302
    )
    assert is_workday(D(2027, 2, 12)) == (True, True)
    assert list(HolidaySchedule.objects.values_list("version", flat=True).order_by("version")) == [
        1,
        2,
    ]
    listed = _client(committee_admin).get(reverse("periods:holidays")).content.decode()
    assert "<td>2027</td><td>2</td><td>9</td><td>1</td>" in listed


def test_the_warning_shows_while_missing_and_goes_once_entered(
    branch: SimpleNamespace, committee_admin: User, clock: Clock
) -> None:
    clock.set(D(2027, 1, 5))
    index = reverse("periods:index")
    page = _client(branch.secretary).get(index).content.decode()
    assert 'id="holidays-missing-2027"' in page
    assert "请党委管理员录入" in page
    admin_page = _client(committee_admin).get(index).content.decode()
    assert reverse("periods:holidays_enter") in admin_page
    _enter(committee_admin)
    assert "holidays-missing" not in _client(branch.secretary).get(index).content.decode()


def test_the_notice_form_warns_while_the_year_is_missing(
    branch: SimpleNamespace, committee_admin: User, clock: Clock
) -> None:
    clock.set(D(2027, 1, 5))
    secretary = _client(branch.secretary)
    args = [branch.org.pk, 2026, 4]
    assert secretary.post(reverse("periods:sign", args=args), {"confirm": "yes"}).status_code == 302
    page = secretary.get(reverse("periods:quarter", args=args)).content.decode()
    assert 'id="open-notice"' in page
    assert 'id="holidays-missing-2027"' in page
    _enter(committee_admin)
    page = secretary.get(reverse("periods:quarter", args=args)).content.decode()
    assert 'id="open-notice"' in page
    assert "holidays-missing" not in page


def test_the_coming_year_is_warned_about_from_november(
    branch: SimpleNamespace, clock: Clock
) -> None:
    index = reverse("periods:index")
    clock.set(D(2026, 10, 30))  # 2026 is in the package; 2027 not yet asked for
    assert "holidays-missing" not in _client(branch.secretary).get(index).content.decode()
    clock.set(D(2026, 11, 2))
    page = _client(branch.secretary).get(index).content.decode()
    assert 'id="holidays-missing-2027"' in page
    assert 'id="holidays-missing-2026"' not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"holidays": "2027-02-30 春节"}, "holidays", "第 1 行：“2027-02-30” 不是日期"),
        ({"holidays": "2028-01-01 元旦"}, "holidays", "2028年1月1日 不在 2027 年"),
        ({"workdays": "2027-02-08"}, "workdays", "调休上班的日期应为周六或周日"),
        ({"workdays": "2027-01-02"}, "workdays", "一天不能既是假日又是调休上班"),
        ({"year": 2026}, "year", "chinese-calendar 已包含 2026 年"),
        ({"holidays": ""}, "holidays", "这个字段是必填项"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(
    committee_admin: User, clock: Clock, data: dict[str, object], field: str, message: str
) -> None:
    clock.set(D(2027, 1, 5))
    post = {"year": 2027, "holidays": HOLIDAYS, "workdays": WORKDAYS, **data}
    response = _client(committee_admin).post(reverse("periods:holidays_enter"), post)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not HolidaySchedule.objects.exists()
    assert not HolidayDay.objects.exists()


def test_only_committee_admins_enter_a_schedule(secretary: User, clock: Clock) -> None:
    clock.set(D(2027, 1, 5))
    assert _enter(secretary).status_code == 404
    assert not HolidaySchedule.objects.exists()


CSV_GOOD = (
    "日期,类型,名称\n2027-01-01,假日,元旦\n2027/1/2,假日,元旦\n2027-01-03,假日,元旦\n"
    "2027-02-06,假日,春节\n2027-02-20,调休上班,春节调休\n"
)


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / "holidays.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_the_command_loads_a_file(tmp_path: Path) -> None:
    call_command("holidays_load", str(_csv(tmp_path, CSV_GOOD, "gb18030")))
    schedule = HolidaySchedule.objects.get()
    assert (schedule.year, schedule.version, schedule.source) == (2027, 1, "file")
    assert is_workday(D(2027, 1, 2)) == (False, True)
    assert is_workday(D(2027, 2, 20)) == (True, True)
    assert AuditEvent.objects.filter(action="periods.holidays_enter").count() == 1


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("2027-13-01,假日,元旦", "第 7 行：日期“2027-13-01”无效"),
        ("2027-03-01,休息,", "第 7 行：类型应为“假日”或“调休上班”"),
        ("2027-02-20,假日,春节", "第 7 行：2027-02-20 与第 6 行重复"),
        ("2027-03-01,调休上班,", "第 7 行：2027年3月1日 是工作日"),
        ("2026-10-01,假日,国庆", "第 7 行：chinese-calendar 已包含 2026 年"),
    ],
)
def test_the_command_refuses_a_bad_file_whole(tmp_path: Path, bad_line: str, message: str) -> None:
    with pytest.raises(CommandError, match=message) as refused:
        call_command("holidays_load", str(_csv(tmp_path, CSV_GOOD + bad_line + "\n")))
    assert refused.value.returncode == 2
    assert not HolidaySchedule.objects.exists()
    assert not HolidayDay.objects.exists()


def test_the_jifen_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    # Its own process, as a deployment runs it. The header is refused before any database is
    # opened, so the process touches none.
    path = _csv(tmp_path, "日期,名称\n2027-01-01,元旦\n")
    done = subprocess.run(
        [sys.executable, "-m", "jifen.cli", "holidays_load", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert "第 1 行（表头）缺少列：类型" in done.stderr
    assert "Traceback" not in done.stderr
    assert not HolidaySchedule.objects.exists()
