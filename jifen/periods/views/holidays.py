"""The State Council's holiday schedules entered for years the package does not know: the list of
entered years and the page to enter one (committee admins of any committee)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core import clock
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.periods.forms import HolidayScheduleForm
from jifen.periods.holidays import (
    holiday_schedule_enter,
    may_enter,
    schedules_listed,
    years_missing,
)
from jifen.periods.models import HolidaySchedule


def _checked(request: HttpRequest, page: str) -> None:
    if not may_enter(request.user):
        raise access.refused(request.user, page, Action.MANAGE_ORGS)


@login_required
def holidays(request: HttpRequest) -> HttpResponse:
    _checked(request, "periods:holidays")
    return render(
        request,
        "periods/holidays.html",
        {"schedules": schedules_listed(), "holidays_missing": years_missing()},
    )


@login_required
def holidays_enter(request: HttpRequest) -> HttpResponse:
    _checked(request, "periods:holidays_enter")
    missing = years_missing()
    initial = {"year": missing[-1] if missing else clock.today().year + 1}
    form = HolidayScheduleForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HolidaySchedule:
        return holiday_schedule_enter(
            year=data["year"], days=data["days"], actor=signed_in(request)
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda _schedule: redirect("periods:holidays"),
        message=lambda s: (
            _("已录入 %(year)d 年节假日安排（第 %(version)d 版）")
            % {"year": s.year, "version": s.version}
        ),
        template="periods/holidays_enter.html",
        context={},
    )
