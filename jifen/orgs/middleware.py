"""Role assignments read once per request, however many actions the page checks."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jifen.orgs.access import assignments_once


def assignments_once_per_request(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        with assignments_once():
            return get_response(request)

    return middleware
