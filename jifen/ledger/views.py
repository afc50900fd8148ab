"""A member's year, month by month, every point explained by its facts and rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from jifen.ledger.scores import member_year
from jifen.orgs import access
from jifen.orgs.models import Person
from jifen.scoring import Calendar


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    if person is None:
        raise Http404("您的账号没有关联党员信息")
    return redirect("ledger:member_year", person_id=person.pk, year=timezone.localdate().year)


@login_required
def year(request: HttpRequest, person_id: int, year: int) -> HttpResponse:
    person = access.person_for(request.user, person_id, request=request)
    found = member_year(person, year)
    context: dict[str, object] = {"person": person, "year": year, "found": found}
    if found is not None:
        calendar = Calendar(year, found.rulebook.year_start)
        monthly = [c for c in found.result.categories if len(c.periods) > 1]
        context["months"] = [
            {
                "label": calendar.month_label(m),
                "key": f"M{m + 1:02d}",
                "active": m in found.active_months,
            }
            for m in range(12)
        ]
        context["monthly"] = monthly
    return render(request, "ledger/year.html", context)
