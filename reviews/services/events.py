"""What happens when a fact-check is published or corrected, besides the desk's own rows:
webhooks are queued, the stored API record rewritten and cached API answers forgotten.
Called inside the publishing transaction, so the deliveries exist exactly when the
publication does."""

from __future__ import annotations

from django.utils import timezone

from reviews.models import Verdict, WebhookDelivery
from reviews.rendering import absolute_url, claim_review, fact_check_record, fact_checks_path
from reviews.selectors import fact_check_get
from reviews.services import webhooks
from reviews.services.records import fact_check_records_refresh

PUBLISHED = "fact_check.published"
CORRECTED = "fact_check.corrected"


def fact_check_payload(*, item_id: int, event: str) -> dict | None:
    """The webhook body: the event and the fact-check as the API shows it, or None."""
    record = fact_check_get(item_id=item_id)
    if record is None:
        return None  # not published: nothing about it leaves
    return {
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "fact_check": fact_check_record(record, base=absolute_url(None, fact_checks_path())),
        "claim_review": claim_review(None, record),
    }


def fact_check_changed(*, verdict: Verdict, event: str) -> list[WebhookDelivery]:
    """Announce a publication or correction: queue its webhooks, rewrite its record and
    search entry (which empties the API cache)."""
    fact_check_records_refresh(item_ids=[verdict.review_item_id])
    payload = fact_check_payload(item_id=verdict.review_item_id, event=event)
    if payload is None:
        return []
    deliveries = webhooks.deliveries_create(event=event, payload=payload)
    webhooks.deliveries_enqueue([d.pk for d in deliveries])
    return deliveries
