"""Rulebook loading: validation a party worker can act on, extends, and the built-in item codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from jifen.scoring import RulebookError, builtin_ids, load_rulebook, load_rulebook_text
from jifen.scoring.model import Allowance, Deduct, Earn, Grade, Graded, Rollup, ScoreItem
from tests.scoring.helpers import D

GOOD = """\
id: mine
kind: member
total: 100
categories:
  base:
    max: 70
    period: month
    period_max: 70
    items:
      dues: {rule: allowance, points: 5, deduct: 5}
"""


def _issues(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "rb.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    return [str(issue) for issue in caught.value.issues]


def test_a_good_rulebook_loads(tmp_path: Path) -> None:
    path = tmp_path / "rb.yaml"
    path.write_text(GOOD, encoding="utf-8")
    rb = load_rulebook(path)
    assert rb.id == "mine"
    assert rb.version == "1"
    assert rb.categories[0].period == "month"


def test_errors_name_file_line_field_and_expectation(tmp_path: Path) -> None:
    text = GOOD.replace("period_max: 70", "period_max: 75").replace("points: 5,", "points: 80,")
    issues = _issues(text, tmp_path)
    assert any(
        ":8: categories.base.period_max: period_max 75 超过类别满分 max 70" in i for i in issues
    )
    assert any(
        ":10: categories.base.items.dues: item dues: points 80" in i
        and "exceeds category period_max 75" in i
        for i in issues
    )


def test_unknown_keys_are_errors(tmp_path: Path) -> None:
    issues = _issues(GOOD.replace("    max: 70\n", "    max: 70\n    maxx: 3\n"), tmp_path)
    assert any("categories.base.maxx: 未知的键 'maxx'" in i and ":7:" in i for i in issues)


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    text = GOOD + "      dues: {rule: allowance, points: 5, deduct: 1}\n"
    issues = _issues(text, tmp_path)
    assert any("重复的键 dues" in i and "first on line 10" in i for i in issues)


@pytest.mark.parametrize(
    ("replace", "by", "words"),
    [
        ("rule: allowance", "rule: bonus", "应为 allowance | earn | grade"),
        ("deduct: 5", "deduct: x", "应为数字"),
        ("deduct: 5", "deduct: -1", "应为正数"),
        ("kind: member", "kind: team", "应为 member | organization"),
        ("total: 100\n", "", "需要 total"),
        ("period: month", "period: week", "应为 month | quarter | year"),
        ("id: mine", "id: Mine!", "只能用小写字母"),
    ],
)
def test_field_errors(tmp_path: Path, replace: str, by: str, words: str) -> None:
    issues = _issues(GOOD.replace(replace, by), tmp_path)
    assert any(words in i for i in issues), issues


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    issues = _issues(GOOD + "  oops: [\n", tmp_path)
    assert issues
    assert "YAML 语法错误" in issues[0]


def test_an_empty_file_is_an_error(tmp_path: Path) -> None:
    assert "文件为空" in _issues("", tmp_path)[0]


def test_an_unknown_rulebook_is_named() -> None:
    with pytest.raises(RulebookError, match="找不到规则"):
        load_rulebook("seed999")


# --- extends --------------------------------------------------------------------------------------

CHILD = """\
id: my-branch
version: 3
extends: seed003
categories:
  featured:
    items:
      poverty_help: {title: 结对帮扶, rule: earn, caps: {year: 5}}
      branch_choice: null
  base:
    deductions:
      misconduct: {points: 5}
bands:
  recommend: {min: 85}
