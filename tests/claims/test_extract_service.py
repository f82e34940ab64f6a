"""Extraction is idempotent, dedups content, and records crashes instead of losing work."""

from __future__ import annotations

import pytest

from claims import services
from claims.models import Article, Claim
from claims.tasks import article_extract
from reviews.models import ReviewItem
from tests.concurrency import at_once
from tests.paths import SAMPLE_ARTICLES

TEXT = (
    "Library hours cut\n\n"
    "The city library will close on Sundays from April, saving 220,000 dollars a year, "
    "the council said on Tuesday. \u201cWe had no other way to balance the budget,\u201d "
    "councillor Maria Lopez told reporters. Visits fell by 14 percent last year, according "
    "to the library\u2019s annual report."
)

# A sentence under the threshold: scored, never a claim.
PLEASANTRY = " Thank you all for reading, and have a lovely weekend."


def _model_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts extraction sends to the shipped scorer from now on, as it sends them."""
    from claims.scorers import scorer_get

    scorer, read = scorer_get(), []

    class Reading:
        version = scorer.version

        def score(self, texts, *, explain_from=None):  # type: ignore[no-untyped-def]
            read.extend(texts)
            return scorer.score(texts, explain_from=explain_from)

    monkeypatch.setattr("claims.services.extract.scorer_get", Reading)
    return read


def _receive(raw: bytes, url: str = "") -> Article:
    return services.article_receive(
        raw=raw, fmt="text", source=Article.Source.PUSH, url=url
    ).article


@pytest.mark.django_db
def test_a_duplicated_extraction_task_changes_nothing_the_second_time() -> None:
    article = _receive(TEXT.encode())

    article_extract.apply(args=[article.pk])
    claims = list(Claim.objects.values_list("pk", "text"))
    queued = ReviewItem.objects.count()
    article_extract.apply(args=[article.pk])

    assert claims and list(Claim.objects.values_list("pk", "text")) == claims
    assert ReviewItem.objects.count() == queued == len(claims)
    assert Article.objects.get(pk=article.pk).attempts == 1


@pytest.mark.django_db
def test_the_same_text_under_another_url_is_kept_as_a_duplicate_without_claims() -> None:
    first = _receive(TEXT.encode(), url="https://one.example/a")
    services.article_extract(article_id=first.pk)
    second = _receive(TEXT.encode() + b"\n", url="https://two.example/b")

    second = services.article_extract(article_id=second.pk)

    assert second.status == Article.Status.DUPLICATE
    assert second.duplicate_of == first
    assert not second.claims.exists()


@pytest.mark.django_db
def test_the_same_bytes_are_stored_once() -> None:
    first = services.article_receive(raw=TEXT.encode(), fmt="text", source="push")
    again = services.article_receive(raw=TEXT.encode(), fmt="text", source="file")

    assert first.created and not again.created
    assert again.article.pk == first.article.pk
    assert Article.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published", "stored"),
    [
        # Django 5 has no timezone.utc: every date without an offset failed its article.
        ("2024-03-04", "2024-03-04T00:00:00+00:00"),
        ("2024-03-04T10:00:00", "2024-03-04T10:00:00+00:00"),
        ("2024-13-45T10:00:00", None),
        ("2024-02-30", None),
        ("0000-01-01", None),
        ("2024-01-01T25:00:00", None),
        ("9999-12-31T23:59:59-14:00", None),
        ("2024-01-01T00:00:00-23:00", "2024-01-01T23:00:00+00:00"),
    ],
)
def test_an_article_is_extracted_whatever_date_its_page_gives(
    published: str, stored: str | None
) -> None:
    title, body = sorted(SAMPLE_ARTICLES.glob("*.txt"))[0].read_text().split("\n", 1)
    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip())
    html = (
        f'<html><head><title>{title}</title><meta property="article:published_time" '
        f'content="{published}"></head><body><article>{paragraphs}</article></body></html>'
    )
    article = services.article_receive(
        raw=html.encode(), fmt="html", source=Article.Source.PUSH
    ).article

    article_extract.apply(args=[article.pk])

    article.refresh_from_db()
    assert article.status == Article.Status.EXTRACTED, article.error
    assert article.claims.exists()
    assert (article.published_at.isoformat() if article.published_at else None) == stored


@pytest.mark.django_db
def test_a_crash_inside_the_pipeline_leaves_the_article_failed_and_retryable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = _receive(TEXT.encode())

    def broken(*args: object, **kwargs: object) -> None:
        raise IndexError("simulated bug in a pipeline stage")

    monkeypatch.setattr("claims.services.extract.extract_claims", broken)
    assert article_extract.apply(args=[article.pk]).get() == "failed"
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "simulated bug" in article.error

    monkeypatch.undo()
    services.article_retry(article_id=article.pk)
    article = services.article_extract(article_id=article.pk)
    assert article.status == Article.Status.EXTRACTED


@pytest.mark.django_db(transaction=True)
def test_two_copies_extracted_at_the_same_moment_make_one_article_and_one_duplicate() -> None:
    copies = [
        _receive(TEXT.encode() + b" " * n, url=f"https://outlet{n}.example/story") for n in range(4)
    ]

    def extract(article: object) -> str:
        assert isinstance(article, Article)
        return services.article_extract(article_id=article.pk).status

    outcomes = at_once(extract, copies)

    assert sorted(outcomes) == sorted([Article.Status.EXTRACTED] + [Article.Status.DUPLICATE] * 3)
    original = Article.objects.get(status=Article.Status.EXTRACTED)
    assert set(
        Article.objects.filter(status=Article.Status.DUPLICATE).values_list(
            "duplicate_of", flat=True
        )
    ) == {original.pk}
    assert not Claim.objects.exclude(article=original).exists()


def test_the_attribution_setting_picks_the_ranker(settings) -> None:  # type: ignore[no-untyped-def]
    from claims.pipeline.attribution import DEFAULT
    from claims.pipeline.attribution.ranker import RankerModel
    from claims.scorers import attribution_ranker

    settings.FACTCHECK_ATTRIBUTION_MODEL = "linear"
    assert isinstance(attribution_ranker(), RankerModel)
    settings.FACTCHECK_ATTRIBUTION_MODEL = "minilm"
    assert attribution_ranker() is DEFAULT


@pytest.mark.django_db
def test_a_copy_of_a_stored_story_has_only_its_new_sentences_read_by_the_model(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    read = _model_reads(monkeypatch)
    story = TEXT + PLEASANTRY
    with django_capture_on_commit_callbacks(execute=True):
        first = services.article_extract(article_id=_receive(story.encode()).pk)
    stored = dict(first.claims.values_list("text", "score"))
    first_read = set(read)
    read.clear()
    added = "The council also said it would hire 12 more librarians in 2025."
    copy = _receive((story + " " + added).encode(), url="https://two.example/b")

    copy = services.article_extract(article_id=copy.pk)

    # Claims and the sentences under the threshold alike: the model reads the new one alone.
    assert stored and set(stored) < first_read
    assert read == [added]
    assert {t: s for t, s in copy.claims.values_list("text", "score") if t in stored} == stored
    assert [list(c.reasons) for c in copy.claims.order_by("start") if c.text in stored] == [
        list(c.reasons) for c in first.claims.order_by("start")
    ]


@pytest.mark.django_db
def test_scores_kept_by_another_pipeline_or_model_are_not_reused(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    from claims.models import SentenceScore
    from claims.services.sentence_scores import sentence_scores_known

    with django_capture_on_commit_callbacks(execute=True):
        first = services.article_extract(article_id=_receive((TEXT + PLEASANTRY).encode()).pk)
    texts = list(first.claims.values_list("text", flat=True))
    version = services.extract.pipeline_version()

    assert texts and first.pipeline_version == version
    assert SentenceScore.objects.count() > len(texts)  # the sentences under the threshold too
    assert set(sentence_scores_known(texts=texts, version=version)) == set(texts)
    assert sentence_scores_known(texts=texts, version="pipeline-2+" + version) == {}


@pytest.mark.django_db
def test_scores_kept_longer_than_the_setting_expire(
    settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from claims.models import SentenceScore
    from claims.pipeline.checkworthiness.known import Kept
    from claims.pipeline.types import Score
    from claims.services.sentence_scores import (
        sentence_scores_expire,
        sentence_scores_keep,
        sentence_scores_known,
    )
    from claims.tasks import sentence_scores_expire as task
    from factcheck.db import Expired

    settings.FACTCHECK_SENTENCE_SCORES_DAYS = 7
    scores = {
        f"Sentence {n} of a wire story.": Kept(Score(0.1 * n, ("a figure",)), explained=True)
        for n in range(8)
    }
    with django_capture_on_commit_callbacks(execute=True):
        sentence_scores_keep(scores=scores, version="v")
    old = list(scores)[:5]
    SentenceScore.objects.filter(
        digest__in=[SentenceScore.digest_of(text, "v") for text in old]
    ).update(scored_at=timezone.now() - timedelta(days=7, minutes=1))

    assert PeriodicTask.objects.get(name="expire sentence scores").task == task.name
    # A batch a statement, as many as the time allows.
    assert sentence_scores_expire(older_than_days=7, batch_size=2, seconds=0) == Expired(0, False)
    assert sentence_scores_expire(older_than_days=7, batch_size=2) == Expired(5, True)
    assert sentence_scores_known(texts=list(scores), version="v") == {
        text: scores[text] for text in list(scores)[5:]
    }
    assert task.apply().get() == 0


@pytest.mark.django_db
def test_a_score_kept_without_reasons_is_read_once_more_when_the_threshold_comes_down_to_it(
    settings, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    read = _model_reads(monkeypatch)
    settings.FACTCHECK_CLAIM_THRESHOLD = 0.99  # every sentence kept without reasons
    with django_capture_on_commit_callbacks(execute=True):
        services.article_extract(article_id=_receive(TEXT.encode()).pk)
    settings.FACTCHECK_CLAIM_THRESHOLD = 0.3
    copies, reads = [], []
    for n in range(2):
        read.clear()
        own = f"The library opened {n + 2} new branches in 2024."
        with django_capture_on_commit_callbacks(execute=True):
            received = _receive(f"{TEXT} {own}".encode(), url=f"https://{n}.example/")
            copies.append(services.article_extract(article_id=received.pk))
        reads.append([text for text in read if text != own])

    first, second = copies
    # The story's sentences, now over the threshold, are read for their reasons once.
    assert reads[0] and reads[1] == []
    assert [list(c.reasons) for c in second.claims.order_by("start")][:-1] == [
        list(c.reasons) for c in first.claims.order_by("start")
    ][:-1]
    assert all(c.reasons for c in second.claims.all())
