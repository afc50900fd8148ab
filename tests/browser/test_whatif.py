"""试算 in a real browser: a committee admin picks a draft and last year, reads the changes,
keeps only what changes, and the chart is drawn without a script from anywhere."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User

from jifen.rulebooks.drafts import draft_revise, draft_start
from tests.browser.helpers import log_in
from tests.reports.conftest import YEAR, branch  # noqa: F401 - the hand-worked branch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_committee_admin_tries_a_draft_on_last_year(
    page: Any,
    branch: SimpleNamespace,  # noqa: F811
    committee_admin: User,
) -> None:
    draft = draft_start(organization=branch.tree.c, title="党日 8 分", base="seed003", actor=None)
    changes = {"categories": {"base": {"items": {"party_day": {"points": 8}}}}}
    draft_revise(draft=draft, changes=changes, reason="试一试", actor=None)
    log_in(page, "admin")
    page.goto(f"/orgs/{branch.b1.pk}/whatif/")
    page.get_by_label("试算的积分办法").select_option(f"draft:{draft.pk}")
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_role("button", name="试算").click()
    row = page.locator(f"#p{branch.yi.pk}")
    assert "76.58" in row.inner_text()
    assert "74.58" in row.inner_text()
    assert "-2.00" in row.inner_text()
    assert page.locator("svg").count() >= 1
    if os.environ.get("JIFEN_SCREENSHOTS"):
        page.screenshot(path=os.environ["JIFEN_SCREENSHOTS"] + "/whatif.png", full_page=True)
    members = page.locator(".whatif-members tbody tr").count()
    page.get_by_label("只看有变化的").check()
    page.get_by_role("button", name="试算").click()
    page.wait_for_url("**changed=on**")
    assert page.locator(".whatif-members tbody tr").count() <= members
    assert page.locator(f"#p{branch.yi.pk}").count() == 1
