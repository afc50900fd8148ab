"""The 考核打分表 prints the rulebook's own 考核内容 and 评价标准 (seed004's 目标任务 and its
"材料不全……视情况扣分"), an ``extends`` rulebook's new words where it changes them, and the
generic line of each rule only where a rulebook has no words of its own."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.assessments.models import Round
from jifen.assessments.services import round_open

pytestmark = pytest.mark.django_db

GENERIC_SCORE = "按落实情况打分（0 到满分，以 0.5 为单位）"
GENERIC_DEDUCT = "从满分扣起，材料不全或未落实的视情况扣分，写明原因"


def _round(tree, admin, yaml_text: str | None = None) -> Round:
    return round_open(
        owner=tree.c,
        year=2026,
        period="Y",
        rulebook="seed004",
        yaml_text=yaml_text,
        organizations=[tree.b1],
        self_deadline=dt.date(2026, 12, 10),
        committee_deadline=dt.date(2026, 12, 20),
        actor=admin,
    )


def _rows(client: Client, found: Round, org) -> list[list[object]]:
    data = client.get(reverse("assessments:form_xlsx", args=[found.pk, org.pk])).content
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    return [[c.value for c in r] for r in sheet.iter_rows()]


def _row(rows: list[list[object]], title: str) -> list[object]:
    return next(r for r in rows if r[1] == title)


def test_seed004_prints_each_items_own_content_and_standard(tree, committee_admin) -> None:
    found = _round(tree, committee_admin)
    client = Client()
    client.force_login(committee_admin)
    rows = _rows(client, found, tree.b1)
    assert rows[2][:4] == ["一级指标", "二级指标", "考核内容", "评价标准"]
    ledger = _row(rows, "基层党组织工作台账不齐全")
    assert ledger[2:5] == ["按要求健全基层党组织基础党务台账", "材料不全年末考核视情况扣分", 5]
    assert ledger[0] == "2016年基层党建工作需要整改的主要问题（25.00）\n要求:还欠账,补短板、抓规范"
    # the seed has nothing beyond the title for this one: the generic line, no content
    own = _row(rows, "探索有本部门特点的党建工作制度")
    assert own[2:4] == [None, GENERIC_SCORE]
    page = client.get(reverse("assessments:form_print", args=[found.pk, tree.b1.pk]))
    html = page.content.decode()
    assert "年末失联党员找到率低于99%、材料不全等年末考核视情况扣分" in html
    assert '<table class="lines">' in html  # the cells keep the seed's line breaks on paper
    assert '<td class="text">按要求健全基层党组织基础党务台账</td>' in html  # left-aligned
    assert GENERIC_DEDUCT not in html


def test_an_extends_rulebook_that_rewords_one_item_prints_its_words(tree, committee_admin) -> None:
    found = _round(
        tree,
        committee_admin,
        "id: our-004\nextends: seed004\ncategories:\n  daily:\n    items:\n"
        "      research:\n        standard: 每学期少研究一次扣 0.25 分\n",
    )
    client = Client()
    client.force_login(committee_admin)
    rows = _rows(client, found, tree.b1)
    research = _row(rows, "研究党建")
    assert research[2:4] == ["每学期至少研究4次党建工作", "每学期少研究一次扣 0.25 分"]
    assert _row(rows, "计划总结")[3] == "材料不全年末考核视情况扣分"  # inherited unchanged
    html = client.get(reverse("assessments:form_print", args=[found.pk, tree.b1.pk]))
    assert "每学期少研究一次扣 0.25 分" in html.content.decode()


def test_a_rulebook_without_words_prints_the_generic_lines_as_before(tree, committee_admin) -> None:
    found = _round(
        tree,
        committee_admin,
        "id: plain\nkind: organization\nrounds: year\ncategories:\n  work:\n    title: 工作\n"
        "    max: 10\n    items:\n      a: {title: 甲项, rule: score, max: 6}\n"
        "      b: {title: 乙项, rule: deduct, max: 4}\n",
    )
    client = Client()
    client.force_login(committee_admin)
    rows = _rows(client, found, tree.b1)
    assert rows[2][:4] == ["一级指标", "二级指标", "评价标准", "分值"]  # no 考核内容 column
    assert _row(rows, "甲项")[2:4] == [GENERIC_SCORE, 6]
    assert _row(rows, "乙项")[2:4] == [GENERIC_DEDUCT, 4]
