"""A member's own points on the home page (jifen/core/todo.py): this year so far and this
month. One member's year is scored — the same as 我的积分 — never their branch's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from jifen.core.todo import MINE, Todo, provider
from jifen.ledger.pages import points_text
from jifen.ledger.scores import member_year
from jifen.orgs import access
from jifen.orgs.access import AnyUser
from jifen.orgs.models import Person
from jifen.scoring import Calendar


@provider
def my_points(user: AnyUser, today: dt.date) -> list[Todo]:
    person = Person.objects.filter(access.own(user, "user_id")).first()
    if person is None:
        return []
    found = member_year(person, today.year, today=today)
    if found is None:
        return []
    url = reverse("ledger:member_year", args=[person.pk, today.year])
    items = [
        Todo(
            _("%(year)s年积分（截至本月）") % {"year": today.year},
            url,
            figure=points_text(found.result.total) if found.reached else "—",
            section=MINE,
            order=1,
        )
    ]
    monthly = [c for c in found.rulebook.categories if c.period == "month"]
    month = found.reached - 1
    if monthly and 0 <= month < 12 and month in found.active_months:
        key = f"M{month + 1:02d}"
        scored = [found.result.category(c.code).periods.get(key) for c in monthly]
        if any(value is not None for value in scored):
            label = Calendar(today.year, found.rulebook.year_start).month_label(month)
            items.append(
                Todo(
                    _("%(month)s按月考核得分") % {"month": label},
                    url,
                    figure=points_text(sum((v for v in scored if v is not None), Decimal(0))),
                    section=MINE,
                    order=2,
                )
            )
    return items
