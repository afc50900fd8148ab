"""Date pickers in both languages: ``<input type="date">`` reads only ISO dates, and the
Chinese locale's first input format (``2026/12/07``) once left every date field blank."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.recording.models import Activity
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def adopted(tree: SimpleNamespace, clock: Clock, settings: Any, tmp_path: Path) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path / "media"
    adoption_set(organization=tree.c, year=clock.today.year, rulebook="seed003")
    return tree


def _in_language(page: Any, live_server: Any, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_three_forms_show_today_in_their_date_field(
    page: Any,
    live_server: Any,
    adopted: SimpleNamespace,
    scorekeeper: User,
    member: User,
    clock: Clock,
    language: str,
) -> None:
    today = clock.today.isoformat()
    log_in(page, "jifenyuan")
    _in_language(page, live_server, language)
    for address in (
        f"/orgs/{adopted.b1.pk}/activities/add/",  # 登记活动
        f"/orgs/{adopted.b1.pk}/entries/add/",  # 录入积分事实
    ):
        page.goto(address)
        field = page.locator("input[name=date]")
        assert field.get_attribute("type") == "date"
        assert field.input_value() == today, address
    log_in(page, "dangyuan")
    _in_language(page, live_server, language)
    page.goto("/me/declarations/new/")  # 申报积分
    assert page.locator("input[name=date]").input_value() == today


def test_a_date_posted_from_the_picker_comes_back_as_chosen(
    page: Any, adopted: SimpleNamespace, scorekeeper: User, clock: Clock
) -> None:
    log_in(page, "jifenyuan")
    page.goto(f"/orgs/{adopted.b1.pk}/activities/add/")
    page.get_by_label("主题").fill("重温入党誓词")
    page.get_by_label("日期").fill(f"{clock.today.year}-03-07")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("heading", level=1).inner_text() == "重温入党誓词"
    assert Activity.objects.get().date.isoformat() == f"{clock.today.year}-03-07"
    assert f"{clock.today.year}年3月7日" in page.locator("main").inner_text()
