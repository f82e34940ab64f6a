"""Check-worthiness: how likely a sentence is to hold a factual claim worth checking.

The default model is linear: hashed word 1-2-grams and character 2-5-grams weighted by TF-IDF,
plus a handful of hand-made cues (numbers, comparisons, names...). Hashing keeps the vocabulary
out of the artefact, so a saved model is only arrays in an `.npz` beside a JSON file of metadata.
Pickle is avoided on purpose: unpickling runs code, and breaks across scikit-learn versions.
`claims.pipeline.training` writes the artefact that `load_scorer` reads.

Scoring has to keep up with ingestion (~15,000 sentences a second on one core), so features
are computed for a whole batch at once with numpy instead of n-gram by n-gram in Python: the
texts are joined into one array of code points, and every n-gram is named by a polynomial hash
of its span, read off prefix sums in O(1). The hash is plain 64-bit integer arithmetic on
code points (never Python's per-process salted `hash()`), so buckets are the same in every
process and on every machine, and training and scoring share this one implementation.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from claims.pipeline.types import Score

DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "checkworthiness.npz"
# /2: n-grams are hashed by `_batch_features`, not by scikit-learn's murmurhash.
FORMAT = "checkworthiness-linear/2"
# Debate sentences run to ~800 characters; anything far longer is a splitter failure, and
# n-gram extraction on it would cost time without telling the model anything more.
MAX_CHARS = 2000
BUCKET_BITS = 20
N_FEATURES = 2**BUCKET_BITS
CHAR_NGRAMS = (2, 5)
# Rows per numpy batch: bounds the scratch arrays, and row * 2 * N_FEATURES stays in int32.
BATCH_ROWS = 512
MAX_NGRAM_REASONS = 3
MAX_CUE_REASONS = 3
# A contribution (feature value x weight, in logit units) below this is noise, not a reason.
MIN_REASON_CONTRIBUTION = 0.05
# Scaled cues ("long sentence", "names a person or body") lie in [0, 1]; half-way is 30 words
# or two capitalised names, below which they describe nearly every sentence.
MIN_CUE_VALUE = 0.5
EMPTY_REASON = "empty sentence"
TRUNCATED_REASON = f"very long text: only the first {MAX_CHARS} characters were scored"
DIFFUSE_REASON = "overall wording (no single strong feature)"

# Cross-validation on the training set preferred these few broad cues to finer-grained ones
# (separate "spelled-out quantity", "first-person plural", hedges apart from promises).
# Word cues match whole words (runs of \w), ignoring case; "comparison" also takes any word
# ending in "-est" ("biggest", but also "honest": the model weighs it accordingly).
_COMPARISON_WORDS = (
    "more less fewer most least higher lower larger smaller better worse increase increased "
    "increases decrease decreased decreases doubled tripled cut raise raised lowest highest "
    "biggest largest"
)
_MONEY_WORDS = "dollar dollars billion million trillion"
_HEDGE_WORDS = "think believe hope maybe perhaps might could feel will would should"
# Lower-case only: "Said" opening a sentence is as often a name as a verb.
_ATTRIBUTION_WORDS = "said says voted vote supported opposed proposed signed passed"
_YEARS = " ".join(str(year) for year in range(1800, 2100))
CUE_NAMES: tuple[str, ...] = (
    "contains a number",
    "percentage",  # a digit, maybe a space, then "%" or "percent"
    "money or large amount",  # "$" or a money word
    "mentions a year",  # 1800-2099 as a word of its own
    "comparison",
    "hedge or prediction",  # a hedge word or "going to"
    "attribution verb",
    # Capitalised words after the first one are mostly names of people, places and bodies.
    "names a person or body",
    "question",
    "very short sentence",
    "short sentence",
    "long sentence",
)

_SPACE, _DOLLAR, _PERCENT, _QUESTION = (ord(c) for c in " $%?")
_PERCENT_WORD = np.frombuffer("percent".encode("utf-32-le"), dtype="<u4")
_EST = np.frombuffer("est".encode("utf-32-le"), dtype="<u4")
# Polynomial hash base: odd, so invertible modulo 2**64, which the prefix trick needs.
_BASE = np.uint64(0x100000001B3)
_BASE_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
# Different salts keep a word, a bigram and a character n-gram of the same text apart.
_CHAR_SALT = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = np.uint64(0xC2B2AE3D27D4EB4F)
_BIGRAM_SALT = np.uint64(0x165667B19E3779F9)
_LENGTH_SALT = np.uint64(0x27D4EB2F165667C5)
_FMIX_1, _FMIX_2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT_33, _SHIFT_BUCKET = np.uint64(33), np.uint64(64 - BUCKET_BITS)


class ModelLoadError(RuntimeError):
    """The model artefact is missing, unreadable or from an incompatible version of this code."""


class Scorer(Protocol):
    @property
    def version(self) -> str: ...

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]: ...


def prepare(text: str) -> str:
    """The part of `text` the model reads: bounded length, encodable as UTF-8."""
    text = text[:MAX_CHARS]
    # Lone surrogates (from badly decoded input) cannot be encoded to code points.
    return text.encode("utf-8", "replace").decode("utf-8")


def _fmix(x: np.ndarray) -> np.ndarray:
    # MurmurHash3's 64-bit finaliser: every input bit reaches the top bits used as buckets.
    x = x ^ (x >> _SHIFT_33)
    x = x * _FMIX_1
    x ^= x >> _SHIFT_33
    x *= _FMIX_2
    x ^= x >> _SHIFT_33
    return x


def _bucket(x: np.ndarray) -> np.ndarray:
    return (x >> _SHIFT_BUCKET).astype(np.int64)


@lru_cache(maxsize=8)
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    # BASE**k and BASE**-k modulo 2**64 for k < size; uint64 arithmetic wraps, as wanted.
    powers = np.full(size, _BASE, dtype=np.uint64)
    inverses = np.full(size, _BASE_INVERSE, dtype=np.uint64)
    powers[0] = inverses[0] = 1
    return np.cumprod(powers), np.cumprod(inverses)


def _prefix_hashes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(prefix, powers): the hash of codes[s:e] is prefix[e] - prefix[s] * powers[e - s]."""
    size = 1 << max(len(codes), 1).bit_length()
    powers, inverses = _powers(size)
    # prefix[k] = sum(codes[m] * BASE**(k-1-m) for m < k), from one cumulative sum.
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    prefix[1:] = np.cumsum(codes * inverses[: len(codes)]) * powers[: len(codes)]
    return prefix, powers


