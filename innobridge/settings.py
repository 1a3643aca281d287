"""InnoBridge settings, read from the environment.

Development defaults are safe to run locally; every value that would be unsafe in
production is overridden through an environment variable. Bad values fail loudly at
start-up rather than at the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DATA_DIR = Path(env_str("INNOBRIDGE_DATA_DIR", str(BASE_DIR / "data"))).resolve()

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "innobridge.accounts",
    "innobridge.directory",
    "innobridge.documents",
    "innobridge.programmes",
    "innobridge.matching",
    "innobridge.meetings",
    "innobridge.pipeline",
    "innobridge.jobs",
    "innobridge.ops",
    "innobridge.front",
    "innobridge.api",
    "innobridge.audit",
    "innobridge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "innobridge.lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "innobridge.lib.script.ReaderScriptMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "innobridge.audit.middleware.AuditMiddleware",
    "innobridge.lib.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "innobridge.urls"
WSGI_APPLICATION = "innobridge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "innobridge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "innobridge.accounts.context_processors.roles",
            ],
        },
    },
]


def _database_config() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "innobridge.sqlite3"),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"},
        }
    if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://, got {url.split(':')[0]!r}"
        )
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    return config


DATABASES = {"default": _database_config()}

# A per-process memory cache, for page fragments keyed by the data version (the directory's result
# cards): nothing in it needs sharing between workers, and a stale key is never read again.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "innobridge-fragments",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME", "test_innobridge")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "front:home"

# Languages: URL prefixes /en/, /zh-hant/, /zh-hans/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date and time style per language (innobridge/formats): "18 Oct 2023, 09:00", "2023年10月18日 09:00".
FORMAT_MODULE_PATH = ["innobridge.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Hong_Kong")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "innobridge" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))

# Sign-in throttling: this many failures within the window lock an account, and separately an
# address, until the oldest failure leaves the window. Behind a reverse proxy, set the number of
# proxies whose X-Forwarded-For entries are trusted, or every client shares the proxy's address.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)  # per user name and address
PASSWORD_RESET_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_LIMIT_PER_EMAIL", 3)  # e-mails per hour
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)  # requests per hour and client
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)  # seconds a reset link stays valid
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)  # per address, any user names
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Production (DEBUG false): HTTPS only, HSTS, secure cookies. Each can be relaxed by its variable
# (e.g. SECURE_SSL_REDIRECT=false when a proxy already redirects, for a loopback load test).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script anywhere; styles may be inline (charts are server-rendered SVG).
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'",
)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "innobridge@localhost")
# The address links in notice e-mails start with (the site as its users reach it).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
# Where a newly confirmed account goes next: joining an organisation.
SIGNUP_NEXT_URL = "directory:join"
SIGNUP_LIMIT_PER_ADDRESS = env_int("SIGNUP_LIMIT_PER_ADDRESS", 10)  # sign-ups per hour and client

PAGE_SIZE = env_int("PAGE_SIZE", 25)
if PAGE_SIZE < 1:
    raise ImproperlyConfigured("PAGE_SIZE must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Where the demo loader looks for source documents (the seed press release) for provenance.
SEEDS_DIR = Path(env_str("INNOBRIDGE_SEEDS_DIR", str(BASE_DIR.parent / "shared" / "seeds")))

# Sentence encoder for semantic matching: "use" (Universal Sentence Encoder multilingual),
# "e5" (multilingual-e5-small), "use+e5" (both, calibrated shares; ~25x slower to encode, see the
# README benchmark figures), or "none" for lexical matching only.
MATCHING_ENCODER = env_str("MATCHING_ENCODER", "use")
# Where built matching indexes are kept, shared by the worker processes of one server.
INDEX_DIR = Path(env_str("INNOBRIDGE_INDEX_DIR", str(DATA_DIR / "index")))

# Largest document accepted for ingestion, in bytes (default 20 MB).
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 20 * 1024 * 1024)
# Matching indexes: how often a worker re-counts the rows behind its in-memory index even when
# the index version says nothing changed, and how many changed documents go into the delta
# segment before the index is rebuilt in full.
MATCHING_VERIFY_SECONDS = env_int("MATCHING_VERIFY_SECONDS", 300)
# Pages read the nightly batch's suggestions (innobridge match-batch) only while it is younger than
# this, and while no live record of the other side changed after it started.
MATCHING_BATCH_MAX_AGE_HOURS = env_int("MATCHING_BATCH_MAX_AGE_HOURS", 36)
MATCHING_MERGE_AT = env_int("MATCHING_MERGE_AT", 5000)
# Background jobs: "thread" (a runner thread in the web process; default, no extra server),
# "worker" (only `innobridge worker` processes run jobs: several servers), "eager" (tests).
JOBS_MODE = env_str("JOBS_MODE", "thread")
if JOBS_MODE not in {"thread", "worker", "eager"}:
    raise ImproperlyConfigured(f"JOBS_MODE must be thread, worker or eager, got {JOBS_MODE!r}")
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 600)
