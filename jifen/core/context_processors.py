from typing import Any

from django.http import HttpRequest

from jifen.accounts.roles import roles_of
from jifen.core.navigation import nav_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation and role labels every page's header shows."""
    user = request.user
    return {
        "nav_links": nav_links(user, request.path),
        "role_labels": [role.label for role in sorted(roles_of(user))],
    }
