"""Adopting a rulebook for a year, and finding the one that applies to an organization."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.orgs.models import Organization
from jifen.rulebooks.models import Adoption
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


@transaction.atomic
def adoption_set(
    *,
    organization: Organization,
    year: int,
    rulebook: str,
    yaml_text: str | None = None,
    actor: User | None = None,
) -> Adoption:
    """Adopt a built-in rulebook by id, or an organization's own YAML (which may ``extends`` a
    built-in one), for ``organization`` and its subtree in ``year``."""
    yaml_text, loaded = rulebook_text_load(
        rulebook=rulebook, yaml_text=yaml_text, name=f"{organization.code}-{year}.yaml"
    )
    if Adoption.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": f"{organization.name} 已采用了 {year} 年的积分办法"})
    adoption = Adoption.objects.create(
        organization=organization,
        year=year,
        rulebook_id=loaded.id,
        rulebook_version=str(loaded.version),
        yaml_text=yaml_text,
        adopted_by=actor,
    )
    audit_record(
        action="rulebook.adopt",
        actor=actor,
        target=adoption,
        summary=f"{organization.name} {year} 年采用 {loaded.id} 第 {loaded.version} 版",
    )
    return adoption


def adoption_for(organization: Organization, year: int) -> Adoption | None:
    """The adoption of the nearest organization on the path from ``organization`` to the top."""
    ids = [*organization.ancestor_ids(), organization.pk]
    found = {
        a.organization_id: a for a in Adoption.objects.filter(organization_id__in=ids, year=year)
    }
    for org_id in reversed(ids):
        if org_id in found:
            return found[org_id]
    return None


def notice_days_for(organization: Organization, year: int) -> int | None:
    """The working days of a 公示 the rulebook of ``year`` sets (``notice_days``), if any."""
    adoption = adoption_for(organization, year)
    return rulebook_of(adoption).notice_days if adoption is not None else None


@lru_cache(maxsize=64)
def _parse(adoption_id: int, text: str) -> Rulebook:
    return load_rulebook_text(text, f"adoption-{adoption_id}.yaml")


def rulebook_of(adoption: Adoption) -> Rulebook:
    """The adopted rulebook, parsed once per process (adoptions never change)."""
    return _parse(adoption.pk, adoption.yaml_text)
