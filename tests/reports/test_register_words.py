"""The 登记表 prints each item's own words (seed003's 记分标准) under its title, on the print page
and in the xlsx; an ``extends`` rulebook's new words replace them; a rulebook without words prints
the titles alone, as before."""

from __future__ import annotations

import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.documents.paper_forms import form_xlsx
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.reports.register import register_form, register_of
from jifen.rulebooks.services import adoption_set
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db

LOGIN_STANDARD = "每次未登录,扣 0.5 分"  # seed003's 备注 for 登录学习强国, word for word


def _cells(person: Person) -> dict[str, str]:
    """The 考核内容 cells of the person's 登记表 xlsx, by their first line (the item's title)."""
    found = member_year(person, YEAR)
    assert found is not None
    data = form_xlsx(register_form(register_of(found, branch="教工第一党支部")))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [str(row[1].value) for row in sheet.iter_rows(min_row=4) if row[1].value]
    return {cell.splitlines()[0]: cell for cell in cells}


def test_seed003_prints_the_seeds_own_standard_under_each_item(
    client: Client, branch: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    cells = _cells(branch.jia)
    assert cells["登录学习强国"] == f"登录学习强国\n{LOGIN_STANDARD}"
    assert cells["党费缴纳"] == "党费缴纳\n延期缴纳党费本季度每月扣 5 分"
    assert cells["廉洁自律，尚俭戒奢"] == "廉洁自律，尚俭戒奢"  # the seed gives no words for it
    user = make_user("jia", "甲")
    branch.jia.user = user
    branch.jia.save()
    client.force_login(user)
    html = client.get(reverse("reports:register", args=[branch.jia.pk, YEAR])).content.decode()
    assert f'登录学习强国<span class="item-words">{LOGIN_STANDARD}</span>' in html


def test_an_extends_rulebooks_own_words_are_printed(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    adoption_set(
        organization=tree.c,
        year=YEAR,
        rulebook="",
        yaml_text=(
            "id: our-003\nextends: seed003\ncategories:\n  base:\n    items:\n"
            "      xxqg_login:\n        standard: 每月未登录超过 3 天的，每天扣 0.5 分\n"
        ),
    )
    cells = _cells(make_person("甲", tree.b1))
    assert cells["登录学习强国"] == "登录学习强国\n每月未登录超过 3 天的，每天扣 0.5 分"
    assert cells["党费缴纳"] == "党费缴纳\n延期缴纳党费本季度每月扣 5 分"  # inherited


def test_a_rulebook_without_words_prints_the_titles_alone(
    tree: SimpleNamespace, make_person: Callable[..., Person]
) -> None:
    adoption_set(
        organization=tree.c,
        year=YEAR,
        rulebook="",
        yaml_text=(
            "id: plain\nkind: member\ntotal: 10\ncategories:\n  base:\n    title: 基础\n"
            "    max: 10\n    items:\n"
            "      dues: {title: 交纳党费, rule: allowance, points: 10, deduct: 5}\n"
        ),
    )
    cells = _cells(make_person("甲", tree.b1))
    assert cells["交纳党费"] == "交纳党费"
