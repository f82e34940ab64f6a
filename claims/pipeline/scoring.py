"""Check-worthiness: how likely a sentence is to hold a factual claim worth checking.

The default model is linear: hashed word 1-2-grams and character 2-5-grams weighted by TF-IDF,
plus a handful of hand-made cues (numbers, comparisons, names...). Hashing keeps the vocabulary
out of the artefact, so a saved model is only arrays in an `.npz` beside a JSON file of metadata.
Pickle is avoided on purpose: unpickling runs code, and breaks across scikit-learn versions.
`claims.pipeline.training` writes the artefact that `load_scorer` reads.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from claims.pipeline.types import Score

DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "checkworthiness.npz"
FORMAT = "checkworthiness-linear/1"
# Debate sentences run to ~800 characters; anything far longer is a splitter failure, and
# n-gram extraction on it would cost time without telling the model anything more.
MAX_CHARS = 2000
N_FEATURES = 2**20
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
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


class ModelLoadError(RuntimeError):
    """The model artefact is missing, unreadable or from an incompatible version of this code."""


class Scorer(Protocol):
    @property
    def version(self) -> str: ...

    def score(self, texts: Sequence[str]) -> list[Score]: ...


_SUPERLATIVE_OR_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|most|least|higher|lower|larger|smaller|better|worse|"
    r"increase[sd]?|decrease[sd]?|doubled|tripled|cut|raised?|lowest|highest|biggest|largest|"
    r"\w+est)\b",
    re.IGNORECASE,
)
# Cross-validation on the training set preferred these few broad cues to finer-grained ones
# (separate "spelled-out quantity", "first-person plural", hedges apart from promises).
_CUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("contains a number", re.compile(r"\d")),
    ("percentage", re.compile(r"\d\s*(?:%|percent)", re.IGNORECASE)),
    ("money or large amount", re.compile(r"\$|\b(?:dollars?|billion|million|trillion)\b", re.I)),
    ("mentions a year", re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")),
    ("comparison", _SUPERLATIVE_OR_COMPARATIVE),
    (
        "hedge or prediction",
        re.compile(
            r"\b(?:think|believe|hope|maybe|perhaps|might|could|feel|going to|will|would|should)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "attribution verb",
        re.compile(r"\b(?:said|says|voted|vote|supported|opposed|proposed|signed|passed)\b"),
    ),
)
# Cues that are not a regular expression match: (reason, function of the text and its words).
_SHAPE_CUES: tuple[tuple[str, Callable[[str, list[str]], float]], ...] = (
    # Capitalised words after the first one are mostly names of people, places and bodies.
    ("names a person or body", lambda _t, w: min(sum(x[:1].isupper() for x in w[1:]), 4) / 4),
    ("question", lambda t, _w: float(t.rstrip().endswith("?"))),
    ("very short sentence", lambda _t, w: float(len(w) < 6)),
    ("short sentence", lambda _t, w: float(len(w) < 10)),
    ("long sentence", lambda _t, w: min(len(w), 60) / 60),
)
CUE_NAMES: tuple[str, ...] = tuple(name for name, _ in _CUE_PATTERNS + _SHAPE_CUES)

_WORDS = HashingVectorizer(
    ngram_range=WORD_NGRAMS, n_features=N_FEATURES, alternate_sign=False, norm=None
)
_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=CHAR_NGRAMS,
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
)
_WORD_ANALYZER = _WORDS.build_analyzer()


def prepare(text: str) -> str:
    """The part of `text` the model reads: bounded length, encodable as UTF-8."""
    text = text[:MAX_CHARS]
    # Lone surrogates (from badly decoded input) would make the hashing's UTF-8 encode raise.
    return text.encode("utf-8", "replace").decode("utf-8")


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    rows = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        words = text.split()
        values = [1.0 if p.search(text) else 0.0 for _, p in _CUE_PATTERNS]
        values += [f(text, words) for _, f in _SHAPE_CUES]
        rows[i] = values
    return rows


def ngram_counts(texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Raw hashed counts of word and character n-grams (training derives the IDF from them)."""
    return _WORDS.transform(texts).tocsr(), _CHARS.transform(texts).tocsr()


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF x IDF, rows scaled to unit length: what sklearn's TfidfTransformer computes."""
    weighted = counts.astype(np.float32)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


