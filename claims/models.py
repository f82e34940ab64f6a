from __future__ import annotations

import hashlib
import uuid

from django.db import models
from django.db.models import F, Q
from pgvector.django import HalfVectorField
from simple_history.models import HistoricalRecords

from claims.pipeline.embeddings import DIMENSIONS


class Publisher(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, unique=True, help_text="e.g. themoscowtimes.com")
    homepage = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A newsroom system's key to the API; only its SHA-256 is stored."""

    class Scope(models.TextChoices):
        READ = "read", "Read published fact-checks"
        SUBMIT = "submit", "Submit articles"
        SEARCH = "search", "Search fact-checks"

    name = models.CharField(max_length=100, unique=True)
    # The key is 256 random bits, so a plain SHA-256 is enough and keeps the lookup one index
    # probe per request (a slow password hash would cost more than the request).
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="Start of the key.")
    scopes = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def has_scope(self, scope: str) -> bool:
        return self.active and scope in self.scopes


class Feed(models.Model):
    class Result(models.TextChoices):
        NEVER = "never", "Never polled"
        OK = "ok", "New entries"
        NOT_MODIFIED = "not_modified", "Not modified"
        ERROR = "error", "Error"

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.SET_NULL)
    enabled = models.BooleanField(default=True)
    interval_seconds = models.PositiveIntegerField(default=900)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=20, choices=Result.choices, default=Result.NEVER)
    last_error = models.TextField(blank=True)
    last_entry_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_seconds__gte=60), name="feed_interval_at_least_a_minute"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class Article(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"
        DUPLICATE = "duplicate", "Duplicate content"

    class Source(models.TextChoices):
        FEED = "feed", "Feed"
        URL = "url", "URL"
        PUSH = "push", "Pushed"
        FILE = "file", "File"

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        TEXT = "text", "Plain text"

    url = models.URLField(max_length=2000, blank=True, help_text="The URL as it was given.")
    canonical_url = models.URLField(max_length=2000, blank=True, db_index=True)
    publisher = models.ForeignKey(Publisher, null=True, blank=True, on_delete=models.SET_NULL)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The input exactly as received, so a failed extraction can be retried later.
    raw = models.BinaryField(blank=True, default=b"")
    raw_format = models.CharField(max_length=10, choices=Format.choices)
    raw_charset = models.CharField(
        max_length=40, blank=True, help_text="The charset the input was declared in, if any."
    )
    raw_hash = models.CharField(max_length=64, unique=True)
    raw_size = models.PositiveIntegerField(default=0)
    given_title = models.CharField(max_length=1000, blank=True)
    # The publication date the sender gave with pushed text or HTML (plain text carries none);
    # extraction takes it over any date the page's own metadata gives.
    given_published_at = models.DateTimeField(null=True, blank=True)

    title = models.CharField(max_length=1000, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    site_name = models.CharField(max_length=300, blank=True)
    clean_text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    skip_reason = models.CharField(max_length=300, blank=True)

    version = models.PositiveIntegerField(default=1)
    previous_version = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    # The API tokens that pushed this article (the same input pushed twice is one article);
    # only they may read its status.
    submitted_by = models.ManyToManyField(
        ApiToken, blank=True, related_name="submitted_articles", editable=False
    )
    error = models.TextField(blank=True)
    # What the API client that pushed the article is told when it failed: `error` may name
    # internal addresses and resolver messages, so fetch failures get a generic text with a
    # reference that is also in `error` and the logs.
    client_error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    pipeline_version = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url", "version"],
                condition=~Q(canonical_url=""),
                name="article_one_row_per_url_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="article_version_positive"),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="article_failure_has_error"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.given_title or self.url or f"Article {self.pk}"

    @property
    def outlet(self) -> str:
        """Who published the article, as readers know it: the site's own name from its page
        while the publisher is still named after its domain (as intake creates it), else the
        publisher's name."""
        publisher = self.publisher
        if self.site_name and (publisher is None or publisher.name == publisher.domain):
            return self.site_name
        return publisher.name if publisher is not None else ""


class FetchAttempt(models.Model):
    """Fetches of a URL started recently, counted before each request is sent, so a fetch
    whose task is killed mid-request (and redelivered) still counts towards the retry cap."""

    url_key = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the canonical URL."
    )
    url = models.URLField(max_length=2000)
    attempts = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.url} ({self.attempts} attempts)"


class ClaimantKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


class Claim(models.Model):
    class Type(models.TextChoices):
        QUANTITY = "quantity", "Quantity"
        QUOTE = "quote", "Quote"
        PREDICTION = "prediction", "Prediction"
        COMPARISON = "comparison", "Comparison"
        EVENT = "event", "Event"
        STATEMENT = "statement", "Statement"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField()
    start = models.PositiveIntegerField(help_text="Character offset in the article's clean text.")
    end = models.PositiveIntegerField()
    context = models.TextField(blank=True)
    score = models.FloatField()
    speaker = models.CharField(max_length=300, blank=True, db_index=True)
    attribution = models.CharField(max_length=30, blank=True)
    claim_type = models.CharField(max_length=20, choices=Type.choices, default=Type.STATEMENT)
    reasons = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=100)
    # The pipeline's proposal of the claim as checked, which reviewers may edit on the desk:
    # a standalone wording ("" when the sentence itself is the best wording) and its claimant.
    standalone = models.TextField(blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claimant_kind = models.CharField(max_length=20, choices=ClaimantKind.choices, blank=True)
    # Sentence embedding (claims.pipeline.embeddings), computed when the claim is stored;
    # null without the model. On PostgreSQL pgvector indexes it (HNSW, cosine) for matching.
    embedding = HalfVectorField(dimensions=DIMENSIONS, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["embedding"])

    class Meta:
        ordering = ["article_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start"], name="claim_once_per_position"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="claim_span_not_empty"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="claim_score_is_probability"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:120]

    @property
    def as_checked(self) -> str:
        """The claim as the desk checks it: the proposed standalone wording, else the sentence."""
        return self.standalone.strip() or self.text


class SentenceScore(models.Model):
    """A sentence's check-worthiness as one pipeline and scorer version gave it, kept for a
    while so that the copies of a wire story are not read by the model again (whether or not
    the sentence became a claim)."""

    # blake2b of the pipeline version and the text, 16 bytes: one short key per sentence and
    # version (a UUID column holds it in 16 bytes on PostgreSQL).
    digest = models.UUIDField(primary_key=True)
    probability = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    # Whether `reasons` were worked out (the scorer explains only scores from a threshold up):
    # a score kept unexplained is read again by a call that wants its reasons.
    explained = models.BooleanField(default=True)
    scored_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="sentence_score_is_probability",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.digest}: {self.probability:.3f}"

    @staticmethod
    def digest_of(text: str, version: str) -> uuid.UUID:
        return text_digest(f"{version}\n{text}")


def text_digest(text: str) -> uuid.UUID:
    """A 16-byte blake2b of `text`, as a UUID: a short key for a sentence (a UUID column holds
    it in 16 bytes on PostgreSQL)."""
    # surrogatepass: badly decoded input can leave lone surrogates in a sentence.
    return uuid.UUID(
        bytes=hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    )
