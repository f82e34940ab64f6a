"""Settings for the test suite: the real services, never the embedded defaults."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
# The PostgreSQL with pgvector that `make pgvector` starts (tests/pgvector_server.py).
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5433/factcheck")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# Set before the settings read them, so they pass the same checks as any other value (and the
# workers and servers the suite starts inherit them).
os.environ.update(
    {
        # The suite's web server listens on loopback, which production fetching refuses.
        "FACTCHECK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
        # Retries of failed webhook deliveries come within seconds in the suite.
        "FACTCHECK_WEBHOOK_BACKOFF_SECONDS": "0.5",
        "FACTCHECK_WEBHOOK_TIMEOUT": "5.0",
    }
)

# Most tests are about the pipeline and the desk, not the model: the fast linear one scores
# there (the default, "auto", would load MiniLM in every worker); tests of the cascade ask for it.
os.environ.setdefault("FACTCHECK_CHECKWORTHINESS_MODEL", "linear")

from factcheck.settings import *  # noqa: E402,F403
from factcheck.settings import DATABASES, REDIS_URL  # noqa: E402

if not DATABASES["default"]["ENGINE"].endswith(".postgresql") or not REDIS_URL:
    raise ImproperlyConfigured(
        "The tests run against PostgreSQL and Redis: set DATABASE_URL and REDIS_URL."
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client speaks plain HTTP; production redirects it to HTTPS.
SECURE_SSL_REDIRECT = False
