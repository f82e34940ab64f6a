"""Features of the linear check-worthiness model, computed for a whole batch at once.

Hashed word 1-2-grams and character 2-5-grams weighted by TF-IDF, plus a handful of hand-made
cues (numbers, comparisons, names...). Hashing keeps the vocabulary out of the artefact, so a
saved model is only arrays (see `artefacts`).

Scoring has to keep up with ingestion (~15,000 sentences a second on one core), so features
are computed for a whole batch at once with numpy instead of n-gram by n-gram in Python: the
texts are joined into one array of code points, and every n-gram is named by a polynomial hash
of its span, read off prefix sums in O(1). The hash is plain 64-bit integer arithmetic on
code points (never Python's per-process salted `hash()`), so buckets are the same in every
process and on every machine, and training and scoring share this one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import scipy.sparse as sp

BUCKET_BITS = 20
N_FEATURES = 2**BUCKET_BITS
CHAR_NGRAMS = (2, 5)
# Rows per numpy batch: bounds the scratch arrays, and row * 2 * N_FEATURES stays in int32.
BATCH_ROWS = 512

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


def batches(texts: Sequence[str]) -> list[BatchFeatures]:
    return [batch_features(texts[i : i + BATCH_ROWS]) for i in range(0, len(texts), BATCH_ROWS)]


def document_frequencies(texts: Sequence[str]) -> np.ndarray:
    """In how many of the `prepare`d texts each n-gram column occurs (training's IDF)."""
    df = np.zeros(2 * N_FEATURES, dtype=np.int64)
    for batch in batches(texts):
        df += np.bincount(batch.column, minlength=2 * N_FEATURES)
    return df


def tfidf(batch: BatchFeatures, idf: np.ndarray) -> np.ndarray:
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
    for batch in batches(texts):
        indptr = np.searchsorted(batch.row, np.arange(batch.n_rows + 1))
        ngrams = sp.csr_matrix(
            (tfidf(batch, idf[batch.column]).astype(np.float32), batch.column, indptr),
            shape=(batch.n_rows, 2 * N_FEATURES),
        )
        blocks.append(sp.hstack([ngrams, sp.csr_matrix(batch.cues)], format="csr"))
    if not blocks:
        return sp.csr_matrix((0, 2 * N_FEATURES + len(CUE_NAMES)), dtype=np.float32)
    return sp.vstack(blocks, format="csr")
