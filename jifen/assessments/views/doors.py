"""How the assessment pages reach a round and its organizations: through the door
(``access.object_for``), named once here."""

from __future__ import annotations

from typing import Any

from jifen.assessments.models import Round
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization

# A round is reached through the organizations taking part in it: whoever may view one of them
# may open the round (its owner, which opened it over its own subtree, included).
ROUNDS = access.Door(Round.objects.select_related("owner"), org_field="organizations")


def organization_in(
    user: Any, found: Round, org_id: object, action: Action = Action.VIEW_ORG
) -> Organization:
    """One of ``found``'s organizations, if ``user`` may take ``action`` on it; else the
    door's 404."""
    return access.Door(found.organizations.select_related("kind"), org_field="").open(
        user, org_id, action
    )
