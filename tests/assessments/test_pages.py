"""The pages: filling a sheet by form, the committee sheet with everything beside each item,
results hidden until published, the forms as print pages and xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jifen.assessments.models import Round, Sheet
from jifen.assessments.services import round_open, round_publish, spot_check_record
from jifen.recording.services import activity_create
from jifen.rulebooks.services import adoption_set
from tests.assessments.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_b1(tree, committee_admin) -> Round:
    return round_open(
        owner=tree.c,
        year=2026,
        period="H1",
        rulebook="seed000-branch",
        organizations=[tree.b1, tree.b2],
        self_deadline=dt.date(2026, 6, 20),
        committee_deadline=dt.date(2026, 7, 10),
        actor=committee_admin,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _self_url(r: Round, org) -> str:
    return reverse("assessments:self_sheet", args=[r.pk, org.pk, "H1"])


def test_the_secretary_saves_a_draft_then_submits_and_the_sheet_locks(tree, secretary, round_b1):
    client = _client(secretary)
    url = _self_url(round_b1, tree.b1)
    page = client.get(url)
    assert page.status_code == 200
    assert "政治引领" in page.content.decode()
    assert "保存草稿" in page.content.decode()

    response = client.post(
        url, {"score-political_lead": "2.5", "note-political_lead": "学习 12 次"}
    )
    assert response.status_code == 302
    sheet = Sheet.objects.get(round=round_b1, organization=tree.b1, source="self")
    assert sheet.status == Sheet.Status.DRAFT
    assert sheet.values.get(item="political_lead").score == Decimal("2.5")

    bad = client.post(url, {"score-political_lead": "4", "action": "submit"})
    assert bad.status_code == 400
    assert "「政治引领」的分数应在 0 到 3.00 之间" in bad.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.DRAFT

    # Submitting locks the sheet, so it asks first: the draft is saved, nothing is locked yet.
    asked = client.post(url, {"score-political_lead": "3", "action": "submit"})
    assert asked.status_code == 200
    assert "提交后考核表即锁定" in asked.content.decode()
    sheet.refresh_from_db()
    assert not sheet.locked
    assert sheet.values.get(item="political_lead").score == Decimal(3)
    # The confirmation submits the saved draft.
    client.post(url, {"action": "submit", "confirm": "yes"})
    sheet.refresh_from_db()
    assert sheet.locked
    locked = client.get(url).content.decode()
    assert "已提交" in locked
    assert "保存草稿" not in locked
    client.post(url, {"score-political_lead": "0", "action": "submit"})
    assert sheet.values.get(item="political_lead").score == Decimal(3)


def test_the_committee_sheet_shows_the_self_value_spot_checks_and_suggestions(
    tree, committee_admin, secretary, round_b1
):
    submit(round_b1, tree.b1, "self", secretary, three_one="2.5")
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    activity_create(
        organization=tree.b1,
        item="party_day",
        title="主题党日：重温入党誓词",
        date=dt.date(2026, 3, 28),
    )
    activity_create(
        organization=tree.b1, item="branch_meeting", title="支部党员大会", date=dt.date(2026, 2, 10)
    )
    spot_check_record(
        assessment_round=round_b1,
        organization=tree.b1,
        kind="daily",
        date=dt.date(2026, 4, 2),
        text="三会一课记录缺少 4 月",
        items=["three_one"],
        actor=committee_admin,
    )
    page = _client(committee_admin).get(
        reverse("assessments:committee_sheet", args=[round_b1.pk, tree.b1.pk])
    )
    text = page.content.decode()
    assert "自评：2.5" in text
    assert "日常抽检 2026-04-02：三会一课记录缺少 4 月" in text
    assert "“三会一课”记录：第1季度 1 次，第2季度 0 次；第2季度没有记录" in text
    assert "主题党日：1 次，1 个月有记录；1月、2月、4月、5月、6月没有记录" in text
    assert "主题党日：重温入党誓词" in text
    # suggestions never fill the sheet
    assert not Sheet.objects.get(source="committee").values.exists()


def test_results_are_for_the_committee_until_published(tree, committee_admin, secretary, round_b1):
    submit(round_b1, tree.b1, "committee", committee_admin, ideology_risk="15")
    url = reverse("assessments:org_result", args=[round_b1.pk, tree.b1.pk])
    assert "考核结果尚未公布" in _client(secretary).get(url).content.decode()
    committee_view = _client(committee_admin).get(url).content.decode()
    assert "95.00" in committee_view
    assert "意识形态工作责任制落实情况" in committee_view
    assert "上半年 考评 加强师生思想教育" in committee_view  # the engine's lines, named by half
    publish = reverse("assessments:publish", args=[round_b1.pk])
    asked = _client(committee_admin).post(publish)
    assert "确认公布" in asked.content.decode()
    assert "考评表已提交 1/" in asked.content.decode()
    round_b1.refresh_from_db()
    assert round_b1.published_at is None
    _client(committee_admin).post(publish, {"confirm": "yes"})
    round_b1.refresh_from_db()
    assert round_b1.published_at is not None
    assert round_b1.published_by == committee_admin
    assert "95.00" in _client(secretary).get(url).content.decode()
    results = _client(secretary).get(reverse("assessments:results", args=[round_b1.pk]))
    assert "教工第一党支部" in results.content.decode()
    assert "学生第一党支部" not in results.content.decode()  # outside the secretary's reach


def test_the_score_form_prints_and_downloads_with_self_and_committee_columns(
    tree, committee_admin, secretary, round_b1
):
    submit(round_b1, tree.b1, "self", secretary)
    submit(round_b1, tree.b1, "committee", committee_admin, venue="2", theory_study="8")
    client = _client(committee_admin)
    page = client.get(reverse("assessments:form_print", args=[round_b1.pk, tree.b1.pk]))
    assert "考核打分表" in page.content.decode()
    assert "自评分" in page.content.decode()
    data = client.get(reverse("assessments:form_xlsx", args=[round_b1.pk, tree.b1.pk])).content
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows.index(
        ["一级指标", "二级指标", "考核内容", "评价标准", "分值", "自评分", "考核分", "扣分原因"]
    )
    venue = next(r for r in rows if r[1] == "阵地建设到位")
    assert venue[4:7] == [3, 3, 2]
    assert venue[2].startswith("1. 活动室能够满足召开容纳全体党员大会需要;\n2. ")  # the seed's
    total = next(r for r in rows if r[0] == "合计")
    assert total[5:7] == [100, 97]
    assert header >= 1
    bulletin = client.get(reverse("assessments:bulletin_xlsx", args=[round_b1.pk])).content
    ranking = [[c.value for c in r] for r in load_workbook(io.BytesIO(bulletin)).active.iter_rows()]
    assert any(r[1] == "教工第一党支部" and r[5] == 97 for r in ranking)


def test_the_committee_opens_a_round_by_form_and_a_wrong_period_is_explained(tree, committee_admin):
    client = _client(committee_admin)
    url = reverse("assessments:round_new", args=[tree.c.pk])
    form = {
        "year": "2026",
        "period": "Y",
        "rulebook": "seed000-branch",
        "organizations": [tree.b1.pk, tree.b3.pk],
        "self_deadline": "2026-06-20",
        "committee_deadline": "2026-07-10",
    }
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "seed000-branch 每半年考核一轮，请选择上半年或下半年" in refused.content.decode()
    assert not Round.objects.exists()
    done = client.post(url, {**form, "period": "H1"})
    found = Round.objects.get()
    assert done["Location"] == reverse("assessments:round", args=[found.pk])
    assert set(found.organizations.values_list("code", flat=True)) == {"B1", "B3"}
    assert "rounds: half" in found.yaml_text  # the rulebook as it was, kept in the round
    page = client.get(done["Location"]).content.decode()
    assert "教工第一党支部" in page
    assert "机关党支部" in page


def test_the_year_view_combines_the_halves_and_the_two_year_view_ranks_by_the_mean(
    tree, committee_admin, secretary
):
    for year in (2025, 2026):
        found = round_open(
            owner=tree.c,
            year=year,
            period="Y",
            rulebook="seed002",
            organizations=[tree.b1, tree.b3],
            self_deadline=dt.date(year, 12, 1),
            committee_deadline=dt.date(year, 12, 20),
        )
        submit(found, tree.b1, "committee", committee_admin, planning="2")  # 98
        submit(found, tree.b3, "committee", committee_admin)  # 100
    page = _client(committee_admin).get(reverse("assessments:two_years", args=[found.pk]))
    text = page.content.decode()
    # No self sheets: 0.7 × committee, incomplete. B3 70.00 both years; B1 68.60.
    assert text.index("机关党支部") < text.index("教工第一党支部")
    assert "68.60" in text
    assert "70.00" in text


def test_evidence_is_checked_by_content_kept_with_its_item_and_served_in_scope(
    tree, settings, tmp_path, secretary, committee_admin, outsider, round_b1
):
    settings.MEDIA_ROOT = tmp_path
    client = _client(secretary)
    url = _self_url(round_b1, tree.b1)
    fake = io.BytesIO(b"not a pdf at all")
    fake.name = "会议记录.pdf"
    refused = client.post(url, {"file_item": "three_one", "files": fake})
    assert refused.status_code == 400
    assert "会议记录.pdf：只接受照片（JPEG、PNG 等）或 PDF 文件" in refused.content.decode()
    pdf = io.BytesIO(b"%PDF-1.4 minutes")
    pdf.name = "会议记录.pdf"
    client.post(url, {"file_item": "three_one", "files": pdf, "score-three_one": "3"})
    sheet = Sheet.objects.get(source="self")
    kept = sheet.files.get()
    assert kept.item == "three_one"
    assert kept.original_name == "会议记录.pdf"
    file_url = reverse("assessments:sheet_file", args=[kept.pk])
    assert file_url in client.get(url).content.decode()
    assert client.get(file_url).status_code == 200
    assert _client(committee_admin).get(file_url).status_code == 200
    assert _client(outsider).get(file_url).status_code == 404

    check = _client(committee_admin).post(
        reverse("assessments:spot_check_add", args=[round_b1.pk, tree.b1.pk]),
        {"kind": "special", "date": "2026-05-12", "text": "专题抽检党费收缴", "items": ["dues"]},
    )
    assert check.status_code == 302
    sheet_page = _client(committee_admin).get(check["Location"]).content.decode()
    assert "专题抽检 2026-05-12：专题抽检党费收缴" in sheet_page


def test_published_results_are_publicized_for_five_working_days(
    tree, committee_admin, secretary, round_b1
):
    """Published on Wednesday 30 September 2026, the eve of National Day: 9/30, then 10/8,
    10/9, Saturday 10/10 (a 调休 workday) and 10/12 — 1–7 October are the holiday."""
    round_publish(assessment_round=round_b1, actor=committee_admin, today=dt.date(2026, 9, 30))
    round_b1.refresh_from_db()
    assert (round_b1.notice_starts, round_b1.notice_ends) == (
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 12),
    )
    page = _client(secretary).get(reverse("assessments:results", args=[round_b1.pk]))
    assert "公示期：2026年9月30日 至 2026年10月12日（5 个工作日）" in page.content.decode()