@cache
def _bmp_properties() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Built once per process (~30 ms): lower-case code point, \w, \d, upper case.
    chars = [chr(c) for c in range(0x10000)]
    return _properties(chars)


def _properties(chars: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # A character whose lower case is several ("İ") keeps the first: one code point in, one out.
    lower = np.array([ord(c.lower()[:1] or c) for c in chars], dtype=np.uint64)
    word = np.array([c.isalnum() or c == "_" for c in chars], dtype=bool)
    digit = np.array([c.isdecimal() for c in chars], dtype=bool)
    upper = np.array([c.isupper() for c in chars], dtype=bool)
    return lower, word, digit, upper


def _character_properties(
    codes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lower, word, digit, upper = _bmp_properties()
    if not (codes > 0xFFFF).any():
        return lower[codes], word[codes], digit[codes], upper[codes]
    # Astral characters (emoji, rare scripts) are few: look up only the distinct ones.
    distinct, inverse = np.unique(codes, return_inverse=True)
    properties = _properties([chr(c) for c in distinct])
    return tuple(p[inverse] for p in properties)  # type: ignore[return-value]


def _word_hashes(words: Sequence[str]) -> np.ndarray:
    """The 64-bit hash `_batch_features` gives each of `words` when it is a whole token."""
    text = "".join(words)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    lower = _character_properties(codes)[0]
    prefix, powers = _prefix_hashes(lower)
    ends = np.cumsum([len(w) for w in words], dtype=np.int64)
    starts = ends - np.array([len(w) for w in words], dtype=np.int64)
    return _token_hashes(prefix, powers, starts, ends)


def _token_hashes(
    prefix: np.ndarray, powers: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    lengths = ends - starts
    spans = prefix[ends] - prefix[starts] * powers[lengths]
    return _fmix(spans + lengths.astype(np.uint64) * _LENGTH_SALT + _WORD_SALT)


def ngram_bucket(ngram: str) -> int:
    """The word-feature column of `ngram` (one word, or two separated by a space)."""
    hashes = _word_hashes(ngram.split(" "))
    if len(hashes) == 1:
        return int(_bucket(hashes)[0])
    return int(_bucket(_fmix(hashes[:1] * _BASE + hashes[1:2] + _BIGRAM_SALT))[0])


# Bit of each word cue in `_cue_word_table`.
_MONEY, _YEAR, _COMPARISON, _HEDGE, _ATTRIBUTION = (1 << bit for bit in range(5))


@cache
def _cue_word_table() -> tuple[np.ndarray, np.ndarray, np.uint64]:
    """(sorted word hashes, the cue bits of each, the bigram hash of "going to")."""
    bits: dict[int, int] = {}
    for bit, words in (
        (_MONEY, _MONEY_WORDS),
        (_YEAR, _YEARS),
        (_COMPARISON, _COMPARISON_WORDS),
        (_HEDGE, _HEDGE_WORDS),
        (_ATTRIBUTION, _ATTRIBUTION_WORDS),
    ):
        for word_hash in _word_hashes(words.split()).tolist():
            bits[word_hash] = bits.get(word_hash, 0) | bit
    hashes = np.array(sorted(bits), dtype=np.uint64)
    flags = np.array([bits[h] for h in sorted(bits)], dtype=np.int64)
    going_to = _word_hashes(["going", "to"])
    return hashes, flags, _fmix(going_to[:1] * _BASE + going_to[1:] + _BIGRAM_SALT)[0]


def _word_cues(token_hashes: np.ndarray) -> np.ndarray:
    """The cue bits of each token: one binary search for all the word lists together."""
    hashes, flags, _ = _cue_word_table()
    at = np.minimum(np.searchsorted(hashes, token_hashes), len(hashes) - 1)
    return np.where(hashes[at] == token_hashes, flags[at], 0)


def _any_per_row(rows: np.ndarray, n_rows: int) -> np.ndarray:
    flags = np.zeros(n_rows, dtype=np.float32)
    flags[rows] = 1.0
    return flags


@dataclass(frozen=True)
class BatchFeatures:
    """Hashed n-gram counts and cues of a batch of `prepare`d texts, before TF-IDF.

    (row, column, count) lists every distinct n-gram of every row, sorted by row then column;
    word n-grams have columns [0, N_FEATURES), character n-grams [N_FEATURES, 2 N_FEATURES).
    The word n-gram occurrences are kept, in reading order, only to name them in reasons.
    """

    n_rows: int
    row: np.ndarray
    column: np.ndarray
    count: np.ndarray
    cues: np.ndarray
    text: str
    token_start: np.ndarray
    token_end: np.ndarray
    word_key: np.ndarray  # row * N_FEATURES + column of each word n-gram occurrence
    word_token: np.ndarray  # index of its first token
    word_tokens: np.ndarray  # 1 or 2

    def word_ngram(self, occurrence: int) -> str:
        first = int(self.word_token[occurrence])
        tokens = range(first, first + int(self.word_tokens[occurrence]))
        return " ".join(self.text[self.token_start[t] : self.token_end[t]].lower() for t in tokens)


@dataclass(frozen=True)
class _Characters:
    codes: np.ndarray
    lower: np.ndarray
    is_digit: np.ndarray
    is_upper: np.ndarray
    space: np.ndarray
    row: np.ndarray
    row_length: np.ndarray


@dataclass(frozen=True)
class _Tokens:
    start: np.ndarray
    end: np.ndarray
    row: np.ndarray
    hash: np.ndarray
    pair_hash: np.ndarray  # of each token with the next one in the same row


def _contains(lower: np.ndarray, word: np.ndarray) -> np.ndarray:
    """Start positions of `word` (code points) in `lower`."""
    found = np.flatnonzero(lower[: max(len(lower) - len(word) + 1, 0)] == word[0])
    for offset in range(1, len(word)):
        found = found[lower[found + offset] == word[offset]]
    return found


def _cues(chars: _Characters, tokens: _Tokens) -> np.ndarray:
    """The CUE_NAMES columns, from the code points and tokens of a whole batch at once."""
    word_cues = _word_cues(tokens.hash)
    n_rows = len(chars.row_length)
    cues = np.zeros((n_rows, len(CUE_NAMES)), dtype=np.float32)
    cues[:, 0] = _any_per_row(chars.row[chars.is_digit], n_rows)
    # \d\s*(?:%|percent): the texts are single-spaced, so at most one space in between.
    marks = np.concatenate(
        [np.flatnonzero(chars.codes == _PERCENT), _contains(chars.lower, _PERCENT_WORD)]
    )
    numbered = chars.is_digit[marks - 1] | (
        chars.space[marks - 1] & chars.is_digit[np.maximum(marks - 2, 0)]
    )
    cues[:, 1] = _any_per_row(chars.row[marks[numbered]], n_rows)
    money = (word_cues & _MONEY) != 0
    cues[:, 2] = _any_per_row(
        np.concatenate([chars.row[chars.codes == _DOLLAR], tokens.row[money]]), n_rows
    )
    cues[:, 3] = _any_per_row(tokens.row[(word_cues & _YEAR) != 0], n_rows)
    lengths = tokens.end - tokens.start
    ends = chars.lower[tokens.end[:, None] - 3 + np.arange(3)]
    superlative = (lengths >= 4) & (ends == _EST).all(axis=1)
    cues[:, 4] = _any_per_row(tokens.row[superlative | ((word_cues & _COMPARISON) != 0)], n_rows)
    same_row = tokens.row[:-1] == tokens.row[1:]
    going_to = _cue_word_table()[2]
    cues[:, 5] = _any_per_row(
        np.concatenate(
            [
                tokens.row[(word_cues & _HEDGE) != 0],
                tokens.row[:-1][(tokens.pair_hash == going_to) & same_row],
            ]
        ),
        n_rows,
    )
    attribution = ((word_cues & _ATTRIBUTION) != 0) & ~chars.is_upper[tokens.start]
    cues[:, 6] = _any_per_row(tokens.row[attribution], n_rows)
    # Shape cues count whitespace-separated words, as str.split() does.
    previous_space = np.concatenate([[True], chars.space[:-1]])
    word_start = np.flatnonzero(~chars.space & previous_space)
    word_row = chars.row[word_start]
    n_words = np.bincount(word_row, minlength=n_rows)
    later = np.concatenate([[False], word_row[1:] == word_row[:-1]])
    capitalised = np.bincount(word_row[later & chars.is_upper[word_start]], minlength=n_rows)
    cues[:, 7] = np.minimum(capitalised, 4) / 4
    last = np.cumsum(chars.row_length) - 2  # each row's last character, before its padding
    cues[:, 8] = (chars.row_length > 2) & (chars.codes[last] == _QUESTION)
    cues[:, 9] = n_words < 6
    cues[:, 10] = n_words < 10
    cues[:, 11] = np.minimum(n_words, 60) / 60
    return cues


def batch_features(texts: Sequence[str]) -> BatchFeatures:
    """Hashed word 1-2-grams, char_wb 2-5-grams and cues of at most BATCH_ROWS texts."""
    n_rows = len(texts)
    # Each text's words, single-spaced and padded with a space each side, so that character
    # n-grams never span two words (like scikit-learn's char_wb) nor two texts.
    spaced = [" " + " ".join(t.split()) + " " for t in texts]
    text = "".join(spaced)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    lengths = np.fromiter(map(len, spaced), dtype=np.int64, count=n_rows)
    row_of = np.repeat(np.arange(n_rows), lengths)
    lower, is_word, is_digit, is_upper = _character_properties(codes)
    prefix, powers = _prefix_hashes(lower)
    space = codes == _SPACE

    # Every character n-gram at once: an n-gram starting at s is kept when there is no space
    # inside it (it lies within one padded word) and, for n = 2, it is not two spaces.
    size = len(codes)
    sizes = np.arange(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1)[:, None]
    starts = np.arange(size)
    spaces_before = np.concatenate([[0], np.cumsum(space), np.full(CHAR_NGRAMS[1], size)])
    inside = spaces_before[starts + sizes - 1] - spaces_before[starts + 1]
    keep = (inside == 0) & (starts + sizes <= size)
    keep[0] &= ~(space & np.append(space[1:], False))  # row 0 holds the 2-grams
    which, starts = np.nonzero(keep)
    n = which + CHAR_NGRAMS[0]
    hashes = prefix[starts + n] - prefix[starts] * powers[n]
    columns = _bucket(_fmix(hashes + n.astype(np.uint64) * _LENGTH_SALT + _CHAR_SALT))
    keys = [row_of[starts] * (2 * N_FEATURES) + N_FEATURES + columns]

    # Tokens as scikit-learn's default pattern \b\w\w+\b: runs of two or more word characters.
    before = np.concatenate([[False], is_word[:-1]])
    after = np.concatenate([is_word[1:], [False]])
    token_start = np.flatnonzero(is_word & ~before)
    token_end = np.flatnonzero(is_word & ~after) + 1
    long_enough = token_end - token_start >= 2
    token_start, token_end = token_start[long_enough], token_end[long_enough]
    token_row = row_of[token_start]
    token_hash = _token_hashes(prefix, powers, token_start, token_end)
    pair_hash = _fmix(token_hash[:-1] * _BASE + token_hash[1:] + _BIGRAM_SALT)
    pair = np.flatnonzero(token_row[:-1] == token_row[1:])
    word_key = np.concatenate(
        [
            token_row * N_FEATURES + _bucket(token_hash),
            token_row[pair] * N_FEATURES + _bucket(pair_hash[pair]),
        ]
    )
    keys.append(word_key // N_FEATURES * (2 * N_FEATURES) + word_key % N_FEATURES)

    # Sorting int32 keys (row * 2 N_FEATURES + column fits: BATCH_ROWS is small) and counting
    # runs is np.unique(return_counts=True) without its overhead.
    all_keys = np.sort(np.concatenate(keys).astype(np.int32))
    run_starts = np.flatnonzero(np.concatenate([[True], all_keys[1:] != all_keys[:-1]]))
    distinct = all_keys[run_starts].astype(np.int64)
    count = np.diff(np.append(run_starts, len(all_keys)))
    characters = _Characters(codes, lower, is_digit, is_upper, space, row_of, lengths)
    tokens = _Tokens(token_start, token_end, token_row, token_hash, pair_hash)
    cues = _cues(characters, tokens)
    return BatchFeatures(
        n_rows=n_rows,
        row=distinct // (2 * N_FEATURES),
        column=distinct % (2 * N_FEATURES),
        count=count,
        cues=cues,
        text=text,
        token_start=token_start,
        token_end=token_end,
        word_key=word_key,
        word_token=np.concatenate([np.arange(len(token_start)), pair]),
        word_tokens=np.concatenate(
            [np.ones(len(token_start), dtype=np.int64), np.full(len(pair), 2, dtype=np.int64)]
        ),
    )


def _batches(texts: Sequence[str]) -> list[BatchFeatures]:
    return [batch_features(texts[i : i + BATCH_ROWS]) for i in range(0, len(texts), BATCH_ROWS)]


def document_frequencies(texts: Sequence[str]) -> np.ndarray:
    """In how many of the `prepare`d texts each n-gram column occurs (training's IDF)."""
    df = np.zeros(2 * N_FEATURES, dtype=np.int64)
    for batch in _batches(texts):
        df += np.bincount(batch.column, minlength=2 * N_FEATURES)
    return df


def _tfidf(batch: BatchFeatures, idf: np.ndarray) -> np.ndarray:
    """TF-IDF of each (row, column) of `batch`, given the IDF of each of its columns."""
    # Sublinear TF x IDF, word and character blocks each scaled to unit length per row:
    # what scikit-learn's TfidfTransformer(sublinear_tf=True) gives on each block.
    values = (1.0 + np.log(batch.count)) * idf
    block = 2 * batch.row + (batch.column >= N_FEATURES)
    norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * batch.n_rows))
    return values / norms[block]


def feature_matrix(
    texts: Sequence[str], word_idf: np.ndarray, char_idf: np.ndarray
) -> sp.csr_matrix:
    """[word TF-IDF | char TF-IDF | cues] for already `prepare`d texts."""
    idf = np.concatenate([word_idf, char_idf]).astype(np.float64)
    blocks = []
    for batch in _batches(texts):
        indptr = np.searchsorted(batch.row, np.arange(batch.n_rows + 1))
        ngrams = sp.csr_matrix(
            (_tfidf(batch, idf[batch.column]).astype(np.float32), batch.column, indptr),
            shape=(batch.n_rows, 2 * N_FEATURES),
        )
        blocks.append(sp.hstack([ngrams, sp.csr_matrix(batch.cues)], format="csr"))
    if not blocks:
        return sp.csr_matrix((0, 2 * N_FEATURES + len(CUE_NAMES)), dtype=np.float32)
    return sp.vstack(blocks, format="csr")


@dataclass(frozen=True, eq=False)
class LinearCheckworthinessModel:
    """Logistic model over `feature_matrix`; `weights` has one entry per feature column."""

    word_idf: np.ndarray
    char_idf: np.ndarray
    weights: np.ndarray
    bias: float
    metadata: Mapping[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unsaved"))

    @property
    def threshold(self) -> float:
        """The cut-off that maximised F1 of the check-worthy class in cross-validation."""
        return float(self.metadata.get("threshold", 0.5))

    @cached_property
    def _idf_and_weight(self) -> np.ndarray:
        # Side by side, a column's IDF and weight share a cache line: the lookup of a batch's
        # scattered columns in this 16 MB table is the costliest step of scoring.
        # Stored as complex64 (real: IDF, imaginary: weight) because numpy gathers one 8-byte
        # element per index ~8x faster than a row of a two-column array.
        table = np.empty((2 * N_FEATURES, 2), dtype=np.float32)
        table[:, 0] = np.concatenate([self.word_idf, self.char_idf])
        table[:, 1] = self.weights[: 2 * N_FEATURES]
        return table.view(np.complex64).ravel()

    @cached_property
    def _cue_weights(self) -> np.ndarray:
        return self.weights[2 * N_FEATURES :].astype(np.float64)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare(t) for t in texts]
        parts = [self._logits(batch, self._contributions(batch))[0] for batch in _batches(prepared)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _contributions(self, batch: BatchFeatures) -> np.ndarray:
        looked_up = self._idf_and_weight.take(batch.column)
        return _tfidf(batch, looked_up.real.astype(np.float64)) * looked_up.imag

    def _logits(
        self, batch: BatchFeatures, contributions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        cue_contributions = batch.cues * self._cue_weights
        logits = np.bincount(batch.row, weights=contributions, minlength=batch.n_rows)
        return logits + cue_contributions.sum(axis=1) + self.bias, cue_contributions

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """Probability and reasons per text; reasons only from `explain_from` up, if given.

        Explaining costs about as much as scoring, and only claims above the threshold are
        ever shown, so a caller that keeps those passes its threshold. A blank text always
        carries EMPTY_REASON: its probability of zero needs no computing.
        """
        present = [i for i, t in enumerate(texts) if t.strip()]
        scores = [Score(probability=0.0, reasons=(EMPTY_REASON,)) for _ in texts]
        for first in range(0, len(present), BATCH_ROWS):
            indices = present[first : first + BATCH_ROWS]
            batch = batch_features([prepare(texts[i]) for i in indices])
            contributions = self._contributions(batch)
            logits, cue_contributions = self._logits(batch, contributions)
            probabilities = 1.0 / (1.0 + np.exp(-logits))
            explain = (
                np.ones(len(indices), dtype=bool)
                if explain_from is None
                else probabilities >= explain_from
            )
            reasons = self._reasons(batch, contributions, cue_contributions, explain)
            for row, index in enumerate(indices):
                why = reasons[row]
                if explain[row] and len(texts[index]) > MAX_CHARS:
                    why = (*why, TRUNCATED_REASON)
                scores[index] = Score(probability=float(probabilities[row]), reasons=why)
        return scores

    def _reasons(
        self,
        batch: BatchFeatures,
        contributions: np.ndarray,
        cue_contributions: np.ndarray,
        explain: np.ndarray,
    ) -> list[tuple[str, ...]]:
        """The strongest cues, then the strongest word n-grams, of each row to `explain`."""
        # Scaled cues count only when strong: every sentence has some length.
        strong = (cue_contributions >= MIN_REASON_CONTRIBUTION) & (batch.cues >= MIN_CUE_VALUE)
        ranked = np.argsort(-np.where(strong, cue_contributions, -np.inf), axis=1, kind="stable")
        top_cues = ranked[:, :MAX_CUE_REASONS]
        top_strong = np.take_along_axis(strong, top_cues, axis=1)

        # Only word n-grams are named: a character n-gram means nothing to a reader.
        chosen = np.flatnonzero(
            (batch.column < N_FEATURES)
            & (contributions >= MIN_REASON_CONTRIBUTION)
            & explain[batch.row]
        )
        rows = batch.row[chosen]
        chosen = chosen[np.lexsort((-contributions[chosen], rows))]
        rows = batch.row[chosen]
        rank = np.arange(len(chosen)) - np.searchsorted(rows, rows)
        chosen, rows = chosen[rank < MAX_NGRAM_REASONS], rows[rank < MAX_NGRAM_REASONS]
        # Name each bucket after its first n-gram in the sentence.
        keys = rows * N_FEATURES + batch.column[chosen]
        seen, first = np.unique(batch.word_key, return_index=True)
        occurrences = first[np.searchsorted(seen, keys)]

        ngrams: list[list[str]] = [[] for _ in range(batch.n_rows)]
        for row, occurrence in zip(rows.tolist(), occurrences.tolist(), strict=True):
            ngram = batch.word_ngram(occurrence)
            ngrams[row].append(f"{'phrase' if ' ' in ngram else 'word'} '{ngram}'")
        reasons: list[tuple[str, ...]] = []
        for row, (cue_columns, cue_strong) in enumerate(
            zip(top_cues.tolist(), top_strong.tolist(), strict=True)
        ):
            if not explain[row]:
                reasons.append(())
                continue
            why = [CUE_NAMES[c] for c, ok in zip(cue_columns, cue_strong, strict=True) if ok]
            # Every score is explained: with no single strong feature, the wording as a whole
            # (character n-grams spread over the sentence) carried it.
            reasons.append(tuple(why + ngrams[row]) or (DIFFUSE_REASON,))
        return reasons


def metadata_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def _dense(arrays: Mapping[str, np.ndarray], prefix: str, fill: float) -> tuple[np.ndarray, ...]:
    # Only buckets seen in training are stored; every other bucket has the unseen IDF and no weight.
    index = arrays[f"{prefix}_index"]
    idf = np.full(N_FEATURES, fill, dtype=np.float32)
    weight = np.zeros(N_FEATURES, dtype=np.float32)
    idf[index] = arrays[f"{prefix}_idf"]
    weight[index] = arrays[f"{prefix}_weight"]
    return idf, weight


def model_files_read(
    path: Path, *, what: str, model_format: str
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """A saved model's description (the `.json` beside it) and arrays (the `.npz`), checked
    to be of `model_format`; a ModelLoadError that names `what` otherwise."""
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except FileNotFoundError as exc:
        raise ModelLoadError(f"{what} file missing: {exc.filename}") from exc
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelLoadError(f"{what} at {path} is unreadable: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != model_format:
        raise ModelLoadError(f"{meta_file} is not a {model_format} model description")
    return metadata, arrays


def read_model(path: Path) -> LinearCheckworthinessModel:
    """Load a saved model from its `.npz` (and the `.json` beside it); no caching."""
    metadata, arrays = model_files_read(path, what="check-worthiness model", model_format=FORMAT)
    if metadata.get("cues") != list(CUE_NAMES) or metadata.get("n_features") != N_FEATURES:
        raise ModelLoadError(f"model at {path} was trained with other features; retrain it")
    try:
        unseen = float(metadata["unseen_idf"])
        word_idf, word_weight = _dense(arrays, "word", unseen)
        char_idf, char_weight = _dense(arrays, "char", unseen)
        cue_weight = arrays["cue_weight"].astype(np.float32).reshape(len(CUE_NAMES))
        bias = float(arrays["bias"].reshape(()))
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise ModelLoadError(f"check-worthiness model at {path} is incomplete: {exc!r}") from exc
    return LinearCheckworthinessModel(
        word_idf=word_idf,
        char_idf=char_idf,
        weights=np.concatenate([word_weight, char_weight, cue_weight]),
        bias=bias,
        metadata=metadata,
    )


@lru_cache(maxsize=4)
def _cached(path: Path) -> LinearCheckworthinessModel:
    return read_model(path)


def load_scorer(path: Path | None = None) -> LinearCheckworthinessModel:
    """The shipped (or given) model, loaded once per process."""
    return _cached(Path(path or DEFAULT_MODEL_PATH).resolve())
