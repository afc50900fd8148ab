"""Adopting a rulebook for a year, and finding the one that applies to an organization."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs.models import Organization
from jifen.rulebooks import freeze, own
from jifen.rulebooks.models import Adoption, DraftVersion
from jifen.scoring import Rulebook, RulebookError, builtin_ids, load_rulebook_text


def builtin_text(rulebook_id: str) -> str:
    return (resources.files("jifen.scoring") / "rulebooks" / f"{rulebook_id}.yaml").read_text(
        encoding="utf-8"
    )


def rulebook_text_load(
    *, rulebook: str, yaml_text: str | None, name: str, noun: str = "积分办法"
) -> tuple[str, Rulebook]:
    """The text to keep and the rulebook it loads: an organization's own YAML when given
    (it may ``extends`` a built-in one), otherwise the built-in ``rulebook`` by id. A bad id
    or a text that does not load is a ValidationError on ``rulebook`` or ``yaml_text``; ``name``
    is the file name the errors give."""
    if yaml_text is None or not yaml_text.strip():
        if rulebook not in builtin_ids():
            raise ValidationError({"rulebook": f"没有内置{noun} {rulebook}"})
        yaml_text = builtin_text(rulebook)
    try:
        return yaml_text, load_rulebook_text(yaml_text, name)
    except RulebookError as error:
        raise ValidationError({"yaml_text": str(error)}) from error


def _frozen_refusal(organization: Organization, year: int) -> str | None:
    """Why ``year``'s rulebook of ``organization`` can no longer change: the quarters already
    signed in the part of its subtree the adoption rules (subtrees with an adoption of their
    own are not touched by it). None when nothing is signed there."""
    nested = (
        Adoption.objects.current()
        .filter(year=year, organization__path__startswith=organization.path)
        .exclude(organization=organization)
        .values_list("organization__path", flat=True)
    )
    shadowed = tuple(nested)
    signed = [
        f"{org.name}{quarter}"
        for org, quarter in freeze.signed_quarters(organization, year)
        if not any(org.path.startswith(path) for path in shadowed)
    ]
    if not signed:
        return None
    return (
        f"不能更换 {organization.name} {year} 年的积分办法：{'、'.join(signed)}已由支部书记"
        f"签名确认（并已公示或将公示），这些季度按原办法计分、已经冻结；同一年度的积分不能"
        f"混用两种办法。新的办法请从下一年度起采用"
    )


def _replacing(
    organization: Organization, year: int, actor: User | None, reason: str, carried: bool
) -> Adoption | None:
    """The adoption in force that a new one replaces (None for a first adoption), after the
    checks: who may adopt here, no signed quarter, and a reason when replacing."""
    if actor is not None and not carried:
        refusal = own.adopt_refusal(actor, organization)
        if refusal is not None:
            raise ValidationError({"rulebook": refusal})
    # Two people adopting for one organization at once: the second waits, then sees the first.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    current = Adoption.objects.current().filter(organization=organization, year=year).first()
    frozen = _frozen_refusal(organization, year)
    if frozen is not None:
        raise ValidationError({"year": frozen})
    if current is not None and not reason.strip():
        raise ValidationError(
            {
                "reason": f"{organization.name} 已采用了 {year} 年的积分办法"
                f"（{current.rulebook_id} 第 {current.rulebook_version} 版）；"
                f"更换须写明理由"
            }
        )
    return current


@transaction.atomic
def adoption_set(
    *,
    organization: Organization,
    year: int,
    rulebook: str,
    yaml_text: str | None = None,
    actor: User | None = None,
    reason: str = "",
    draft_version: DraftVersion | None = None,
    carried_forward: bool = False,
) -> Adoption:
    """Adopt a built-in rulebook by id, an organization's own YAML (which may ``extends`` a
    built-in one), or a draft version, for ``organization`` and its subtree in ``year``.

    Adopting again for the same organization and year is a change: the new adoption is in
    force and the old one is kept, superseded, with ``reason`` (required) and the audit saying
    who changed what. Refused when a quarter of the year is already signed where the adoption
    rules, and — with an ``actor`` — where the actor may not adopt (``own.adopt_refusal``).
    ``carried_forward``: the year rollover carrying an adoption already made to the next year,
    which is no new choice of rulebook, so who may choose one is not asked again."""
    if draft_version is not None:
        rulebook, yaml_text = draft_version.draft.rulebook_code, draft_version.yaml_text
    yaml_text, loaded = rulebook_text_load(
        rulebook=rulebook, yaml_text=yaml_text, name=f"{organization.code}-{year}.yaml"
    )
    current = _replacing(organization, year, actor, reason, carried_forward)
    if current is not None and current.yaml_text == yaml_text:
        raise ValidationError({"rulebook": "所选办法与现行的办法完全相同，无需更换"})
    if current is not None:
        current.superseded_at = clock.now()
        current.save(update_fields=["superseded_at"])
    adoption = Adoption.objects.create(
        organization=organization,
        year=year,
        rulebook_id=loaded.id,
        rulebook_version=str(loaded.version),
        yaml_text=yaml_text,
        adopted_by=actor,
        draft_version=draft_version,
        replaces=current,
        reason=reason.strip(),
    )
    _audit(adoption, loaded, actor)
    return adoption


def _audit(adoption: Adoption, loaded: Rulebook, actor: User | None) -> None:
    name, year, old = adoption.organization.name, adoption.year, adoption.replaces
    what = f"{loaded.title or loaded.id}（{loaded.id} 第 {loaded.version} 版）"
    if old is None:
        audit_record(
            action="rulebook.adopt",
            actor=actor,
            target=adoption,
            summary=f"{name} {year} 年采用 {what}",
        )
        return
    audit_record(
        action="rulebook.replace",
        actor=actor,
        target=adoption,
        summary=(
            f"{name} {year} 年的积分办法由 {old.rulebook_id} 第 {old.rulebook_version} 版"
            f"更换为 {what}：{adoption.reason}"
        ),
        detail={"from": old.pk, "to": adoption.pk, "reason": adoption.reason},
    )


def adoption_for(organization: Organization, year: int) -> Adoption | None:
    """The adoption in force of the nearest organization on the path from ``organization`` to
    the top: the latest version of that organization's year."""
    ids = [*organization.ancestor_ids(), organization.pk]
    found = {
        a.organization_id: a
        for a in Adoption.objects.current().filter(organization_id__in=ids, year=year)
    }
    for org_id in reversed(ids):
        if org_id in found:
            return found[org_id]
    return None


