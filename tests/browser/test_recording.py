"""Recording in a real browser: an activity's checklist, a QR check-in on a phone, a declaration
from submission to approval, and a member reading why they have the points they have."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from PIL import Image

from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.recording.checkin import checkin_open, checkin_token
from jifen.recording.models import Declaration
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.browser.helpers import log_in
from tests.clock import Clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(clock: Clock) -> int:
    # The pages offer the current year's rulebook; the clock holds a November day of it, so
    # the March and April dates below are in the past and no midnight moves the year.
    return clock.today.year


@pytest.fixture
def adopted(tree: SimpleNamespace, year: int, settings: Any, tmp_path: Path) -> SimpleNamespace:
    settings.MEDIA_ROOT = tmp_path / "media"
    adoption_set(organization=tree.c, year=year, rulebook="seed003")
    return tree


def test_a_scorekeeper_records_an_activity_and_its_attendance(
    page: Any, adopted: SimpleNamespace, scorekeeper: User, member: User, year: int
) -> None:
    log_in(page, "jifenyuan")
    page.goto(f"/orgs/{adopted.b1.pk}/activities/")
    page.get_by_role("link", name="登记活动").click()
    page.get_by_label("类型").select_option(label="主题党日(每月两次)")
    page.get_by_label("主题").fill("重温入党誓词")
    page.get_by_label("日期").fill(f"{year}-03-28")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("heading", level=1).inner_text() == "重温入党誓词"

    page.get_by_role("radio", name="赵磊 请假").check()
    page.get_by_role("button", name="保存签到").click()
    assert "请假须写明原因：赵磊" in page.get_by_role("alert").inner_text()
    page.get_by_label("赵磊 请假原因").fill("出差")
    page.get_by_role("button", name="保存签到").click()
    assert page.get_by_role("status").inner_text() == "签到已记录：1 人"
    entry = Entry.objects.get()
    assert (entry.value, entry.note) == ("excused", "出差")

    # The date was wrong: edit it; the mark follows through a void and a new entry.
    page.get_by_role("link", name="修改活动").click()
    assert "1 人的签到记录" in page.locator("main").inner_text()
    page.get_by_label("日期").fill(f"{year}-04-02")
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_label("修改原因").fill("日期登记错了")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_role("status").inner_text() == "活动已修改"
    assert "党员活动室" in page.locator("main").inner_text()
    assert f"{year}年4月2日" in page.locator("main").inner_text()
    void, moved = Entry.objects.order_by("seq")[1:]
    assert (void.corrects, void.reason) == (
        entry,
        f"活动日期由 {year}-03-28 改为 {year}-04-02：日期登记错了",
    )
    assert (moved.date, moved.value, moved.note) == (dt.date(year, 4, 2), "excused", "出差")


def test_a_member_checks_in_by_scanning_on_a_phone(
    page: Any, adopted: SimpleNamespace, scorekeeper: User, member: User, clock: Clock
) -> None:
    activity = activity_create(
        organization=adopted.b1, item="party_day", title="主题党日", date=clock.today
    )
    checkin_open(activity=activity, now=clock.now, minutes=30, actor=scorekeeper)
    log_in(page, "dangyuan")
    page.goto(f"/checkin/{checkin_token(activity)}/")
    page.get_by_role("button", name="赵磊 签到").click()
    assert page.get_by_role("status").inner_text() == "签到成功"
    page.reload()
    assert "您已签到" in page.locator("main").inner_text()
    assert Entry.objects.get().value == "present"


def test_a_declaration_from_submission_to_approval_and_its_explanation(
    page: Any,
    adopted: SimpleNamespace,
    scorekeeper: User,
    member: User,
    committee_admin: User,
    tmp_path: Path,
    year: int,
) -> None:
    photo = tmp_path / "志愿服务.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    log_in(page, "dangyuan")
    page.goto("/me/declarations/")
    page.get_by_role("link", name="申报积分").click()
    page.get_by_label("申报项目").select_option(label="特色分 · 志愿服务参与情况，每次最多 5 分")
    page.get_by_label("日期").fill(f"{year}-01-10")
    page.get_by_label("事由").fill("社区疫苗接种志愿服务 4 小时")
    page.get_by_label("申报分数").fill("3")
    page.set_input_files("#id_files", str(photo))
    page.get_by_role("button", name="提交申报").click()
    assert page.get_by_role("status").inner_text() == "申报已提交，请等待审核"
    declaration = Declaration.objects.get()

    log_in(page, "jifenyuan")
    page.goto(f"/orgs/{adopted.b1.pk}/declarations/")
    page.get_by_role("link", name="赵磊").click()
    assert page.locator(".evidence img").count() == 1
    page.get_by_label("核定分数").fill("2")
    page.get_by_label("意见").fill("按 2 分核定")
    page.get_by_role("button", name="通过", exact=True).click()
    assert page.get_by_role("status").inner_text() == "已保存"
    declaration.refresh_from_db()
    assert declaration.status == "awaiting"  # seed003: 特色分 由各支部评定、机关党委审批

    log_in(page, "admin")
    page.goto(f"/orgs/{adopted.c.pk}/declarations/committee/")
    page.get_by_role("link", name="赵磊").click()
    page.get_by_role("button", name="审批通过").click()
    assert "请先勾选确认" in page.locator("main").inner_text()
    page.get_by_label("已核对证明材料，同意记入台账").check()
    page.get_by_role("button", name="审批通过").click()
    assert page.get_by_role("status").inner_text() == "已审批通过，积分已记入台账"
    declaration.refresh_from_db()
    assert declaration.status == "approved"

    log_in(page, "dangyuan")
    person = Person.objects.get(user=member)
    page.goto(f"/people/{person.pk}/points/{year}/")
    page.locator("details.explain summary", has_text="特色分").click()
    explanation = page.locator("details.explain").nth(1).inner_text()
    assert "志愿服务参与情况" in explanation
    assert "个人申报" in explanation
    assert "社区疫苗接种志愿服务" in explanation
    assert dt.date(year, 1, 10).strftime("%-m月%-d日") in explanation
