"""Matching joins repeated claims into one cluster, once, and suggests existing fact-checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone

from claims.models import Claim
from claims.pipeline.embeddings import DIMENSIONS
from claims.pipeline.matching.lexical import word_counts
from claims.pipeline.matching.matcher import CANDIDATES
from claims.pipeline.matching.normalise import fingerprint
from claims.services import embeddings
from claims.services.embeddings import embedder_warm_up_start
from reviews import workflow
from reviews.candidates import (
    _DENSE_CLAIMS,
    _DENSE_IMPORTED,
    _EXACT,
    WORDS_ALONE,
    Query,
    claim_candidates,
    fact_check_candidates,
    graph_walk,
    imported_key,
    word_rarity,
)
from reviews.models import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    ClusterSuggestion,
    ImportedFactCheck,
    Note,
    ReviewItem,
)
from reviews.services.clusters import clusters_assign
from reviews.services.fact_check_grams import fact_check_grams_count
from reviews.services.matching import claims_match
from reviews.similar import fact_checks_found, fact_checks_ranked, fact_checks_similar
from tests.factories import ArticleFactory, ClaimFactory, ReviewItemFactory

PLEDGE = "The mayor pledged to end the transit strike within 24 hours of taking office."
PLEDGE_AGAIN = "The mayor has promised he would end the transit strike within 24 hours in office."


@pytest.fixture(autouse=True, params=["auto", "off"], ids=["hybrid", "lexical"])
def mode(request: pytest.FixtureRequest, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = request.param
    yield request.param


def _queued(text: str, *, days_ago: int = 0) -> Claim:
    """A claim as extraction leaves it: in a cluster of its own, queued."""
    published = timezone.now() - timedelta(days=days_ago)
    claim = ClaimFactory(text=text, article=ArticleFactory(published_at=published), clustered=False)
    clusters_assign(claims=[claim], seen_at=published)
    item = ReviewItemFactory(claim=claim)
    Cluster.objects.filter(pk=cluster_of(item.claim)).update(
        first_seen_at=published, last_seen_at=published
    )
    return Claim.objects.get(pk=item.claim.pk)


def cluster_of(claim: Claim) -> int:
    return ClusterMember.objects.get(claim=claim).cluster_id


def matched_at(claim: Claim) -> object:
    return ClusterMember.objects.get(claim=claim).matched_at


@pytest.mark.django_db
def test_a_repeated_claim_joins_the_first_ones_cluster_and_queue_entry() -> None:
    first = _queued(PLEDGE, days_ago=30)
    claims_match(claim_ids=[first.pk])
    before = ReviewItem.objects.get(claim=first).priority
    again = _queued(PLEDGE_AGAIN)

    report = claims_match(claim_ids=[again.pk])

    cluster = Cluster.objects.get(pk=cluster_of(first))
    assert report.joined == 1 and cluster_of(again) == cluster.pk
    assert cluster.appearance_count == 2
    assert cluster.last_seen_at > cluster.first_seen_at + timedelta(days=29)
    assert list(ReviewItem.objects.values_list("claim", flat=True)) == [first.pk]
    assert ReviewItem.objects.get(claim=first).priority > before
    assert ClusterEvent.objects.get(kind=ClusterEvent.Kind.JOIN).claim_ids == [again.pk]


@pytest.mark.django_db
def test_matching_twice_changes_nothing() -> None:
    first = _queued(PLEDGE)
    again = _queued(PLEDGE_AGAIN)
    claims_match(claim_ids=[first.pk, again.pk])
    places = list(ClusterMember.objects.order_by("claim").values_list("cluster", "matched_at"))

    report = claims_match(claim_ids=[first.pk, again.pk])

    assert report.matched == 0
    assert list(ClusterMember.objects.order_by("claim").values_list("cluster", "matched_at")) == (
        places
    )
    assert Cluster.objects.get().appearance_count == 2
    assert ClusterEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_same_claim_with_another_number_stays_apart() -> None:
    first = _queued("Unemployment in the county fell to 3 percent last year, the report says.")
    other = _queued("Unemployment in the county fell to 7 percent last year, the report says.")

    claims_match(claim_ids=[first.pk, other.pk])

    assert Cluster.objects.count() == 2
    assert ReviewItem.objects.count() == 2


@pytest.mark.django_db
def test_a_denial_stays_apart_and_is_shown_as_possibly_contradictory() -> None:
    first = _queued("The spokesman confirmed ongoing contacts between the two governments.")
    denial = _queued("The spokesman denied any contacts between the two governments.")

    claims_match(claim_ids=[first.pk, denial.pk])

    assert Cluster.objects.count() == 2
    suggestion = ClusterSuggestion.objects.get()
    assert suggestion.kind == ClusterSuggestion.Kind.CONTRADICTION
    assert {suggestion.cluster_id, suggestion.other_id} == {cluster_of(first), cluster_of(denial)}


@pytest.mark.django_db
def test_a_claim_a_reviewer_already_holds_is_not_pulled_into_another_cluster() -> None:
    first = _queued(PLEDGE)
    claims_match(claim_ids=[first.pk])
    again = _queued(PLEDGE_AGAIN)
    ReviewItem.objects.filter(claim=again).update(
        status=workflow.IN_REVIEW, assigned_to=first.review.assigned_to or _user()
    )

    claims_match(claim_ids=[again.pk])

    assert cluster_of(again) != cluster_of(first) and matched_at(again) is not None
    assert ClusterSuggestion.objects.filter(cluster=cluster_of(again)).exists()


@pytest.mark.django_db
def test_a_claim_a_reviewer_wrote_a_note_on_stays_with_its_note() -> None:
    first = _queued(PLEDGE)
    claims_match(claim_ids=[first.pk])
    again = _queued(PLEDGE_AGAIN)
    note = Note.objects.create(review_item=again.review, author=_user(), text="Same as before?")

    claims_match(claim_ids=[again.pk])

    assert cluster_of(again) != cluster_of(first) and matched_at(again) is not None
    assert Note.objects.get(pk=note.pk).review_item.claim_id == again.pk


@pytest.mark.django_db
def test_a_join_drops_the_fresh_cluster_with_its_history_and_others_suggestions_of_it() -> None:
    first = _queued(PLEDGE)
    claims_match(claim_ids=[first.pk])
    again = _queued(PLEDGE_AGAIN)
    fresh, item = cluster_of(again), again.review.pk
    # Another batch, a moment before, suggested the fresh cluster to a third claim's.
    third = _queued("Ferries will run every ten minutes from the new harbour terminal.")
    ClusterSuggestion.objects.create(cluster_id=cluster_of(third), other_id=fresh, score=0.7)

    claims_match(claim_ids=[again.pk])

    assert cluster_of(again) == cluster_of(first)
    assert not Cluster.objects.filter(pk=fresh).exists()
    assert not ReviewItem.objects.filter(pk=item).exists()
    assert not ClusterSuggestion.objects.filter(other_id=fresh).exists()
    assert Cluster.history.filter(id=fresh, history_type="-").count() == 1
    assert ReviewItem.history.filter(id=item, history_type="-").count() == 1
    grown = Cluster.history.filter(id=cluster_of(first)).order_by("history_date").last()
    assert grown.history_type == "~" and grown.appearance_count == 2


def _user():  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory()


@pytest.mark.django_db
def test_a_claim_an_imported_fact_check_answers_gets_it_as_a_suggestion() -> None:
    fact = _imported(
        claim_reviewed="A photo shows sharks swimming on a flooded highway after the hurricane.",
        rating="False",
        publisher="Example Checks",
        source_key="k1",
    )
    claim = _queued("Sharks were seen swimming on the flooded highway after the hurricane")

    claims_match(claim_ids=[claim.pk])

    suggestion = Cluster.objects.get(pk=cluster_of(claim)).fact_check_suggestions.get()
    assert suggestion.fact_check == fact and suggestion.status == "suggested"
    found = fact_checks_similar(text="sharks swimming on a highway after a hurricane", limit=3)
    assert found[0].external and found[0].id == fact.pk and found[0].rating == "False"


@pytest.mark.django_db
def test_a_denial_of_a_checked_claim_gets_the_check_flagged_as_contradicting() -> None:
    checked = _imported(
        claim_reviewed="A photo shows sharks swimming on a flooded highway after the hurricane.",
        rating="False",
        source_key="k1",
    )
    denial = _queued("No sharks were swimming on the flooded highway after the hurricane")
    other_figure = _queued("A photo shows 40 sharks swimming on a flooded highway in 2017")
    figures = _imported(
        claim_reviewed="A photo shows 12 sharks swimming on a flooded highway in 2011.",
        source_key="k2",
    )

    claims_match(claim_ids=[denial.pk, other_figure.pk])

    def conflicts(claim: Claim) -> dict[int | None, str]:
        suggestions = Cluster.objects.get(pk=cluster_of(claim)).fact_check_suggestions
        return {s.fact_check_id: s.conflict for s in suggestions.filter(status="suggested")}

    assert conflicts(denial)[checked.pk] == "polarity"
    assert conflicts(other_figure)[figures.pk] == "numbers"


@pytest.mark.django_db
def test_a_rejected_suggestion_is_never_made_again() -> None:
    _imported(
        claim_reviewed="A photo shows sharks swimming on a flooded highway after the hurricane.",
        source_key="k1",
    )
    claim = _queued("Sharks were seen swimming on the flooded highway after the hurricane")
    claims_match(claim_ids=[claim.pk])
    cluster = Cluster.objects.get(pk=cluster_of(claim))
    cluster.fact_check_suggestions.update(status="rejected")
    again = _queued("Sharks were seen swimming on a flooded highway after that hurricane")

    claims_match(claim_ids=[again.pk])

    assert cluster_of(again) == cluster.pk
    assert list(cluster.fact_check_suggestions.values_list("status", flat=True)) == ["rejected"]


@pytest.mark.django_db
def test_one_word_claims_are_not_matched() -> None:
    first = _queued("Unemployment.")
    again = _queued("Unemployment.")

    report = claims_match(claim_ids=[first.pk, again.pk])

    assert report.matched == 2 and report.joined == 0
    assert Cluster.objects.count() == 2


SHARKS = "A photo shows sharks swimming on a flooded highway after the hurricane."
CHECKED = (
    'A photograph shows the senator saying "we will never surrender" to the governor at a rally '
    'in Ohio in May 2019. Did the senator say "we will never surrender" at an Ohio rally?'
)
BRIDGE = "The new bridge over the river cost 40 million euros more than planned."


def _imported(**fields: object) -> ImportedFactCheck:
    """An imported fact-check as the import stores it: embedded and counted for ranking."""
    fact = ImportedFactCheck(**fields)
    vectors = embeddings.texts_embed([fact.claim_reviewed])
    fact.embedding = None if vectors is None else embeddings.vector_store(vectors[0])
    fact.save()
    fact_check_grams_count(added=[fact.match_text])
    return fact


def _fact_check(text: str, key: str) -> ImportedFactCheck:
    return _imported(claim_reviewed=text, rating="False", source_key=key)


@pytest.mark.django_db
def test_a_fact_check_stored_a_moment_ago_is_found_at_once() -> None:
    _fact_check(SHARKS, "k1")
    assert fact_checks_similar(text="sharks swimming on a flooded highway", limit=3)

    bridge = _fact_check(BRIDGE, "k2")
    found = fact_checks_similar(text="the bridge over the river cost 40 million euros", limit=3)

    assert found[0].id == bridge.pk


@pytest.mark.django_db
def test_a_fact_check_imported_twice_is_listed_first_as_first_stored() -> None:
    first = _fact_check(CHECKED, "k1")
    again = _fact_check(CHECKED.replace('"', "'"), "k2")
    _fact_check(BRIDGE, "k3")

    found = fact_checks_similar(text="The senator: 'we will never surrender' at an Ohio rally")

    assert [fact.id for fact in found[:2]] == [first.pk, again.pk]


@pytest.mark.django_db
def test_a_fact_check_gone_or_changed_is_found_as_it_now_reads() -> None:
    sharks = _fact_check(SHARKS, "k1")
    bridge = _fact_check(BRIDGE, "k2")

    sharks.delete()
    bridge.claim_reviewed = "Tax revenue from tobacco doubled in the last five years."
    bridge.embedding = (
        embeddings.vector_store(
            embeddings.texts_embed([bridge.claim_reviewed])[0]  # type: ignore[index]
        )
        if embeddings.semantic_enabled()
        else None
    )
    bridge.save()

    found = fact_checks_similar(text="sharks swimming on a flooded highway", limit=3)
    assert sharks.pk not in {fact.id for fact in found}
    assert all(fact.score < 0.2 for fact in found)  # the nearest neighbour, far off
    found = fact_checks_similar(text="tobacco tax revenue doubled in five years", limit=3)
    assert found[0].id == bridge.pk and found[0].score > 0.45


@pytest.mark.django_db
def test_the_words_of_fact_checks_are_counted_as_they_come_and_go() -> None:
    fact_check_grams_count(added=[SHARKS, BRIDGE])
    shark_words = fingerprint(SHARKS).text
    rarity = word_rarity([shark_words])
    assert rarity.size == 2
    lengths = word_counts([shark_words, fingerprint(BRIDGE).text]).sum()
    assert rarity.average_length == pytest.approx(lengths / 2)
    assert set(rarity.df.values()) == {1}

    fact_check_grams_count(added=[], removed=[SHARKS])

    rarity = word_rarity([shark_words])
    assert rarity.size == 1 and not any(rarity.df.values())
    scores = rarity.bm25(shark_words, [shark_words, fingerprint(BRIDGE).text])
    assert scores[0] > 0 and scores[1] == 0


@pytest.mark.django_db
def test_of_many_fact_checks_sharing_a_claims_words_those_sharing_its_rarest_are_kept() -> None:
    council = [
        _fact_check(f"The council said the council budget for schools rose in year {n}.", f"c{n}")
        for n in range(12)
    ]
    rare = _fact_check("Sharks appeared in a photo.", "rare")
    query = "The council says sharks swim on the flooded highway to the schools."
    vector = council[0].embedding
    if vector is None:  # lexical matching: any embedding will do to ask both ways
        vector = np.full(DIMENSIONS, DIMENSIONS**-0.5, dtype=np.float32)

    embedded = fact_check_candidates([Query(1, query, np.asarray(vector, np.float32))])[1]
    alone = fact_check_candidates([Query(1, query, None)])[1]

    # `ts_rank` puts the twelve sharing three words first; BM25 keeps the one sharing the
    # rarest. Without an embedding `ts_rank`'s first few are all there is.
    assert imported_key(rare.pk) in {candidate.key for candidate in embedded}
    assert len(alone) == WORDS_ALONE
    assert imported_key(rare.pk) not in {candidate.key for candidate in alone}


@pytest.mark.django_db
def test_a_few_fact_checks_embeddings_are_scanned_and_many_are_walked_in_the_graph() -> None:
    vector = "[" + ",".join(["0.05"] * DIMENSIONS) + "]"
    plans = {}
    for name, sql in (("walk", _DENSE_IMPORTED), ("scan", _DENSE_IMPORTED.replace(*_EXACT))):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, [[1], [vector], CANDIDATES])
            plans[name] = " ".join(row[0] for row in cursor.fetchall())
    assert "imported_fact_check_embedding" in plans["walk"]
    assert "imported_fact_check_embedding" not in plans["scan"]


@pytest.mark.django_db
def test_the_nearest_stored_claims_are_walked_in_the_graph_whatever_the_statistics_say() -> None:
    # Statistics taken while most claims wait for their embedding: to the planner few rows
    # have one, and reading them all looks cheaper than walking the graph.
    article = ArticleFactory()
    vector = np.full(DIMENSIONS, DIMENSIONS**-0.5, dtype=np.float32)
    Claim.objects.bulk_create(
        ClaimFactory.build(article=article, start=n * 10, end=n * 10 + 9, embedding=vector)
        for n in range(20)
    )
    Claim.objects.bulk_create(
        ClaimFactory.build(article=article, start=n * 10, end=n * 10 + 9, embedding=None)
        for n in range(20, 400)
    )
    literal = "[" + ",".join([f"{DIMENSIONS**-0.5:.6f}"] * DIMENSIONS) + "]"
    plans = {}
    for walked in (False, True):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
            if walked:
                graph_walk(cursor)
            cursor.execute("EXPLAIN " + _DENSE_CLAIMS, [[1], [literal], [0], CANDIDATES])
            plans[walked] = " ".join(row[0] for row in cursor.fetchall())
    assert "claim_embedding" not in plans[False]  # what the planner would choose alone
    assert "claim_embedding" in plans[True]


@pytest.mark.django_db
def test_a_claim_stored_word_for_word_before_is_proposed_alone_a_new_one_gets_neighbours() -> None:
    twin, near = _queued(PLEDGE, days_ago=3), _queued(PLEDGE_AGAIN, days_ago=2)
    repeat = _queued(PLEDGE)
    reworded = _queued("The mayor pledged to end the transit strike within two days in office.")
    claims_match(claim_ids=[twin.pk, near.pk])
    embeddings.claims_embed_stored(claim_ids=[repeat.pk, reworded.pk])
    queries = [
        Query(claim.pk, claim.text, None if vector is None else np.asarray(vector, np.float32))
        for claim, vector in (
            (claim, Claim.objects.get(pk=claim.pk).embedding) for claim in (repeat, reworded)
        )
    ]

    found = claim_candidates(queries)

    # The copy's cluster is where it goes: the copies' neighbours were proposed to the first.
    assert {candidate.key for candidate in found[repeat.pk]} == {twin.pk}
    assert {twin.pk, near.pk} <= {candidate.key for candidate in found[reworded.pk]}


@pytest.mark.django_db(transaction=True)
def test_a_web_process_loads_the_embedding_model_in_the_background_as_it_starts(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    thread = embedder_warm_up_start()
    assert thread is not None
    thread.join(timeout=120)

    assert embeddings.semantic_enabled() == (settings.FACTCHECK_MATCH_SEMANTIC != "off")
    settings.FACTCHECK_SEARCH_WARM_UP = False
    assert embedder_warm_up_start() is None


@pytest.mark.django_db
def test_repeats_within_one_batch_all_end_in_the_first_ones_cluster() -> None:
    first = _queued(PLEDGE, days_ago=3)
    again = _queued(PLEDGE_AGAIN, days_ago=2)
    third = _queued("The mayor pledged he would end the transit strike within 24 hours.")

    report = claims_match(claim_ids=[first.pk, again.pk, third.pk])

    cluster = Cluster.objects.get()
    assert report.joined == 2 and cluster.pk == cluster_of(first)
    assert cluster.appearance_count == 3
    assert set(ClusterMember.objects.values_list("cluster", flat=True)) == {cluster.pk}
    assert list(ReviewItem.objects.values_list("claim", flat=True)) == [first.pk]
    events = ClusterEvent.objects.filter(kind=ClusterEvent.Kind.JOIN, cluster=cluster)
    assert sorted(pk for event in events for pk in event.claim_ids) == [again.pk, third.pk]
    assert ClusterMember.objects.filter(matched_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_a_result_under_the_threshold_takes_no_place_in_a_short_list() -> None:
    for n in range(30):
        _imported(
            claim_reviewed=f"The president said in a speech on day {n} that the economy is strong.",
            source_key=f"speech{n}",
        )
    _imported(
        claim_reviewed="Ivanka got a Chinese trademark for voting machines.", source_key="ivanka"
    )
    query = "The president said in a speech that Ivanka sells voting machines."
    every = fact_checks_ranked([Query(0, query, None)])[0]
    ranked = [match for match, _ in fact_checks_found(every, limit=10)]
    floor = max(match.score for match in ranked)  # only the best-scoring one clears it
    best = next(match for match in ranked if match.score >= floor)

    found = fact_checks_found(every, limit=1, min_score=floor)

    assert [match.key for match, _ in found] == [best.key]


@pytest.mark.django_db
def test_a_batch_of_joins_reads_no_claim_one_query_at_a_time() -> None:
    """Candidates come for the whole batch at once, not a query per claim."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = [_queued(f"{PLEDGE} Said at rally number {n}.") for n in range(6)]
    claims_match(claim_ids=[claim.pk for claim in first])
    again = [_queued(f"{PLEDGE_AGAIN} Said at rally number {n}.") for n in range(6)]

    with CaptureQueriesContext(connection) as queries:
        report = claims_match(claim_ids=[claim.pk for claim in again])

    assert report.joined >= 3
    one_by_one = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'WHERE "claims_claim"."id" = ' in q["sql"]
    ]
    assert one_by_one == []


