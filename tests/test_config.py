"""The FACTCHECK_* settings: typed, checked against their declared bounds at start-up."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from factcheck.config import PREFIX, Config
from factcheck.environment import StrictEnv


def _config(**variables: str) -> Config:
    env = StrictEnv()
    env.ENVIRON = {PREFIX + name: value for name, value in variables.items()}
    return Config.from_environment(env)


def test_nothing_set_gives_the_declared_defaults() -> None:
    assert _config() == Config()


def test_values_are_parsed_by_their_declared_type() -> None:
    config = _config(
        CLAIM_THRESHOLD="0.7",
        HOLD_SECONDS="60",
        SEARCH_WARM_UP="false",
        MODEL_DIR="/srv/models",
        CLAIMREVIEW_URLS="https://a.example/feed, https://b.example/feed",
    )

    assert config.claim_threshold == 0.7 and config.hold_seconds == 60
    assert config.search_warm_up is False and config.model_dir == Path("/srv/models")
    assert config.claimreview_urls == ("https://a.example/feed", "https://b.example/feed")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLAIM_THRESHOLD", "1.5", "must be at most 1.0"),
        ("CLAIM_THRESHOLD", "high", "is not valid"),
        ("ARCHIVE_RETRY_SECONDS", "10", "must be at least 60"),
        ("QUEUE_RECENCY_HOURS", "0", "must be above 0"),
        ("WORKER_METRICS_PORT", "70000", "must be at most 65535"),
        ("LOG_FORMAT", "xml", "must be one of json, text"),
        ("SEARCH_WARM_UP", "maybe", "is not a boolean"),
        ("FETCH_ALLOWED_NETWORKS", "10.0.0.0/33", "does not appear to be"),
        ("API_SEARCH_RATE", "lots", "count per period"),
        ("FACT_CHECK_URL", "https://example.org/{slug}/", "only {id} may stand"),
    ],
)
def test_a_bad_value_stops_start_up_naming_its_variable(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"{PREFIX}{name}") as caught:
        _config(**{name: value})

    assert message in str(caught.value)


def test_the_suggestion_threshold_may_not_exceed_the_merge_threshold() -> None:
    with pytest.raises(ImproperlyConfigured, match="MATCH_SUGGEST_THRESHOLD"):
        _config(MATCH_SUGGEST_THRESHOLD="0.7", MATCH_MERGE_THRESHOLD="0.6")


def test_every_field_is_a_django_setting_of_its_variable_name_and_nothing_else_is() -> None:
    names = {PREFIX + field.name.upper() for field in dataclasses.fields(Config)}
    published = {name for name in dir(settings) if name.startswith(PREFIX)}

    assert published - names == {f"{PREFIX}METRICS_NETWORKS"}  # derived from the allowed ones
    assert names <= published
