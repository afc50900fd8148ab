"""The differences between two rulebooks in words (jifen/scoring/rulebook_diff.py).

Each test changes one kind of thing in an ``extends`` document and names, by hand, the exact
sentence a party worker reads. Engine only: run with ``-p no:django --noconftest``."""

from __future__ import annotations

import pytest

from jifen.scoring import Rulebook, builtin_ids, load_rulebook, load_rulebook_text
from jifen.scoring.rulebook_diff import differences


def _seed003_with(body: str) -> tuple[Rulebook, Rulebook]:
    header = "extends: seed003\nid: seed003\nversion: 1\n"
    return load_rulebook("seed003"), load_rulebook_text(header + body, "ours.yaml")


@pytest.mark.parametrize("rulebook_id", builtin_ids())
def test_identical_rulebooks_have_no_differences(rulebook_id: str) -> None:
    assert differences(load_rulebook(rulebook_id), load_rulebook(rulebook_id)) == []


def test_an_extends_of_nothing_but_a_new_id_and_version_has_no_differences() -> None:
    ours = load_rulebook_text("extends: seed003\nid: ours\nversion: 7\n", "ours.yaml")
    assert differences(load_rulebook("seed003"), ours) == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "categories: {base: {items: {party_day: {points: 8}}}}",
            ["主题党日(每月两次)：每月 10 分 → 8 分"],
        ),
        (
            "categories: {base: {items: {xxqg_login: {deduct: 1}}}}",
            ["登录学习强国：每差 1 天扣 0.5 分 → 1 分"],
        ),
        (
            "categories: {base: {items: {party_day: {absent: 4, excused: 1}}}}",
            ["主题党日(每月两次)：无故缺席扣 5 分 → 4 分，请假扣 0 分 → 1 分"],
        ),
        (
            "categories: {base: {items: {xxqg_quiz: {target: 20}}}}",
            ["完成每日一题：目标 15 → 20"],
        ),
        (
            "categories: {featured: {items: {volunteer: {caps: {year: 8}}}}}",
            ["志愿服务参与情况：每年最多 5 分 → 8 分"],
        ),
        (
            "categories: {featured: {items: {volunteer: {title: 志愿服务}}}}",
            ["项目“志愿服务参与情况”：改名为“志愿服务”"],
        ),
        (
            "categories:\n  featured:\n    items:\n"
            "      poverty_help: {title: 结对帮扶, rule: earn, caps: {year: 5}}",
            ["新增特色分项目“结对帮扶”：每年最多 5 分"],
        ),
        (
            "categories: {featured: {items: {branch_choice: null}}}",
            ["删除项目“其他支部自选分”（特色分）"],
        ),
        (
            "categories: {review: {items: {democratic_review: {grades: {优秀: 9}}}}}",
            ["年度民主评议：等次“优秀” 10 分 → 9 分"],
        ),
        (
            "categories: {base: {max: 75, period_max: 75}}",
            ["类别“基础分”：最多 70 分 → 75 分，每期最多 70 分 → 75 分"],
        ),
        (
            "categories: {base: {deductions: {misconduct: {points: 5}}}}",
            [
                "扣分“违纪违法情节轻微未构成处分；参与封建迷信、邪教；制造传播流言蜚语；"
                "参与群体上访闹事”：每次扣 10 分 → 5 分"
            ],
        ),
        ("total: 110", ["总分：100 分 → 110 分"]),
        ("notice_days: 7", ["公示期：5 个工作日 → 7 个工作日"]),
        ("title: 我们的办法", ["名称：常州市机关事务管理局 机关党员积分制考核管理 → 我们的办法"]),
        (
            "bands: {yellow: {min: 65, actions: [支部书记谈话]}}",
            [
                "等次“约谈提醒”：不低于 60 分 → 65 分，"
                "措施 支部书记约谈提醒并督促其提高 → 支部书记谈话"
            ],
        ),
        (
            "bands: {yellow: {level: red}}",
            ["等次“约谈提醒”：级别 黄色预警 → 红色预警"],
        ),
        ("bands: {training: null}", ["删除等次“学习培训激励”"]),
        (
            "bands: {excellent: {label: 优秀党员, level: info, min: 95}}",
            ["新增等次“优秀党员”：级别 提示，不低于 95 分"],
        ),
        (
            "consecutive: {two_years_below_60: {years: 3}}",
            ["连续预警“按党章和有关规定慎重处置”：连续年数 2 → 3"],
        ),
    ],
)
def test_each_kind_of_change_reads_as_one_sentence(body: str, said: list[str]) -> None:
    old, new = _seed003_with(body)
    assert differences(old, new) == said


def test_stars_and_their_quota() -> None:
    old = load_rulebook("seed001")
    body = "stars:\n  levels:\n    5: {min: 85, quota: 0.15}\n    1: null\n"
    new = load_rulebook_text(f"extends: seed001\nid: seed001\n{body}", "ours.yaml")
    assert differences(old, new) == ["五星级：90 分 → 85 分，名额 20% → 15%", "删除一星级"]


def test_study_per_occasion() -> None:
    old, new = _seed003_with("categories: {base: {items: {group_study: {per_occasion: false}}}}")
    assert differences(old, new) == ["组织集中学习：按当期次数平分 是 → 否"]


def test_the_quota_base() -> None:
    old = load_rulebook("seed001")
    body = "stars:\n  quota_base: [full]\n"
    new = load_rulebook_text(f"extends: seed001\nid: seed001\n{body}", "ours.yaml")
    assert differences(old, new) == ["名额基数：正式党员、预备党员 → 正式党员"]


def test_stars_added_to_a_rulebook_without_them() -> None:
    old, new = _seed003_with("stars:\n  levels:\n    5: {min: 90, quota: 0.2}\n    4: {min: 80}\n")
    assert differences(old, new) == [
        "新增星级评定",
        "新增五星级：90 分以上，名额 20%",
        "新增四星级：80 分以上",
    ]


def test_an_organization_rulebook_item_max_and_the_direction_of_the_arrow() -> None:
    old = load_rulebook("seed000-branch")
    found = old.item("political_lead")
    assert found is not None
    body = f"categories: {{{found[0].code}: {{items: {{political_lead: {{max: 4}}}}}}}}"
    new = load_rulebook_text(f"extends: seed000-branch\nid: x\n{body}", "ours.yaml")
    assert differences(old, new) == ["政治引领：满分 3 分 → 4 分"]
    assert differences(new, old) == ["政治引领：满分 4 分 → 3 分"]


def test_committee_approval() -> None:
    old, new = _seed003_with("categories: {featured: {committee_approval: false}}")
    assert differences(old, new) == ["类别“特色分”：申报须经党委审批 是 → 否"]
