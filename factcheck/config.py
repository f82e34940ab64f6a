"""The desk's own settings (`FACTCHECK_*`): one typed, frozen object read from the environment.

Each field is the variable `FACTCHECK_<FIELD>` (docs/configuration.md lists them), with its
type, default and bounds declared beside it. `Config.from_environment()` parses and checks
them all at start-up: a value out of its bounds stops the process with ImproperlyConfigured
naming the variable, instead of failing later inside a request or a task. The settings module
names every field after its variable, so code reads `settings.FACTCHECK_<FIELD>` (and tests
change one with `override_settings`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from factcheck.environment import VAR_DIR, StrictEnv, secret

PREFIX = "FACTCHECK_"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def knob(
    default: Any,
    *,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    choices: tuple[str, ...] = (),
    check: Callable[[Any], None] | None = None,
    is_secret: bool = False,
) -> Any:
    """A field of Config: its default and what a value must satisfy."""
    return dataclasses.field(
        default=default,
        metadata={
            "ge": ge,
            "gt": gt,
            "le": le,
            "choices": choices,
            "check": check,
            "secret": is_secret,
        },
    )


def _networks(values: tuple[str, ...]) -> None:
    for value in values:
        ipaddress.ip_network(value, strict=False)  # ValueError names the bad one


def _rate(value: str) -> None:
    # As DRF's throttles read a rate: a count, a slash, a period known by its first letter.
    if not re.fullmatch(r"\d+/[smhd][a-z]*", value):
        raise ValueError("use a count per period, e.g. 120/min (s, min, hour or day)")


def _fact_check_url(value: str) -> None:
    # Else every ClaimReview, feed item and webhook payload would fail, as a 500.
    try:
        value.format(id=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"only {{id}} may stand in braces ({type(exc).__name__}: {exc})") from exc


@dataclasses.dataclass(frozen=True)
class Config:
    # --- Pipeline ----------------------------------------------------------------------------
    # Sentences scoring at or above this enter the review queue. Scores are calibrated
    # probabilities (the chance a sentence is check-worthy), so it means the same for every
    # scorer; 0.3 is within 0.003 of the best F1 of both the linear model and the cascade in
    # cross-validation by debate, leaning to recall (docs/extraction.md).
    claim_threshold: float = knob(0.3, ge=0.0, le=1.0)
    # "auto": the cascade when the 'semantic' extra loads, else the linear model (a warning
    # says why). "linear": the fast model alone. "cascade": linear discards the clearly
    # unworthy, the fine-tuned MiniLM model scores the rest. "minilm": MiniLM on every
    # sentence (slowest). Workers fall back to linear, with a warning, if MiniLM cannot load.
    checkworthiness_model: str = knob("auto", choices=("auto", "linear", "cascade", "minilm"))
    # Who said each claim the rules leave without a speaker: "linear", the linear ranker (~2 ms
    # an article); "minilm", the MiniLM scorer when the 'semantic' extra loads, else the linear
    # ranker (PolNeAR dev 0.77 against 0.73, but ~40 ms of CPU and ~33 MiB more a process,
    # which would take the pipeline under 20 articles a second and a worker over 600 MiB).
    attribution_model: str = knob("linear", choices=("linear", "minilm"))
    # Another MiniLM artefact (.npz beside its .json, from `train_checkworthiness --model
    # minilm`); empty: the one the package ships.
    checkworthiness_minilm_path: str = knob("")
    # Retrained check-worthiness models (candidates, and the promoted one) live here.
    model_dir: Path = knob(VAR_DIR / "models")
    # Arithmetic of the matching embeddings: `auto` is bfloat16 where it is fast (AMX, and AMD's
    # AVX-512 BF16), 1.85-5x faster with cosines within 0.002 of float32's; float32 elsewhere.
    # "int8" (the Linear layers dynamically quantised) moves vectors further (dev MAP@5
    # 0.007-0.008 lower; docs/matching.md).
    embedding_precision: str = knob("auto", choices=("auto", "float32", "bfloat16", "int8"))
    # The same for the MiniLM check-worthiness model: bfloat16 keeps its probabilities within
    # 0.006 of float32's; int8 on AVX2 alone is 1.45x faster and 0.006 lower in F1 by debate
    # (docs/extraction.md).
    checkworthiness_precision: str = knob("auto", choices=("auto", "float32", "bfloat16", "int8"))
    # Every sentence's score is kept this long, so that a wire story's copies arriving within
    # it are not read by the model again (~200 bytes a sentence; docs/extraction.md).
    sentence_scores_days: int = knob(7, ge=1)

    # --- Intake: fetching and receiving articles ---------------------------------------------
    # Outbound requests (claims/outbound.py): TIMEOUT bounds connecting and each read; DEADLINE
    # bounds a whole fetch (resolution, every redirect hop, headers and body) by the wall
    # clock, so a peer that trickles bytes cannot hold a worker until the task's time limit.
    fetch_timeout: float = knob(10.0, gt=0)
    fetch_deadline: float = knob(30.0, gt=0)
    # POST articles/ with only a URL fetches it while the client waits, for at most this long
    # (a slower page is fetched by a worker with the full deadline): a slow page must not hold
    # a web process.
    api_fetch_deadline: float = knob(5.0, gt=0)
    fetch_max_bytes: int = knob(5 * 1024 * 1024, ge=1)
    fetch_max_redirects: int = knob(5, ge=0)
    # Fetching refuses hosts that resolve to private, loopback, link-local, metadata and other
    # internal addresses (SSRF); these CIDRs are the exceptions, e.g. an intranet CMS.
    fetch_allowed_networks: tuple[str, ...] = knob((), check=_networks)
    user_agent: str = knob("factcheck-desk/0.1 (+https://example.org/factcheck-desk)")
    # Raw input larger than this is refused (and recorded as a failed article).
    max_input_bytes: int = knob(5 * 1024 * 1024, ge=1)
    # An article still `received` this long after arriving lost its task (broker down, crash):
    # a periodic sweep enqueues it again.
    requeue_after_seconds: int = knob(300, ge=1)

    # --- Matching ----------------------------------------------------------------------------
    # A hybrid score at or above MERGE joins a new claim to a stored claim's cluster; at or
    # above SUGGEST the pair (or an existing fact-check) is shown to reviewers instead.
    match_merge_threshold: float = knob(0.6, gt=0.0, le=1.0)
    match_suggest_threshold: float = knob(0.45, gt=0.0, le=1.0)
    # The share of the embedding cosine in the hybrid score (the rest is character n-grams).
    match_semantic_weight: float = knob(0.4, ge=0.0, le=1.0)
    # "auto" uses the embedding model when the 'semantic' extra is installed; "off" never does.
    match_semantic: str = knob("auto", choices=("auto", "off"))
    match_batch_size: int = knob(100, ge=1)
    # A matching task places, with its own claims, others still waiting for theirs (up to the
    # batch size), so that under load a batch costs fewer statements a claim (PostgreSQL only);
    # it may start this long after its claims are stored, so that the claims of the articles
    # extracted meanwhile wait for it too.
    match_gather: bool = knob(False)
    match_gather_seconds: float = knob(0.0, ge=0.0, le=60.0)
    # A claim still unplaced this long after it was stored lost its matching message (a dead
    # worker, a message lost with it): a periodic sweep sends it again. Lower than
    # GATHER_WITHIN_SECONDS (300), the sweep also re-sends the backlog a busy desk is
    # still working through, which is harmless (placing a claim twice changes nothing) but
    # costs a task per batch.
    match_requeue_after_seconds: int = knob(300, ge=1)
    # A claim whose words matching placed (and ranked the fact-checks for) within this many
    # seconds joins the cluster it placed them in as extraction stores it, without going
    # through matching (a wire story's copies); a fact-check imported or published meanwhile
    # reaches the cluster with the first copy after that. 0: every claim goes through
    # matching.
    match_copy_seconds: int = knob(600, ge=0)
    # GET /api/v1/search/: a matcher score under this is noise, not an answer. Lower than the
    # suggestion threshold: a searcher's question ("Did X really ...?") is worded unlike the
    # claim.
    search_min_score: float = knob(0.25, ge=0.0, le=1.0)
    # Each web process loads the embedding model in the background as it starts, so the first
    # search does not wait seconds for it.
    search_warm_up: bool = knob(True)
    # ClaimReview feeds (JSON-LD, a list, JSON lines or a DataCommons feed) re-imported by beat.
    claimreview_urls: tuple[str, ...] = knob(())

    # --- Desk --------------------------------------------------------------------------------
    # A verdict needs at least this many evidence sources before it can go to an editor.
    min_sources: int = knob(2, ge=0)
    # A reviewer's hold on a claim lapses after this long without being submitted.
    hold_seconds: int = knob(1800, ge=1)
    # Queue order (reviews/priority.py): a claim seen just now gains the recency weight (1.0:
    # as much as the whole 0-1 check-worthiness range), fading to nothing over the recency
    # hours; each doubling of its appearances adds the repeat weight.
    queue_recency_hours: float = knob(48.0, gt=0.0)
    queue_recency_weight: float = knob(1.0, ge=0.0)
    queue_repeat_weight: float = knob(0.25, ge=0.0)
    # Evidence sources whose archiving failed or never ran (broker down) are tried again by a
    # periodic sweep once their last attempt is this old, up to this many attempts in all.
    archive_retry_seconds: int = knob(3600, ge=60)
    archive_max_attempts: int = knob(15, ge=1)

    # --- Publishing: who publishes, where readers find it, the API and its webhooks ----------
    # Who publishes the fact-checks (ClaimReview `author`).
    organization_name: str = knob("Fact-check desk")
    organization_url: str = knob("https://example.org/")
    # Where readers see a fact-check ({id} is its number); empty: the desk's public page.
    fact_check_url: str = knob("", check=_fact_check_url)
    # This site's address, for absolute links where there is no request (webhook payloads).
    site_url: str = knob("http://localhost:8000")
    # Per token and scope (the throttle scopes of the API's views).
    api_rate: str = knob("1200/min", check=_rate)
    api_search_rate: str = knob("120/min", check=_rate)
    api_submit_rate: str = knob("120/min", check=_rate)
    # Largest JSON body POST articles/ accepts (a larger one gets 413).
    api_max_body_bytes: int = knob(5 * 1024 * 1024, ge=1)
    # Cache whole API answers this long (0: off); publishing or correcting empties it.
    api_cache_seconds: int = knob(0, ge=0)
    # Wall-clock seconds one delivery attempt may take in all (connect, headers, answer).
    webhook_timeout: float = knob(10.0, gt=0.0)
    webhook_max_attempts: int = knob(8, ge=1)
    # Wait before retry n is this times 2**(n-1): 30 s, 1 min, 2 min, … about 1 h in all.
    webhook_backoff_seconds: float = knob(30.0, gt=0.0)
    # Endpoints one API token may register.
    webhook_max_endpoints_per_token: int = knob(10, ge=1)
    # Deliveries of one endpoint sent at once; the rest wait, so a slow endpoint holds at most
    # this many webhook workers.
    webhook_max_in_flight: int = knob(2, ge=1)
    # Circuit breaker: after this many failed attempts in a row an endpoint is paused this long.
    webhook_breaker_failures: int = knob(5, ge=1)
    webhook_breaker_seconds: int = knob(600, ge=1)

    # --- Email: the desk's notifications ------------------------------------------------------
    # No host: emails are written to the worker's output (Django's console backend), as in the
    # demo. A host: they are sent by SMTP, with STARTTLS (port 587), TLS from the start (ssl,
    # port 465) or neither (none: a relay on the same machine).
    email_host: str = knob("")
    email_port: int = knob(587, ge=1, le=65535)
    email_host_user: str = knob("")
    email_host_password: str = knob("", is_secret=True)
    email_security: str = knob("starttls", choices=("starttls", "ssl", "none"))
    email_from: str = knob("Fact-check desk <desk@example.org>")
    # Seconds one SMTP connection may block on the server.
    email_timeout: float = knob(10.0, gt=0.0)

    # --- Admin login -------------------------------------------------------------------------
    # After this many failed logins a username, and separately an address, is refused for
    # this many minutes (then it may try again); a success resets the count.
    login_failure_limit: int = knob(5, ge=1)
    login_lockout_minutes: float = knob(15.0, gt=0.0)

    # --- Observability -----------------------------------------------------------------------
    # One JSON object a line for log shippers, or text for a terminal; both carry request and
    # task ids (factcheck/logs.py).
    log_format: str = knob("text", choices=("json", "text"))
    # Query counts, latencies and errors per PostgreSQL database (django-prometheus wraps it).
    metrics_database: bool = knob(True)
    # Who may scrape /metrics: these networks (by socket address), or anyone with the token.
    metrics_allowed_networks: tuple[str, ...] = knob(("127.0.0.0/8", "::1/128"), check=_networks)
    metrics_token: str = knob("", is_secret=True)
    # Celery workers serve their metrics on this port (0: off); see deploy/entrypoint.sh.
    worker_metrics_port: int = knob(0, ge=0, le=65535)

    def __post_init__(self) -> None:
        if not self.fetch_timeout <= self.fetch_deadline:
            raise ImproperlyConfigured(
                f"{PREFIX}FETCH_TIMEOUT ({self.fetch_timeout}) must be at most "
                f"{PREFIX}FETCH_DEADLINE ({self.fetch_deadline})."
            )
        if self.api_fetch_deadline > self.fetch_deadline:
            raise ImproperlyConfigured(
                f"{PREFIX}API_FETCH_DEADLINE ({self.api_fetch_deadline}) must be at most "
                f"{PREFIX}FETCH_DEADLINE ({self.fetch_deadline})."
            )
        if self.match_suggest_threshold > self.match_merge_threshold:
            raise ImproperlyConfigured(
                f"{PREFIX}MATCH_SUGGEST_THRESHOLD ({self.match_suggest_threshold}) must be at "
                f"most {PREFIX}MATCH_MERGE_THRESHOLD ({self.match_merge_threshold})."
            )

    @classmethod
    def from_environment(cls, env: StrictEnv) -> Config:
        """Every field from its variable, or its default; a bad value is ImproperlyConfigured."""
        types = typing.get_type_hints(cls)
        values = {}
        for field in dataclasses.fields(cls):
            name = PREFIX + field.name.upper()
            value = _read(env, name, types[field.name], field)
            _check(name, value, field.metadata)
            values[field.name] = value
        return cls(**values)

    @property
    def metrics_networks(self) -> list[Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.metrics_allowed_networks]


def _read(env: StrictEnv, name: str, kind: Any, field: dataclasses.Field[Any]) -> Any:
    default: Any = field.default
    if field.metadata["secret"]:
        return secret(name, default=default) or default
    if kind is bool:
        return env.bool(name, default=default)
    if kind is int:
        return env.int(name, default=default)
    if kind is float:
        return env.float(name, default=default)
    if kind is Path:
        return Path(env.str(name, default=str(default)))
    if typing.get_origin(kind) is tuple:
        return tuple(s.strip() for s in env.list(name, default=list(default)) if s.strip())
    return env.str(name, default=default)


def _check(name: str, value: Any, rules: typing.Mapping[str, Any]) -> None:
    problem = None
    if rules["ge"] is not None and value < rules["ge"]:
        problem = f"must be at least {rules['ge']}"
    elif rules["gt"] is not None and value <= rules["gt"]:
        problem = f"must be above {rules['gt']}"
    elif rules["le"] is not None and value > rules["le"]:
        problem = f"must be at most {rules['le']}"
    elif rules["choices"] and value not in rules["choices"]:
        problem = f"must be one of {', '.join(rules['choices'])}"
    elif rules["check"] is not None:
        try:
            rules["check"](value)
        except ValueError as exc:
            problem = str(exc)
    if problem:
        raise ImproperlyConfigured(f"{name}={value!r}: {problem}.")
