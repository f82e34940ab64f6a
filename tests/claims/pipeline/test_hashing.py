from __future__ import annotations

from itertools import islice

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

from claims.pipeline.matching.chars import N_FEATURES, char_counts
from claims.pipeline.matching.hashing import ENGLISH_STOP_WORDS as STOP_WORDS
from claims.pipeline.matching.lexical import word_counts
from claims.pipeline.matching.normalise import fingerprint
from tests.paths import SHARED

CORPUS = SHARED / "corpus" / "claim-matching"
ODD = [
    "",
    " ",
    "a",
    "ab  cd\t\nef",
    "naïve café 日本語 😀 x",
    "to be or not to be, that is the question",
    "#AustralianFires @user 3.5% $40m",
]


def _texts() -> list[str]:
    texts = list(ODD)
    path = CORPUS / "verified_claims.docs.tsv"
    if path.exists():
        with open(path, encoding="utf-8") as lines:
            texts += [line.rstrip("\n").split("\t", 1)[-1] for line in islice(lines, 3000)]
    return texts + [fingerprint(text).text for text in texts]


def _vectoriser(**options: object) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=N_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=False,
        dtype=np.float32,
        **options,
    )


def _assert_same(ours: sparse.csr_matrix, theirs: sparse.csr_matrix) -> None:
    assert ours.shape == theirs.shape
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(ours, part), getattr(theirs, part)), part
    assert ours.data.dtype == theirs.data.dtype


def test_the_stop_words_are_scikit_learns() -> None:
    assert STOP_WORDS == ENGLISH_STOP_WORDS


@pytest.mark.parametrize("texts", [_texts()[:7], _texts()])
def test_character_counts_are_those_of_scikit_learns_hashing_vectoriser(texts: list[str]) -> None:
    theirs = _vectoriser(analyzer="char_wb", ngram_range=(3, 5)).transform(texts).tocsr()
    np.log1p(theirs.data, out=theirs.data)
    _assert_same(char_counts(texts), theirs)


@pytest.mark.parametrize("texts", [_texts()[:7], _texts()])
def test_word_counts_are_those_of_scikit_learns_hashing_vectoriser(texts: list[str]) -> None:
    vectoriser = _vectoriser(analyzer="word", ngram_range=(1, 2), stop_words="english")
    _assert_same(word_counts(texts), vectoriser.transform(texts).tocsr())
