"""Whether a sentence the rules leave without a speaker is someone's statement at all.

The ranker scores each candidate as the speaker; alone, its best score must clear a threshold
set high enough that the article's own sentences (where any name is a false speaker) rarely
get one, so many sentences whose best candidate is right stay empty. The judge reads the
sentence as a whole: the cues anywhere in it, its quotation marks, whether a quotation carries
it or the sentences around it are attributed, and how far the ranker's best candidate stands
above the second. A logistic model over those features (fitted by
`claims.evaluation.judge_training`) gives the probability that the best candidate is the
speaker; the best candidate speaks when it passes the judge's threshold, whatever its own
score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from claims.pipeline.attribution.vocabulary import CUE_WORDS
from claims.pipeline.types import Attribution, Sentence

# The best candidate's features that say how it stands, without the words around it.
_TOP_STANDING = (
    "in_sentence",
    "back=",
    "back_first=",
    "rule",
    "rule_kind=",
    "rule_back=",
    "rule_back_paragraph=",
    "last_quote",
    "inverted",
    "next_speech",
    "prev_speech",
    "possessive",
    "in_quote",
    "cat=",
    "sentence_start",
    "order=",
    "pronoun_match=",
    "pronoun_unknown",
    "position=",
    "frequency=",
    "words=",
)
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "us", "me"})
_HEDGES = re.compile(r"\b(?:reportedly|allegedly|purportedly|apparently)\b", re.IGNORECASE)
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_QUOTE_MARKS = re.compile(r"[“”«»\"]")
_WORD = re.compile(r"[a-z][a-z’'-]*")
WORD_PREFIX = "w="


def _bucket(value: float, edges: Sequence[float]) -> int:
    return sum(value >= edge for edge in edges)


_LOGIT_EDGES = (-4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 1.0)
_MARGIN_EDGES = (0.25, 0.5, 1.0, 2.0, 3.0)


def judge_features(
    text: str,
    low: Sequence[str],
    state: Iterable[str],
    scores: Sequence[float],
    top: Iterable[str],
    neighbours: Mapping[str, bool],
) -> dict[str, float]:
    """The judge's features of one sentence: `text` (its words), `low` (its words outside
    quotations, lower-cased), `state` (the ranker's sentence features), `scores` (every
    candidate's logit, best first), `top` (the best candidate's features) and `neighbours`
    (what the sentences around it are)."""
    best = scores[0]
    margin = best - scores[1] if len(scores) > 1 else 5.0
    features: dict[str, float] = {
        "best": best,
        "margin": min(margin, 5.0),
        f"best_bucket={_bucket(best, _LOGIT_EDGES)}": 1.0,
        f"margin_bucket={_bucket(margin, _MARGIN_EDGES)}": 1.0,
        f"candidates={min(len(scores), 6)}": 1.0,
    }
    for name in state:
        features[name] = 1.0
    for name in top:
        if name.startswith(_TOP_STANDING) and "&" not in name:
            features["top:" + name] = 1.0
    for word in low:
        if word in CUE_WORDS:
            features["cue=" + word] = 1.0
        elif word in _FIRST_PERSON:
            features["first_person"] = 1.0
    marks = len(_QUOTE_MARKS.findall(text))
    features[f"quote_marks={min(marks, 4)}"] = 1.0
    if _ACCORDING.search(text):
        features["according_to"] = 1.0
    if _HEDGES.search(text):
        features["hedge"] = 1.0
    if text.rstrip().endswith("?"):
        features["question"] = 1.0
    features[f"length={_bucket(len(low), (6, 12, 20, 30, 45))}"] = 1.0
    for name, on in neighbours.items():
        if on:
            features[name] = 1.0
    # Every word, quoted or not: what a sentence is about says whether news reports it.
    for word in _WORD.findall(text.lower()):
        features[WORD_PREFIX + word] = 1.0
    return features


def neighbours(
    sentences: Sequence[Sentence], rules: Sequence[Attribution | None], index: int
) -> dict[str, bool]:
    """What the sentences around sentence `index` are: attributed by the rules, quotations,
    in its paragraph or not."""
    sentence = sentences[index]
    before = sentences[index - 1] if index > 0 else None
    after = sentences[index + 1] if index + 1 < len(sentences) else None
    same_before = before is not None and before.paragraph == sentence.paragraph
    same_after = after is not None and after.paragraph == sentence.paragraph
    rule_before = rules[index - 1] if index > 0 else None
    rule_after = rules[index + 1] if after is not None else None
    paragraph = [
        rules[i]
        for i in range(max(0, index - 6), min(len(sentences), index + 7))
        if sentences[i].paragraph == sentence.paragraph and i != index
    ]
    return {
        "n:article_start": index < 2,
        "n:paragraph_last": not same_after,
        "n:rule_before": rule_before is not None,
        "n:rule_before_same": rule_before is not None and same_before,
        "n:quote_before": rule_before is not None and rule_before.kind == "quote",
        "n:rule_after": rule_after is not None,
        "n:rule_after_same": rule_after is not None and same_after,
        "n:paragraph_rule": any(rule is not None for rule in paragraph),
        "n:before_closes_quote": before is not None
        and before.text.rstrip().endswith(("”", '"', "»")),
        "n:after_opens_quote": after is not None and after.text[:1] in '“"«',
    }


class JudgeModel:
    """Weights over the judge's features; a logistic of their weighted sum."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights, self.bias, self.threshold = weights, bias, threshold
        self.cut = math.log(threshold / (1 - threshold))

    def logit(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        return self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
