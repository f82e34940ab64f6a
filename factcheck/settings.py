"""Settings, all read from the environment.

With nothing configured the project runs on its embedded default: a SQLite file under
`var/` and Celery tasks executed eagerly in-process. Setting `DATABASE_URL` and
`REDIS_URL` switches to PostgreSQL and a real broker; production is switched by the
environment, never by another settings file.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

_BOOLEAN_WORDS = {"1", "0", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f", ""}


class _StrictEnv(environ.Env):
    """django-environ, but a value that does not parse stops start-up with a clear message."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):  # type: ignore[no-untyped-def]  # noqa: E501
        raw = self.ENVIRON.get(var)
        if cast is bool and raw is not None and raw.strip().lower() not in _BOOLEAN_WORDS:
            raise ImproperlyConfigured(f"{var}={raw!r} is not a boolean (use true or false)")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{var}={raw!r} is not valid: {exc}") from exc


env = _StrictEnv()


def secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return env.str(name, default=default)


DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_celery_beat",
    "simple_history",
    "claims",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets history records name the signed-in user behind an admin edit.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # A query that hangs on a dead server must fail, not hold a worker forever.
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "DATABASE_CONNECT_TIMEOUT", default=5
        )
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "factcheck.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, results, cache ------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    # Embedded default: with no broker, tasks run in-process when enqueued.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False

CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
# Tasks report through the database (article status), not through results nobody reads.
CELERY_TASK_IGNORE_RESULT = env.bool("CELERY_TASK_IGNORE_RESULT", default=True)
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task (OOM, SIGKILL) hands the message back to the broker.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=4)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_TIME_LIMIT.")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the longest task, or an unacked message is redelivered while it runs.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 4,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery closes Django's database connection around every task unless told to reuse it;
# reconnecting costs more than a short task. Django's CONN_MAX_AGE and health checks still
# retire old or broken connections.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.feed_poll": {"queue": "ingestion"},
    "claims.tasks.article_fetch": {"queue": "ingestion"},
    "claims.tasks.article_extract": {"queue": "extraction"},
}
# Publishing to a broker that is down fails fast instead of holding a request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- The desk -----------------------------------------------------------------------------
# Sentences scoring at or above this enter the review queue.
FACTCHECK_CLAIM_THRESHOLD = env.float("FACTCHECK_CLAIM_THRESHOLD", default=0.5)
if not 0.0 <= FACTCHECK_CLAIM_THRESHOLD <= 1.0:
    raise ImproperlyConfigured("FACTCHECK_CLAIM_THRESHOLD must lie between 0 and 1.")
# A verdict needs at least this many evidence sources before it can go to an editor.
FACTCHECK_MIN_SOURCES = env.int("FACTCHECK_MIN_SOURCES", default=2)
# A reviewer's hold on a claim lapses after this long without being submitted.
FACTCHECK_HOLD_SECONDS = env.int("FACTCHECK_HOLD_SECONDS", default=1800)
# Queue order: a claim last seen this many hours later gains as much as the whole 0-1
# check-worthiness range; each doubling of its appearances adds the repeat weight.
FACTCHECK_QUEUE_RECENCY_HOURS = env.float("FACTCHECK_QUEUE_RECENCY_HOURS", default=48.0)
FACTCHECK_QUEUE_REPEAT_WEIGHT = env.float("FACTCHECK_QUEUE_REPEAT_WEIGHT", default=0.25)
if FACTCHECK_QUEUE_RECENCY_HOURS <= 0:
    raise ImproperlyConfigured("FACTCHECK_QUEUE_RECENCY_HOURS must be positive.")
