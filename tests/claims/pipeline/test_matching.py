from __future__ import annotations

import numpy as np
import pytest

from claims.pipeline.embeddings import EmbeddingUnavailable, embedder_get
from claims.pipeline.matching.chars import (
    CharRarity,
    _RecentCounts,
    char_counts,
    char_similarity,
    unit_rows,
)
from claims.pipeline.matching.dense import DenseIndex
from claims.pipeline.matching.lexical import BM25Index, bm25_scores, word_counts
from claims.pipeline.matching.matcher import Match, Matcher, duplicates_together
from claims.pipeline.matching.normalise import (
    fact_check_embedding_text,
    fingerprint,
    normalise,
    numbers_conflict,
    polarity_conflict,
)

STORED = [
    "The mayor promised to end the strike within 24 hours of taking office.",
    "Unemployment in the region fell to 3 percent last year.",
    "The minister said the new bridge will cost 40 million euros.",
    "The spokesman confirmed ongoing contacts between the two governments.",
    "The council approved a budget of 2 billion for schools.",
]


def _lexical() -> Matcher:
    matcher = Matcher(dimensions=None)
    matcher.add(list(range(len(STORED))), STORED)
    return matcher


def test_normalise_drops_urls_and_case_and_keeps_handles_as_words() -> None:
    text = "BREAKING: @someone says Taxes ROSE https://t.co/xyz  #budget"
    assert normalise(text) == "breaking: someone says taxes rose budget"


def test_a_copied_tweet_loses_its_links_emoji_and_posting_date() -> None:
    text = (
        "RT @desk: Fires near Sydney 🔥 &amp; more #AustralianFires #COVID19 "
        "pic.twitter.com/AbC12— Jane Doe (@JaneDoe_99) January 6, 2020"
    )
    assert normalise(text) == (
        "fires near sydney & more australian fires covid19 — jane doe ( jane doe_99 )"
    )
    assert not fingerprint(text).numbers


def test_a_date_a_claim_states_is_kept() -> None:
    assert fingerprint("The law took effect on January 1, 2020").numbers == {"1", "2020"}


def test_a_fact_check_is_embedded_from_its_claim_and_from_its_headline_without_one() -> None:
    headline = "Did Joe Biden Say That?"
    assert fact_check_embedding_text("Joe Biden said that.", headline) == "Joe Biden said that."
    assert fact_check_embedding_text("  ", headline) == headline


def test_numbers_are_read_the_same_however_written() -> None:
    assert fingerprint("It cost 1,000 dollars").numbers == fingerprint("it cost 1000").numbers
    assert "3%" in fingerprint("rose by 3 per cent").numbers


def test_different_numbers_conflict_and_dropped_numbers_do_not() -> None:
    a = fingerprint("Inflation rose to 3% in May")
    assert numbers_conflict(a, fingerprint("Inflation rose to 30% in May"))
    assert not numbers_conflict(a, fingerprint("Inflation rose in May"))
    assert not numbers_conflict(a, fingerprint("In 2024 inflation rose to 3% in May"))


def test_a_shared_figure_does_not_make_up_for_one_that_differs() -> None:
    a = fingerprint("In district 4, 0 percent of 5 schools reopened in 1990")
    b = fingerprint("In district 4, 7 percent of 18 schools reopened in 1991, up from 0 percent")
    assert numbers_conflict(a, b)
    assert numbers_conflict(fingerprint("3% in 2019"), fingerprint("30% in 2019, up from 5%"))


def test_a_denial_conflicts_with_a_confirmation() -> None:
    assert polarity_conflict(
        fingerprint("The Kremlin denied contacts with Washington"),
        fingerprint("The Kremlin confirmed contacts with Washington"),
    )
    assert not polarity_conflict(
        fingerprint("It is not true that he never paid"), fingerprint("He paid his taxes")
    )


def test_one_word_and_empty_claims_are_not_matched() -> None:
    matcher = _lexical()
    assert matcher.search("") == []
    assert matcher.search("Unemployment") == []
    assert not fingerprint("Absolutely false.").matchable


def test_a_lexical_paraphrase_ranks_its_claim_first() -> None:
    found = _lexical().search("Mayor promises he will end the strike within 24 hours in office")
    assert found[0].key == 0
    assert not found[0].conflicting
    assert all(other.score < found[0].score - 0.1 for other in found[1:])


