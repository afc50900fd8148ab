"""English pages carry no Chinese of their own: month names, report columns and chart titles,
the stars' decisions, the default way to object, organization kinds and the full-width
punctuation between words. What stays Chinese is what people wrote: names, and the rulebook's
own wording (its titles and standards). Printed forms stay Chinese by design (docs/decisions.md).

Built on the periods tests' seed003 branch (tests/periods/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from jifen.orgs.models import Organization, Person
from jifen.periods.models import Notice
from jifen.ratings.stars import stars_propose, stars_verdict
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_set, rulebook_of
from tests.cjk import chinese_left
from tests.clock import Clock
from tests.core.test_english import english
from tests.periods import conftest as periods

pytestmark = pytest.mark.django_db
D = dt.date

branch = periods.branch


def _written_by_people() -> list[str]:
    """Names of people and organizations: shown as they are written in every language."""
    return [
        *Organization.objects.values_list("name", flat=True),
        *Person.objects.values_list("name", flat=True),
        *User.objects.values_list("first_name", flat=True),
    ]


def _rulebooks_words() -> list[str]:
    """The adopted rulebooks' own wording — titles, standards, grade labels, the issuer — whole
    and as the sheets shorten a long title (``truncatechars``: 7 or 9 characters and "…")."""
    words: list[str] = []
    for adoption in Adoption.objects.all():
        rulebook = rulebook_of(adoption)
        words += [rulebook.title, rulebook.source]
        for category in rulebook.categories:
            words.append(category.title)
            for thing in (*category.items, *category.deductions):
                words += [thing.title, getattr(thing, "standard", ""), getattr(thing, "unit", "")]
                words += list(getattr(thing, "grades", {}))
        words += [veto.title for veto in rulebook.vetoes]
        for band in (*rulebook.bands, *rulebook.consecutive):
            words += [band.label, *getattr(band, "actions", ())]
    shortened = [f"{w[:n]}…" for w in words for n in (7, 9) if len(w) > n + 1]
    return [w for w in (*shortened, *words) if w]


def test_the_english_pages_have_no_chinese_of_their_own(
    branch: SimpleNamespace, clock: Clock, committee_admin: User
) -> None:
    adoption_set(organization=branch.tree.c, year=2025, rulebook="seed001")  # with stars
    periods.add(branch, branch.zhao, D(2026, 3, 14), "party_day", "absent")
    clock.set(D(2026, 10, 9))
    secretary, member = english(branch.secretary), english(branch.member)
    general, admin = english(branch.general_admin), english(committee_admin)
    quarter = [branch.org.pk, 2026, 3]
    secretary.post(reverse("periods:sign", args=quarter), {"confirm": "yes"})
    secretary.post(
        reverse("periods:notice_open", args=quarter), {"how_to_object": "", "confirm": "yes"}
    )
    notice = Notice.objects.get()
    proposal = stars_propose(organization=branch.org, year=2025, actor=branch.secretary)
    stars_verdict(proposal=proposal, approve=True, reason="", actor=branch.general_admin)
    names = [*_written_by_people(), *_rulebooks_words()]
    pages = [
        (secretary, "periods:index", [], "Year"),
        (secretary, "periods:year", [branch.org.pk, 2026], "Mar"),  # the month names
        (secretary, "periods:quarter", quarter, "Quarter total"),
        (secretary, "periods:month", [branch.org.pk, 2026, 3], "Month subtotal"),
        (secretary, "periods:year_end", [branch.org.pk, 2026], "Appraisal grade"),
        (member, "periods:confirm", [2026, 3], "Quarter total"),
        (member, "periods:notice", [notice.pk], "If you disagree with a score"),
        (admin, "reports:index", [], "General branch"),
        (admin, "reports:overview", [branch.tree.c.pk, 2026], "Mean points"),
        (general, "reports:overview", [branch.tree.g.pk, 2026], "Points distribution per"),
        (secretary, "ratings:stars", [branch.org.pk, 2025], "Approved"),
        (secretary, "ratings:year", [branch.org.pk, 2026], "Full member"),
        (admin, "ratings:home", [], "Party committee"),
        (secretary, "ratings:followups", [branch.org.pk, 2026], ""),
    ]
    for client, name, args, english_words in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        # The month sheet's remarks (备注) are part of what a secretary signs, stored in Chinese.
        html = re.sub(r'<td class="text remarks">.*?</td>', "", response.content.decode())
        assert english_words in html, name
        assert chinese_left(html, names) == [], name
