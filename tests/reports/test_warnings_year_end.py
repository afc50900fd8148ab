"""Bands and warnings are year-end results (issue 15): the overview, the bulletin (page and xlsx)
and the register show them only once the scoring year is over — a total of the year so far has
no review grade and little 特色分 yet — and a person warned by several bands is listed once, at
their most severe level."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.orgs.services import person_update
from jifen.reports.branch_figures import year_overview
from jifen.reports.bulletin import bulletin_form, bulletin_of
from tests.clock import Clock
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db
D = dt.date
AFTER = D(YEAR + 1, 2, 1)


def test_a_person_warned_by_several_bands_is_listed_once_at_the_worst(
    branch: SimpleNamespace,
) -> None:
    # 戊 (52.50) as a probationary member: red (<60), and the probationary bands yellow (<70) and
    # red (<60) — three warning bands, one line.
    person_update(person=branch.wu, category="probationary", probation_ends=D(YEAR + 1, 6, 1))
    found, _ = year_overview(branch.tree.g, YEAR, AFTER)
    b1 = next(stats for unit, stats in found if unit.pk == branch.b1.pk)
    assert b1 is not None
    wu = [w for w in b1.warned if w.name == "戊"]
    assert len(wu) == 1
    assert wu[0].level == "red"
    assert wu[0].label.startswith("红色预警（")
    for label in ("帮扶教育", "支部书记约谈提醒", "视情延长预备期"):
        assert label in wu[0].label
    assert (b1.yellow, b1.red) == (1, 1)  # 丁 yellow, 戊 red


def test_the_bulletin_marks_warnings_only_after_the_year(branch: SimpleNamespace) -> None:
    mid = bulletin_of(branch.tree.g, YEAR, 2, D(YEAR, 7, 10))
    assert not mid.year_over
    form = bulletin_form(mid)
    first = form.rows[0]
    assert first[-4:-1] == ["—", "—", "年终评定"]
    assert "年度结束前不标出" in form.subtitle
    end = bulletin_of(branch.tree.g, YEAR, 4, AFTER)
    assert end.year_over
    row = bulletin_form(end).rows[0]
    assert row[-4:-2] == [1, 1]
    assert "戊 52.50 红色预警" in str(row[-2])


def test_the_bulletin_xlsx_mid_year_names_nobody(
    branch: SimpleNamespace, client: Client, general_admin: User, clock: Clock
) -> None:
    clock.set(D(YEAR, 7, 10))
    client.force_login(general_admin)
    url = reverse("reports:bulletin_xlsx", args=[branch.tree.g.pk, YEAR, 2])
    book = openpyxl.load_workbook(BytesIO(client.get(url).content))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "年终评定" in cells
    assert not any("预警（" in c for c in cells)


def test_the_overview_shows_warnings_only_after_the_year(
    branch: SimpleNamespace, client: Client, general_admin: User, clock: Clock
) -> None:
    client.force_login(general_admin)
    url = reverse("reports:overview", args=[branch.tree.g.pk, YEAR])
    clock.set(D(YEAR, 7, 10))
    mid = client.get(url)
    assert not mid.context["warnings_shown"]
    assert "年度结束后才显示预警" in mid.content.decode()
    clock.set(AFTER)
    client.force_login(general_admin)  # months later: a new session
    end = client.get(url)
    assert end.context["warnings_shown"]
    assert "年度结束后才显示预警" not in end.content.decode()


def test_the_register_says_bands_come_at_year_end(
    branch: SimpleNamespace, client: Client, general_admin: User, clock: Clock
) -> None:
    client.force_login(general_admin)
    url = reverse("reports:register", args=[branch.wu.pk, YEAR])
    clock.set(D(YEAR, 7, 10))
    assert client.get(url).context["sheet"].bands == ["年终评定后标出"]
    clock.set(AFTER)
    client.force_login(general_admin)  # months later: a new session
    assert any("帮扶教育" in band for band in client.get(url).context["sheet"].bands)
