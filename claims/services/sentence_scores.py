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
from claims.pipeline.checkworthiness.known import Kept
from claims.pipeline.types import Score
from factcheck.db import Expired, atomic_unflushed, rows_expire

# Keys a statement asks for or writes (SQLite takes a bounded number of parameters).
_CHUNK = 500


def sentence_scores_known(*, texts: Sequence[str], version: str) -> dict[str, Kept]:
    """What is kept for each of `texts` that pipeline `version` scored."""
    digests = {SentenceScore.digest_of(text, version): text for text in texts}
    keys = list(digests)
    known: dict[str, Kept] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = SentenceScore.objects.filter(digest__in=keys[start : start + _CHUNK])
        for digest, probability, reasons, explained in rows.values_list(
            "digest", "probability", "reasons", "explained"
        ):
            known[digests[digest]] = Kept(Score(probability, tuple(reasons)), explained)
    return known


def sentence_scores_keep(*, scores: Mapping[str, Kept], version: str) -> None:
    """Keep `scores` (text -> what pipeline `version` gave it) once the current transaction
    commits, in a short one of their own: inside extraction's, two copies of a story extracted
    at once would wait on each other's rows until the first one's whole extraction ended. A
    score kept before is replaced (it was read again for the reasons it lacked)."""
    rows = sorted(
        (
            SentenceScore(
                digest=SentenceScore.digest_of(text, version),
                probability=kept.score.probability,
                reasons=list(kept.score.reasons),
                explained=kept.explained,
            )
            for text, kept in scores.items()
            if text.strip()
        ),
        key=lambda row: row.digest,  # one order for every writer: no deadlock between them
    )
    if rows:
        transaction.on_commit(lambda: _write(rows), robust=True)


def _write(rows: Sequence[SentenceScore]) -> None:
    # A score lost in a database crash is only read by the model once more.
    with atomic_unflushed():
        SentenceScore.objects.bulk_create(
            rows,
            batch_size=_CHUNK,
            update_conflicts=True,
            unique_fields=["digest"],
            update_fields=["probability", "reasons", "explained", "scored_at"],
        )


def sentence_scores_expire(
    *, older_than_days: int, batch_size: int = 5_000, seconds: float = 60.0
) -> Expired:
    """Delete the scores kept longer than `older_than_days`, a batch a statement and a
    transaction, for at most about `seconds`."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return rows_expire(
        SentenceScore.objects.filter(scored_at__lt=cutoff), batch_size=batch_size, seconds=seconds
    )
