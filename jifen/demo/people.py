"""Drawing the demo college's people one at a time: names, genders, birthdays, ID numbers,
phones, and when each joined the party and the branch, as their profile (staff, student,
retiree) and category make likely."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from jifen.demo.names import (
    Era,
    draw_date,
    draw_id_number,
    draw_mobile,
    draw_name,
)
from jifen.demo.structure import Profile
from jifen.orgs.models import Category

_F, _P, _D, _A = (
    Category.FULL,
    Category.PROBATIONARY,
    Category.DEVELOPMENT_TARGET,
    Category.ACTIVIST,
)
_ERAS = {Profile.STAFF: Era.MIDDLE, Profile.STUDENT: Era.YOUNG, Profile.RETIREE: Era.ELDER}


@dataclass(frozen=True)
class PersonPlan:
    name: str
    gender: str
    birth: dt.date
    id_number: str
    phone: str
    category: Category
    joined_party: dt.date | None
    probation_ends: dt.date | None
    branch: str
    start: dt.date
    profile: Profile


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Drawer:
    """Draws people one at a time, keeping names, ID numbers and phones distinct."""

    rng: random.Random  # dates, ID numbers, phones
    name_rng: random.Random  # genders and names only, so they do not depend on the day
    as_of: dt.date
    names: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    @property
    def intake(self) -> int:
        """The latest September intake: students enrolled then and in the two years before."""
        return self.as_of.year if self.as_of.month >= 9 else self.as_of.year - 1

    def person(
        self,
        *,
        branch: str,
        branch_since: dt.date,
        profile: Profile,
        category: Category,
        men: float,
        name: str | None = None,
        gender: str | None = None,
    ) -> PersonPlan:
        rng, as_of = self.rng, self.as_of
        drawn_gender = "M" if self.name_rng.random() < men else "F"
        gender = gender or drawn_gender
        joined: dt.date | None = None
        if profile is Profile.STUDENT:
            cohort = (
                self.intake
                - {
                    _F: 2,
                    _P: rng.choice((1, 2)),
                    _D: rng.choice((1, 2)),
                    _A: rng.choice((0, 1, 1, 2)),
                }[category]
            )
            enrolled = dt.date(cohort, 9, 1)
            older = 1 if rng.random() < 0.15 else 0
            birth = draw_date(
                rng, dt.date(cohort - 19 - older, 9, 1), dt.date(cohort - 18 - older, 8, 31)
            )
            start = enrolled
            if category is _F:
                joined = draw_date(
                    rng, enrolled + dt.timedelta(days=180), as_of - dt.timedelta(days=400)
                )
        elif profile is Profile.STAFF:
            birth = draw_date(rng, dt.date(1965, 1, 1), dt.date(1995, 12, 31))
            hired = min(
                dt.date(birth.year + rng.randint(22, 28), rng.choice((7, 9)), 1),
                dt.date(as_of.year - 1, 9, 1),
            )
            start = max(hired, branch_since)
            if category is _F:
                joined = draw_date(
                    rng,
                    _years_after(birth, 19),
                    min(_years_after(birth, 36), as_of - dt.timedelta(days=400)),
                )
        else:
            birth = draw_date(rng, dt.date(1938, 1, 1), dt.date(min(1962, as_of.year - 62), 12, 31))
            retired = _years_after(birth, 60 if gender == "M" else 55)
            start = max(retired, branch_since)
            joined = draw_date(rng, _years_after(birth, 20), _years_after(birth, 40))
        probation_ends = None
        if category is _P:
            earliest = as_of - dt.timedelta(days=330)
            if profile is Profile.STUDENT:
                earliest = max(earliest, start + dt.timedelta(days=180))
            joined = draw_date(rng, earliest, as_of - dt.timedelta(days=30))
            probation_ends = _years_after(joined, 1)
        drawn_name = draw_name(self.name_rng, gender, _ERAS[profile], self.names)
        if name is not None:  # an account holder's: the drawn one is simply not used
            self.names.discard(drawn_name)
            self.names.add(name)
        else:
            name = drawn_name
        return PersonPlan(
            name=name,
            gender=gender,
            birth=birth,
            id_number=draw_id_number(rng, birth, gender, self.ids),
            phone=draw_mobile(rng, self.phones),
            category=category,
            joined_party=joined,
            probation_ends=probation_ends,
            branch=branch,
            start=start,
            profile=profile,
        )