"""


def test_extends_adds_changes_and_removes_without_copying(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CHILD, encoding="utf-8")
    rb = load_rulebook(path)
    parent = load_rulebook("seed003")
    assert (rb.id, rb.version, rb.extends, rb.kind) == ("my-branch", "3", "seed003", "member")
    featured = [i.code for i in rb.categories[1].items]
    assert featured == ["grid_work", "volunteer", "poverty_help"]
    assert rb.deduction("misconduct")[1].points == D(5)  # type: ignore[index]
    assert rb.deduction("misconduct")[1].title == parent.deduction("misconduct")[1].title  # type: ignore[index]
    recommend = next(b for b in rb.bands if b.code == "recommend")
    assert recommend.min == D(85)
    assert recommend.label == "优先作为评先评优、提拔任用推荐对象"
    assert len(rb.categories[0].items) == 13


def test_errors_in_an_extension_point_at_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(CHILD.replace("caps: {year: 5}", "caps: {year: 25}"), encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    issue = caught.value.issues[0]
    assert issue.file == str(path)
    assert issue.line == 7
    assert "poverty_help" in issue.field


def test_extends_a_file_next_to_it_and_refuses_cycles(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\nextends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("id: b\nextends: a.yaml\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="循环继承"):
        load_rulebook(tmp_path / "a.yaml")
    (tmp_path / "c.yaml").write_text(CHILD.replace("id: my-branch", "id: c"), encoding="utf-8")
    (tmp_path / "d.yaml").write_text("id: d\nextends: c.yaml\ntotal: 90\n", encoding="utf-8")
    rb = load_rulebook(tmp_path / "d.yaml")
    assert rb.total == D(90)
    assert rb.item("poverty_help") is not None


def test_an_extension_cannot_change_kind(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="不能改变 kind"):
        load_rulebook_text("id: x\nextends: seed003\nkind: organization\n")


# --- the built-in rulebooks: exactly the codes of RULEBOOKS.md §5 --------------------------------

CODES = {
    "seed003": {
        "base": (
            "allowance",
            "xxqg_login xxqg_quiz group_study other_study branch_meeting party_lecture "
            "group_meeting party_day dues four_consciousness integrity law_abiding ideology",
        ),
        "featured": ("earn", "grid_work volunteer branch_choice"),
        "review": ("grade", "democratic_review"),
    },
    "seed001": {
        "base": ("allowance", "org_life dues study resolutions discipline"),
        "contribution": ("earn", "center_work reform stability service"),
    },
    "seed000-branch": {
        "role": ("score", "political_lead serve_unite center_work"),
        "team": ("score", "secretary election basics"),
        "org_life": (
            "score",
            "three_one party_day_28 heart_talks org_life_meeting democratic_review dual_org_life",
        ),
        "members": (
            "score",
            "member_points membership_records education dues recruitment community_service",
        ),
        "support": ("score", "online_platform venue"),
        "united_front": ("score", "uf_mechanism ethnic_religion"),
        "ideology": ("score", "theory_study ideology_risk"),
        "innovation": ("score", "special_project key_tasks"),
    },
    "seed002": {
        "team": ("score", "committee unity planning mass_contact"),
        "education": ("score", "two_studies attend_meetings info_reports heart_talks"),
        "org_life": ("score", "three_one democratic_life democratic_review party_day"),
        "management": ("score", "daily dues transfers outgoing"),
        "recruitment": ("score", "cultivation procedure"),
        "fortress": ("score", "cohesion cooperation style coordination activities care"),
        "vanguard": ("score", "conduct dedication bridge social"),
    },
}


@pytest.mark.parametrize("rid", sorted(CODES))
def test_built_in_item_codes_are_those_of_rulebooks_md(rid: str) -> None:
    rb = load_rulebook(rid)
    got = {c.code: [i.code for i in c.items] for c in rb.categories}
    assert got == {code: codes.split() for code, (_, codes) in CODES[rid].items()}
    for category in rb.categories:
        assert {i.rule for i in category.items} == {CODES[rid][category.code][0]}


def test_seed003_points_and_totals() -> None:
    rb = load_rulebook("seed003")
    base = rb.categories[0]
    assert sum(i.points for i in base.items if isinstance(i, Allowance)) == D(70)
    assert rb.deduction("misconduct")[1].points == D(10)  # type: ignore[index]
    assert (rb.total, [c.max for c in rb.categories]) == (D(100), [D(70), D(20), D(10)])
    grade = rb.item("democratic_review")[1]  # type: ignore[index]
    assert isinstance(grade, Grade)
    assert dict(grade.grades) == {
        "优秀": 10,
        "合格": 7,
        "基本合格": 5,
        "不合格": 0,
    }


def test_seed001_veto_and_stars() -> None:
    rb = load_rulebook("seed001")
    assert [v.code for v in rb.vetoes] == ["negative_list"]
    assert rb.stars is not None
    assert next((lv.stars, lv.min, lv.quota) for lv in rb.stars.levels) == (5, D(90), D("0.2"))
    study = rb.item("study")[1]  # type: ignore[index]
    assert isinstance(study, Allowance)
    assert study.target == D(32)
    earn = rb.item("service")[1]  # type: ignore[index]
    assert isinstance(earn, Earn)
    assert earn.cap_year == D(10)


def test_seed000_general_and_seed004() -> None:
    general = load_rulebook("seed000-general")
    codes = {i.code: i for c in general.categories for i in c.items}
    assert set(codes) == {"meeting_system", "dual_leader", "staffing", "funding", "branch_average"}
    assert all(
        isinstance(codes[c], Graded)
        for c in ("meeting_system", "dual_leader", "staffing", "funding")
    )
    rollup = codes["branch_average"]
    assert isinstance(rollup, Rollup)
    assert rollup.of == "seed000-branch"
    assert rollup.factor == D("0.8")
    assert general.rounds == "half"
    assert general.index_cap == D(100)
    seed004 = load_rulebook("seed004")
    items = {i.code: i for c in seed004.categories for i in c.items}
    assert [c.code for c in seed004.categories] == ["rectify", "tasks", "first_class", "daily"]
    scored = {code for code, item in items.items() if isinstance(item, ScoreItem)}
    assert scored == {"own_system", "first_class_committee", "first_class_branch"}
    assert all(isinstance(item, Deduct) for code, item in items.items() if code not in scored)
    assert sum(i.ceiling for i in items.values()) == D(100)


def test_every_built_in_rulebook_loads_and_sums_to_its_total() -> None:
    assert set(builtin_ids()) == {
        "seed001",
        "seed003",
        "seed000-branch",
        "seed000-general",
        "seed002",
        "seed004",
    }
    for rid in ("seed003", "seed001", "seed000-branch", "seed002", "seed004"):
        rb = load_rulebook(rid)
        assert sum(c.max for c in rb.categories if not c.bonus) == D(100), rid


def test_every_interpretation_is_written_in_the_yaml() -> None:
    from importlib.resources import files

    for rid in ("seed003", "seed001", "seed000-branch", "seed000-general", "seed002"):
        text = (files("jifen.scoring") / "rulebooks" / f"{rid}.yaml").read_text(encoding="utf-8")
        assert "(解释)" in text, rid


def test_a_missing_parent_is_named_where_extends_is_written(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("id: mine\nversion: 1\nextends: seed998\n", encoding="utf-8")
    with pytest.raises(RulebookError) as caught:
        load_rulebook(path)
    issue = caught.value.issues[0]
    assert (issue.file, issue.line, issue.field) == (str(path), 3, "extends")
    assert "seed998" in issue.message


def test_a_rollup_must_name_an_organization_rulebook() -> None:
    text = (
        "id: g\nkind: organization\ncategories:\n  c:\n    max: 10\n    items:\n"
        "      avg: {rule: rollup, of: seed003, factor: 0.5}\n"
    )
    with pytest.raises(RulebookError, match="不是组织考核规则"):
        load_rulebook_text(text)


MEMBER = """\
id: m
kind: member
total: 100
categories:
  c:
    max: 50
    items:
      e: {rule: earn, caps: {year: 10}}
      g: {rule: grade, grades: {优秀: 10}}
