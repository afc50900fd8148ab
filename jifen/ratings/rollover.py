"""The year rollover: next year's rulebooks adopted by carrying each organization's adoption
forward. Nothing is deleted or changed: a new year simply has no facts yet, so it starts from
zero, and every earlier year keeps its own adoption (with its frozen rulebook text) and facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction

from jifen.audit.services import audit_record
from jifen.orgs.models import Organization
from jifen.rulebooks.models import Adoption
from jifen.rulebooks.services import adoption_set


@dataclass
class Rollover:
    year: int  # the new year
    adopted: list[Adoption] = field(default_factory=list)
    already: list[Adoption] = field(default_factory=list)  # next year's, adopted before


def rollover_plan(scope: Organization | None, year: int) -> list[tuple[Adoption, Adoption | None]]:
    """``year``'s adoptions in ``scope``'s subtree (every one without a scope), each with next
    year's adoption of the same organization if there is one already."""
    adoptions = Adoption.objects.current().filter(year=year).select_related("organization")
    if scope is not None:
        adoptions = adoptions.filter(organization__path__startswith=scope.path)
    following = {
        a.organization_id: a
        for a in Adoption.objects.current().filter(
            year=year + 1, organization_id__in=[a.organization_id for a in adoptions]
        )
    }
    return [
        (a, following.get(a.organization_id))
        for a in sorted(adoptions, key=lambda a: a.organization.path)
    ]


@transaction.atomic
def year_rollover(
    *,
    year: int,
    actor: User | None,
    scope: Organization | None = None,
) -> Rollover:
    """Adopt for ``year`` + 1, in ``scope``'s subtree (everywhere without a scope), the same
    rulebook text each organization adopted for ``year``. Organizations that already adopted
    next year's rulebook keep it. Running it twice changes nothing."""
    done = Rollover(year + 1)
    for adoption, following in rollover_plan(scope, year):
        if following is not None:
            done.already.append(following)
            continue
        done.adopted.append(
            adoption_set(
                organization=adoption.organization,
                year=year + 1,
                rulebook=adoption.rulebook_id,
                yaml_text=adoption.yaml_text,
                actor=actor,
                carried_forward=True,
                draft_version=adoption.draft_version,
            )
        )
    audit_record(
        action="ratings.rollover",
        actor=actor,
        target=scope if scope is not None else "",
        summary=(
            f"{year} → {year + 1} 年度转换：{len(done.adopted)} 个组织沿用上年积分办法，"
            f"{len(done.already)} 个已采用新年度的办法"
        ),
    )
    return done
