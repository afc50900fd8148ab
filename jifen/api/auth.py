"""``Authorization: Bearer <token>``: the token's user becomes the request's user, so the door
(jifen.orgs.access) and the audit log (jifen.audit.context reads request.user when an event is
written) treat an API call exactly as that user's page would."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from jifen.api.errors import api_error
from jifen.api.models import ApiToken
from jifen.api.tokens import token_active

READING = {"GET", "HEAD", "OPTIONS"}


class BearerToken(HttpBearer):
    openapi_description = "个人接口令牌，在“我的接口令牌”页面或用 jifen token create 创建"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_active(token)
        if found is None:
            return None  # ninja answers 401 (jifen.api.errors)
        if found.read_only and request.method not in READING:
            raise api_error(403, _("这个令牌是只读的，不能写入"), code="read_only_token")
        request.user = found.user
        return found