"""
ORG = """\
id: o
kind: organization
categories:
  c:
    max: 10
    items:
      s: {rule: score, max: 5}
"""


@pytest.mark.parametrize(
    ("base", "extra", "words"),
    [
        (MEMBER, "stars:\n  levels:\n    5: {min: 90, quota: 2}\n", "名额比例应在 0 到 1 之间"),
        (MEMBER, "stars:\n  levels:\n    five: {min: 90}\n", "星级应为整数"),
        (
            MEMBER,
            "stars:\n  levels:\n    5: {min: 90, quota: 0.2}\n  quota_base: [party]\n",
            "名额基数应是党员类别的列表",
        ),
        (MEMBER, "bands:\n  x: {label: 甲, min: 70, below: 60}\n", "below 60 应大于 min 70"),
        (MEMBER, "bands:\n  x: {label: 甲}\n", "需要 min、below 或 stars 之一"),
        (MEMBER, "bands:\n  x: {label: 甲, min: 1, categories: [party]}\n", "'party' 不是"),
        (MEMBER, "bands:\n  x: {label: 甲, min: 1, level: orange}\n", "应为 info | yellow | red"),
        (MEMBER, "consecutive:\n  x: {label: 甲}\n", "缺少 below"),
        (MEMBER, "vetoes:\n  e: {title: 重复}\n", "代码 e 重复"),
        (MEMBER, "year_start: 13\n", "1 到 12"),
        (MEMBER, "rounds: half\n", "未知的键 'rounds'"),
        (ORG, "sources:\n  weights: {self: 0.4, committee: 0.7}\n", "权重之和应为 1"),
        (ORG, "sources:\n  weights: {self: 1}\n", "同时给出 self 和 committee"),
        (ORG, "sources:\n  self: {per: month}\n", "应为 half | round"),
        (ORG, "index: {cap: -1}\n", "应为正数"),
        (ORG, "rounds: quarter\n", "应为 half | year"),
        (ORG, "vetoes:\n  v: {title: x}\n", "未知的键 'vetoes'"),
    ],
)
def test_every_section_is_checked(base: str, extra: str, words: str) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(base + extra)
    assert any(words in str(issue) for issue in caught.value.issues), caught.value.issues


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("caps: {year: 10}", "caps: {week: 10}", "只能是 month、quarter、year"),
        ("caps: {year: 10}", "caps: {year: 60}", "caps 60 超过类别 c 的 max 50"),
        ("grades: {优秀: 10}", "grades: {优秀: -1}", "不小于 0"),
        ("rule: earn,", "rule: earn, min: 5, max: 1,", "min 5 大于 max 1"),
        ("rule: grade,", "rule: score,", "应为 allowance | earn | grade"),
    ],
)
def test_item_schemas_are_checked(old: str, new: str, words: str) -> None:
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(MEMBER.replace(old, new))
    assert any(words in str(issue) for issue in caught.value.issues), caught.value.issues


def test_per_occasion_is_only_for_attendance() -> None:
    text = MEMBER.replace(
        "      e: {rule: earn, caps: {year: 10}}\n",
        "      e: {rule: earn, caps: {year: 10}}\n"
        "      x: {rule: allowance, points: 5, deduct: 1, per_occasion: true}\n",
    )
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(text, "x.yaml")
    assert "per_occasion 只用于按考勤" in str(caught.value)


def test_committee_approval_is_a_member_category_flag() -> None:
    # seed003 特色分 "由各支部评定、机关党委审批": only the featured category waits for the
    # committee.
    rb = load_rulebook("seed003")
    flagged = {c.code for c in rb.categories if c.committee_approval}
    assert flagged == {"featured"}
    assert not any(c.committee_approval for c in load_rulebook("seed001").categories)
    text = MEMBER.replace("    max: 50\n", "    max: 50\n    committee_approval: yes please\n", 1)
    with pytest.raises(RulebookError) as caught:
        load_rulebook_text(text, "x.yaml")
    assert "committee_approval" in str(caught.value)
    assert "true 或 false" in str(caught.value)
