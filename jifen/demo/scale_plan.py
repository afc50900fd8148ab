"""The scale demo's plan (`jifen demo --members N`), drawn without a database.

A city's organs committee (党委) of N members: general branches (党总支) of about ten branches,
branches (党支部) of about 200 members, seed003 for the year, and the year's facts so far as a
branch's scorekeeper records them in seed003's shape: 学习强国 figures each month, 主题党日 twice
a month, 党小组会 monthly, 党课 and 支部大会 each quarter (a few absences and leaves), now and
then a late payment of dues and a featured-point entry.

Everything is drawn from seeds made of the committee's code, so the same code, size and day
give the same plan to the last digit; each branch's facts have their own seed, so a branch can
be drawn again alone (the tests compare the stored facts' scores with the engine's on them).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from jifen.demo.names import Era, draw_date, draw_id_number, draw_mobile, draw_name
from jifen.orgs.models import Category

BRANCH_SIZE = 200  # members of a branch, about
BRANCHES_PER_GENERAL = 10  # branches of a general branch, about
JOINER_SHARE = 0.02  # people who joined their branch this year

# Departments of a city government, each with a general branch of its organs' branches.
DEPARTMENTS = (
    "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局",
    "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "城市管理局", "行政审批局", "信访局", "机关事务管理局", "投资促进局", "地方金融监督管理局",
)  # fmt: skip
_ORDINALS = "一二三四五六七八九十"
_CATEGORIES = (
    (Category.FULL, 0.88),
    (Category.PROBATIONARY, 0.06),
    (Category.DEVELOPMENT_TARGET, 0.03),
    (Category.ACTIVIST, 0.03),
)
TITLES = {
    "party_day": "主题党日",
    "group_meeting": "党小组会",
    "party_lecture": "支部书记讲党课",
    "branch_meeting": "支部党员大会",
}
LEAVE_REASONS = ("出差", "病假", "外出培训", "家中有事", "值班")
FEATURED = (
    ("volunteer", "社区志愿服务（已审核）"),
    ("grid_work", "党建网格化走访（已审核）"),
    ("branch_choice", "信息撰稿被采用（已审核）"),
)


@dataclass(frozen=True)
class ScaleOrg:
    code: str
    name: str
    kind: str  # committee | general_branch | branch
    parent: str | None


@dataclass(frozen=True)
class ScalePerson:
    name: str
    gender: str
    birth: dt.date
    id_number: str
    phone: str
    category: str
    joined_party: dt.date | None
    probation_ends: dt.date | None
    branch: str
    start: dt.date


@dataclass(frozen=True)
class ScalePlan:
    code: str
    members: int
    as_of: dt.date
    organizations: tuple[ScaleOrg, ...]
    people: tuple[ScalePerson, ...]


@dataclass(frozen=True)
class PlannedActivity:
    item: str
    title: str
    date: dt.date


@dataclass(frozen=True)
class PlannedFact:
    """``person``: the index in the branch's member list; ``activity``: the index in the
    branch's activities, for attendance."""

    person: int
    date: dt.date
    item: str
    value: str
    note: str
    origin: str  # activity | import | manual
    activity: int | None = None


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` sizes differing by at most one."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def organizations_plan(code: str, members: int) -> tuple[list[ScaleOrg], list[int]]:
    """The tree, and each branch's number of members (in the order of the branches)."""
    branches = max(1, round(members / BRANCH_SIZE))
    generals = max(1, round(branches / BRANCHES_PER_GENERAL))
    orgs = [ScaleOrg(code, "中共某某市直机关工作委员会", "committee", None)]
    width = max(2, len(str(generals)))
    bwidth = max(2, len(str(max(split(branches, generals)))))
    for g, count in enumerate(split(branches, generals), start=1):
        department = DEPARTMENTS[(g - 1) % len(DEPARTMENTS)]
        round_ = (g - 1) // len(DEPARTMENTS)
        if round_:
            department = f"{department}（{round_ + 1}）"
        gcode = f"{code}{g:0{width}d}"
        orgs.append(ScaleOrg(gcode, f"{department}机关党总支", "general_branch", code))
        for b in range(1, count + 1):
            ordinal = _ORDINALS[b - 1] if b <= len(_ORDINALS) else str(b)
            orgs.append(
                ScaleOrg(
                    f"{gcode}{b:0{bwidth}d}", f"{department}第{ordinal}党支部", "branch", gcode
                )
            )
    return orgs, split(members, branches)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _category(rng: random.Random) -> str:
    roll = rng.random()
    for category, share in _CATEGORIES:
        if roll < share:
            return str(category)
        roll -= share
    return str(Category.FULL)


def _person(
    rng: random.Random, as_of: dt.date, branch: str, ids: set[str], phones: set[str]
) -> ScalePerson:
    gender = "M" if rng.random() < 0.55 else "F"
    era = Era.YOUNG if rng.random() < 0.1 else Era.MIDDLE
    first_birth = dt.date(1995, 1, 1) if era is Era.YOUNG else dt.date(1964, 1, 1)
    birth = draw_date(rng, first_birth, dt.date(as_of.year - 23, 12, 31))
    category = _category(rng)
    joined = probation_ends = None
    if category == Category.FULL:
        joined = draw_date(
            rng, _years_after(birth, 19), min(_years_after(birth, 40), as_of - dt.timedelta(400))
        )
    elif category == Category.PROBATIONARY:
        joined = draw_date(rng, as_of - dt.timedelta(days=330), as_of - dt.timedelta(days=30))
        probation_ends = _years_after(joined, 1)
    new_year = dt.date(as_of.year, 1, 1)
    if rng.random() < JOINER_SHARE and as_of > new_year:
        start = draw_date(rng, new_year + dt.timedelta(days=1), as_of)
    else:
        start = draw_date(rng, _years_after(birth, 23), new_year - dt.timedelta(days=1))
    return ScalePerson(
        name=draw_name(rng, gender, era, set()),  # names repeat at this scale, as in life
        gender=gender,
        birth=birth,
        id_number=draw_id_number(rng, birth, gender, ids),
        phone=draw_mobile(rng, phones),
        category=category,
        joined_party=joined,
        probation_ends=probation_ends,
        branch=branch,
        start=start,
    )


def scale_plan(code: str, members: int, as_of: dt.date) -> ScalePlan:
    """The committee, its tree and its people; the facts are drawn branch by branch
    (``branch_facts``) so that 100,000 members' year never sits in memory at once."""
    orgs, sizes = organizations_plan(code, members)
    rng = random.Random(f"jifen-scale-{code}-{members}")  # noqa: S311 (demo data, not secrets)
    ids: set[str] = set()
    phones: set[str] = set()
    people: list[ScalePerson] = []
    branches = [org for org in orgs if org.kind == "branch"]
    for branch, size in zip(branches, sizes, strict=True):
        people.extend(_person(rng, as_of, branch.code, ids, phones) for _ in range(size))
    return ScalePlan(code, members, as_of, tuple(orgs), tuple(people))


def _activity_days(year: int, month: int, rng: random.Random) -> list[tuple[str, int]]:
    days = [("party_day", rng.randint(5, 12)), ("party_day", rng.randint(19, 26))]
    days.append(("group_meeting", rng.randint(13, 18)))
    if month % 3 == 0:
        days.append(("party_lecture", rng.randint(8, 16)))
        days.append(("branch_meeting", rng.randint(20, 27)))
    return sorted(days, key=lambda pair: pair[1])


def _mark(rng: random.Random, title: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.9:
        return "present", title
    if roll < 0.96:
        return "excused", rng.choice(LEAVE_REASONS)
    return "absent", title


def _month_facts(
    rng: random.Random, members: list[ScalePerson], *, year: int, month: int, as_of: dt.date,
    activities: list[PlannedActivity], facts: list[PlannedFact],
) -> None:  # fmt: skip
    for item, day in _activity_days(year, month, rng):
        date = dt.date(year, month, day)
        if date > as_of:
            continue
        title = f"{month}月{TITLES[item]}"
        activities.append(PlannedActivity(item, title, date))
        index = len(activities) - 1
        for i, person in enumerate(members):
            if person.start <= date:
                label, note = _mark(rng, title)
                facts.append(PlannedFact(i, date, item, label, note, "activity", index))
    month_end = dt.date(year, month, 28)
    if month_end > as_of:
        return  # the month's figures arrive when it is over
    for i, person in enumerate(members):
        if person.start > month_end:
            continue
        facts.append(
            PlannedFact(i, month_end, "xxqg_login", rng.choice("000123"), f"{month}月学习强国",
                        "import")
        )  # fmt: skip
        facts.append(
            PlannedFact(i, month_end, "xxqg_quiz", rng.choice(("15", "15", "14", "13", "11")),
                        f"{month}月每日一题", "import")
        )  # fmt: skip
        if rng.random() < 0.06:
            item, note = rng.choice(FEATURED)
            facts.append(
                PlannedFact(i, dt.date(year, month, 20), item, rng.choice("12"), note, "manual")
            )
        if month % 3 == 0 and rng.random() < 0.015:
            facts.append(
                PlannedFact(
                    i, dt.date(year, month, 25), "dues", "1", "本季度党费延期缴纳", "manual"
                )
            )


def branch_facts(
    plan: ScalePlan, branch: str, members: list[ScalePerson]
) -> tuple[list[PlannedActivity], list[PlannedFact]]:
    """One branch's activities and facts of the year up to ``plan.as_of``, in date order (the
    order they enter the branch's ledger)."""
    rng = random.Random(f"jifen-scale-{plan.code}-{branch}-{plan.as_of}")  # noqa: S311
    activities: list[PlannedActivity] = []
    facts: list[PlannedFact] = []
    year = plan.as_of.year
    for month in range(1, plan.as_of.month + 1):
        _month_facts(
            rng,
            members,
            year=year,
            month=month,
            as_of=plan.as_of,
            activities=activities,
            facts=facts,
        )
    facts.sort(key=lambda fact: fact.date)  # stable: activities keep their order within a day
    return activities, facts
