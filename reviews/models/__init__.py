"""The desk's tables; Django finds an app's models through this package."""

from reviews.models.clients import WebhookDelivery, WebhookEndpoint
from reviews.models.matching import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    ClusterSuggestion,
    FactCheckGram,
    FactCheckSuggestion,
    ImportedFactCheck,
)
from reviews.models.published import FactCheckRecord, FactCheckSearch
from reviews.models.queue import ReviewItem
from reviews.models.verdicts import EvidenceSource, Verdict

__all__ = [
    "Cluster",
    "ClusterEvent",
    "ClusterMember",
    "ClusterSuggestion",
    "FactCheckGram",
    "FactCheckSuggestion",
    "ImportedFactCheck",
    "EvidenceSource",
    "FactCheckRecord",
    "FactCheckSearch",
    "ReviewItem",
    "Verdict",
    "WebhookDelivery",
    "WebhookEndpoint",
]
