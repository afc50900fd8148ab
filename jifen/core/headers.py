"""Security headers Django 5.2 does not send itself: Content-Security-Policy and
Permissions-Policy (settings CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY).

The pages run no inline script (print.js and htmx are files), so an injected ``<script>`` or
``onclick`` never runs even if escaping were ever missed. A view that needs another policy sets
its own header; this middleware then leaves it alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def security_headers(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: the two headers on every response, unless the response set them already."""
    policies = {
        "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
        "Permissions-Policy": settings.PERMISSIONS_POLICY,
    }

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        for header, value in policies.items():
            if value and header not in response:
                response[header] = value
        return response

    return middleware
