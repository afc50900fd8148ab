"""The rule editor: a committee admin writes its own rulebook in forms, never in YAML; each form
records only the difference from the base, and what the engine refuses is shown and not kept."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.rulebooks.drafts import (
    draft_revise,
    draft_start,
    latest,
    version_changes,
    version_rulebook,
)
from jifen.rulebooks.models import Draft
from jifen.rulebooks.services import adoption_set, notice_days_for
from jifen.scoring.model import Allowance, Earn

REASON = {"reason": "支部讨论决定"}


@pytest.fixture
def draft(tree: SimpleNamespace, committee_admin: User) -> Draft:
    return draft_start(organization=tree.c, title="我院办法", base="seed003", actor=committee_admin)


@pytest.fixture
def admin(client: Client, committee_admin: User) -> Client:
    client.force_login(committee_admin)
    return client


def _post(client: Client, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post a form as a browser would: every field as shown, then the ones the person changed."""
    url = reverse(f"rulebooks:{name}", kwargs=kwargs)
    shown = client.get(url)
    form = shown.context["form"] if shown.status_code == 200 else None
    fields = {name: form[name].value() or "" for name in form.fields} if form else {}
    return client.post(url, {**fields, **REASON, **data})


def test_a_new_draft_based_on_seed003_from_the_library(
    admin: Client, tree: SimpleNamespace
) -> None:
    library = admin.get(reverse("rulebooks:library")).content.decode()
    assert "新建自定积分办法" in library
    response = admin.post(
        reverse("rulebooks:draft_new"),
        {"title": "我院办法", "organization": tree.c.pk, "start": "builtin:seed003"},
    )
    draft = Draft.objects.get()
    assert response.status_code == 302
    assert (draft.base, draft.organization, draft.title) == ("seed003", tree.c, "我院办法")
    page = admin.get(reverse("rulebooks:draft", kwargs={"draft_id": draft.pk})).content.decode()
    assert "主题党日(每月两次)" in page
    assert "第 1 版" in page
    assert "我院办法" in admin.get(reverse("rulebooks:library")).content.decode()


def test_changing_an_items_points_records_only_that_difference(admin: Client, draft: Draft) -> None:
    form = admin.get(
        reverse("rulebooks:draft_item", kwargs={"draft_id": draft.pk, "code": "party_day"})
    )
    assert "基础办法：10" in form.content.decode()
    response = _post(
        admin, "draft_item", {"points": "8", "absent": "4"}, draft_id=draft.pk, code="party_day"
    )
    assert response.status_code == 302
    version = latest(draft)
    assert version.number == 2
    assert version_changes(version) == {
        "categories": {"base": {"items": {"party_day": {"points": 8, "absent": 4}}}}
    }
    found = version_rulebook(version).item("party_day")
    assert found is not None
    item = found[1]
    assert isinstance(item, Allowance)
    assert (item.points, item.absent) == (Decimal(8), Decimal(4))
    event = AuditEvent.objects.filter(action="rulebook.draft.revise").get()
    assert "10 分 → 8 分" in event.summary
    assert "支部讨论决定" in event.summary


def test_clearing_a_deduction_the_base_has_removes_it(admin: Client, draft: Draft) -> None:
    response = _post(
        admin, "draft_item", {"points": "5", "deduct": ""}, draft_id=draft.pk, code="dues"
    )
    assert response.status_code == 302
    found = version_rulebook(latest(draft)).item("dues")
    assert found is not None
    assert isinstance(found[1], Allowance)
    assert found[1].deduct is None


def test_caps_of_an_earn_item_per_month_quarter_year(admin: Client, draft: Draft) -> None:
    data = {"cap_month": "1", "cap_quarter": "2", "cap_year": "4", "per": "0.5"}
    response = _post(admin, "draft_item", data, draft_id=draft.pk, code="volunteer")
    assert response.status_code == 302
    found = version_rulebook(latest(draft)).item("volunteer")
    assert found is not None
    assert isinstance(found[1], Earn)
    item = found[1]
    assert (item.cap_month, item.cap_quarter, item.cap_year, item.per) == (
        Decimal(1),
        Decimal(2),
        Decimal(4),
        Decimal("0.5"),
    )


