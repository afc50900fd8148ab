"""An organization's own rulebook: start it from any rulebook, change it, keep every version.

A draft version is stored as the expert would write it: ``extends: <built-in id>``, the draft's
``id``, ``version`` and ``title``, then the differences only. People change it through forms
(``changes`` is a plain mapping of the differences); each new text is loaded by the engine before
it is kept, so a draft that is saved is always one the engine accepts. Every version is audited
with who saved it and why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.orgs.models import Organization
from jifen.rulebooks.models import Draft, DraftVersion
from jifen.scoring import (
    Rulebook,
    RulebookError,
    builtin_ids,
    load_rulebook,
    load_rulebook_text,
)
from jifen.scoring.errors import Issue

# The keys a version's text sets itself; ``changes`` never carries them.
HEADER = ("extends", "id", "version", "title")


def _plain(value: Any) -> Any:
    """Decimals as YAML numbers people read back unchanged (``0.5``, ``5``)."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def version_text(draft: Draft, number: int, changes: dict[str, Any]) -> str:
    """The ``extends`` document of one version: its header, then the differences."""
    header = {
        "extends": draft.base,
        "id": draft.rulebook_code,
        "version": number,
        "title": draft.title,
    }
    body = {k: v for k, v in _plain(changes).items() if k not in HEADER}
    text = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    if body:
        text += yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
    return text


def version_changes(version: DraftVersion) -> dict[str, Any]:
    """The differences a version records, without its header, as a plain mapping."""
    loaded = yaml.safe_load(version.yaml_text) or {}
    return {k: v for k, v in loaded.items() if k not in HEADER}


def version_rulebook(version: DraftVersion) -> Rulebook:
    """The whole rulebook a version means: its base merged with its differences."""
    return load_rulebook_text(version.yaml_text, f"{version.draft.rulebook_code}.yaml")


def draft_lock(draft: Draft) -> None:
    """Hold the draft until the transaction ends: two people saving at once would otherwise both
    write the same next version number (the second then fails on the unique constraint)."""
    Draft.objects.select_for_update().get(pk=draft.pk)


def latest(draft: Draft) -> DraftVersion:
    return draft.versions.order_by("-number")[0]


def issues_of(draft: Draft, changes: dict[str, Any]) -> list[Issue]:
    """What the engine says against ``changes`` as the draft's next version (nothing: valid)."""
    try:
        load_rulebook_text(version_text(draft, 0, changes), f"{draft.rulebook_code}.yaml")
    except RulebookError as error:
        return error.issues
    return []


def _checked(draft: Draft, number: int, changes: dict[str, Any]) -> str:
    """The text of a new version, or a ValidationError carrying the engine's own messages."""
    text = version_text(draft, number, changes)
    try:
        load_rulebook_text(text, f"{draft.rulebook_code}.yaml")
    except RulebookError as error:
        messages = [f"{i.field}：{i.message}" if i.field else i.message for i in error.issues]
        raise ValidationError({"yaml_text": messages}) from error
    return text


@transaction.atomic
def draft_start(
    *,
    organization: Organization,
    title: str,
    base: str,
    actor: User | None,
    based_on: DraftVersion | None = None,
) -> Draft:
    """A new draft of ``organization``, version 1: the built-in ``base`` unchanged, or a copy of
    another draft's version (its differences and its base)."""
    if based_on is not None:
        base = based_on.draft.base
    if base not in builtin_ids():
        raise ValidationError({"base": f"没有内置积分办法 {base}"})
    if not title.strip():
        raise ValidationError({"title": "请填写名称"})
    draft = Draft.objects.create(
        organization=organization, title=title.strip(), base=base, created_by=actor
    )
    changes = version_changes(based_on) if based_on is not None else {}
    reason = (
        f"以“{based_on.draft.title}”第 {based_on.number} 版为基础"
        if based_on is not None
        else f"以内置积分办法“{load_rulebook(base).title}”为基础"
    )
    DraftVersion.objects.create(
        draft=draft,
        number=1,
        yaml_text=_checked(draft, 1, changes),
        reason=reason,
        author=actor,
    )
    audit_record(
        action="rulebook.draft.start",
        actor=actor,
        target=draft,
        summary=f"{organization.name} 新建自定积分办法“{draft.title}”：{reason}",
    )
    return draft


@transaction.atomic
def draft_revise(
    *,
    draft: Draft,
    changes: dict[str, Any],
    reason: str,
    actor: User | None,
    described: list[str] | None = None,
) -> DraftVersion:
    """Save ``changes`` (the whole set of differences from the base) as the next version;
    ``described`` says in words what changed (“主题党日 每期分值 10 → 8”) for the audit log.

    Refused, with the engine's messages on ``yaml_text``, when the result does not load; refused
    when no reason is given or nothing changed. The row lock keeps two people from both saving
    "version 3"."""
    draft_lock(draft)
    if not reason.strip():
        raise ValidationError({"reason": "请写明修改理由"})
    previous = latest(draft)
    if _plain(changes) == version_changes(previous):
        raise ValidationError({"reason": "与上一版相比没有任何修改"})
    number = previous.number + 1
    what = f"{'；'.join(described)}。理由：" if described else ""
    version = DraftVersion.objects.create(
        draft=draft,
        number=number,
        yaml_text=_checked(draft, number, changes),
        reason=reason.strip(),
        author=actor,
    )
    audit_record(
        action="rulebook.draft.revise",
        actor=actor,
        target=draft,
        summary=f"“{draft.title}”第 {number} 版：{what}{reason.strip()}",
        detail={"version": number, "changes": described or []},
    )
    return version


def draft_revise_text(
    *, draft: Draft, yaml_text: str, reason: str, actor: User | None
) -> DraftVersion:
    """The expert's way: a whole YAML text (pasted or uploaded). Its header is the draft's own
    whatever the text says, so a version can never claim another draft's id or base."""
    try:
        loaded = yaml.safe_load(yaml_text)
    except yaml.YAMLError as error:
        raise ValidationError({"yaml_text": f"YAML 格式错误：{error}"}) from error
    if not isinstance(loaded, dict):
        raise ValidationError({"yaml_text": "规则全文应是一个映射（键: 值）"})
    extends = loaded.get("extends", draft.base)
    if extends != draft.base:
        raise ValidationError({"yaml_text": f"本办法基于 {draft.base}，不能改为继承 {extends}"})
    changes = {k: v for k, v in loaded.items() if k not in HEADER}
    return draft_revise(draft=draft, changes=changes, reason=reason, actor=actor)
