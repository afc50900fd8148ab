"""Jifen's one settings module, driven by environment variables.

Defaults suit a laptop: a SQLite file under ``var/``, DEBUG off, a secret key generated into
``var/`` on first run. Production sets ``DATABASE_URL`` (PostgreSQL), ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``JIFEN_HTTPS=1``, and then passes ``jifen check --deploy``.
Every variable is listed in docs/deployment.md.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, *, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


# Where the application keeps what it writes: the SQLite file, the generated secret key,
# collected static files, uploads. Outside the package so an upgrade never touches it.
VAR_DIR = Path(env_str("JIFEN_VAR_DIR") or BASE_DIR / "var").resolve()


def _secret_key() -> str:
    """The key from SECRET_KEY, or one generated once into var/ so sessions survive restarts."""
    given = env_str("SECRET_KEY")
    if given:
        return given
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Several processes may start at once on a new install (gunicorn's workers, the test
    # passes): each writes a whole key to a file of its own, then links it into place. A link
    # is atomic and fails if the name exists, so nobody ever reads a half-written (empty) key,
    # and every process ends with the one key that won.
    mine = VAR_DIR / f"secret_key.{os.getpid()}.new"
    fd = os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(mine, key_file)
    except FileExistsError:
        pass
    finally:
        mine.unlink()
    return key_file.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The demo shows its accounts on the login page; never set this in production.
JIFEN_DEMO = env_bool("JIFEN_DEMO")

INSTALLED_APPS = [
    # Django's admin on Jifen's own site: the platform operator's alone, every write audited.
    "jifen.accounts.apps.JifenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "jifen.core",
    "axes",
    "jifen.accounts",
    "jifen.audit",
    "jifen.orgs",
    "jifen.roster",
    "jifen.ledger",
    "jifen.rulebooks",
    "jifen.recording",
    "jifen.periods",
    "jifen.ratings",
    "jifen.reports",
    "jifen.assessments",
    "jifen.api",
    "ninja",  # django-ninja's Swagger UI files, served by whitenoise (no CDN: intranets)
    "jifen.inbox",
    "jifen.demo",  # for its command, `jifen demo`
    "jifen.operations",  # for its commands: `jifen backup`, `jifen restore`, `jifen db grants`
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jifen.core.headers.security_headers",  # CSP and Permissions-Policy, on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jifen.core.sessions.SessionMiddleware",  # Django's, but a poll may leave the session
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jifen.orgs.middleware.assignments_once_per_request",
    "jifen.audit.context.audit_context_per_request",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An account whose password an admin set opens the password page first (issue 16).
    "jifen.accounts.password_due.password_due_first",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jifen.urls"
WSGI_APPLICATION = "jifen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jifen.core.context_processors.navigation",
                "jifen.inbox.context_processors.unread",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'jifen.sqlite3'}",
        conn_max_age=int(env_str("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction begins, so two writers queue instead of both
    # reading the same state and one failing at commit; wait up to 20 s for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not Django's shared in-memory database, whose table locks fail at
    # once instead of waiting), so tests of two people acting at once behave as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
else:
    # One test database per test process, so two test runs on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts. Argon2 first: new and re-saved passwords are hashed with it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an account is locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins within 15 minutes lock the account for 15 minutes (per username, so a
# shared office IP does not lock out colleagues).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The same client address as the audit log: our own proxies' count, validated (without this
# axes would use django-ipware if installed, or REMOTE_ADDR, and the two would disagree).
AXES_CLIENT_IP_CALLABLE = "jifen.audit.context.client_ip"
# axes warns that username-only lockout ignores the IP address. On an intranet a whole office
# shares one address, so locking by IP would lock out colleagues; we lock the account instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# An idle session ends after 30 minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jifen" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

# Jobs (jifen/core/jobs.py, run by `jifen worker`). An import longer than JOB_ROWS rows is applied
# by the worker, with a progress bar on the page, instead of within the request: 2,000 rows
# take about a second, well inside any page's patience (docs/roster.md has the figures).
JOB_ROWS = int(env_str("JIFEN_JOB_ROWS") or 2000)
# A roster file larger than this is read and checked by the worker too: 256 KB is about 7,000
# rows of xlsx or 3,000 of CSV, read and checked in a second or two.
JOB_CHECK_BYTES = int(env_str("JIFEN_JOB_CHECK_BYTES") or 256 * 1024)
# On SQLite a running job's progress is written here (the job's own transaction holds the
# database's only write lock); on PostgreSQL it goes to the job's row.
JOB_PROGRESS_DIR = VAR_DIR / "jobs"

# Anchors (docs/deployment.md, "锚点"): signed checkpoints of every hash chain's head, written as
# files outside the database. JIFEN_ANCHOR_KEY is the Ed25519 private key (PEM) that signs them
# and the ledger's heads; JIFEN_ANCHOR_PUBLIC_KEY (base64 or PEM, from `jifen anchor keygen`) is
# what verification trusts, so it does not rely on a file next to the data; JIFEN_ANCHOR_DIR is
# where the anchor files go. Unset, a key is generated under var/ on first use and
# `check --deploy` warns (jifen/core/checks.py).
JIFEN_ANCHOR_KEY = Path(env_str("JIFEN_ANCHOR_KEY") or VAR_DIR / "anchor" / "anchor_key.pem")
JIFEN_ANCHOR_PUBLIC_KEY = env_str("JIFEN_ANCHOR_PUBLIC_KEY")
JIFEN_ANCHOR_DIR = Path(env_str("JIFEN_ANCHOR_DIR") or VAR_DIR / "anchors")
JIFEN_ANCHOR_CONFIGURED = bool(env_str("JIFEN_ANCHOR_KEY") and JIFEN_ANCHOR_PUBLIC_KEY)

S3_SETTINGS = ("JIFEN_S3_ENDPOINT", "JIFEN_S3_BUCKET", "JIFEN_S3_ACCESS_KEY", "JIFEN_S3_SECRET_KEY")


def upload_storage(environ: Mapping[str, str], *, s3_installed: bool) -> dict[str, Any]:
    """Where uploaded files (evidence, attachments) are kept: a folder under MEDIA_ROOT, or with
    JIFEN_STORAGE=s3 an S3-compatible store on the intranet (MinIO) through django-storages,
    an optional extra (`pip install 'jifen[s3]'`). Every process of a deployment must see the
    same store (docs/scaling.md); jifen/recording/evidence.py reads and writes only through it."""
    kind = environ.get("JIFEN_STORAGE", "").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"JIFEN_STORAGE={kind}：只能是 filesystem（默认）或 s3")
    if not s3_installed:
        raise ImproperlyConfigured(
            "JIFEN_STORAGE=s3 需要 django-storages 和 boto3：pip install 'jifen[s3]'"
        )
    value = {name: environ.get(name, "").strip() for name in S3_SETTINGS}
    missing = [name for name, given in value.items() if not given]
    if missing:
        raise ImproperlyConfigured(f"JIFEN_STORAGE=s3 还需要设置：{'、'.join(missing)}")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": value["JIFEN_S3_ENDPOINT"],
            "bucket_name": value["JIFEN_S3_BUCKET"],
            "access_key": value["JIFEN_S3_ACCESS_KEY"],
            "secret_key": value["JIFEN_S3_SECRET_KEY"],
            # MinIO's default region; it must match the server's MINIO_REGION when that is set.
            "region_name": environ.get("JIFEN_S3_REGION", "").strip() or "us-east-1",
            # An intranet MinIO seldom has wildcard DNS for bucket.host names.
            "addressing_style": "path",
            "signature_version": "s3v4",
            # Objects stay private: Jifen serves them itself, after the access check, and never
            # hands out the store's URLs.
            "default_acl": None,
            "querystring_auth": True,
            # Like the folder: a taken name gets another, never overwritten.
            "file_overwrite": False,
            # Keys go under this prefix when the bucket is shared with something else.
            "location": environ.get("JIFEN_S3_PREFIX", "").strip().strip("/"),
            # An intranet certificate authority's bundle, when MinIO's certificate is not public.
            "verify": environ.get("JIFEN_S3_CA_BUNDLE", "").strip() or None,
        },
    }


STORAGES = {
    "default": upload_storage(
        os.environ,
        s3_installed=all(importlib.util.find_spec(name) for name in ("storages", "boto3")),
    ),
    # Hashed, compressed files served by WhiteNoise from STATIC_ROOT (`jifen collectstatic`).
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Behind HTTPS (JIFEN_HTTPS=1) cookies are secure and HSTS is sent; an intranet
# served over plain HTTP leaves it off and `check --deploy` says so.
HTTPS = env_bool("JIFEN_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("JIFEN_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS


def trusted_proxies(environ: Mapping[str, str]) -> int:
    """How many reverse proxies of our own stand in front (JIFEN_TRUSTED_PROXIES; one when only
    JIFEN_BEHIND_PROXY=1 is set). The client's address is the one the outermost of them saw:
    X-Forwarded-For entries left of it were written by the client (jifen/audit/context.py)."""
    given = environ.get("JIFEN_TRUSTED_PROXIES", "").strip()
    if not given:
        behind = environ.get("JIFEN_BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}
        return 1 if behind else 0
    if not given.isdigit() or int(given) > 10:
        raise ImproperlyConfigured(
            f"JIFEN_TRUSTED_PROXIES={given}：应是 0 到 10 的整数（本系统前面反向代理的层数）"
        )
    return int(given)


JIFEN_TRUSTED_PROXIES = trusted_proxies(os.environ)
if JIFEN_TRUSTED_PROXIES:
    # The reverse proxy terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Everything comes from the application itself (no CDN) and no page runs inline script; styles
# may be inline: pygal's charts are SVG with a <style> of their own, and style attributes lay
# out the 公示 print page and indent tree rows by a computed padding (docs/decisions.md).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# No page uses the camera, microphone, location, sensors or payments: deny them to every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# The REST API (/api/v1/, docs/api.md): requests a token may make, per minute by default, counted
# in Django's cache (per process unless CACHES names a shared one).
JIFEN_API_RATE = os.environ.get("JIFEN_API_RATE", "600/m")
# Notifications and reminders (jifen/inbox, docs/notifications.md). Every channel out of the
# application is off until the deployment switches it on: an intranet install sends nothing.
# E-mail goes through the organization's own SMTP server with Django's mail.
JIFEN_MAIL = env_bool("JIFEN_MAIL")
JIFEN_MAIL_BACKEND = env_str("JIFEN_MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jifen@localhost")
# The group robots of 企业微信 and 钉钉, one per branch, set on the branch's page; only to the
# hosts named here, so that page cannot make the server call any address on the intranet.
JIFEN_WEBHOOKS = env_bool("JIFEN_WEBHOOKS")
JIFEN_WEBHOOK_HOSTS = env_list("JIFEN_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com")
# Seconds an SMTP server or a robot may take before the attempt counts as failed.
JIFEN_DELIVERY_TIMEOUT = float(env_str("JIFEN_DELIVERY_TIMEOUT", "10"))
# Send after the commit on the same thread instead of a thread of its own (commands do).
JIFEN_DELIVER_INLINE = env_bool("JIFEN_DELIVER_INLINE")
# The site's address for links in e-mails (https://jifen.example.edu.cn); none without it.
JIFEN_SITE_URL = env_str("JIFEN_SITE_URL")
# `jifen remind`: a quarter unsigned this many working days after it ends; declarations waiting
# for review longer than this many working days.
JIFEN_REMIND_SIGN_DAYS = int(env_str("JIFEN_REMIND_SIGN_DAYS", "5"))
JIFEN_REMIND_REVIEW_DAYS = int(env_str("JIFEN_REMIND_REVIEW_DAYS", "3"))
