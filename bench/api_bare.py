"""Settings for bench/api.py: the project's settings, with the bare view of
bench/api_bare_urls.py mounted beside the API."""

from __future__ import annotations

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_bare_urls"