def adoptions_for(organizations: Sequence[Organization], year: int) -> dict[int, Adoption | None]:
    """``adoption_for`` of each of ``organizations`` (pk → adoption), in one query: a committee
    page asks for hundreds of branches, which mostly share their committee's."""
    paths = {org.pk: [*org.ancestor_ids(), org.pk] for org in organizations}
    ids = {pk for path in paths.values() for pk in path}
    found = {
        a.organization_id: a
        for a in Adoption.objects.current()
        .filter(organization_id__in=sorted(ids), year=year)
        .select_related("organization")
    }
    return {
        pk: next((found[o] for o in reversed(path) if o in found), None)
        for pk, path in paths.items()
    }


def notice_days_for(organization: Organization, year: int) -> int | None:
    """The working days of a 公示 the rulebook of ``year`` sets (``notice_days``), if any."""
    adoption = adoption_for(organization, year)
    return rulebook_of(adoption).notice_days if adoption is not None else None


def adoption_title(adoption: Adoption) -> str:
    """What people call an adopted rulebook: its title and version, never its id (an own
    rulebook's id is a code)."""
    return _("“%(title)s”第 %(version)s 版") % {
        "title": rulebook_of(adoption).title or _("未命名的积分办法"),
        "version": adoption.rulebook_version,
    }


@lru_cache(maxsize=64)
def _parse(adoption_id: int, text: str) -> Rulebook:
    return load_rulebook_text(text, f"adoption-{adoption_id}.yaml")


def rulebook_of(adoption: Adoption) -> Rulebook:
    """The adopted rulebook, parsed once per process (an adoption's text never changes: a
    change of rulebook is a new adoption, a new pk)."""
    return _parse(adoption.pk, adoption.yaml_text)
