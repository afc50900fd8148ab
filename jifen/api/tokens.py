"""Creating, revoking and checking personal API tokens (``Authorization: Bearer <token>``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jifen.api.models import ApiToken
from jifen.audit.services import audit_record
from jifen.core import clock

SCHEME = "jf_"
# A token's last use is written at most this often: not one UPDATE per API call.
TOUCH_EVERY = dt.timedelta(minutes=5)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    user: User, *, name: str, read_only: bool = False, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret, which is returned this once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请写明令牌的用途，例如“学习强国导入”")})
    if expires_at is not None and expires_at <= clock.now():
        raise ValidationError({"expires_at": _("到期时间须晚于现在")})
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:10],
        digest=token_digest(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    audit_record(
        action="api.token_create",
        target=token,
        summary=f"创建接口令牌“{token.name}”（{token.prefix}…）" + ("，只读" if read_only else ""),
        detail={"user": user.get_username(), "read_only": read_only},
    )
    return token, secret


@transaction.atomic
def token_revoke(token: ApiToken) -> ApiToken:
    """Revoke ``token`` now; a revoked token stays listed (who made it, when) and never works."""
    if token.revoked_at is not None:
        raise ValidationError(_("这个令牌已经吊销"))
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        action="api.token_revoke",
        target=token,
        summary=f"吊销接口令牌“{token.name}”（{token.prefix}…）",
    )
    return token


def token_active(secret: str) -> ApiToken | None:
    """The token whose secret this is, if it is neither revoked nor expired and its account may
    still sign in; None otherwise (the caller answers 401 without saying which)."""
    if not secret.startswith(SCHEME) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    now = clock.now()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
