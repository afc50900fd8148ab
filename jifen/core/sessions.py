"""Django's session middleware, except that a response may leave the session as it is.

Sessions are saved on every request (SESSION_SAVE_EVERY_REQUEST: the 30-minute idle timeout
slides). The job page asks for its progress every second; saving the session each time would,
on SQLite, wait for the running job's transaction to end (it holds the database's only write
lock), so the bar could not move. A poll is not the user doing anything either: the view marks
its answer ``leaves_session`` and the session is not saved (unless the view changed it).
"""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, "leaves_session", False) and not request.session.modified:
            patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