@pytest.fixture
def encoded(mode: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts passed through the embedding model from here on (hybrid matching only)."""
    if mode == "off":
        pytest.skip("lexical matching stores no vectors")
    texts: list[str] = []
    real = embeddings.texts_embed
    monkeypatch.setattr(embeddings, "texts_embed", lambda batch: texts.extend(batch) or real(batch))
    return texts


@pytest.mark.django_db
def test_copies_of_a_new_text_in_one_batch_take_one_pass_through_the_model(
    encoded: list[str],
) -> None:
    first, copy = _queued(PLEDGE), _queued(PLEDGE)

    claims_match(claim_ids=[first.pk, copy.pk])

    assert encoded == [PLEDGE]
    stored = dict(Claim.objects.values_list("pk", "embedding"))
    assert stored[first.pk] is not None
    assert list(stored[copy.pk]) == list(stored[first.pk])
    assert cluster_of(copy) == cluster_of(first)


@pytest.mark.django_db
def test_a_text_stored_before_takes_its_vector_without_the_model(encoded: list[str]) -> None:
    first = _queued(PLEDGE)
    claims_match(claim_ids=[first.pk])
    copy = _queued(PLEDGE)  # the same wire sentence in another outlet
    encoded.clear()

    claims_match(claim_ids=[copy.pk])

    assert encoded == []
    stored = dict(Claim.objects.values_list("pk", "embedding"))
    assert list(stored[copy.pk]) == list(stored[first.pk])
    assert cluster_of(copy) == cluster_of(first)
