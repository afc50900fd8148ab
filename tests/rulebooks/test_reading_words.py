"""The readable rulebook table shows the rulebook's own words (考核内容, 评价标准) under each
item's title and under a category's heading, and an organization's ``extends`` text its own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.rulebooks.reading import sections
from jifen.rulebooks.services import adoption_set
from jifen.scoring import load_rulebook

pytestmark = pytest.mark.django_db


def test_sections_carry_each_items_and_categorys_words() -> None:
    base, *_ = sections(load_rulebook("seed003"))
    assert base.words.startswith("主要考核党员政治建设")
    login = next(row for row in base.rows if row.title == "登录学习强国")
    assert login.words == "每次未登录,扣 0.5 分"
    misconduct = base.rows[-1]  # a category deduction: no words of its own
    assert misconduct.rule == "扣分"
    assert misconduct.words == ""
    rows = sections(load_rulebook("seed004"))[0].rows
    assert rows[0].words == "按要求健全基层党组织基础党务台账\n材料不全年末考核视情况扣分"


def test_the_page_shows_the_words_muted_under_the_title(
    client: Client, committee_admin: User, tree: SimpleNamespace
) -> None:
    client.force_login(committee_admin)
    html = client.get(reverse("rulebooks:builtin", kwargs={"rulebook_id": "seed004"})).content
    page = html.decode()
    assert (
        '基层党组织工作台账不齐全<small class="muted words">按要求健全基层党组织基础党务台账<br>'
        "材料不全年末考核视情况扣分</small>"
    ) in page
    adoption_set(
        organization=tree.c,
        year=2026,
        rulebook="",
        yaml_text="id: ours\nextends: seed003\ncategories:\n  base:\n    items:\n"
        "      xxqg_login: {standard: 每月未登录超过 3 天的每天扣 0.5 分}\n",
    )
    ours = client.get(reverse("rulebooks:applied", args=[tree.c.pk, 2026])).content.decode()
    assert "每月未登录超过 3 天的每天扣 0.5 分" in ours
    assert "每次未登录,扣 0.5 分" not in ours
