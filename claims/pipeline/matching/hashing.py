"""Hashed counts of character n-grams and of words, as scikit-learn's HashingVectorizer gives them.

The same n-grams, the same MurmurHash3 (through `mmh3`) and the same buckets, so the counts
stored for fact-checks (`reviews.FactCheckGram`) and those of every new claim agree with what
the vectoriser gave: `tests/claims/pipeline/test_hashing.py` compares the two. Importing
scikit-learn costs every process that matches ~70 MiB of resident memory (scipy.stats comes
with it), for two loops and a hash; training code still uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import mmh3
import numpy as np
from scipy import sparse

_WHITE_SPACES = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
# scikit-learn's ENGLISH_STOP_WORDS (stop_words="english"), which the word counts leave out.
_STOP_WORDS = """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been
    before beforehand behind being below beside besides between beyond bill both bottom but by
    call can cannot cant co con could couldnt cry de describe detail do done down due during
    each eg eight either eleven else elsewhere empty enough etc even ever every everyone
    everything everywhere except few fifteen fifty fill find fire first five for former formerly
    forty found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
"""
ENGLISH_STOP_WORDS = frozenset(_STOP_WORDS.split())


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """The `low`-`high` character n-grams inside each word, the word padded with a space on
    either side; a word shorter than an n gives one n-gram, itself padded (`char_wb`)."""
    ngrams: list[str] = []
    append = ngrams.append
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            append(padded[:n])
            while offset + n < length:
                offset += 1
                append(padded[offset : offset + n])
            if offset == 0:
                break
    return ngrams


def word_ngrams(text: str, high: int, stop_words: frozenset[str] = ENGLISH_STOP_WORDS) -> list[str]:
    """The words of two letters or more that are not stop words, then every run of 2 to `high`
    of them joined by a space (`analyzer="word"`, `ngram_range=(1, high)`)."""
    words = [word for word in _TOKEN.findall(text) if word not in stop_words]
    ngrams = list(words)
    for n in range(2, min(high, len(words)) + 1):
        ngrams.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return ngrams


def hashed_counts(
    texts: Sequence[str], analyzer: Callable[[str], list[str]], n_features: int
) -> sparse.csr_matrix:
    """How often each bucket's n-grams occur in each text, float32, a row per text with its
    columns sorted: each n-gram's UTF-8 MurmurHash3 (seed 0), its absolute value modulo
    `n_features` (HashingVectorizer with `alternate_sign=False`, `norm=None`)."""
    hashes: list[int] = []
    indptr = [0]
    for text in texts:
        hashes.extend(map(mmh3.hash, analyzer(text)))
        indptr.append(len(hashes))
    signed = np.array(hashes, dtype=np.int64)
    indices = (np.abs(signed) % n_features).astype(np.int32)
    # abs(-2**31) does not fit in 32 bits; scikit-learn's bucket for it is this one.
    indices[signed == -(2**31)] = (2**31 - 1 - (n_features - 1)) % n_features
    counts = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, np.array(indptr, dtype=np.int64)),
        shape=(len(texts), n_features),
        dtype=np.float32,
    )
    counts.sum_duplicates()  # also sorts each row's columns
    return counts