# Retrained check-worthiness models (candidates, and the promoted one) live here.
FACTCHECK_MODEL_DIR = Path(env.str("FACTCHECK_MODEL_DIR", default=str(VAR_DIR / "models")))
FACTCHECK_FETCH_TIMEOUT = env.float("FACTCHECK_FETCH_TIMEOUT", default=10.0)
FACTCHECK_FETCH_MAX_BYTES = env.int("FACTCHECK_FETCH_MAX_BYTES", default=5 * 1024 * 1024)
FACTCHECK_FETCH_MAX_REDIRECTS = env.int("FACTCHECK_FETCH_MAX_REDIRECTS", default=5)
# Fetching refuses hosts that resolve to private, loopback, link-local, metadata and other
# internal addresses (SSRF); these CIDRs are the exceptions, e.g. an intranet CMS.
FACTCHECK_FETCH_ALLOWED_NETWORKS = env.list("FACTCHECK_FETCH_ALLOWED_NETWORKS", default=[])
for _network in FACTCHECK_FETCH_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"FACTCHECK_FETCH_ALLOWED_NETWORKS: {_network!r} is not a network: {exc}"
        ) from exc
FACTCHECK_USER_AGENT = env.str(
    "FACTCHECK_USER_AGENT", default="factcheck-desk/0.1 (+https://example.org/factcheck-desk)"
)
# Raw input larger than this is refused (and recorded as a failed article).
FACTCHECK_MAX_INPUT_BYTES = env.int("FACTCHECK_MAX_INPUT_BYTES", default=5 * 1024 * 1024)
# An article still `received` this long after arriving lost its task (broker down, crash):
# a periodic sweep enqueues it again.
FACTCHECK_REQUEUE_AFTER_SECONDS = env.int("FACTCHECK_REQUEUE_AFTER_SECONDS", default=300)

# --- Internationalisation, static -----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"trafilatura": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)

# --- Claim matching (issue 6) ---------------------------------------------------------------
CELERY_TASK_ROUTES["claims.tasks.claims_match"] = {"queue": "matching"}
CELERY_TASK_ROUTES["claims.tasks.claimreviews_import"] = {"queue": "ingestion"}
# A hybrid score at or above MERGE joins a new claim to a stored claim's cluster; at or above
# SUGGEST the pair (or an existing fact-check) is shown to reviewers instead.
FACTCHECK_MATCH_MERGE_THRESHOLD = env.float("FACTCHECK_MATCH_MERGE_THRESHOLD", default=0.6)
FACTCHECK_MATCH_SUGGEST_THRESHOLD = env.float("FACTCHECK_MATCH_SUGGEST_THRESHOLD", default=0.45)
if not 0.0 < FACTCHECK_MATCH_SUGGEST_THRESHOLD <= FACTCHECK_MATCH_MERGE_THRESHOLD <= 1.0:
    raise ImproperlyConfigured(
        "FACTCHECK_MATCH_SUGGEST_THRESHOLD must be positive and at most "
        "FACTCHECK_MATCH_MERGE_THRESHOLD, which must be at most 1."
    )
# The share of the embedding cosine in the hybrid score (the rest is character n-grams).
FACTCHECK_MATCH_SEMANTIC_WEIGHT = env.float("FACTCHECK_MATCH_SEMANTIC_WEIGHT", default=0.4)
if not 0.0 <= FACTCHECK_MATCH_SEMANTIC_WEIGHT <= 1.0:
    raise ImproperlyConfigured("FACTCHECK_MATCH_SEMANTIC_WEIGHT must lie between 0 and 1.")
# "auto" uses the embedding model when the 'semantic' extra is installed; "off" never does.
FACTCHECK_MATCH_SEMANTIC = env.str("FACTCHECK_MATCH_SEMANTIC", default="auto")
if FACTCHECK_MATCH_SEMANTIC not in ("auto", "off"):
    raise ImproperlyConfigured("FACTCHECK_MATCH_SEMANTIC must be 'auto' or 'off'.")
FACTCHECK_MATCH_BATCH_SIZE = env.int("FACTCHECK_MATCH_BATCH_SIZE", default=100)
if FACTCHECK_MATCH_BATCH_SIZE < 1:
    raise ImproperlyConfigured("FACTCHECK_MATCH_BATCH_SIZE must be at least 1.")
# ClaimReview feeds (JSON-LD, a list, JSON lines or a DataCommons feed) re-imported by beat.
FACTCHECK_CLAIMREVIEW_URLS = env.list("FACTCHECK_CLAIMREVIEW_URLS", default=[])
CELERY_TASK_ROUTES["claims.tasks.claims_match_pending"] = {"queue": "matching"}
