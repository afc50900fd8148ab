"""Every API error as JSON: a stable ``code``, a ``message`` in the request's language (Chinese
by default) and, for bad input, ``errors`` naming each field. Never Django's HTML pages."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

logger = logging.getLogger("jifen.api")

# The stable codes, by HTTP status, for errors raised as plain HttpError.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "invalid",
    429: "rate_limited",
}


def api_error(status: int, message: str, *, code: str | None = None, **more: Any) -> HttpError:
    """An error to raise from an operation: ``raise api_error(409, "…", code="sealed")``."""
    error = HttpError(status, message)
    error.code = code or CODES.get(status, "error")  # type: ignore[attr-defined]
    error.more = more  # type: ignore[attr-defined]
    return error


def refused_input(error: DjangoValidationError) -> HttpError:
    """A service's refusal (the same ValidationError a page shows on its form) as a 422 naming
    each field, so an API client reads what a party worker would read."""
    if hasattr(error, "error_dict"):
        errors = [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": message} for message in error.messages]
    return api_error(422, "；".join(e["message"] for e in errors), code="refused", errors=errors)


def _field(location: tuple[Any, ...]) -> str:
    # ninja's locations start with where the value came from ("query", "path", "body") and
    # name the operation's parameter next; the field a client sent is what follows.
    parts = [str(part) for part in location]
    if parts and parts[0] in {"query", "path", "body", "form", "header", "file"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "body", "data"}:
        parts = parts[1:]
    return ".".join(parts)


def errors_install(api: NinjaAPI) -> None:
    """Install the handlers on ``api``."""

    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field(tuple(error.get("loc", ()))), "message": _validation_text(error)}
            for error in exc.errors
        ]
        message = _("请求有误，请检查下列字段")
        return answer(request, 422, {"code": "invalid", "message": message, "errors": errors})

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("需要有效的接口令牌：Authorization: Bearer <令牌>")
        response = answer(request, 401, {"code": "unauthorized", "message": message})
        response["WWW-Authenticate"] = 'Bearer realm="jifen"'
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        message = _("请求过于频繁，请稍后再试")
        response = answer(request, 429, {"code": "rate_limited", "message": message})
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The door's 404: a missing object and a refused one are answered alike.
        message = _("没有找到，或者您无权查看")
        return answer(request, 404, {"code": "not_found", "message": message})

    @api.exception_handler(Exception)
    def failed(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A bug of ours: logged with its traceback for the operator, JSON for the client.
        logger.exception("API %s %s failed", request.method, request.path)
        message = _("服务器内部错误，已记录，请联系系统管理员")
        return answer(request, 500, {"code": "server_error", "message": message})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = getattr(exc, "code", CODES.get(exc.status_code, "error"))
        body = {"code": code, "message": str(exc), **getattr(exc, "more", {})}
        return answer(request, exc.status_code, body)


def _validation_text(error: dict[str, Any]) -> str:
    """pydantic's English message in words a person reads, for the kinds a client meets."""
    kind = str(error.get("type", ""))
    words = {
        "missing": _("必填"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "bool_parsing": _("应为 true 或 false"),
        "date_from_datetime_parsing": _("应为日期，格式 YYYY-MM-DD"),
        "date_parsing": _("应为日期，格式 YYYY-MM-DD"),
        "string_too_long": _("太长"),
        "string_type": _("应为文字"),
        "decimal_parsing": _("应为数字"),
        "less_than_equal": _("太大"),
        "greater_than_equal": _("太小"),
    }
    return words.get(kind, str(error.get("msg", _("无效"))))
