from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.orgs.services import role_grant
from jifen.recording.entries import entry_choices, manual_entry, veto_decide, veto_propose
from jifen.recording.models import VetoProposal
from jifen.rulebooks.services import adoption_set
from tests.clock import Clock

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def seed003(tree: SimpleNamespace) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    return tree


@pytest.fixture
def seed001(tree: SimpleNamespace) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed001")
    return tree


def enter(world: SimpleNamespace, person: Person, actor: User, **given: object) -> object:
    """A scorekeeper's entry in branch B1 on 6 May 2026; the test names what differs."""
    fields: dict[str, object] = {"date": D(2026, 5, 6), "value": "1", "note": "", **given}
    return manual_entry(organization=world.b1, person=person, actor=actor, **fields)  # type: ignore[arg-type]


def test_the_choices_are_shortfalls_earnings_and_deductions(seed003: SimpleNamespace) -> None:
    codes = [code for code, _ in entry_choices(seed003.b1, 2026)]
    assert codes[:3] == ["xxqg_login", "xxqg_quiz", "dues"]
    assert "party_day" not in codes  # attendance comes from activities
    assert "misconduct" in codes
    assert {"grid_work", "volunteer", "branch_choice"} <= set(codes)
    assert "democratic_review" not in codes  # grades come with the year-end review


