"""The year-end pages: the grid, the upload, the stars and their decisions, a follow-up, the
统计表 as xlsx (cells never begin a formula) and print page, the rollover page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.ratings.models import FollowUp, FollowUpStep, StarDecision, StarProposal
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_set
from tests.ratings.helpers import seed001_total

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seed003(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    tree.zhang = make_person("张三", tree.b1)
    tree.li = make_person("=李四", tree.b1)  # a name a spreadsheet would run as a formula
    return tree


def test_the_grid_saves_grades_and_shows_every_problem_without_saving(
    seed003: SimpleNamespace, secretary: User
) -> None:
    client = client_for(secretary)
    url = reverse("ratings:grades", kwargs={"org_id": seed003.b1.pk, "year": 2026})
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="grade-{seed003.zhang.pk}"' in page.content.decode()
    bad = client.post(url, {f"grade-{seed003.zhang.pk}": "优秀", f"grade-{seed003.li.pk}": "好"})
    assert bad.status_code == 400
    assert "没有“好”这个等次" in bad.content.decode()
    assert not Entry.objects.exists()
    good = client.post(url, {f"grade-{seed003.zhang.pk}": "优秀", f"grade-{seed003.li.pk}": ""})
    assert good.status_code == 302
    assert Entry.objects.get().value == "优秀"


def test_an_upload_with_a_bad_row_names_it_and_writes_nothing(
    seed003: SimpleNamespace, secretary: User
) -> None:
    client = client_for(secretary)
    url = reverse("ratings:grades_upload", kwargs={"org_id": seed003.b1.pk, "year": 2026})
    sheet = "姓名,评议等次\n张三,优秀\n王二,合格\n".encode()
    bad = client.post(url, {"file": SimpleUploadedFile("评议.csv", sheet)})
    assert bad.status_code == 400
    assert "第 3 行“姓名”列" in bad.content.decode()
    assert not Entry.objects.exists()
    sheet = "姓名,评议等次\n张三,优秀\n".encode()
    assert client.post(url, {"file": SimpleUploadedFile("评议.csv", sheet)}).status_code == 302
    assert Entry.objects.get().value == "优秀"


def test_the_secretary_proposes_and_the_general_branch_decides_the_tie_and_approves(
    tree: SimpleNamespace,
    make_person: Callable[..., Person],
    secretary: User,
    general_admin: User,
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    people = []
    for i, total in enumerate((95, 92, 92, 92, 85, 80, 75, 70, 65, 55)):
        person = make_person(f"党员{i}", tree.b1)
        seed001_total(tree.b1, person, total, 2026)
        people.append(person)
    kwargs = {"org_id": tree.b1.pk, "year": 2026}
    secretary_client = client_for(secretary)
    response = secretary_client.post(reverse("ratings:stars_propose", kwargs=kwargs))
    assert response.status_code == 302
    proposal = StarProposal.objects.get()
    admin = client_for(general_admin)
    decide = reverse("ratings:stars_decide", kwargs=kwargs)
    over = admin.post(
        decide,
        {
            "proposal": proposal.pk,
            "decision": "tie",
            "tie": 0,
            "chosen": [people[1].pk, people[3].pk],
            "reason": "都好",
        },
        follow=True,
    )
    assert "只剩 1 个名额" in over.content.decode()
    assert not StarDecision.objects.exists()
    admin.post(
        decide,
        {
            "proposal": proposal.pk,
            "decision": "tie",
            "tie": 0,
            "chosen": [people[3].pk],
            "reason": "获评优秀教师",
        },
    )
    approve = {"proposal": proposal.pk, "decision": "approve", "reason": ""}
    asked = admin.post(decide, approve).content.decode()
    assert "确认批准" in asked
    assert "提名" in asked
    assert not StarDecision.objects.filter(kind="approve").exists()
    admin.post(decide, {**approve, "confirm": "yes"})
    page = admin.get(reverse("ratings:stars", kwargs=kwargs)).content.decode()
    assert "批准" in page
    assert "获评优秀教师" in page
    # The 统计表 now shows the approved stars: two five-stars, the rest as the engine rated.
    xlsx = admin.get(reverse("ratings:statistics_xlsx", kwargs=kwargs))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "党员积分量化星级评定情况统计表"
    assert "星级经党总支批准" in values[1][0]
    stars = {row[1]: row[7] for row in values[3:13]}
    assert stars["党员0"] == "五星"
    assert stars["党员3"] == "五星"
    assert stars["党员1"] == "四星"
    assert stars["党员9"] == "一星"
    assert "五星 2 人" in values[13][1]
    # Approval raised the follow-ups of the low-star members (≤ 2★: 党员8 at 65, 党员9 at 55),
    # and the commendations of the two five-stars (表彰, 评先树优).
    warned = FollowUp.objects.exclude(level="info").values_list("person__name", flat=True)
    assert set(warned) == {"党员8", "党员9"}
    praised = FollowUp.objects.filter(level="info").values_list("person__name", "kind")
    assert set(praised) == {
        ("党员0", "commend"),
        ("党员0", "recommend"),
        ("党员3", "commend"),
        ("党员3", "recommend"),
    }


def test_the_statistics_never_export_a_formula_and_print_with_signature_lines(
    seed003: SimpleNamespace, auditor: User
) -> None:
    client = client_for(auditor)
    kwargs = {"org_id": seed003.b1.pk, "year": 2026}
    xlsx = client.get(reverse("ratings:statistics_xlsx", kwargs=kwargs))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.value.startswith("=") for c in cells)
    assert any(c.value == "'=李四" for c in cells)
    page = client.get(reverse("ratings:statistics", kwargs=kwargs)).content.decode()
    assert "支部书记（签名）" in page
    assert "党总支书记（签名）" in page
    assert "尚未经党总支批准" in page


def test_a_followup_step_is_recorded_from_its_page(
    seed003: SimpleNamespace, secretary: User, make_person: Callable[..., Person]
) -> None:
    mentor = make_person("老党员", seed003.b1)
    followup = FollowUp.objects.create(
        organization=seed003.b1,
        year=2026,
        person=seed003.zhang,
        band="red",
        band_label="帮扶教育",
        level="red",
        action="帮扶教育",
        kind=FollowUp.Kind.MENTOR,
        total="55.00",
        raised_at="2026-01-05T10:00:00+08:00",
    )
    client = client_for(secretary)
    url = reverse("ratings:followup", kwargs={"followup_id": followup.pk})
    missing = client.post(url, {"kind": "mentor", "date": "2026-01-10"})
    assert missing.status_code == 400
    assert "请选择帮教人" in missing.content.decode()
    done = client.post(url, {"kind": "mentor", "date": "2026-01-10", "mentor": mentor.pk})
    assert done.status_code == 302
    step = FollowUpStep.objects.get()
    assert (step.mentor, step.closes, step.recorded_by) == (mentor, True, secretary)
    assert "已办结" in client.get(url).content.decode()


def test_the_rollover_page_carries_the_adoption_forward(
    seed003: SimpleNamespace, committee_admin: User
) -> None:
    client = client_for(committee_admin)
    url = reverse("ratings:rollover", kwargs={"org_id": seed003.c.pk})
    assert "将沿用" in client.get(url, {"year": 2026}).content.decode()
    assert client.post(url, {"year": 2026}).status_code == 302
    assert Adoption.objects.filter(organization=seed003.c, year=2027).exists()


def test_a_committee_whose_branches_adopted_their_own_rulebooks_is_taken_branch_by_branch(
    seed003: SimpleNamespace, committee_admin: User, secretary: User
) -> None:
    adoption_set(organization=seed003.g, year=2026, rulebook="seed001")
    client = client_for(committee_admin)
    kwargs = {"org_id": seed003.c.pk, "year": 2026}
    page = client.get(reverse("ratings:year", kwargs=kwargs)).content.decode()
    assert "下属组织采用了不同的积分办法" in page
    assert "计算机学院党总支" in page
    xlsx = client.get(reverse("ratings:statistics_xlsx", kwargs=kwargs), follow=True)
    assert "请按党总支或党支部分别查看和评定" in xlsx.content.decode()
    mine = client_for(secretary).get(
        reverse("ratings:year", kwargs={**kwargs, "org_id": seed003.b1.pk})
    )
    assert "山东工商学院" in mine.content.decode()


def test_a_ledger_the_rulebook_cannot_score_is_named_not_a_crash(
    seed003: SimpleNamespace, secretary: User
) -> None:
    # A fact of another rulebook's item (a member transferred in from a seed001 branch).
    from jifen.ledger.services import entry_append

    entry_append(
        organization=seed003.b1,
        person=seed003.zhang,
        date=dt.date(2026, 3, 1),
        item="org_life",
        value="absent",
        origin="manual",
        recorded_by=None,
    )
    client = client_for(secretary)
    kwargs = {"org_id": seed003.b1.pk, "year": 2026}
    for name in ("ratings:year", "ratings:stars", "ratings:statistics"):
        page = client.get(reverse(name, kwargs=kwargs))
        assert page.status_code == 200
        assert "暂时不能评定" in page.content.decode()
    refused = client.post(reverse("ratings:stars_propose", kwargs=kwargs), follow=True)
    assert "暂时不能评定" in refused.content.decode()