def test_the_same_sentence_with_another_number_is_flagged() -> None:
    found = _lexical().search("Unemployment in the region fell to 5 percent last year.")
    assert found[0].key == 1
    assert found[0].numbers_differ


def test_huge_texts_are_matched_on_their_start() -> None:
    found = _lexical().search(STORED[2] + " word" * 100_000)
    assert found[0].key == 2


# One fact-check stored twice, with other quotes (as 379 of the CheckThat! 2020 pool's are).
CHECKED = (
    'A photograph shows the senator saying "we will never surrender" to the governor at a rally '
    'in Ohio in May 2019. Did the senator say "we will never surrender" at an Ohio rally?'
)
CHECKED_AGAIN = CHECKED.replace('"', "'")
CHECKED_OTHER = "The senator told the governor at a rally in Ohio that the city will surrender."


def test_copies_of_one_text_are_listed_together_the_first_stored_first() -> None:
    plain = Matcher(dimensions=None)
    grouped = Matcher(dimensions=None, duplicates_at=0.9)
    for matcher in (plain, grouped):
        matcher.add([1, 2, 3], [CHECKED, CHECKED_OTHER, CHECKED_AGAIN])

    by_score = plain.search(CHECKED_AGAIN)
    found = grouped.search(CHECKED_AGAIN)

    assert [match.key for match in by_score] == [3, 1, 2]
    assert [match.key for match in found] == [1, 3, 2]
    # Only the order changes: each keeps its own score.
    assert sorted(found, key=lambda match: match.key) == sorted(by_score, key=lambda m: m.key)


def test_texts_a_figure_or_a_denial_sets_apart_are_not_copies() -> None:
    rate = "Unemployment in the state rose to {} percent in March, the bureau said."
    matcher = Matcher(dimensions=None, duplicates_at=0.9)
    matcher.add([1, 2], [rate.format("5.1"), rate.format("8.4")])
    shown = "Video shows the governor falling asleep during the flood briefing on Monday."
    denied = "Video does not show the governor falling asleep during the flood briefing on Monday."
    matcher.add([3, 4], [denied, shown])

    assert [match.key for match in matcher.search(rate.format("8.4"))][:2] == [2, 1]
    assert [match.key for match in matcher.search(shown)][:2] == [4, 3]


def _scored(key: int, score: float) -> Match:
    return Match(key, score, score, None, numbers_differ=False, polarity_differs=False)


def test_copies_rank_where_the_best_of_them_does_and_others_keep_their_order() -> None:
    matches = [_scored(9, 0.8), _scored(4, 0.7), _scored(2, 0.6), _scored(5, 0.5)]
    alike = {9: {2}, 2: {9}, 4: set(), 5: set()}

    assert [match.key for match in duplicates_together(matches, alike)] == [2, 9, 4, 5]
    assert [match.key for match in duplicates_together(matches, {})] == [9, 4, 2, 5]


SPEECHES = [
    f"The president said in a speech on day {n} that the economy is strong." for n in range(30)
]
VOTING_MACHINES = "Ivanka got a Chinese trademark for voting machines."


def test_ranking_by_rarity_puts_shared_rare_words_above_shared_common_ones() -> None:
    query = "The president said in a speech that Ivanka sells voting machines."
    found = {}
    for by_rarity in (False, True):
        matcher = Matcher(dimensions=None, rank_by_rarity=by_rarity)
        matcher.add(list(range(100, 130)), SPEECHES)
        matcher.add([1], [VOTING_MACHINES])
        found[by_rarity] = matcher.search(query, k=3)

    assert found[False][0].key != 1
    assert found[True][0].key == 1
    # The order changes, not the scores the thresholds read.
    assert found[True][0].score < found[True][1].score
    plain = {match.key: match.score for match in found[False]}
    both = [match for match in found[True] if match.key in plain]
    assert both and all(match.score == plain[match.key] for match in both)


def test_rarity_weighs_an_ngram_most_texts_hold_least_and_an_unseen_one_most() -> None:
    rarity = CharRarity()
    rarity.add([normalise(text) for text in SPEECHES] + [normalise(VOTING_MACHINES)])
    counts = char_counts(["president", "ivanka", "zygote"])

    weights = [rarity.idf(counts[row].indices).mean() for row in range(3)]

    assert weights[0] < weights[1] < weights[2]
    assert rarity.idf(counts[0].indices).min() == pytest.approx(np.log(32 / 31) + 1)


