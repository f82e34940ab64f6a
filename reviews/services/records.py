"""Stored API records of published fact-checks (FactCheckRecord).

A page of the API is 50 records with appearances, sources and corrections; building them at
each request cost three more queries and most of the request's time. They are rendered here
instead whenever what they show changes: a publication or correction (reviews.events), a
claim joining the fact-check's cluster (reviews.services.matching, and reviews.services.copies
for a copy joining as it is stored) and a merge or split of
clusters (reviews.services.clusters). The API reads them through `fact_checks_published()`,
only for the version they were rendered from and in the current `layout()`; any other record
is rendered afresh, so a missed update shows as slowness, never as a wrong version. Their
full-text search entries (reviews.search) hold the same cluster's wordings and are written
with them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from rest_framework.renderers import JSONRenderer

from claims.services.api_cache import api_cache_clear
from reviews.models import FactCheckRecord, Verdict
from reviews.rendering import fact_check_record
from reviews.selectors import PublishedFactCheck, fact_checks_load, fact_checks_published
from reviews.services.search import fact_check_search_update

# Raise when the record format changes (fields, their order or their writing): stored records
# of another layout are then ignored until `manage.py fact_check_records_rebuild`.
RECORD_LAYOUT = 3
# Stands for the absolute address of the fact-check list in a stored record (see the model).
BASE_MARK = "\x01"
REBUILD_BATCH = 500


def layout() -> str:
    # Dates are written in the current time zone, so a record belongs to one.
    return f"{RECORD_LAYOUT}:{settings.TIME_ZONE}"


def json_text(data: object) -> str:
    """`data` as the API's JSON renderer writes it (compact, unescaped Unicode)."""
    if data is None:
        return "null"  # the renderer writes an empty body for None
    return JSONRenderer().render(data).decode()


def record_text(fact_check: PublishedFactCheck) -> str:
    """The record's JSON as the API returns it, with BASE_MARK for the list's address."""
    # A fresh random stand-in while rendering: no text of the record can contain it by chance.
    stand_in = secrets.token_hex(16)
    data = fact_check_record(fact_check, base=stand_in)
    return json_text(data).replace(stand_in, BASE_MARK)


def record_for(text: str, *, base: str) -> str:
    """A stored record's JSON with the list's absolute address `base` put in."""
    return text.replace(BASE_MARK, json_text(base)[1:-1])


def with_stored_records(verdicts: QuerySet[Verdict]) -> QuerySet[Verdict]:
    """`verdicts` of `fact_checks_published()` annotated with `record`: the stored record
    of exactly that version and layout, or None."""
    return verdicts.annotate(record=Subquery(_stored_record().values("record")[:1]))


def _stored_record() -> QuerySet[FactCheckRecord]:
    """The stored record of the outer verdict's exact version, in the current layout."""
    return FactCheckRecord.objects.filter(
        review_item=OuterRef("review_item"), verdict=OuterRef("pk"), layout=layout()
    )


def _store(verdicts: Sequence[Verdict]) -> int:
    current = layout()
    rows = [
        FactCheckRecord(
            review_item_id=fact_check.id,
            verdict_id=verdict.pk,
            record=record_text(fact_check),
            layout=current,
        )
        for verdict, fact_check in zip(verdicts, fact_checks_load(verdicts), strict=True)
    ]
    FactCheckRecord.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["review_item"],
        update_fields=["verdict", "record", "layout", "rendered_at"],
    )
    return len(rows)


def fact_check_records_refresh(
    *, item_ids: Iterable[int] = (), cluster_ids: Iterable[int | None] = (), embed: bool = True
) -> int:
    """Render and store the records of these published fact-checks, by review item or by
    the cluster of their claim, and their search entries (every wording of the claim; with
    `embed`, a claim without an embedding is embedded first); returns how many were written."""
    items = list(item_ids)
    clusters = [pk for pk in cluster_ids if pk is not None]
    if not items and not clusters:
        return 0
    verdicts = list(
        fact_checks_published().filter(
            Q(review_item_id__in=items) | Q(review_item__claim__membership__cluster_id__in=clusters)
        )
    )
    if not verdicts:
        return 0
    for verdict in verdicts:
        fact_check_search_update(item_id=verdict.review_item_id, embed=embed)
    # Cached answers (FACTCHECK_API_CACHE_SECONDS) would show the records as they were.
    transaction.on_commit(api_cache_clear, robust=True)
    return _store(verdicts)


def fact_check_records_rebuild(*, everything: bool = False, batch_size: int = REBUILD_BATCH) -> int:
    """Render and store the records the API cannot serve as stored (none yet, an earlier
    version, another layout), or with `everything` every published fact-check's."""
    written = 0
    last = None
    while True:
        batch = fact_checks_published().order_by("pk")
        if not everything:
            batch = batch.filter(~Exists(_stored_record()))
        if last is not None:
            batch = batch.filter(pk__gt=last)
        verdicts = list(batch[:batch_size])
        if not verdicts:
            return written
        written += _store(verdicts)
        last = verdicts[-1].pk
