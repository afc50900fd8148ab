"""The demo college's shape: its committee, general branches and branches, who belongs to each
branch (staff, students, retirees; full members to activists), and where each demo account's
person belongs. Plain data; ``jifen.demo.college`` draws the people and writes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from jifen.accounts.demo import COMMITTEE_CODE, DEMO_BRANCH_CODE
from jifen.orgs.models import Category


class Profile(Enum):
    STAFF = "staff"  # teachers and office staff, born 1965–1995
    STUDENT = "student"  # students of a three-year programme
    RETIREE = "retiree"


@dataclass(frozen=True)
class OrgPlan:
    code: str
    name: str
    kind: str
    parent: str | None
    active_from: dt.date


@dataclass(frozen=True)
class BranchMix:
    """Who belongs to a branch: (profile, category, how many), and the share of men."""

    groups: tuple[tuple[Profile, Category, int], ...]
    men: float


_F, _P, _D, _A = (
    Category.FULL,
    Category.PROBATIONARY,
    Category.DEVELOPMENT_TARGET,
    Category.ACTIVIST,
)
_STAFF_BRANCH = ((Profile.STAFF, _F, 16), (Profile.STAFF, _P, 2), (Profile.STAFF, _D, 1),
                 (Profile.STAFF, _A, 1))  # fmt: skip
# Two counsellors (辅导员) belong to each student branch, one of them usually its secretary.
_STUDENT_BRANCH = ((Profile.STAFF, _F, 2), (Profile.STUDENT, _F, 8), (Profile.STUDENT, _P, 8),
                   (Profile.STUDENT, _D, 6), (Profile.STUDENT, _A, 6))  # fmt: skip
_OFFICE_BRANCH = ((Profile.STAFF, _F, 13), (Profile.STAFF, _P, 1), (Profile.STAFF, _A, 1))

_SCHOOLS = (
    # code, school, share of men among its students
    ("ZYXY01", "机电工程学院", 0.75),
    ("ZYXY02", "信息工程学院", 0.6),
    ("ZYXY03", "经济管理学院", 0.35),
)
_COMMITTEE_FOUNDED = dt.date(2004, 5, 18)
_REORGANIZED = dt.date(2016, 9, 1)  # the schools and their branches as they are today


def _organizations() -> tuple[tuple[OrgPlan, ...], dict[str, BranchMix]]:
    orgs = [
        OrgPlan(COMMITTEE_CODE, "中共某某职业学院委员会", "committee", None, _COMMITTEE_FOUNDED)
    ]
    mixes: dict[str, BranchMix] = {}
    for code, school, men in _SCHOOLS:
        orgs.append(
            OrgPlan(code, f"{school}党总支", "general_branch", COMMITTEE_CODE, _REORGANIZED)
        )
        for suffix, branch, mix in (
            ("01", "教工党支部", BranchMix(_STAFF_BRANCH, 0.5)),
            ("02", "学生第一党支部", BranchMix(_STUDENT_BRANCH, men)),
            ("03", "学生第二党支部", BranchMix(_STUDENT_BRANCH, men)),
        ):
            orgs.append(OrgPlan(code + suffix, f"{school}{branch}", "branch", code, _REORGANIZED))
            mixes[code + suffix] = mix
    for code, name, mix in (
        ("ZYXY04", "机关第一党支部", BranchMix(_OFFICE_BRANCH, 0.5)),
        ("ZYXY05", "机关第二党支部", BranchMix(_OFFICE_BRANCH, 0.5)),
        ("ZYXY06", "离退休党支部", BranchMix(((Profile.RETIREE, _F, 30),), 0.55)),
    ):
        orgs.append(OrgPlan(code, name, "branch", COMMITTEE_CODE, _COMMITTEE_FOUNDED))
        mixes[code] = mix
    return tuple(orgs), mixes


ORGANIZATIONS, BRANCH_MIXES = _organizations()
RETIRED_BRANCH_CODE = "ZYXY06"
TRANSFER_FROM, TRANSFER_TO = "ZYXY0101", "ZYXY0201"  # 机电 → 信息, both 教工党支部
LEAVE_FROM = "ZYXY0301"  # 经济管理学院教工党支部


@dataclass(frozen=True)
class Home:
    """Where a demo account's person belongs, and as what."""

    branch: str
    gender: str
    profile: Profile


# The demo accounts that are party members of the college (the observer, 群众代表, is not).
ACCOUNT_HOMES: dict[str, Home] = {
    "admin": Home("ZYXY04", "M", Profile.STAFF),  # 组织部, in the first office branch
    "zongzhi": Home("ZYXY0201", "F", Profile.STAFF),  # 党总支书记
    "shuji": Home(DEMO_BRANCH_CODE, "M", Profile.STAFF),  # a counsellor, the secretary
    "zhiwei": Home(DEMO_BRANCH_CODE, "M", Profile.STUDENT),  # 组织委员, a student
    "jifenyuan": Home(DEMO_BRANCH_CODE, "F", Profile.STUDENT),
    "dangyuan": Home(DEMO_BRANCH_CODE, "M", Profile.STUDENT),
    "shenji": Home("ZYXY05", "F", Profile.STAFF),  # 纪委办公室
}
