"""The rule editor's whole parts: a star rule set on a rulebook that has none (or reshaped, or
taken away again), and a band of 评价与预警 added or removed — each stored as the difference from
the base, judged by the engine, audited in words."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.rulebooks.drafts import draft_start, latest, version_changes, version_rulebook
from jifen.rulebooks.models import Draft
from jifen.scoring.model import StarLevel, Stars

REASON = {"reason": "支部讨论决定"}
BLANK_STARS = {f"{field}_{n}": "" for n in "54321" for field in ("min", "quota")}


@pytest.fixture
def draft(tree: SimpleNamespace, committee_admin: User) -> Draft:
    return draft_start(organization=tree.c, title="我院办法", base="seed003", actor=committee_admin)


@pytest.fixture
def seed001(tree: SimpleNamespace, committee_admin: User) -> Draft:
    return draft_start(organization=tree.c, title="星级", base="seed001", actor=committee_admin)


@pytest.fixture
def admin(client: Client, committee_admin: User) -> Client:
    client.force_login(committee_admin)
    return client


def _post(client: Client, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post a form as a browser would: every field as shown, then the ones the person changed."""
    url = reverse(f"rulebooks:{name}", kwargs=kwargs)
    shown = client.get(url)
    assert shown.status_code == 200
    form = shown.context["form"]
    fields = {name: form[name].value() for name in form.fields}
    fields = {name: "" if value is None else value for name, value in fields.items()}
    return client.post(url, {**fields, **REASON, **data})


def _page(client: Client, draft: Draft) -> str:
    return client.get(reverse("rulebooks:draft", kwargs={"draft_id": draft.pk})).content.decode()


def test_stars_set_on_a_rulebook_that_has_none(admin: Client, draft: Draft) -> None:
    page = _page(admin, draft)
    assert "本办法不评星级" in page
    assert reverse("rulebooks:draft_stars_set", kwargs={"draft_id": draft.pk}) in page
    data = {"min_5": "90", "quota_5": "20", "min_4": "80", "min_3": "70", "otherwise": "0"}
    response = _post(admin, "draft_stars_set", {**BLANK_STARS, **data}, draft_id=draft.pk)
    assert response.status_code == 302
    version = latest(draft)
    assert version_changes(version) == {
        "stars": {
            "levels": {"5": {"min": 90, "quota": 0.2}, "4": {"min": 80}, "3": {"min": 70}},
            "else": 0,
        }
    }
    assert version_rulebook(version).stars == Stars(
        (
            StarLevel(5, Decimal(90), Decimal("0.2")),
            StarLevel(4, Decimal(80)),
            StarLevel(3, Decimal(70)),
        ),
        0,
    )
    event = AuditEvent.objects.get(action="rulebook.draft.revise")
    assert "星级评定：未设置 → 5 星 ≥ 90 分（名额 20%）；4 星 ≥ 80 分；3 星 ≥ 70 分；其余 0 星" in (
        event.summary
    )
    assert "支部讨论决定" in event.summary
    page = _page(admin, draft)
    assert "5 星：总分不低于 90" in page
    assert "（不超过 20%）" in page
    assert "本办法不评星级" not in page


def test_a_star_rule_the_engine_refuses_is_shown_and_not_kept(admin: Client, draft: Draft) -> None:
    data = {**BLANK_STARS, "min_5": "80", "min_4": "90", "otherwise": "0"}
    response = _post(admin, "draft_stars_set", data, draft_id=draft.pk)
    assert response.status_code == 400
    assert "4 星的门槛 90 高于 5 星的 80" in response.content.decode()
    assert draft.versions.count() == 1


def test_the_star_form_says_what_is_missing(admin: Client, draft: Draft) -> None:
    nothing = _post(admin, "draft_stars_set", BLANK_STARS, draft_id=draft.pk)
    assert nothing.status_code == 400
    assert "请至少填写一个星级的门槛" in nothing.content.decode()
    data = {**BLANK_STARS, "quota_5": "20", "min_4": "80", "otherwise": "4"}
    response = _post(admin, "draft_stars_set", data, draft_id=draft.pk)
    page = response.content.decode()
    assert response.status_code == 400
    assert "5 星设了名额，请填写它的门槛" in page
    assert "其余党员的星级应低于最低一档（4 星）" in page
    assert draft.versions.count() == 1


