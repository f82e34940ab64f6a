"""Every sentence's check-worthiness score, kept for FACTCHECK_SENTENCE_SCORES_DAYS.

A wire story reaches a desk as hundreds of copies, sentence for sentence the same, and every
scorer here reads a sentence alone, so its score is the same in every copy. Extraction asks
here first (`claims.pipeline.checkworthiness.known`) and keeps what the model read, claim or
not: a copy costs the model only its own sentences. Keyed by the pipeline and scorer version
with the text, so a new model scores afresh; older scores expire.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from claims.models import SentenceScore
from claims.pipeline.types import Score
from factcheck.db import atomic_unflushed

# SQLite takes a bounded number of parameters a statement.
_CHUNK = 500


def sentence_scores_known(*, texts: Sequence[str], version: str) -> dict[str, Score]:
    """The score kept for each of `texts` that has one, by pipeline `version`."""
    digests = {SentenceScore.digest_of(text, version): text for text in texts}
    keys = list(digests)
    known: dict[str, Score] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = SentenceScore.objects.filter(digest__in=keys[start : start + _CHUNK])
        for digest, probability, reasons in rows.values_list("digest", "probability", "reasons"):
            known[digests[digest]] = Score(probability=probability, reasons=tuple(reasons))
    return known


def sentence_scores_keep(*, scores: Mapping[str, Score], version: str) -> None:
    """Keep `scores` (text -> score by pipeline `version`) once the current transaction
    commits, each in its own short one: inside extraction's, two copies of a story extracted
    at once would wait on each other's rows until the first one's whole extraction ended."""
    rows = sorted(
        (
            SentenceScore(
                digest=SentenceScore.digest_of(text, version),
                probability=score.probability,
                reasons=list(score.reasons),
            )
            for text, score in scores.items()
            if text.strip()
        ),
        key=lambda row: row.digest,  # one order for every writer: no deadlock between them
    )
    if rows:
        transaction.on_commit(lambda: _insert(rows), robust=True)


def _insert(rows: Sequence[SentenceScore]) -> None:
    # A score lost in a database crash is only read by the model once more.
    with atomic_unflushed():
        SentenceScore.objects.bulk_create(rows, batch_size=_CHUNK, ignore_conflicts=True)


def sentence_scores_expire(*, older_than_days: int, batch_size: int = 5_000) -> int:
    """Delete the scores kept longer than `older_than_days`, a batch at a time (each batch
    its own short transaction); how many were deleted."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    while True:
        batch = list(
            SentenceScore.objects.filter(scored_at__lt=cutoff).values_list("pk", flat=True)[
                :batch_size
            ]
        )
        if not batch:
            return deleted
        deleted += SentenceScore.objects.filter(pk__in=batch).delete()[0]
