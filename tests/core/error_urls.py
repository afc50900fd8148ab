"""Jifen's URLs and handlers plus pages that fail on purpose, for tests/core/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jifen.urls import handler404
from jifen.urls import urlpatterns as jifen_urlpatterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("bad")


urlpatterns = [
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
    path("test-suspicious/", _suspicious),
    *jifen_urlpatterns,
]

__all__ = ["handler404", "urlpatterns"]
