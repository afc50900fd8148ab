"""A member's year, month by month, every point explained by its facts and rule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jifen.core import clock
from jifen.ledger.figures import member_months
from jifen.ledger.pages import explanations, month_tables, points_text
from jifen.ledger.scores import branch_year, member_year
from jifen.orgs import access


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    person = access.own_person(request.user)
    return redirect("ledger:member_year", person_id=person.pk, year=clock.today().year)


@login_required
def year(request: HttpRequest, person_id: int, year: int) -> HttpResponse:
    person = access.person_for(request.user, person_id)
    # "So far": months after today's are 未到, neither scored nor counted (docs/decisions.md).
    found = member_year(person, year, today=clock.today())
    context: dict[str, object] = {"person": person, "year": year, "found": found}
    if found is not None:
        context["tables"] = month_tables(found)
        context["explanations"] = explanations(found)
        context["total"] = points_text(found.result.total) if found.reached else "—"
        context["so_far"] = found.reached < 12
        context["months_figure"] = member_months(found)
    return render(request, "ledger/year.html", context)


@login_required
def month_sheet(request: HttpRequest, org_id: int, year: int, month: int) -> HttpResponse:
    """The scorekeeper's month: members × items, laid out like seed 003's 考核表."""
    organization = access.org_for(request.user, org_id)
    if not 1 <= month <= 12:
        raise Http404("未找到")
    found = branch_year(organization, year)
    context: dict[str, object] = {
        "organization": organization,
        "year": year,
        "month": month,
        "found": found,
        "previous": (year, month - 1) if month > 1 else (year - 1, 12),
        "next": (year, month + 1) if month < 12 else (year + 1, 1),
    }
    if found is not None:
        key = f"M{month:02d}"
        monthly = [c for c in found.rulebook.categories if c.period == "month"]
        columns = [(c.code, item) for c in monthly for item in c.items]
        rows = []
        for person in found.people:
            result = found.results.get(person.pk)
            if result is None:
                continue
            cells = []
            for code, item in columns:
                item_result = next(i for i in result.category(code).items if i.code == item.code)
                cells.append(item_result.periods.get(key))
            month_total = [result.category(c.code).periods.get(key) for c in monthly]
            rows.append(
                {"person": person, "cells": cells, "month_totals": month_total, "result": result}
            )
        context.update({"monthly": monthly, "columns": [item for _, item in columns], "rows": rows})
        if not monthly:
            # A rulebook scored by the year (seed001): the sheet shows the year so far.
            context["categories"] = found.rulebook.categories
            context["year_rows"] = [(row["person"], row["result"]) for row in rows]
    return render(request, "ledger/month_sheet.html", context)