def feature_matrix(
    texts: Sequence[str], word_idf: np.ndarray, char_idf: np.ndarray
) -> sp.csr_matrix:
    """[word TF-IDF | char TF-IDF | cues] for already `prepare`d texts."""
    words, chars = ngram_counts(texts)
    return sp.hstack(
        [tfidf(words, word_idf), tfidf(chars, char_idf), sp.csr_matrix(cue_matrix(texts))],
        format="csr",
    )


def ngram_bucket(ngram: str) -> int:
    # Mirrors sklearn's HashingVectorizer, so a bucket can be named after the n-gram in it.
    return abs(murmurhash3_32(ngram, seed=0)) % N_FEATURES


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

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        features = feature_matrix([prepare(t) for t in texts], self.word_idf, self.char_idf)
        return np.asarray(features @ self.weights, dtype=np.float64) + self.bias

    def score(self, texts: Sequence[str]) -> list[Score]:
        present = [i for i, t in enumerate(texts) if t.strip()]
        scores = [Score(probability=0.0, reasons=(EMPTY_REASON,)) for _ in texts]
        if not present:
            return scores
        prepared = [prepare(texts[i]) for i in present]
        features = feature_matrix(prepared, self.word_idf, self.char_idf)
        logits = np.asarray(features @ self.weights, dtype=np.float64) + self.bias
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        for row, index in enumerate(present):
            reasons = self._reasons(features, row, prepared[row])
            if len(texts[index]) > MAX_CHARS:
                reasons = (*reasons, TRUNCATED_REASON)
            scores[index] = Score(probability=float(probabilities[row]), reasons=reasons)
        return scores

    def _reasons(self, features: sp.csr_matrix, row: int, text: str) -> tuple[str, ...]:
        start, end = features.indptr[row], features.indptr[row + 1]
        columns, values = features.indices[start:end], features.data[start:end]
        contributions = values * self.weights[columns]
        cue_start = 2 * N_FEATURES
        cue_reasons = sorted(
            (-c, CUE_NAMES[col - cue_start])
            for col, v, c in zip(columns, values, contributions, strict=True)
            # Scaled cues count only when strong: every sentence has some length.
            if col >= cue_start and c >= MIN_REASON_CONTRIBUTION and v >= MIN_CUE_VALUE
        )[:MAX_CUE_REASONS]
        # Only word n-grams are named: a character n-gram means nothing to a reader.
        word_mask = (columns < N_FEATURES) & (contributions >= MIN_REASON_CONTRIBUTION)
        top = np.argsort(-contributions[word_mask], kind="stable")[:MAX_NGRAM_REASONS]
        wanted = [int(b) for b in columns[word_mask][top]]
        names: dict[int, str] = {}
        for ngram in _WORD_ANALYZER(text):
            bucket = ngram_bucket(ngram)
            if bucket in wanted and bucket not in names:
                names[bucket] = ngram
        ngram_reasons = [
            f"{'phrase' if ' ' in names[b] else 'word'} '{names[b]}'" for b in wanted if b in names
        ]
        reasons = tuple(name for _, name in cue_reasons) + tuple(ngram_reasons)
        # Every score is explained: with no single strong feature, the wording as a whole
        # (character n-grams spread over the sentence) carried it.
        return reasons or (DIFFUSE_REASON,)


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


def read_model(path: Path) -> LinearCheckworthinessModel:
    """Load a saved model from its `.npz` (and the `.json` beside it); no caching."""
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except FileNotFoundError as exc:
        raise ModelLoadError(f"check-worthiness model file missing: {exc.filename}") from exc
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelLoadError(f"check-worthiness model at {path} is unreadable: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelLoadError(f"{meta_file} is not a {FORMAT} model description")
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