def test_excluded_keys_are_not_returned() -> None:
    found = _lexical().search(STORED[0], exclude=frozenset({0}))
    assert all(match.key != 0 for match in found)


def test_dense_index_graph_and_exact_scan_agree() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = DenseIndex(32, exact_below=10**9)
    graph = DenseIndex(32, exact_below=100)
    for index in (exact, graph):
        index.add(list(range(1000, 4000)), vectors)
    query = vectors[17] + 0.01
    exact_keys, exact_scores = exact.search(query, 5)
    graph_keys, _ = graph.search(query, 5)
    assert exact_keys[0] == 1017 and graph_keys[0] == 1017
    # The graph is approximate and keeps half floats: among random vectors whose cosines
    # differ in the third decimal, its fifth may be the scan's sixth.
    assert len(set(graph_keys) & set(exact_keys)) >= 4
    assert np.allclose(graph.vectors_get([1017])[0], vectors[17], atol=1e-2)
    assert exact_scores[0] >= exact_scores[-1]


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    try:
        return embedder_get()
    except EmbeddingUnavailable as exc:
        pytest.skip(str(exc))


def test_hybrid_matches_a_paraphrase_with_few_shared_words(embedder) -> None:  # type: ignore[no-untyped-def]
    matcher = Matcher(dimensions=embedder.dimensions)
    matcher.add(list(range(len(STORED))), STORED, embedder.encode(STORED))
    query = "Jobless rate in the area dropped to 3% in the past year"
    found = matcher.search(query, vector=embedder.encode([query])[0])
    assert found[0].key == 1
    assert found[0].semantic is not None and found[0].semantic > 0.6


def test_hybrid_flags_a_denial_of_a_stored_confirmation(embedder) -> None:  # type: ignore[no-untyped-def]
    matcher = Matcher(dimensions=embedder.dimensions)
    matcher.add(list(range(len(STORED))), STORED, embedder.encode(STORED))
    query = "The spokesman denied any contacts between the two governments."
    found = matcher.search(query, vector=embedder.encode([query])[0])
    assert found[0].key == 3
    assert found[0].polarity_differs and found[0].conflicting


def test_bm25_added_one_by_one_keeps_every_claim_findable_in_a_few_segments() -> None:
    texts = [f"{STORED[n % len(STORED)]} tag{n}x" for n in range(300)]
    one_by_one, at_once = BM25Index(), BM25Index()
    for key, text in enumerate(texts):
        one_by_one.add([key], [text])
    at_once.add(list(range(len(texts))), texts)
    # Segments merge like a binary counter: a few of them, not one per claim.
    assert one_by_one.segments + (one_by_one.tail_rows > 0) <= 9
    for key in (0, 1, 150, 255, 256, 299):
        query = f"{STORED[key % len(STORED)]} tag{key}x"
        assert one_by_one.search(query, 3)[0][0] == key
        assert at_once.search(query, 3)[0][0] == key
    assert set(one_by_one.search("bridge cost euros", 100)[0]) == set(range(2, 300, 5))


def test_bm25_scores_the_same_on_a_few_postings_as_on_many() -> None:
    index = BM25Index()
    filler = [f"council budget schools {n}" for n in range(2000)]
    index.add(list(range(len(filler))), filler)
    index.add([5000], ["the spokesman confirmed contacts between governments"])
    # A rare word touches one row of 2,001 (sparse path); common ones touch them all (dense).
    keys, scores = index.search("spokesman confirmed", 3)
    assert list(keys) == [5000] and scores[0] > 0
    keys, _ = index.search("council budget", 3)
    assert len(keys) == 3 and 5000 not in keys


def test_adding_a_key_twice_keeps_the_first_text_and_one_entry() -> None:
    matcher = _lexical()
    matcher.add([0], ["Something else entirely about fishing quotas in the north sea."])
    assert len(matcher) == len(STORED)
    assert matcher.text_of(0) == fingerprint(STORED[0]).text


