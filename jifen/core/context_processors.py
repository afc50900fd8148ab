from functools import partial
from typing import Any

from django.http import HttpRequest

from jifen.core.navigation import nav_links
from jifen.orgs.access import assignments_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation and role labels every page's header shows."""
    user = request.user
    return {
        "nav_links": nav_links(user, request.path),
        # Called only by the pages that show it (templates call callables).
        "role_assignments": partial(assignments_of, user),
    }
