"""Warnings and their follow-up actions (seed003 bands, seed001 star bands), tracked to the end.

seed003 by hand: base 70 a month; misconduct 1.5 every month → base 55. With 不合格 (0) the total
is 55: red (< 60) → 帮扶教育 / 限期改正 / 取消评先评优资格. A probationary member at 65 (base 65,
不合格) → yellow 约谈提醒 and the probationary talk; at 55 → also 视情延长预备期.
Below 60 in 2025 and 2026 → the consecutive flag 按党章和有关规定慎重处置.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.orgs.models import Person
from jifen.ratings.followups import followup_step, followups_raise
from jifen.ratings.grades import grades_enter
from jifen.ratings.models import FollowUp
from jifen.ratings.selectors import followups_of, year_of
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total, seed003_base

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def years(tree: SimpleNamespace) -> SimpleNamespace:
    for year in (2025, 2026):
        adoption_set(organization=tree.c, year=year, rulebook="seed003")
    return tree


def graded(
    tree: SimpleNamespace, person: Person, base: int, grade: str, year: int, by: User
) -> None:
    seed003_base(tree.b1, person, base, year)
    grades_enter(organization=tree.b1, year=year, grades={person.pk: grade}, actor=by)


def test_below_60_two_years_running_raises_its_own_flag(
    years: SimpleNamespace, make_person: Callable[..., Person], secretary: User
) -> None:
    zhang = make_person("张三", years.b1)
    li = make_person("李四", years.b1)
    graded(years, zhang, 55, "不合格", 2025, secretary)
    graded(years, zhang, 55, "合格", 2026, secretary)  # 62 in 2026: not below 60
    graded(years, li, 55, "不合格", 2025, secretary)
    graded(years, li, 55, "不合格", 2026, secretary)  # 55 and 55
    year = year_of(years.b1, 2026)
    assert year is not None
    assert str(year.results[zhang.pk].total) == "62.00"
    zhang_bands = [b.code for b in year.results[zhang.pk].bands]
    li_bands = [b.code for b in year.results[li.pk].bands]
    assert zhang_bands == ["yellow"]
    assert li_bands == ["red", "two_years_below_60"]
    assert year.results[li.pk].warnings == ("red",)


def test_probationary_members_have_their_own_bands(
    years: SimpleNamespace, make_person: Callable[..., Person], secretary: User
) -> None:
    low = make_person("预备甲", years.b1, category="probationary", probation_ends=D(2027, 6, 30))
    lower = make_person("预备乙", years.b1, category="probationary", probation_ends=D(2027, 6, 30))
    graded(years, low, 65, "不合格", 2026, secretary)
    graded(years, lower, 55, "不合格", 2026, secretary)
    year = year_of(years.b1, 2026)
    assert year is not None
    assert [b.code for b in year.results[low.pk].bands] == ["yellow", "probationary_talk"]
    assert [b.code for b in year.results[lower.pk].bands] == [
        "red",
        "probationary_talk",
        "probationary_extend",
    ]


def test_each_warning_action_becomes_a_followup_closed_by_a_recorded_step(
    years: SimpleNamespace,
    make_person: Callable[..., Person],
    secretary: User,
    general_admin: User,
) -> None:
    lower = make_person("预备乙", years.b1, category="probationary", probation_ends=D(2027, 6, 30))
    mentor = make_person("老党员", years.b1)
    graded(years, lower, 55, "不合格", 2026, secretary)
    created = followups_raise(organization=years.g, year=2026, actor=general_admin)
    kinds = [(f.action, f.kind) for f in created]
    assert kinds == [
        ("帮扶教育", "mentor"),
        ("限期改正", "rectify"),
        ("取消其本年度党内各级各类评先评优资格", "other"),
        ("支部书记约谈提醒", "talk"),
        ("视情延长预备期", "probation"),
    ]
    assert {f.organization for f in created} == {years.b1}
    assert followups_raise(organization=years.g, year=2026, actor=general_admin) == []

    by_kind = {f.kind: f for f in created}
    with pytest.raises(ValidationError) as refused:
        followup_step(followup=by_kind["talk"], kind="talk", date=D(2999, 1, 1), actor=secretary)
    assert refused.value.message_dict == {
        "date": ["日期不能晚于今天"],
        "done_by": ["请写明约谈人"],
    }
    followup_step(
        followup=by_kind["talk"],
        kind="talk",
        date=D(2026, 1, 15),
        done_by="张伟（支部书记）",
        note="指出问题，本人表示接受",
        actor=secretary,
    )
    with pytest.raises(ValidationError, match="已经办结"):
        followup_step(
            followup=by_kind["talk"], kind="note", date=D(2026, 1, 1), note="x", actor=secretary
        )
    followup_step(
        followup=by_kind["mentor"],
        kind="mentor",
        date=D(2026, 1, 1),
        mentor=mentor,
        actor=secretary,
    )
    with pytest.raises(ValidationError, match="请先记录“提出延长预备期”"):
        followup_step(
            followup=by_kind["probation"],
            kind="probation_outcome",
            date=D(2026, 1, 1),
            outcome="同意延长",
            actor=secretary,
        )
    followup_step(
        followup=by_kind["probation"],
        kind="probation_proposed",
        date=D(2026, 1, 1),
        note="支委会研究，提出延长预备期一年",
        actor=secretary,
    )
    open_now = {f.kind for f, is_open in followups_of(years.g, 2026) if is_open}
    assert open_now == {"rectify", "other", "probation"}
    followup_step(
        followup=by_kind["probation"],
        kind="probation_outcome",
        date=D(2026, 1, 1),
        outcome="支部大会通过，党总支同意延长预备期一年",
        actor=general_admin,
    )
    open_now = {f.kind for f, is_open in followups_of(years.g, 2026) if is_open}
    assert open_now == {"rectify", "other"}
    assert FollowUp.objects.count() == 5


def test_seed001_low_stars_call_for_a_talk_and_a_mentor(
    tree: SimpleNamespace, make_person: Callable[..., Person], secretary: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    activist = make_person("积极分子", tree.b1, category="activist")
    seed001_total(tree.b1, activist, 58, 2026)  # 1★
    created = followups_raise(organization=tree.b1, year=2026, actor=secretary)
    assert [(f.band, f.kind) for f in created] == [
        ("two_stars_or_less", "talk"),
        ("two_stars_or_less", "mentor"),
        ("activist_low", "talk"),
        ("activist_low", "rectify"),
    ]
