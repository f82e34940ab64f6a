"""Settings, all read from the environment.

With nothing configured the project runs on its embedded default: a SQLite file under
`var/` and Celery tasks executed eagerly in-process. Setting `DATABASE_URL` and
`REDIS_URL` switches to PostgreSQL and a real broker; production is switched by the
environment, never by another settings file.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from factcheck.logs import logging_config

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
# DATABASE_URL_FILE / REDIS_URL_FILE: the URLs carry passwords, so they may come from secrets.
_DATABASE_URL = secret("DATABASE_URL", default="")
if _DATABASE_URL:
    DATABASES = {"default": env.db_url_config(_DATABASE_URL)}
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
REDIS_URL = secret("REDIS_URL", default="") or ""
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
# Admin shows every version of a claim, review item and verdict, but never reverts to one:
# a revert would write the row around the services (factcheck.admin_history).
SIMPLE_HISTORY_REVERT_DISABLED = True
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
# Outbound requests (claims/outbound.py): TIMEOUT bounds connecting and each read; DEADLINE
# bounds a whole fetch (resolution, every redirect hop, headers and body) by the wall clock,
# so a peer that trickles bytes cannot hold a worker until the task's time limit.
FACTCHECK_FETCH_TIMEOUT = env.float("FACTCHECK_FETCH_TIMEOUT", default=10.0)
FACTCHECK_FETCH_DEADLINE = env.float("FACTCHECK_FETCH_DEADLINE", default=30.0)
if not 0 < FACTCHECK_FETCH_TIMEOUT <= FACTCHECK_FETCH_DEADLINE < CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "FACTCHECK_FETCH_TIMEOUT must be positive and at most FACTCHECK_FETCH_DEADLINE, which "
        "must be below CELERY_TASK_SOFT_TIME_LIMIT (a fetch cut short by the task's limit "
        "records nothing)."
    )
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


# --- Production: metrics, logs, errors, security (issue 7) ----------------------------------
INSTALLED_APPS += ["django_prometheus", "factcheck"]
MIDDLEWARE = [
    # Outermost, so request counts and latency include every other middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Before the rest, so their log lines and every response carry the request id.
    "factcheck.logs.RequestIDMiddleware",
    "factcheck.errors.NullCharactersMiddleware",
    *MIDDLEWARE,
    # Innermost, so a view's database outage becomes 503 before anything else sees it.
    "factcheck.errors.DatabaseUnavailableMiddleware",
    # Turns a login refused for a lockout into the lockout answer (last, as its docs say).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# Query counts, latencies and errors per database (django-prometheus wraps the backend).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "FACTCHECK_METRICS_DATABASE", default=True
):
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
# Who may scrape /metrics: these networks (by socket address), or anyone with the token.
FACTCHECK_METRICS_ALLOWED_NETWORKS = env.list(
    "FACTCHECK_METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"]
)
try:
    FACTCHECK_METRICS_NETWORKS = [
        ipaddress.ip_network(network, strict=False)
        for network in FACTCHECK_METRICS_ALLOWED_NETWORKS
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"FACTCHECK_METRICS_ALLOWED_NETWORKS: {exc}") from exc
FACTCHECK_METRICS_TOKEN = secret("FACTCHECK_METRICS_TOKEN", default="") or ""
# Celery workers serve their metrics on this port (0: off); see deploy/entrypoint.sh.
FACTCHECK_WORKER_METRICS_PORT = env.int("FACTCHECK_WORKER_METRICS_PORT", default=0)
# One JSON object a line for log shippers, or text for a terminal; both carry request and
# task ids (factcheck/logs.py).
FACTCHECK_LOG_FORMAT = env.str("FACTCHECK_LOG_FORMAT", default="text")
if FACTCHECK_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"FACTCHECK_LOG_FORMAT={FACTCHECK_LOG_FORMAT!r}: use json or text")
LOGGING = logging_config(
    log_format=FACTCHECK_LOG_FORMAT, level=env.str("DJANGO_LOG_LEVEL", default="INFO")
)

# --- Production: HTTPS and cookies (issue 7) ---
# Behind a TLS-terminating proxy: DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO makes
# Django trust that header's "https" (only set it when the proxy always overwrites it).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and scrapers talk plain HTTP to the process, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload is a promise to browsers; set false until the whole domain serves HTTPS only.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
_PROXY_SSL_HEADER = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Admin login: failed attempts are limited per user and per address (django-axes) ---
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "factcheck.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After this many failed logins a username, and separately an address, is refused for
# FACTCHECK_LOGIN_LOCKOUT_MINUTES (then it may try again); a success resets the count.
AXES_FAILURE_LIMIT = env.int("FACTCHECK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("FACTCHECK_LOGIN_LOCKOUT_MINUTES", default=15))
if AXES_FAILURE_LIMIT < 1 or not AXES_COOLOFF_TIME.total_seconds() > 0:
    raise ImproperlyConfigured(
        "FACTCHECK_LOGIN_FAILURE_LIMIT must be at least 1 and FACTCHECK_LOGIN_LOCKOUT_MINUTES "
        "positive."
    )
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# More tries during a lockout do not extend it: it ends when it says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address. Behind a proxy, DJANGO_CLIENT_IP_HEADER names the header it sets
# (HTTP_X_FORWARDED_FOR) and DJANGO_CLIENT_IP_PROXY_COUNT how many proxies listed in it come
# after the client: 0 for one proxy that appends the address it sees (nginx's
# $proxy_add_x_forwarded_for), one more for each proxy in front of that. Entries a client
# adds itself come first and are not taken for its address. Never set the header without a
# proxy that sets it, or any client can claim any address.
_CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
if _CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (_CLIENT_IP_HEADER, "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_CLIENT_IP_PROXY_COUNT", default=0)
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_IPWARE_PROXY_ORDER = "left-most"

# --- Production: broker resilience and queues (issue 7) ---
# An unacked message comes back after this; it must exceed the longest task, or a task
# still running is delivered to a second worker.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int(
    "CELERY_BROKER_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 4
)
if CELERY_BROKER_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "CELERY_BROKER_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT, or running tasks "
        "are delivered twice."
    )
CELERY_BROKER_RESTORE_INTERVAL = env.int("CELERY_BROKER_RESTORE_INTERVAL", default=10)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # A dead Redis is noticed in seconds, not after the kernel's TCP timeout.
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 25,
    # How often a worker looks for messages whose worker died unacknowledged (kombu's default
    # scan is every 100 s); such a message comes back visibility_timeout after delivery.
    "unacked_restore_interval": CELERY_BROKER_RESTORE_INTERVAL,
    "unacked_restore_throttle": 1,
}
# Workers reconnect to a broker that went away for as long as it takes (None: forever).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = (
    env.int("CELERY_BROKER_CONNECTION_MAX_RETRIES", default=0) or None
)
# A task running when the broker connection drops is redelivered anyway (late ack): stop it
# rather than finish it twice. Tasks are idempotent either way.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Queues by kind of work, each with its own workers (deploy/Procfile, deploy/compose.yaml).
# Routes to tasks that do not exist yet are harmless and keep the deploy files complete.
CELERY_TASK_ROUTES |= {
    "claims.tasks.claims_match": {"queue": "matching"},
    "claims.tasks.claimreviews_import": {"queue": "ingestion"},
    "reviews.tasks.webhook_deliver": {"queue": "webhooks"},
    "reviews.tasks.evidence_archive": {"queue": "ingestion"},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)

# --- Review desk (issue 4) -------------------------------------------------------------------
# Evidence sources whose archiving failed or never ran (broker down) are tried again by a
# periodic sweep once their last attempt is this old, up to this many attempts in all.
FACTCHECK_ARCHIVE_RETRY_SECONDS = env.int("FACTCHECK_ARCHIVE_RETRY_SECONDS", default=3600)
FACTCHECK_ARCHIVE_MAX_ATTEMPTS = env.int("FACTCHECK_ARCHIVE_MAX_ATTEMPTS", default=15)
if FACTCHECK_ARCHIVE_RETRY_SECONDS < 60 or FACTCHECK_ARCHIVE_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "FACTCHECK_ARCHIVE_RETRY_SECONDS must be at least 60 and "
        "FACTCHECK_ARCHIVE_MAX_ATTEMPTS at least 1."
    )

# --- Publishing API (issue 5) ---------------------------------------------------------------
INSTALLED_APPS += ["django_filters", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    # Per token; the scopes name the throttles of the API's views.
    "read": env.str("FACTCHECK_API_RATE", default="1200/min"),
    "search": env.str("FACTCHECK_API_SEARCH_RATE", default="120/min"),
    "submit": env.str("FACTCHECK_API_SUBMIT_RATE", default="120/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check desk API",
    "DESCRIPTION": "Published fact-checks, ClaimReview, search, article submission, webhooks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema and its docs are public; every endpoint they describe needs a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "reviews.models.Verdict.Rating",
        "StanceEnum": "reviews.models.EvidenceSource.Stance",
    },
}
# Who publishes the fact-checks (ClaimReview `author`).
FACTCHECK_ORGANIZATION_NAME = env.str("FACTCHECK_ORGANIZATION_NAME", default="Fact-check desk")
FACTCHECK_ORGANIZATION_URL = env.str("FACTCHECK_ORGANIZATION_URL", default="https://example.org/")
# Where readers see a fact-check ({id} is its number); empty: the desk's public page of it.
FACTCHECK_FACT_CHECK_URL = env.str("FACTCHECK_FACT_CHECK_URL", default="")
try:
    FACTCHECK_FACT_CHECK_URL.format(id=1)
except (KeyError, IndexError, ValueError) as exc:
    # Else every ClaimReview, feed item and webhook payload would fail, as a 500.
    raise ImproperlyConfigured(
        f"FACTCHECK_FACT_CHECK_URL={FACTCHECK_FACT_CHECK_URL!r}: only {{id}} may stand in "
        f"braces ({type(exc).__name__}: {exc})"
    ) from exc
# This site's address, for absolute links where there is no request (webhook payloads).
FACTCHECK_SITE_URL = env.str("FACTCHECK_SITE_URL", default="http://localhost:8000")
# POST articles/ with only a URL fetches it while the client waits, for at most this long
# (a slower page is fetched by a worker with FACTCHECK_FETCH_DEADLINE): a web process is
# not to be held by a slow page.
FACTCHECK_API_FETCH_DEADLINE = env.float("FACTCHECK_API_FETCH_DEADLINE", default=5.0)
if not 0 < FACTCHECK_API_FETCH_DEADLINE <= FACTCHECK_FETCH_DEADLINE:
    raise ImproperlyConfigured(
        "FACTCHECK_API_FETCH_DEADLINE must be positive and at most FACTCHECK_FETCH_DEADLINE."
    )
# Largest JSON body POST articles/ accepts (a larger one gets 413).
FACTCHECK_API_MAX_BODY_BYTES = env.int("FACTCHECK_API_MAX_BODY_BYTES", default=5 * 1024 * 1024)
# Django refuses bodies over its own limit (2.5 MiB) first, with a bare "Bad Request": it must
# not be the lower one.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(FACTCHECK_API_MAX_BODY_BYTES, 2_621_440)
# Cache whole API answers this long (0: off); publishing or correcting empties it.
FACTCHECK_API_CACHE_SECONDS = env.int("FACTCHECK_API_CACHE_SECONDS", default=0)
# Wall-clock seconds one delivery attempt may take in all (connect, headers, answer).
FACTCHECK_WEBHOOK_TIMEOUT = env.float("FACTCHECK_WEBHOOK_TIMEOUT", default=10.0)
if not 0 < FACTCHECK_WEBHOOK_TIMEOUT < CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(
        "FACTCHECK_WEBHOOK_TIMEOUT must be positive and below CELERY_TASK_SOFT_TIME_LIMIT."
    )
# Endpoints one API token may register.
FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN = env.int(
    "FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN", default=10
)
# Deliveries of one endpoint sent at once; the rest wait, so a slow endpoint holds at most
# this many webhook workers.
FACTCHECK_WEBHOOK_MAX_IN_FLIGHT = env.int("FACTCHECK_WEBHOOK_MAX_IN_FLIGHT", default=2)
# Circuit breaker: after this many failed attempts in a row an endpoint is paused this long.
FACTCHECK_WEBHOOK_BREAKER_FAILURES = env.int("FACTCHECK_WEBHOOK_BREAKER_FAILURES", default=5)
FACTCHECK_WEBHOOK_BREAKER_SECONDS = env.int("FACTCHECK_WEBHOOK_BREAKER_SECONDS", default=600)
if (
    min(
        FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN,
        FACTCHECK_WEBHOOK_MAX_IN_FLIGHT,
        FACTCHECK_WEBHOOK_BREAKER_FAILURES,
        FACTCHECK_WEBHOOK_BREAKER_SECONDS,
    )
    < 1
):
    raise ImproperlyConfigured(
        "FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN, _MAX_IN_FLIGHT, _BREAKER_FAILURES and "
        "_BREAKER_SECONDS must be at least 1."
    )
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = env.int("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", default=8)
# Wait before retry n is this times 2**(n-1): 30 s, 1 min, 2 min, … about 1 h before giving up.
FACTCHECK_WEBHOOK_BACKOFF_SECONDS = env.float("FACTCHECK_WEBHOOK_BACKOFF_SECONDS", default=30.0)
if FACTCHECK_WEBHOOK_MAX_ATTEMPTS < 1 or FACTCHECK_WEBHOOK_BACKOFF_SECONDS <= 0:
    raise ImproperlyConfigured("Webhook attempts must be at least 1 and backoff positive.")

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
# GET /api/v1/search/: a matcher score under this is noise, not an answer. Lower than the
# suggestion threshold: a searcher's question ("Did X really ...?") is worded unlike the claim.
FACTCHECK_SEARCH_MIN_SCORE = env.float("FACTCHECK_SEARCH_MIN_SCORE", default=0.25)
if not 0.0 <= FACTCHECK_SEARCH_MIN_SCORE <= 1.0:
    raise ImproperlyConfigured("FACTCHECK_SEARCH_MIN_SCORE must lie between 0 and 1.")
# Arithmetic of the transformer models (matching embeddings, the MiniLM check-worthiness
# model): `auto` is bfloat16 on CPUs that have it (AVX-512 BF16, AMX), 2-5x faster with
# cosines within 0.002 and probabilities within 0.006 of float32's; float32 elsewhere.
FACTCHECK_EMBEDDING_PRECISION = env.str("FACTCHECK_EMBEDDING_PRECISION", default="auto")
if FACTCHECK_EMBEDDING_PRECISION not in ("auto", "float32", "bfloat16"):
    raise ImproperlyConfigured("FACTCHECK_EMBEDDING_PRECISION must be auto, float32 or bfloat16.")
# Each web process builds the fact-check index (and loads the embedding model) in the
# background as it starts, so the first search does not wait seconds for both.
FACTCHECK_SEARCH_WARM_UP = env.bool("FACTCHECK_SEARCH_WARM_UP", default=True)
# GET /api/v1/search/ may answer from a fact-check index this many seconds behind the database
# (checking for new fact-checks costs two aggregate queries; matching always checks).
FACTCHECK_SEARCH_INDEX_MAX_AGE = env.float("FACTCHECK_SEARCH_INDEX_MAX_AGE", default=1.0)
FACTCHECK_MATCH_BATCH_SIZE = env.int("FACTCHECK_MATCH_BATCH_SIZE", default=100)
if FACTCHECK_MATCH_BATCH_SIZE < 1:
    raise ImproperlyConfigured("FACTCHECK_MATCH_BATCH_SIZE must be at least 1.")
# ClaimReview feeds (JSON-LD, a list, JSON lines or a DataCommons feed) re-imported by beat.
FACTCHECK_CLAIMREVIEW_URLS = env.list("FACTCHECK_CLAIMREVIEW_URLS", default=[])
CELERY_TASK_ROUTES["claims.tasks.claims_match_pending"] = {"queue": "matching"}

# --- Check-worthiness model choice (issue 3, the optional MiniLM model) ---------------------
# "linear" (default): the fast model. "minilm": the fine-tuned MiniLM model, which needs the
# 'semantic' extra and scores ~270x slower; workers fall back to linear if it cannot load.
FACTCHECK_CHECKWORTHINESS_MODEL = env.str("FACTCHECK_CHECKWORTHINESS_MODEL", default="linear")
if FACTCHECK_CHECKWORTHINESS_MODEL not in ("linear", "minilm"):
    raise ImproperlyConfigured("FACTCHECK_CHECKWORTHINESS_MODEL must be 'linear' or 'minilm'.")
# Another MiniLM artefact (.npz beside its .json, from `train_checkworthiness --model minilm`);
# empty: the one the package ships.
FACTCHECK_CHECKWORTHINESS_MINILM_PATH = env.str("FACTCHECK_CHECKWORTHINESS_MINILM_PATH", default="")