def test_a_deduction_needs_a_reason_and_counts_in_its_month(
    seed003: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    with pytest.raises(ValidationError, match="扣分必须写明原因"):
        enter(seed003, zhang, scorekeeper, code="misconduct")
    enter(seed003, zhang, scorekeeper, code="misconduct", note="制造传播流言蜚语")
    year = member_year(zhang, 2026)
    assert year is not None
    assert year.result.category("base").periods["M05"] == 60  # 70 − 10


def test_values_are_checked_against_the_rulebook(
    seed003: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    with pytest.raises(ValidationError, match="请填写一个数"):
        enter(seed003, zhang, scorekeeper, code="xxqg_login", value="两天")
    with pytest.raises(ValidationError):
        enter(seed003, zhang, scorekeeper, code="xxqg_login", value="-1")
    newcomer = make_person("李四", start=D(2026, 6, 1))
    with pytest.raises(ValidationError, match="2026-05-06 当天 李四 不属于"):
        enter(seed003, newcomer, scorekeeper, code="xxqg_login")
    assert Entry.objects.count() == 0


def test_the_negative_list_counts_only_once_the_committee_confirms(
    seed001: SimpleNamespace,
    scorekeeper: User,
    make_person: Callable[..., Person],
    make_user: Callable[..., User],
) -> None:
    zhang = make_person("张三")
    committee_member = make_user("zhiwei")
    role_grant(user=committee_member, role="branch_committee", organization=seed001.b1)
    proposal = veto_propose(
        organization=seed001.b1,
        person=zhang,
        date=D(2026, 6, 1),
        code="negative_list",
        reason="参与封建迷信活动，有照片为证",
        actor=scorekeeper,
    )
    pending = member_year(zhang, 2026)
    assert pending is not None
    assert not pending.result.vetoed

    with pytest.raises(ValidationError, match="不能确认自己提出的认定"):
        veto_decide(proposal=proposal, confirm=True, note="", actor=scorekeeper)
    veto_decide(proposal=proposal, confirm=True, note="经支委会研究属实", actor=committee_member)
    confirmed = member_year(zhang, 2026)
    assert confirmed is not None
    assert confirmed.result.vetoed
    assert confirmed.result.total == 0
    with pytest.raises(ValidationError, match="已由他人处理"):
        veto_decide(proposal=proposal, confirm=False, note="重复", actor=committee_member)
    assert Entry.objects.count() == 1


def test_a_rejection_needs_a_reason_and_writes_nothing(
    seed001: SimpleNamespace, scorekeeper: User, secretary: User, make_person: Callable[..., Person]
) -> None:
    zhang = make_person("张三")
    proposal = veto_propose(
        organization=seed001.b1,
        person=zhang,
        date=D(2026, 6, 1),
        code="negative_list",
        reason="传言",
        actor=scorekeeper,
    )
    with pytest.raises(ValidationError, match="写明理由"):
        veto_decide(proposal=proposal, confirm=False, note="", actor=secretary)
    decided = veto_decide(proposal=proposal, confirm=False, note="查无实据", actor=secretary)
    assert decided.status == VetoProposal.Status.REJECTED
    assert Entry.objects.count() == 0


def test_the_entry_form_records_and_redisplays_errors(
    client: Client,
    seed003: SimpleNamespace,
    scorekeeper: User,
    make_person: Callable[..., Person],
    clock: Clock,
) -> None:
    clock.set(D(2026, 5, 6))  # the form offers this year's items: it must be 2026
    zhang = make_person("张三")
    client.force_login(scorekeeper)
    url = reverse("recording:entry_add", kwargs={"org_id": seed003.b1.pk})
    form = {
        "person": zhang.pk,
        "date": "2026-05-06",
        "code": "misconduct",
        "value": "1",
        "note": "",
    }
    bad = client.post(url, form)
    assert bad.status_code == 400
    assert "扣分必须写明原因" in bad.content.decode()
    good = client.post(url, {**form, "note": "违纪情节轻微"}, follow=True)
    assert "已记入台账：张三 2026-05-06 misconduct 1" in good.content.decode()


def test_the_veto_pages(
    client: Client,
    seed001: SimpleNamespace,
    scorekeeper: User,
    secretary: User,
    make_person: Callable[..., Person],
    clock: Clock,
) -> None:
    clock.set(D(2026, 6, 1))  # the form offers this year's items: it must be 2026
    zhang = make_person("张三")
    client.force_login(scorekeeper)
    response = client.post(
        reverse("recording:veto_add", kwargs={"org_id": seed001.b1.pk}),
        {
            "person": zhang.pk,
            "date": "2026-06-01",
            "code": "negative_list",
            "reason": "参与群体性事件",
        },
        follow=True,
    )
    assert "已提交支委会确认" in response.content.decode()
    proposal = VetoProposal.objects.get()
    client.force_login(secretary)
    listing = client.get(reverse("recording:vetoes", kwargs={"org_id": seed001.b1.pk}))
    assert "确认属实" in listing.content.decode()
    decide = reverse("recording:veto_decide", kwargs={"proposal_id": proposal.pk})
    asked = client.post(decide, {"decision": "confirm", "note": "属实"})
    assert "不能撤回" in asked.content.decode()  # a veto asks first
    proposal.refresh_from_db()
    assert proposal.status == VetoProposal.Status.PENDING
    client.post(decide, {"decision": "confirm", "note": "属实", "confirm": "yes"})
    proposal.refresh_from_db()
    assert proposal.status == VetoProposal.Status.CONFIRMED
    assert proposal.entry is not None


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_entries_and_proposals_carry_their_evidence(
    client: Client,
    seed001: SimpleNamespace,
    scorekeeper: User,
    secretary: User,
    outsider: User,
    make_person: Callable[..., Person],
    settings: object,
    tmp_path: object,
) -> None:
    from jifen.recording.models import FactFile

    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    zhang = make_person("张三")
    with pytest.raises(ValidationError, match="只接受照片"):
        enter(
            seed001,
            zhang,
            scorekeeper,
            code="discipline",
            note="违反政治纪律",
            files=[("x.pdf", b"MZ...")],
        )
    assert not Entry.objects.exists()
    assert not FactFile.objects.exists()
    entry = enter(
        seed001,
        zhang,
        scorekeeper,
        code="discipline",
        note="违反政治纪律",
        files=[("处理决定.pdf", PDF)],
    )
    kept = FactFile.objects.get()
    assert kept.entry_id == entry.pk
    assert entry.evidence == [kept.name]

    proposal = veto_propose(
        organization=seed001.b1,
        person=zhang,
        date=D(2026, 6, 1),
        code="negative_list",
        reason="参与邪教活动",
        actor=scorekeeper,
        files=[("通报.pdf", PDF)],
    )
    confirmed = veto_decide(proposal=proposal, confirm=True, note="属实", actor=secretary)
    assert confirmed.entry is not None
    assert confirmed.entry.evidence == [proposal.files.get().name]

    url = reverse("recording:fact_file", kwargs={"file_id": kept.pk})
    client.force_login(secretary)
    assert client.get(url)["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_entry_form_takes_evidence_files(
    client: Client,
    seed003: SimpleNamespace,
    scorekeeper: User,
    make_person: Callable[..., Person],
    settings: object,
    tmp_path: object,
    clock: Clock,
) -> None:
    import io

    from jifen.recording.models import FactFile

    clock.set(D(2026, 5, 6))  # the form offers this year's items: it must be 2026
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    zhang = make_person("张三")
    client.force_login(scorekeeper)
    url = reverse("recording:entry_add", kwargs={"org_id": seed003.b1.pk})
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    upload = io.BytesIO(PDF)
    upload.name = "批评教育记录.pdf"
    form = {
        "person": zhang.pk,
        "date": "2026-05-06",
        "code": "misconduct",
        "value": "1",
        "note": "违纪情节轻微",
        "files": upload,
    }
    assert client.post(url, form).status_code == 302
    assert FactFile.objects.get().original_name == "批评教育记录.pdf"
