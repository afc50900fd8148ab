"""The good outcomes of the star rating (seed001 §四(三)) are tracked like the warnings.

seed001 by hand (tests/ratings/helpers.py, seed001_total): branch B1 with five full members and
one probationary member → six party members, 5★ quota floor(0.2 × 6) = 1.
  党员甲 95 → 5★ → 大力表彰和宣传 (表彰), 作为其他评先树优…的优先对象 (评先树优推荐).
  预备乙 85 → 4★ → 按期转正.   积极丙 92 → 5★ by the threshold, not a party member → 优先接收 only.
  Four others at 70 → 3★: nothing. The low-star warnings of an activist at 58 stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.orgs.models import Person
from jifen.ratings.followups import followup_step, followups_raise, kind_of
from jifen.ratings.selectors import followups_of
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def rated(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    tree.jia = make_person("党员甲", tree.b1)
    seed001_total(tree.b1, tree.jia, 95, 2026)
    tree.yi = make_person("预备乙", tree.b1, category="probationary", probation_ends=D(2027, 6, 30))
    seed001_total(tree.b1, tree.yi, 85, 2026)
    tree.bing = make_person("积极丙", tree.b1, category="activist")
    seed001_total(tree.b1, tree.bing, 92, 2026)
    tree.ding = make_person("积极丁", tree.b1, category="activist")
    seed001_total(tree.b1, tree.ding, 58, 2026)  # 1★: the warnings
    for n in range(4):
        seed001_total(tree.b1, make_person(f"党员{n}", tree.b1), 70, 2026)
    return tree


def test_high_stars_raise_the_good_outcomes_with_their_own_kinds(
    rated: SimpleNamespace, general_admin: User
) -> None:
    created = followups_raise(organization=rated.g, year=2026, actor=general_admin)
    got = {(f.person.name, f.band, f.kind, f.level) for f in created}
    assert got == {
        ("党员甲", "five_stars", "commend", "info"),
        ("党员甲", "five_stars", "recommend", "info"),
        ("预备乙", "probationary_high", "on_time", "info"),
        ("积极丙", "activist_high", "admit", "info"),
        ("积极丁", "two_stars_or_less", "talk", "yellow"),
        ("积极丁", "two_stars_or_less", "mentor", "yellow"),
        ("积极丁", "activist_low", "talk", "yellow"),
        ("积极丁", "activist_low", "rectify", "yellow"),
    }
    assert followups_raise(organization=rated.g, year=2026, actor=general_admin) == []


def test_a_good_outcome_closes_with_its_own_step_and_says_what_was_done(
    rated: SimpleNamespace, general_admin: User, secretary: User
) -> None:
    created = followups_raise(organization=rated.g, year=2026, actor=general_admin)
    on_time = next(f for f in created if f.kind == "on_time")
    commend = next(f for f in created if f.kind == "commend")
    with pytest.raises(ValidationError) as refused:
        followup_step(followup=on_time, kind="on_time_noted", date=D(2026, 6, 1), actor=secretary)
    assert refused.value.message_dict == {
        "outcome": ["请写明结果（如：2027年6月30日按期转为正式党员）"]
    }
    with pytest.raises(ValidationError, match="可以记录：已表彰、进展"):
        followup_step(followup=commend, kind="talk", date=D(2026, 6, 1), actor=secretary)
    with pytest.raises(ValidationError) as no_note:
        followup_step(followup=commend, kind="commended", date=D(2026, 6, 1), actor=secretary)
    assert "note" in no_note.value.message_dict
    step = followup_step(
        followup=commend,
        kind="commended",
        date=D(2026, 6, 1),
        note="党委通报表彰为年度优秀共产党员",
        actor=secretary,
    )
    assert step.closes
    still_open = {f.kind for f, is_open in followups_of(rated.g, 2026) if is_open and f.is_good}
    assert still_open == {"recommend", "on_time", "admit"}


def test_warning_words_are_not_read_as_good_outcomes() -> None:
    # seed003's red band cancels 评先评优: a warning, never a recommendation.
    assert kind_of("取消其本年度党内各级各类评先评优资格") == "other"
    assert kind_of("按照有关规定优先接收为预备党员") != "probation"
    assert kind_of("按照有关规定优先接收为预备党员", good=True) == "admit"
    assert kind_of("作为其他评先树优、组织推荐“两代表一委员”的优先对象", good=True) == "recommend"


def test_the_followups_page_shows_the_good_outcomes_in_their_own_table(
    rated: SimpleNamespace, general_admin: User
) -> None:
    followups_raise(organization=rated.g, year=2026, actor=general_admin)
    client = Client()
    client.force_login(general_admin)
    page = client.get(reverse("ratings:followups", args=[rated.g.pk, 2026])).content.decode()
    good = page[page.index("激励落实") :]
    warnings = page[page.index("<h2>预警跟进") : page.index("激励落实")]
    assert "按照有关规定按期转正" in good
    assert "按期转正" in good
    assert "大力表彰和宣传" in good
    assert "优先接收为预备党员" in good
    assert "谈话诫勉" in warnings
    assert "大力表彰和宣传" not in warnings
