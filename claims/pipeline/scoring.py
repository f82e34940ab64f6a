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

    def score(
        self, texts: Sequence[str], *, explain_from: float | None = None
    ) -> list[Score]: ...


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


@cache
def _cue_words() -> dict[str, np.ndarray]:
    return {
        name: np.sort(_word_hashes(words.split()))
        for name, words in (
            ("comparison", _COMPARISON_WORDS),
            ("money", _MONEY_WORDS),
            ("hedge", _HEDGE_WORDS),
            ("attribution", _ATTRIBUTION_WORDS),
            ("year", _YEARS),
            ("going to", "going to"),
        )
    }


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
    words = _cue_words()
    n_rows = len(chars.row_length)
    cues = np.zeros((n_rows, len(CUE_NAMES)), dtype=np.float32)
    cues[:, 0] = _any_per_row(chars.row[chars.is_digit], n_rows)
    # \d\s*(?:%|percent): the texts are single-spaced, so at most one space in between.
    marks = np.concatenate([np.flatnonzero(chars.codes == _PERCENT), _contains(chars.lower, _PERCENT_WORD)])
    numbered = chars.is_digit[marks - 1] | (
        chars.space[marks - 1] & chars.is_digit[np.maximum(marks - 2, 0)]
    )
    cues[:, 1] = _any_per_row(chars.row[marks[numbered]], n_rows)
    money = np.isin(tokens.hash, words["money"])
    cues[:, 2] = _any_per_row(
        np.concatenate([chars.row[chars.codes == _DOLLAR], tokens.row[money]]), n_rows
    )
    cues[:, 3] = _any_per_row(tokens.row[np.isin(tokens.hash, words["year"])], n_rows)
    lengths = tokens.end - tokens.start
    ends = chars.lower[tokens.end[:, None] - 3 + np.arange(3)]
    superlative = (lengths >= 4) & (ends == _EST).all(axis=1)
    cues[:, 4] = _any_per_row(
        tokens.row[superlative | np.isin(tokens.hash, words["comparison"])], n_rows
    )
    going_to = _fmix(words["going to"][:1] * _BASE + words["going to"][1:] + _BIGRAM_SALT)
    cues[:, 5] = _any_per_row(
        np.concatenate(
            [
                tokens.row[np.isin(tokens.hash, words["hedge"])],
                tokens.row[:-1][tokens.pair_hash == going_to],
            ]
        ),
        n_rows,
    )
    attribution = np.isin(tokens.hash, words["attribution"]) & ~chars.is_upper[tokens.start]
    cues[:, 6] = _any_per_row(tokens.row[attribution], n_rows)
    # Shape cues count whitespace-separated words, as str.split() does.
    previous_space = np.concatenate([[True], chars.space[:-1]])
    word_start = np.flatnonzero(~chars.space & previous_space)
    word_row = chars.row[word_start]
    n_words = np.bincount(word_row, minlength=n_rows)
    later = np.concatenate([[False], word_row[1:] == word_row[:-1]])
    capitalised = np.bincount(
        word_row[later & chars.is_upper[word_start]], minlength=n_rows
    )
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
    text = "".join([" " + " ".join(t.split()) + " " for t in texts])
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
    lengths = np.array([len(" ".join(t.split())) + 2 for t in texts], dtype=np.int64)
    row_of = np.repeat(np.arange(n_rows), lengths)
    lower, is_word, is_digit, is_upper = _character_properties(codes)
    prefix, powers = _prefix_hashes(lower)
    space = codes == _SPACE
    size = len(codes)

    keys = []
    spaces_before = np.concatenate([[0], np.cumsum(space)])
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        starts = np.arange(max(size - n + 1, 0))
        # Inside an n-gram there is no space: it lies within one padded word.
        inside = spaces_before[starts + n - 1] - spaces_before[starts + 1] == 0
        if n == 2:
            inside &= ~(space[starts] & space[starts + 1])
        starts = starts[inside]
        hashes = prefix[starts + n] - prefix[starts] * powers[n]
        columns = _bucket(_fmix(hashes + np.uint64(n) * _LENGTH_SALT + _CHAR_SALT)) + N_FEATURES
        keys.append(row_of[starts] * (2 * N_FEATURES) + columns)

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
        [token_row * N_FEATURES + _bucket(token_hash), token_row[pair] * N_FEATURES + _bucket(pair_hash[pair])]
    )
    keys.append(word_key // N_FEATURES * (2 * N_FEATURES) + word_key % N_FEATURES)

    distinct, count = np.unique(np.concatenate(keys), return_counts=True)
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