def test_removing_stars_the_base_has_is_null_and_setting_them_again(
    admin: Client, seed001: Draft
) -> None:
    assert "取消星级评定" in _page(admin, seed001)
    response = _post(admin, "draft_stars_remove", {}, draft_id=seed001.pk)
    assert response.status_code == 302
    assert version_changes(latest(seed001)) == {"stars": None}
    assert version_rulebook(latest(seed001)).stars is None
    assert "取消星级评定" in AuditEvent.objects.get(action="rulebook.draft.revise").summary
    # Set again with fewer levels: the base's other levels are null, the removal is gone.
    data = {**BLANK_STARS, "min_5": "90", "quota_5": "20", "min_4": "85", "otherwise": "0"}
    response = _post(admin, "draft_stars_set", data, draft_id=seed001.pk)
    assert response.status_code == 302
    assert version_changes(latest(seed001)) == {
        "stars": {"levels": {"4": {"min": 85}, "3": None, "2": None, "1": None}}
    }
    stars = version_rulebook(latest(seed001)).stars
    assert stars == Stars((StarLevel(5, Decimal(90), Decimal("0.2")), StarLevel(4, Decimal(85))), 0)


def test_stars_removed_then_set_as_the_base_leave_no_difference(
    admin: Client, seed001: Draft
) -> None:
    _post(admin, "draft_stars_remove", {}, draft_id=seed001.pk)
    data = {
        **BLANK_STARS,
        **{f"min_{n}": str(m) for n, m in zip("54321", (90, 80, 70, 60, 50), strict=True)},
        "quota_5": "20",
        "otherwise": "0",
    }
    assert _post(admin, "draft_stars_set", data, draft_id=seed001.pk).status_code == 302
    assert latest(seed001).number == 3
    assert version_changes(latest(seed001)) == {}


def test_own_stars_removed_leave_no_trace(admin: Client, draft: Draft) -> None:
    data = {**BLANK_STARS, "min_5": "90", "otherwise": "0"}
    assert _post(admin, "draft_stars_set", data, draft_id=draft.pk).status_code == 302
    assert _post(admin, "draft_stars_remove", {}, draft_id=draft.pk).status_code == 302
    assert version_changes(latest(draft)) == {}
    assert version_rulebook(latest(draft)).stars is None
    url = reverse("rulebooks:draft_stars_remove", kwargs={"draft_id": draft.pk})
    assert admin.get(url).status_code == 404


def test_adding_and_removing_bands(admin: Client, draft: Draft) -> None:
    assert "新增评价与预警" in _page(admin, draft)
    data = {
        "label": "重点关注",
        "level": "yellow",
        "min": "60",
        "below": "65",
        "actions": "谈心谈话\n跟踪帮带",
    }
    response = _post(admin, "draft_band_add", data, draft_id=draft.pk)
    assert response.status_code == 302
    band = {"label": "重点关注", "level": "yellow", "min": 60, "below": 65}
    assert version_changes(latest(draft)) == {
        "bands": {"band1": {**band, "actions": ["谈心谈话", "跟踪帮带"]}}
    }
    found = next(b for b in version_rulebook(latest(draft)).bands if b.label == "重点关注")
    assert (found.level, found.min, found.below, found.actions) == (
        "yellow",
        Decimal(60),
        Decimal(65),
        ("谈心谈话", "跟踪帮带"),
    )
    assert "新增预警“重点关注”" in AuditEvent.objects.get(action="rulebook.draft.revise").summary
    assert "重点关注" in _page(admin, draft)

    response = _post(admin, "draft_band_remove", {}, draft_id=draft.pk, code="yellow")
    assert response.status_code == 302
    assert version_changes(latest(draft))["bands"]["yellow"] is None
    assert "yellow" not in {b.code for b in version_rulebook(latest(draft)).bands}
    response = _post(admin, "draft_band_remove", {}, draft_id=draft.pk, code="band1")
    assert response.status_code == 302
    assert version_changes(latest(draft)) == {"bands": {"yellow": None}}
    events = AuditEvent.objects.filter(action="rulebook.draft.revise").order_by("pk")
    assert "删除预警“重点关注”" in events.last().summary  # type: ignore[union-attr]
    url = reverse("rulebooks:draft_band_remove", kwargs={"draft_id": draft.pk, "code": "band1"})
    assert admin.get(url).status_code == 404


