"""An organization's own rulebook: versions of differences from a built-in one, checked by the
engine before they are kept, audited with who and why."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from jifen.audit.models import AuditEvent
from jifen.rulebooks.drafts import (
    draft_revise,
    draft_revise_text,
    draft_start,
    latest,
    version_changes,
    version_rulebook,
)
from jifen.rulebooks.models import DraftVersion
from jifen.scoring import load_rulebook


def _party_day_points(version: DraftVersion) -> Decimal:
    found = version_rulebook(version).item("party_day")
    assert found is not None
    return found[1].points  # type: ignore[union-attr]


def test_a_draft_records_only_its_differences_and_every_version(
    committee_admin: User, tree: SimpleNamespace
) -> None:
    draft = draft_start(
        organization=tree.c, title="我院积分办法", base="seed003", actor=committee_admin
    )
    first = latest(draft)
    assert first.number == 1
    assert version_changes(first) == {}
    assert version_rulebook(first).categories == load_rulebook("seed003").categories

    changes = {"categories": {"base": {"items": {"party_day": {"points": 8}}}}}
    second = draft_revise(
        draft=draft, changes=changes, reason="党日活动改为每次 4 分", actor=committee_admin
    )
    assert second.number == 2
    assert _party_day_points(second) == Decimal(8)
    assert _party_day_points(first) == Decimal(10)  # the first version is unchanged
    text = yaml.safe_load(second.yaml_text)
    assert text["extends"] == "seed003"
    assert text["version"] == 2
    assert text["categories"] == changes["categories"]
    assert list(
        AuditEvent.objects.filter(action__startswith="rulebook.draft")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["rulebook.draft.start", "rulebook.draft.revise"]


def test_a_change_the_engine_refuses_is_not_kept_and_names_the_field(
    committee_admin: User, tree: SimpleNamespace
) -> None:
    draft = draft_start(
        organization=tree.c, title="我院积分办法", base="seed003", actor=committee_admin
    )
    bad = {"categories": {"base": {"items": {"party_day": {"points": "很多"}}}}}
    with pytest.raises(ValidationError) as refused:
        draft_revise(draft=draft, changes=bad, reason="试试", actor=committee_admin)
    assert "points" in str(refused.value)
    with pytest.raises(ValidationError) as no_reason:
        draft_revise(draft=draft, changes={"notice_days": 7}, reason=" ", actor=committee_admin)
    assert "理由" in str(no_reason.value)
    assert draft.versions.count() == 1


def test_an_uploaded_text_cannot_change_the_base_and_keeps_the_drafts_own_header(
    committee_admin: User, tree: SimpleNamespace
) -> None:
    draft = draft_start(
        organization=tree.c, title="我院积分办法", base="seed003", actor=committee_admin
    )
    with pytest.raises(ValidationError):
        draft_revise_text(
            draft=draft, yaml_text="extends: seed001\n", reason="换", actor=committee_admin
        )
    version = draft_revise_text(
        draft=draft,
        yaml_text="extends: seed003\nid: someone-else\nversion: 99\n"
        "categories: {base: {items: {party_day: {points: 6}}}}\n",
        reason="专家上传",
        actor=committee_admin,
    )
    assert version.number == 2
    assert version_rulebook(version).id == draft.rulebook_code
    assert _party_day_points(version) == Decimal(6)


def test_a_draft_based_on_another_copies_its_differences(
    committee_admin: User, tree: SimpleNamespace
) -> None:
    draft = draft_start(organization=tree.c, title="甲", base="seed003", actor=committee_admin)
    changed = draft_revise(
        draft=draft,
        changes={"categories": {"base": {"items": {"party_day": {"points": 8}}}}},
        reason="改",
        actor=committee_admin,
    )
    copy = draft_start(
        organization=tree.c, title="乙", base="seed001", actor=committee_admin, based_on=changed
    )
    assert copy.base == "seed003"
    assert _party_day_points(latest(copy)) == Decimal(8)
