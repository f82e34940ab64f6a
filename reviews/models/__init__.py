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
    RankedText,
)
from reviews.models.notes import Note, Notification, NotificationSettings
from reviews.models.published import FactCheckRecord, FactCheckSearch
from reviews.models.queue import ReviewItem
from reviews.models.ratings import Rating, RatingScale
from reviews.models.verdicts import ClaimantKind, EvidenceSource, Verdict

__all__ = [
    "ClaimantKind",
    "Cluster",
    "ClusterEvent",
    "ClusterMember",
    "ClusterSuggestion",
    "FactCheckGram",
    "FactCheckSuggestion",
    "ImportedFactCheck",
    "Note",
    "Notification",
    "NotificationSettings",
    "RankedText",
    "EvidenceSource",
    "FactCheckRecord",
    "FactCheckSearch",
    "Rating",
    "RatingScale",
    "ReviewItem",
    "Verdict",
    "WebhookDelivery",
    "WebhookEndpoint",
]