def test_a_band_the_engine_refuses_is_shown_and_not_kept(admin: Client, draft: Draft) -> None:
    data = {"label": "重点关注", "level": "red", "min": "75", "below": "70"}
    response = _post(admin, "draft_band_add", data, draft_id=draft.pk)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert">低于 70 应大于 门槛 75</span>' in page
    assert "band1" not in page.split("<form")[1]
    no_range = _post(admin, "draft_band_add", {"label": "x", "level": "info"}, draft_id=draft.pk)
    assert no_range.status_code == 400
    assert "请填写“总分不低于”或“总分低于”，至少一项" in no_range.content.decode()
    assert draft.versions.count() == 1


def test_another_organizations_draft_is_404(
    client: Client, tree: SimpleNamespace, general_admin: User, committee_admin: User
) -> None:
    theirs = draft_start(organization=tree.c, title="党委的", base="seed001", actor=committee_admin)
    client.force_login(general_admin)
    for name, more in (
        ("draft_stars_set", {}),
        ("draft_stars_remove", {}),
        ("draft_band_add", {}),
        ("draft_band_remove", {"code": "five_stars"}),
    ):
        url = reverse(f"rulebooks:{name}", kwargs={"draft_id": theirs.pk, **more})
        assert client.post(url, {**REASON, "label": "x", "level": "info"}).status_code == 404
    assert theirs.versions.count() == 1


def test_stars_on_an_organization_rulebook(
    admin: Client, tree: SimpleNamespace, committee_admin: User
) -> None:
    draft = draft_start(organization=tree.c, title="考核", base="seed004", actor=committee_admin)
    assert "设置星级评定" in _page(admin, draft)
    data = {**BLANK_STARS, "min_5": "90", "min_4": "80", "otherwise": "3"}
    response = _post(admin, "draft_stars_set", data, draft_id=draft.pk)
    assert response.status_code == 302
    assert version_changes(latest(draft)) == {
        "stars": {"levels": {"5": {"min": 90}, "4": {"min": 80}}, "else": 3}
    }
    stars = version_rulebook(latest(draft)).stars
    assert stars == Stars((StarLevel(5, Decimal(90)), StarLevel(4, Decimal(80))), 3)


def test_the_quota_base_is_ticked_in_the_browser(admin: Client, seed001: Draft) -> None:
    # seed001 counts its party members (the default); a branch that counts full members only.
    form = admin.get(reverse("rulebooks:draft_stars_set", kwargs={"draft_id": seed001.pk}))
    assert form.context["form"]["quota_base"].value() == ["full", "probationary"]
    assert "正式党员、预备党员（默认）" in form.content.decode()
    response = _post(admin, "draft_stars_set", {"quota_base": ["full"]}, draft_id=seed001.pk)
    assert response.status_code == 302
    version = latest(seed001)
    assert version_changes(version) == {"stars": {"quota_base": ["full"]}}
    rulebook = version_rulebook(version)
    assert rulebook.stars is not None
    assert rulebook.stars.quota_base == ("full",)
    event = AuditEvent.objects.filter(action="rulebook.draft.revise").latest("pk")
    assert "名额按正式党员计" in event.summary


def test_a_quota_base_with_nobody_is_refused_under_its_field(admin: Client, seed001: Draft) -> None:
    before = latest(seed001).number
    response = _post(admin, "draft_stars_set", {"quota_base": []}, draft_id=seed001.pk)
    assert response.status_code == 400
    assert "名额基数应是党员类别的列表" in str(response.context["form"].errors.get("quota_base"))
    assert latest(seed001).number == before
