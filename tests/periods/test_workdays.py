"""Public notice windows counted in working days (State Council 2026 schedule, chinese-calendar).

2026 (国办发明电〔2025〕7号): 春节 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班；
中秋 9月25日至27日；国庆 10月1日至7日放假调休，9月20日（周日）、10月10日（周六）上班。
"""

from __future__ import annotations

import datetime as dt

import pytest

from jifen.periods.workdays import is_workday, notice_window

D = dt.date


def test_it_counts_the_opening_day_and_skips_national_day_with_the_saturday_workday() -> None:
    # 9/30 (Wed) 1, [10/1–10/7 holiday], 10/8 2, 10/9 3, 10/10 (Sat, 调休上班) 4, 10/12 5.
    window = notice_window(D(2026, 9, 30), 5)
    assert (window.starts, window.ends, window.holidays_known) == (
        D(2026, 9, 30),
        D(2026, 10, 12),
        True,
    )


def test_it_starts_on_the_next_working_day_when_opened_on_a_holiday() -> None:
    # Opened on National Day: 10/8, 10/9, 10/10 (Sat workday), 10/12, 10/13.
    window = notice_window(D(2026, 10, 1), 5)
    assert (window.starts, window.ends) == (D(2026, 10, 8), D(2026, 10, 13))


def test_it_runs_across_spring_festival() -> None:
    # 2/12 1, 2/13 2, 2/14 (Sat, 调休上班) 3, [2/15–2/23 holiday], 2/24 4, 2/25 5.
    window = notice_window(D(2026, 2, 12), 5)
    assert (window.starts, window.ends) == (D(2026, 2, 12), D(2026, 2, 25))


def test_it_counts_the_saturday_workday_after_spring_festival() -> None:
    # Opened during the holiday: 2/24, 2/25, 2/26, 2/27, 2/28 (Sat, 调休上班).
    window = notice_window(D(2026, 2, 15), 5)
    assert (window.starts, window.ends) == (D(2026, 2, 24), D(2026, 2, 28))
    assert is_workday(D(2026, 2, 28)) == (True, True)
    assert is_workday(D(2026, 9, 20)) == (True, True)  # a Sunday workday before National Day


@pytest.mark.django_db  # an unknown year looks for a schedule entered in Jifen
def test_an_unknown_year_counts_monday_to_friday_and_says_so() -> None:
    # 12/30, 12/31 known; 2027-01-01 (Fri) unknown to the package and not entered: counted,
    # flagged.
    window = notice_window(D(2026, 12, 30), 5)
    assert (window.ends, window.holidays_known) == (D(2027, 1, 5), False)
    assert is_workday(D(2027, 1, 2)) == (False, False)


def test_a_notice_runs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least one"):
        notice_window(D(2026, 3, 2), 0)
