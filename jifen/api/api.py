"""Jifen's REST API, ``/api/v1/``: django-ninja writes the OpenAPI 3 document from the typed
operations (``/api/v1/openapi.json``) and serves Swagger UI from its own static files
(``/api/v1/docs``; ``ninja`` is an installed app, so no CDN is asked for)."""

from __future__ import annotations

from django.conf import settings
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.throttling import AuthRateThrottle

from jifen.api import (
    assessments,
    ledger_writes,
    people,
    reads,
    recording_writes,
    roster_writes,
)
from jifen.api.auth import BearerToken
from jifen.api.errors import errors_install


class ReadableJSON(JSONRenderer):
    """Chinese as itself, not as \\u escapes: the answers are read in terminals and logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ReadableJSON(),
    title="积分量化管理系统 API",
    version="1",
    description=(
        "以个人接口令牌访问（Authorization: Bearer <令牌>），权限与网页相同。见 docs/api.md。"
    ),
    urls_namespace="api-v1",
    auth=BearerToken(),
    # One budget per token (``str(ApiToken)``), in Django's cache: per process unless the
    # deployment configures a shared cache (docs/api.md).
    throttle=[AuthRateThrottle(settings.JIFEN_API_RATE)],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors_install(api)
# One router a module, each module a concern; all under /api/v1/.
for module in (reads, people, assessments, ledger_writes, recording_writes, roster_writes):
    api.add_router("/", module.router)
