"""``{% first_run_guide organization %}``: the 开始使用 card on an organization's page, as of
today (not the ?on= day the member list is read for: the guide is about what to do now)."""

from __future__ import annotations

from typing import Any

from django import template

from jifen.core import clock
from jifen.orgs.models import Organization
from jifen.rulebooks.first_run import first_run, shows_first_run

register = template.Library()


@register.inclusion_tag("rulebooks/first_run.html", takes_context=True)
def first_run_guide(context: template.Context, organization: Organization) -> dict[str, Any]:
    if not shows_first_run(context["request"].user, organization):
        return {"guide": None}
    return {
        "guide": first_run(organization=organization, day=clock.today()),
        "organization": organization,
    }