def test_dense_index_grows_one_vector_at_a_time_and_finds_each() -> None:
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(1500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = DenseIndex(16, exact_below=10**9)
    for key in range(len(vectors)):
        index.add([key + 10], vectors[key : key + 1])
    assert len(index) == 1500
    keys, scores = index.search(vectors[1234], 3)
    assert keys[0] == 1244 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(index.vectors_get([10, 99999])[0], vectors[0])
    assert not index.vectors_get([99999]).any()


def test_a_large_bm25_index_leaves_common_query_words_out_of_candidate_search() -> None:
    index = BM25Index()
    index.PRUNE_FROM = 100  # type: ignore[misc]
    texts = [f"the council budget report number {n}" for n in range(400)]
    texts += ["the spokesman confirmed contacts between governments"]
    index.add(list(range(len(texts))), texts)
    # "council" and "budget" are in nearly every text: only the rare words find candidates.
    keys, _ = index.search("council budget spokesman contacts", 5)
    assert list(keys) == [400]
    # A query of common words only still finds something.
    keys, _ = index.search("council budget", 5)
    assert len(keys) == 5


def test_bm25_scores_rows_in_the_tail_as_it_scores_them_in_a_segment() -> None:
    texts = [f"{STORED[n % len(STORED)]} item{n} {n % 7} council" for n in range(300)]
    tail, segmented = BM25Index(), BM25Index()
    tail.add(list(range(len(texts))), texts)
    segmented.TAIL_ROWS = 1  # type: ignore[misc]
    segmented.add(list(range(len(texts))), texts)
    assert tail.tail_rows == 300 and not tail.segments
    assert segmented.segments and not segmented.tail_rows
    for query in ("bridge cost million item17", "council approved budget 3", "item299 strike"):
        tail_keys, tail_scores = tail.search(normalise(query), 300)
        segment_keys, segment_scores = segmented.search(normalise(query), 300)
        by_key = dict(zip(segment_keys.tolist(), segment_scores.tolist(), strict=True))
        assert set(tail_keys.tolist()) == set(by_key)
        for key, score in zip(tail_keys.tolist(), tail_scores.tolist(), strict=True):
            assert score == pytest.approx(by_key[key], rel=1e-5)


def test_bm25_of_a_few_texts_with_a_collection_kept_elsewhere_scores_as_the_index() -> None:
    texts = [normalise(f"{STORED[n % len(STORED)]} item{n} {n % 7} council") for n in range(300)]
    index = BM25Index()
    index.add(list(range(len(texts))), texts)
    counts = word_counts(texts)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    average = counts.sum() / len(texts)
    for query in ("bridge cost million item17", "council approved budget 3", "item299 strike"):
        keys, scores = index.search(normalise(query), 20)
        few = [texts[key] for key in keys.tolist()] + [texts[0]]
        rescored = bm25_scores(normalise(query), few, lambda f: df[f], len(texts), average)
        assert rescored[:-1] == pytest.approx(scores, rel=1e-5)
    assert not bm25_scores("council", [], lambda f: df[f], len(texts), average).size
    assert not bm25_scores("the of", texts[:3], lambda f: df[f], len(texts), average).any()


def test_character_cosines_are_the_same_from_the_cache_and_it_stays_bounded() -> None:
    query = normalise(STORED[0])
    texts = [normalise(text) for text in STORED]
    vectors = unit_rows(char_counts([query, *texts]))
    expected = (vectors[1:] @ vectors[0].T).toarray().ravel()
    first = char_similarity(query, texts)
    again = char_similarity(query, texts)  # every row from the cache now
    assert np.allclose(first, expected, atol=1e-6) and np.array_equal(first, again)
    assert first[0] == pytest.approx(1.0, abs=1e-5) and first[1:].max() < 0.5
    # Cached rows cannot be changed by whoever reads them, and the counts handed out can.
    recent = _RecentCounts(max_entries=10**6)
    features, data = recent.rows([texts[0]])[0]
    with pytest.raises(ValueError):
        data *= 2
    counts = recent.counts([texts[0], texts[1]])
    counts.data *= 2
    assert np.array_equal(recent.rows([texts[0]])[0][1], data)


def test_the_character_count_cache_forgets_the_least_recently_used_first() -> None:
    texts = [normalise(text) for text in STORED]
    sizes = [len(features) for features, _ in _RecentCounts(10**6).rows(texts)]
    recent = _RecentCounts(max_entries=sizes[0] + sizes[1] + sizes[2])
    recent.rows(texts[:3])
    recent.rows([texts[0]])  # used again: now the most recent
    recent.rows([texts[3]])  # over the bound: the least recently used go
    assert set(recent._rows) >= {texts[0], texts[3]} and texts[1] not in recent._rows
    assert recent._entries == sum(len(row[0]) for row in recent._rows.values())
