"""Settings, all read from the environment, by concern.

With nothing configured the project runs on its embedded default: a SQLite file under
`var/`, a local-memory cache and Celery tasks executed eagerly in-process. Setting
`DATABASE_URL` and `REDIS_URL` switches to PostgreSQL and a real broker; production is
switched by the environment, never by another settings file. The desk's own settings
(`FACTCHECK_*`) are one typed object declared in factcheck/config.py. docs/configuration.md
lists every variable.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from factcheck.config import Config
from factcheck.environment import BASE_DIR, VAR_DIR, env, secret
from factcheck.logs import logging_config

# --- Django core ---------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    # The admin's theme (django-unfold): before django.contrib.admin, whose templates it
    # overrides; its simple-history app styles the history pages.
    "unfold",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The sitemap of the public fact-check pages (its view renders the app's template).
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_prometheus",
    "simple_history",
    "axes",
    "claims",
    "reviews",
    "factcheck",
]

MIDDLEWARE = [
    # Outermost, so request counts and latency include every other middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Before the rest, so their log lines and every response carry the request id.
    "factcheck.logs.RequestIDMiddleware",
    "factcheck.errors.NullCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets history records name the signed-in user behind an admin edit.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so a view's database outage becomes 503 before anything else sees it.
    "factcheck.errors.DatabaseUnavailableMiddleware",
    # Turns a login refused for a lockout into the lockout answer (last, as its docs say).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' templates: the few of django-unfold's that the desk adapts.
        "DIRS": [BASE_DIR / "factcheck" / "templates"],
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

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))

# Admin shows every version of a claim, review item and verdict, but never reverts to one:
# a revert would write the row around the services (factcheck.admin_history).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Database and cache --------------------------------------------------------------------
# DATABASE_URL_FILE / REDIS_URL_FILE: the URLs carry passwords, so they may come from secrets.
_DATABASE_URL = secret("DATABASE_URL", default="")
# The embedded default: no database server, so a local first look on this machine.
_EMBEDDED = not _DATABASE_URL
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

# Redis is the broker, the result store and the cache.
REDIS_URL = secret("REDIS_URL", default="") or ""
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery --------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # A host named, or kombu warns on every command that it assumed one.
    CELERY_BROKER_URL = "memory://localhost/"
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
# Celery closes Django's database connection around every task unless told to reuse it;
# reconnecting costs more than a short task. Django's CONN_MAX_AGE and health checks still
# retire old or broken connections.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Queues by kind of work, each with its own workers (deploy/Procfile, deploy/compose.yaml).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.feed_poll": {"queue": "ingestion"},
    "claims.tasks.article_fetch": {"queue": "ingestion"},
    "reviews.tasks.claimreviews_import": {"queue": "ingestion"},
    "claims.tasks.article_extract": {"queue": "extraction"},
    "reviews.tasks.claims_match": {"queue": "matching"},
    "reviews.tasks.claims_match_pending": {"queue": "matching"},
    "reviews.tasks.webhook_deliver": {"queue": "webhooks"},
    "reviews.tasks.evidence_archive": {"queue": "ingestion"},
}

# Publishing to a broker that is down fails fast instead of holding a request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers reconnect to a broker that went away for as long as it takes (None: forever).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = (
    env.int("CELERY_BROKER_CONNECTION_MAX_RETRIES", default=0) or None
)
# A task running when the broker connection drops is redelivered anyway (late ack): stop it
# rather than finish it twice. Tasks are idempotent either way.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
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

# --- Security ------------------------------------------------------------------------------
SECRET_KEY = secret("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG"
    elif _EMBEDDED:
        # A local first look (the embedded database on this machine): a random key, made once
        # and kept beside the database, so sessions and the commands work with no set-up.
        _KEY_FILE = VAR_DIR / "secret_key"
        if not _KEY_FILE.exists():
            _KEY_FILE.touch(mode=0o600)
            _KEY_FILE.write_text(secrets.token_urlsafe(50))
        SECRET_KEY = _KEY_FILE.read_text().strip()
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off."
        )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Behind a TLS-terminating proxy: DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO makes
# Django trust that header's "https" (only set it when the proxy always overwrites it).
_PROXY_SSL_HEADER = env.str("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and scrapers talk plain HTTP to the process, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload is a promise to browsers; set false until the whole domain serves HTTPS only.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- The desk's own settings: FACTCHECK_*, each under its variable's name -----------------
# Declared, typed and checked in factcheck/config.py; named here so that code (and mypy)
# reads them as `settings.FACTCHECK_<NAME>`.
_config = Config.from_environment(env)
FACTCHECK_CLAIM_THRESHOLD = _config.claim_threshold
FACTCHECK_CHECKWORTHINESS_MODEL = _config.checkworthiness_model
FACTCHECK_ATTRIBUTION_MODEL = _config.attribution_model
FACTCHECK_CHECKWORTHINESS_MINILM_PATH = _config.checkworthiness_minilm_path
FACTCHECK_MODEL_DIR = _config.model_dir
FACTCHECK_EMBEDDING_PRECISION = _config.embedding_precision
FACTCHECK_CHECKWORTHINESS_PRECISION = _config.checkworthiness_precision
FACTCHECK_SENTENCE_SCORES_DAYS = _config.sentence_scores_days
FACTCHECK_FETCH_TIMEOUT = _config.fetch_timeout
FACTCHECK_FETCH_DEADLINE = _config.fetch_deadline
FACTCHECK_API_FETCH_DEADLINE = _config.api_fetch_deadline
FACTCHECK_FETCH_MAX_BYTES = _config.fetch_max_bytes
FACTCHECK_FETCH_MAX_REDIRECTS = _config.fetch_max_redirects
FACTCHECK_FETCH_ALLOWED_NETWORKS = _config.fetch_allowed_networks
FACTCHECK_USER_AGENT = _config.user_agent
FACTCHECK_MAX_INPUT_BYTES = _config.max_input_bytes
FACTCHECK_REQUEUE_AFTER_SECONDS = _config.requeue_after_seconds
FACTCHECK_MATCH_MERGE_THRESHOLD = _config.match_merge_threshold
FACTCHECK_MATCH_SUGGEST_THRESHOLD = _config.match_suggest_threshold
FACTCHECK_MATCH_SEMANTIC_WEIGHT = _config.match_semantic_weight
FACTCHECK_MATCH_SEMANTIC = _config.match_semantic
FACTCHECK_MATCH_BATCH_SIZE = _config.match_batch_size
FACTCHECK_MATCH_GATHER = _config.match_gather
FACTCHECK_MATCH_GATHER_SECONDS = _config.match_gather_seconds
FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS = _config.match_requeue_after_seconds
FACTCHECK_MATCH_COPY_SECONDS = _config.match_copy_seconds
FACTCHECK_SEARCH_MIN_SCORE = _config.search_min_score
FACTCHECK_SEARCH_WARM_UP = _config.search_warm_up
FACTCHECK_CLAIMREVIEW_URLS = _config.claimreview_urls
FACTCHECK_MIN_SOURCES = _config.min_sources
FACTCHECK_HOLD_SECONDS = _config.hold_seconds
FACTCHECK_QUEUE_RECENCY_HOURS = _config.queue_recency_hours
FACTCHECK_QUEUE_RECENCY_WEIGHT = _config.queue_recency_weight
FACTCHECK_QUEUE_REPEAT_WEIGHT = _config.queue_repeat_weight
FACTCHECK_ARCHIVE_RETRY_SECONDS = _config.archive_retry_seconds
FACTCHECK_ARCHIVE_MAX_ATTEMPTS = _config.archive_max_attempts
FACTCHECK_ORGANIZATION_NAME = _config.organization_name
FACTCHECK_ORGANIZATION_URL = _config.organization_url
FACTCHECK_FACT_CHECK_URL = _config.fact_check_url
FACTCHECK_SITE_URL = _config.site_url
FACTCHECK_API_RATE = _config.api_rate
FACTCHECK_API_SEARCH_RATE = _config.api_search_rate
FACTCHECK_API_SUBMIT_RATE = _config.api_submit_rate
FACTCHECK_API_MAX_BODY_BYTES = _config.api_max_body_bytes
FACTCHECK_API_CACHE_SECONDS = _config.api_cache_seconds
FACTCHECK_WEBHOOK_TIMEOUT = _config.webhook_timeout
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = _config.webhook_max_attempts
FACTCHECK_WEBHOOK_BACKOFF_SECONDS = _config.webhook_backoff_seconds
FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN = _config.webhook_max_endpoints_per_token
FACTCHECK_WEBHOOK_MAX_IN_FLIGHT = _config.webhook_max_in_flight
FACTCHECK_WEBHOOK_BREAKER_FAILURES = _config.webhook_breaker_failures
FACTCHECK_WEBHOOK_BREAKER_SECONDS = _config.webhook_breaker_seconds
FACTCHECK_LOG_FORMAT = _config.log_format
FACTCHECK_METRICS_DATABASE = _config.metrics_database
FACTCHECK_METRICS_ALLOWED_NETWORKS = _config.metrics_allowed_networks
FACTCHECK_METRICS_TOKEN = _config.metrics_token
FACTCHECK_WORKER_METRICS_PORT = _config.worker_metrics_port
FACTCHECK_METRICS_NETWORKS = _config.metrics_networks

# --- Email: notifications (reviews/services/notifications.py), sent by a Celery task --------
FACTCHECK_EMAIL_HOST = _config.email_host
FACTCHECK_EMAIL_PORT = _config.email_port
FACTCHECK_EMAIL_HOST_USER = _config.email_host_user
FACTCHECK_EMAIL_HOST_PASSWORD = _config.email_host_password
FACTCHECK_EMAIL_SECURITY = _config.email_security
FACTCHECK_EMAIL_FROM = _config.email_from
FACTCHECK_EMAIL_TIMEOUT = _config.email_timeout
# Django's own names for them: its email backend reads these.
if _config.email_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = _config.email_host
EMAIL_PORT = _config.email_port
EMAIL_HOST_USER = _config.email_host_user
EMAIL_HOST_PASSWORD = _config.email_host_password
EMAIL_USE_TLS = _config.email_security == "starttls"
EMAIL_USE_SSL = _config.email_security == "ssl"
EMAIL_TIMEOUT = _config.email_timeout
DEFAULT_FROM_EMAIL = SERVER_EMAIL = _config.email_from

# Outbound requests and webhook attempts end before a task's soft time limit: one cut short
# by the limit would record nothing.
if (
    max(_config.fetch_deadline, _config.webhook_timeout, _config.email_timeout)
    >= CELERY_TASK_SOFT_TIME_LIMIT
):
    raise ImproperlyConfigured(
        "FACTCHECK_FETCH_DEADLINE, FACTCHECK_WEBHOOK_TIMEOUT and FACTCHECK_EMAIL_TIMEOUT must be "
        "below CELERY_TASK_SOFT_TIME_LIMIT."
    )

# --- Admin login: failed attempts limited per user and per address (django-axes) ---------
AUTHENTICATION_BACKENDS = [
    "factcheck.auth.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
FACTCHECK_LOGIN_FAILURE_LIMIT = _config.login_failure_limit
FACTCHECK_LOGIN_LOCKOUT_MINUTES = _config.login_lockout_minutes
AXES_FAILURE_LIMIT = FACTCHECK_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=FACTCHECK_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# More tries during a lockout do not extend it: it ends when it says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address. Behind a proxy, DJANGO_CLIENT_IP_HEADER names the header it sets
# (HTTP_X_FORWARDED_FOR) and DJANGO_CLIENT_IP_PROXY_COUNT how many proxies listed in it come
# after the client: 0 for one proxy that appends the address it sees (nginx's
# $proxy_add_x_forwarded_for), one more for each proxy in front of that. Entries a client
# writes itself come first and are not taken for its address. Never set the header without
# a proxy that sets it, or any client can claim any address.
_CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_COUNT: int | None = None
if _CLIENT_IP_HEADER:
    AXES_IPWARE_META_PRECEDENCE_ORDER = (_CLIENT_IP_HEADER, "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_CLIENT_IP_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_ORDER = "left-most"

# --- The admin's theme (django-unfold) ------------------------------------------------------
# "View site" goes to the organization's site.
UNFOLD = {
    "SITE_TITLE": "Fact-check desk",
    "SITE_HEADER": "Fact-check desk",
    "SITE_URL": FACTCHECK_ORGANIZATION_URL,
    "SITE_SYMBOL": "fact_check",
    "SHOW_HISTORY": True,
    "STYLES": ["factcheck.theme.stylesheet"],
    # The admin's index is each user's start page (reviews/start.py).
    "DASHBOARD_CALLBACK": "reviews.admin.start.dashboard_callback",
}
# Unfold's login form carries no "next" field: signing in at /admin/login/ itself lands on
# Django's default, /accounts/profile/, which the desk does not serve.
LOGIN_REDIRECT_URL = "admin:index"

# --- Observability -------------------------------------------------------------------------
LOGGING = logging_config(
    log_format=_config.log_format, level=env.str("DJANGO_LOG_LEVEL", default="INFO")
)
# Query counts, latencies and errors per database (django-prometheus wraps the backend).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _config.metrics_database:
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per token; the scopes name the throttles of the API's views.
    "DEFAULT_THROTTLE_RATES": {
        "read": _config.api_rate,
        "search": _config.api_search_rate,
        "submit": _config.api_submit_rate,
    },
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
        "StanceEnum": "reviews.models.EvidenceSource.Stance",
    },
}
# Django refuses bodies over its own limit (2.5 MiB) first, with a bare "Bad Request": it must
# not be the lower one.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(_config.api_max_body_bytes, 2_621_440)