def test_a_refused_edit_shows_the_engines_message_on_the_field_and_saves_nothing(
    admin: Client, draft: Draft
) -> None:
    response = _post(
        admin, "draft_item", {"points": "10", "absent": "12"}, draft_id=draft.pk, code="party_day"
    )
    assert response.status_code == 400
    page = response.content.decode()
    # On the field it names, in words: no code, no key.
    assert 'role="alert">缺席扣分 12 超过项目分值 10</span>' in page
    assert draft.versions.count() == 1


def test_a_cap_above_the_category_is_refused_in_words(admin: Client, draft: Draft) -> None:
    response = _post(
        admin,
        "draft_item_add",
        {"category": "featured", "title": "社区报到", "cap_year": "30"},
        draft_id=draft.pk,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "超过类别" in page
    assert "“特色分”" in page
    assert "own1" not in page.split("<form")[1]
    assert draft.versions.count() == 1


def test_adding_and_removing_items(admin: Client, draft: Draft) -> None:
    response = _post(
        admin,
        "draft_item_add",
        {"category": "featured", "title": "社区报到", "cap_year": "3"},
        draft_id=draft.pk,
    )
    assert response.status_code == 302
    found = version_rulebook(latest(draft)).item("own1")
    assert found is not None
    assert (found[0].code, found[1].title) == ("featured", "社区报到")
    assert (
        "社区报到"
        in admin.get(reverse("rulebooks:draft", kwargs={"draft_id": draft.pk})).content.decode()
    )

    response = _post(admin, "draft_item_remove", {}, draft_id=draft.pk, code="grid_work")
    assert response.status_code == 302
    version = latest(draft)
    assert version_rulebook(version).item("grid_work") is None
    assert version_changes(version)["categories"]["featured"]["items"]["grid_work"] is None
    response = _post(admin, "draft_item_remove", {}, draft_id=draft.pk, code="own1")
    assert response.status_code == 302
    assert "own1" not in version_changes(latest(draft))["categories"]["featured"]["items"]


def test_stars_bands_and_notice(
    admin: Client, tree: SimpleNamespace, committee_admin: User
) -> None:
    draft = draft_start(organization=tree.c, title="星级", base="seed001", actor=committee_admin)
    response = _post(
        admin,
        "draft_stars",
        {
            "min_5": "92",
            "quota_5": "15",
            "min_4": "80",
            "min_3": "70",
            "min_2": "60",
            "min_1": "50",
        },
        draft_id=draft.pk,
    )
    assert response.status_code == 302
    stars = version_rulebook(latest(draft)).stars
    assert stars is not None
    assert (stars.levels[0].min, stars.levels[0].quota) == (Decimal(92), Decimal("0.15"))

    response = _post(
        admin,
        "draft_band",
        {"label": "两星及以下党员", "level": "red", "actions": "谈话\n帮教"},
        draft_id=draft.pk,
        code="two_stars_or_less",
    )
    assert response.status_code == 302
    band = next(b for b in version_rulebook(latest(draft)).bands if b.code == "two_stars_or_less")
    assert (band.level, band.actions) == ("red", ("谈话", "帮教"))

    response = _post(admin, "draft_notice", {"notice_days": "7"}, draft_id=draft.pk)
    assert response.status_code == 302
    assert version_rulebook(latest(draft)).notice_days == 7


def test_a_band_threshold_the_engine_refuses(admin: Client, draft: Draft) -> None:
    response = _post(
        admin,
        "draft_band",
        {"label": "约谈提醒", "level": "yellow", "min": "75", "below": "70"},
        draft_id=draft.pk,
        code="yellow",
    )
    assert response.status_code == 400
    assert "应大于" in response.content.decode()
    assert draft.versions.count() == 1


def test_yaml_view_and_upload(admin: Client, draft: Draft) -> None:
    view = admin.get(reverse("rulebooks:draft_yaml", kwargs={"draft_id": draft.pk, "number": 1}))
    assert "extends: seed003" in view.content.decode()
    text = "extends: seed003\ncategories: {base: {items: {party_day: {points: 6}}}}\n"
    response = _post(admin, "draft_upload", {"yaml_text": text}, draft_id=draft.pk)
    assert response.status_code == 302
    found = version_rulebook(latest(draft)).item("party_day")
    assert found is not None
    assert isinstance(found[1], Allowance)
    assert found[1].points == Decimal(6)
    bad = _post(admin, "draft_upload", {"yaml_text": "notice_days: 99\n"}, draft_id=draft.pk)
    assert bad.status_code == 400
    assert draft.versions.count() == 2


def test_another_organizations_draft_is_404(
    client: Client, tree: SimpleNamespace, general_admin: User, committee_admin: User
) -> None:
    theirs = draft_start(organization=tree.c, title="党委的", base="seed003", actor=committee_admin)
    client.force_login(general_admin)
    assert client.get(reverse("rulebooks:draft", kwargs={"draft_id": theirs.pk})).status_code == 404
    response = _post(client, "draft_notice", {"notice_days": "7"}, draft_id=theirs.pk)
    assert response.status_code == 404
    assert theirs.versions.count() == 1
    assert "党委的" not in client.get(reverse("rulebooks:library")).content.decode()


def test_a_draft_based_on_another_draft_through_the_page(
    admin: Client, draft: Draft, tree: SimpleNamespace
) -> None:
    _post(admin, "draft_item", {"points": "8", "absent": "5"}, draft_id=draft.pk, code="party_day")
    response = admin.post(
        reverse("rulebooks:draft_new"),
        {"title": "总支办法", "organization": tree.g.pk, "start": f"draft:{draft.pk}"},
    )
    assert response.status_code == 302
    copy = Draft.objects.get(title="总支办法")
    assert (copy.organization, copy.base) == (tree.g, "seed003")
    found = version_rulebook(latest(copy)).item("party_day")
    assert found is not None
    assert isinstance(found[1], Allowance)
    assert found[1].points == Decimal(8)


def test_the_notice_length_of_the_adopted_rulebook_is_used(
    draft: Draft, tree: SimpleNamespace, committee_admin: User
) -> None:
    draft_revise(
        draft=draft, changes={"notice_days": 7}, reason="公示七个工作日", actor=committee_admin
    )
    adoption_set(
        organization=tree.c,
        year=2026,
        rulebook=draft.rulebook_code,
        yaml_text=latest(draft).yaml_text,
    )
    assert notice_days_for(tree.b1, 2026) == 7
    adoption_set(organization=tree.c, year=2027, rulebook="seed001")
    assert notice_days_for(tree.b1, 2027) is None


def test_a_target_and_a_categorys_maxima(admin: Client, draft: Draft) -> None:
    data = {"points": "10", "deduct": "0.5", "target": "20"}
    assert _post(admin, "draft_item", data, draft_id=draft.pk, code="xxqg_quiz").status_code == 302
    response = _post(admin, "draft_category", {"max": "25"}, draft_id=draft.pk, code="featured")
    assert response.status_code == 302
    rulebook = version_rulebook(latest(draft))
    found = rulebook.item("xxqg_quiz")
    assert found is not None
    assert isinstance(found[1], Allowance)
    assert found[1].target == Decimal(20)
    assert [c.max for c in rulebook.categories if c.code == "featured"] == [Decimal(25)]
    response = _post(
        admin, "draft_category", {"max": "60", "period_max": "80"}, draft_id=draft.pk, code="base"
    )
    assert response.status_code == 400
    assert 'role="alert">每期最高分 80 超过类别满分 最高分 60</span>' in response.content.decode()
    assert draft.versions.count() == 3
    assert version_changes(latest(draft)) == {
        "categories": {
            "base": {"items": {"xxqg_quiz": {"target": 20}}},
            "featured": {"max": 25},
        }
    }


def test_setting_a_value_back_to_the_base_leaves_no_difference(admin: Client, draft: Draft) -> None:
    _post(admin, "draft_item", {"points": "8", "absent": "5"}, draft_id=draft.pk, code="party_day")
    _post(admin, "draft_item", {"points": "10", "absent": "5"}, draft_id=draft.pk, code="party_day")
    assert latest(draft).number == 3
    assert version_changes(latest(draft)) == {}


def test_an_organization_rulebooks_item_and_the_audit_of_what_changed(
    admin: Client, tree: SimpleNamespace, committee_admin: User
) -> None:
    draft = draft_start(organization=tree.c, title="考核", base="seed004", actor=committee_admin)
    page = admin.get(reverse("rulebooks:draft", kwargs={"draft_id": draft.pk})).content.decode()
    assert "新增特色项目" not in page
    response = _post(admin, "draft_item", {"max": "4"}, draft_id=draft.pk, code="ledger_complete")
    assert response.status_code == 302
    found = version_rulebook(latest(draft)).item("ledger_complete")
    assert found is not None
    assert found[1].ceiling == Decimal(4)
    event = AuditEvent.objects.get(action="rulebook.draft.revise")
    assert event.detail["changes"] == [f"{found[1].title} 满分（分）：5 分 → 4 分"]


def test_the_stars_form_saves_as_it_is_shown(
    admin: Client, tree: SimpleNamespace, committee_admin: User
) -> None:
    """Every field comes back as shown (a quota of 20 %, not 20.0): only the change counts."""
    draft = draft_start(organization=tree.c, title="星级", base="seed001", actor=committee_admin)
    url = reverse("rulebooks:draft_stars", kwargs={"draft_id": draft.pk})
    form = admin.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    assert data["quota_5"] == "20"
    response = admin.post(url, {**data, "min_1": "45", "reason": "一星门槛降为 45 分"})
    assert response.status_code == 302
    assert version_changes(latest(draft)) == {"stars": {"levels": {"1": {"min": 45}}}}


def test_a_form_opened_on_an_older_version_does_not_undo_a_newer_one(
    admin: Client, draft: Draft
) -> None:
    url = reverse("rulebooks:draft_item", kwargs={"draft_id": draft.pk, "code": "party_day"})
    form = admin.get(url).context["form"]
    opened = {name: form[name].value() or "" for name in form.fields}
    assert opened["seen"] == 1
    _post(admin, "draft_notice", {"notice_days": "7"}, draft_id=draft.pk)  # someone else, first
    response = admin.post(url, {**opened, "points": "8", "reason": "晚了一步"})
    assert response.status_code == 400
    assert "刚被别人改过" in response.content.decode()
    assert version_changes(latest(draft)) == {"notice_days": 7}


def test_study_per_occasion_is_ticked_and_unticked(admin: Client, draft: Draft) -> None:
    form = admin.get(
        reverse("rulebooks:draft_item", kwargs={"draft_id": draft.pk, "code": "group_study"})
    )
    assert form.context["form"]["per_occasion"].value() is True
    assert "基础办法：是" in form.content.decode()
    response = _post(
        admin, "draft_item", {"per_occasion": False}, draft_id=draft.pk, code="group_study"
    )
    assert response.status_code == 302
    assert version_changes(latest(draft)) == {
        "categories": {"base": {"items": {"group_study": {"per_occasion": False}}}}
    }
    found = version_rulebook(latest(draft)).item("group_study")
    assert found is not None
    assert isinstance(found[1], Allowance)
    assert not found[1].per_occasion
    event = AuditEvent.objects.filter(action="rulebook.draft.revise").latest("pk")
    assert "每期分值按当期的次数平分，缺席一次扣一份：是 → 否" in event.summary


def test_the_committees_approval_of_featured_points_is_ticked(admin: Client, draft: Draft) -> None:
    # seed003 asks the committee to approve 特色分; a college whose branches decide alone
    # unticks it.
    url = reverse("rulebooks:draft_category", kwargs={"draft_id": draft.pk, "code": "featured"})
    assert admin.get(url).context["form"]["committee_approval"].value() is True
    response = _post(
        admin, "draft_category", {"committee_approval": False}, draft_id=draft.pk, code="featured"
    )
    assert response.status_code == 302
    assert version_changes(latest(draft)) == {
        "categories": {"featured": {"committee_approval": False}}
    }
    featured = [c for c in version_rulebook(latest(draft)).categories if c.code == "featured"]
    assert not featured[0].committee_approval
