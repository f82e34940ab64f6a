"""The bare view the API is measured against: the same rows as a page of GET fact-checks/,
from one hand-written query, with no framework around it."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

PAGE_SQL = """
SELECT v.review_item_id AS id, v.claim_reviewed AS claim, v.claimant AS speaker,
  v.claimant_kind, v.rating, v.explanation, v.summary,
  v.version, v.published_at AS modified_at,
  (SELECT min(p.published_at) FROM reviews_verdict p
    WHERE p.review_item_id = v.review_item_id AND p.published_at IS NOT NULL) AS published_at,
  (SELECT coalesce(json_agg(json_build_object('url', a.url, 'title', a.title,
      'publisher', pub.name, 'date', coalesce(a.published_at, a.received_at),
      'claim_text', ac.text) ORDER BY coalesce(a.published_at, a.received_at), ac.id), '[]')
    FROM reviews_clustermember am JOIN claims_claim ac ON ac.id = am.claim_id
    JOIN claims_article a ON a.id = ac.article_id
    LEFT JOIN claims_publisher pub ON pub.id = a.publisher_id
    WHERE am.cluster_id = (SELECT cm.cluster_id FROM reviews_clustermember cm
      WHERE cm.claim_id = c.id)) AS appearances,
  (SELECT coalesce(json_agg(json_build_object('url', s.url, 'title', s.title,
      'publisher', s.publisher, 'date', s.date, 'stance', s.stance, 'quote', s.quote,
      'sha256', s.archived_hash, 'fetched_at', s.archived_at) ORDER BY s.id), '[]')
    FROM reviews_evidencesource s WHERE s.verdict_id = v.id) AS sources,
  (SELECT coalesce(json_agg(json_build_object('version', p.version,
      'published_at', p.published_at, 'rating', p.rating, 'note', p.correction_note)
      ORDER BY p.version), '[]')
    FROM reviews_verdict p WHERE p.review_item_id = v.review_item_id
      AND p.published_at IS NOT NULL AND p.version > 1) AS corrections
FROM reviews_verdict v
JOIN reviews_reviewitem r ON r.id = v.review_item_id
JOIN claims_claim c ON c.id = r.claim_id
WHERE v.published_at IS NOT NULL AND r.status IN ('published', 'corrected')
  AND NOT EXISTS (SELECT 1 FROM reviews_verdict n WHERE n.review_item_id = v.review_item_id
    AND n.published_at IS NOT NULL AND n.version > v.version)
ORDER BY v.published_at DESC, v.id DESC
LIMIT 50
"""


def bare_fact_checks(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/bare-fact-checks/", bare_fact_checks),
    path("", include("factcheck.urls")),
]
