"""Train the attribution ranker (`claims.pipeline.attribution.ranker`) on a PolNeAR split.

Every candidate of every sentence the rules leave without a speaker is a row: positive when
its name holds the head name of a named source whose content the sentence overlaps (as
`evaluate attribution` judges a speaker), negative otherwise, including every candidate of a
sentence the article asserts itself.
Sentences whose sources are all unnamed ("he", "a campaign aide") are left out: no name would
be right there. A logistic regression fits the rows; the threshold is chosen on predictions
out of fold (articles grouped, never split across folds): the most correct speakers while
false speakers stay under `FALSE_LIMIT` and speakers given to the article's own sentences
under `SPURIOUS_LIMIT`. Pure Python and scikit-learn, no Django; `manage.py train_attribution`
runs it. The judge (`judge_training`) is fitted over the ranker's scores out of fold and ships
in the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claims.evaluation.attribution import (
    article_document,
    gold_sources,
    lower_vocabulary,
    speaker_matches,
)
from claims.evaluation.judge_training import (
    JUDGE_C,
    JUDGE_THRESHOLDS,
    MIN_WORD_COUNT,
    chosen_figures,
    fit_judge,
    judge_out_of_fold,
    judge_rows,
    judged_figures,
)
from claims.evaluation.polnear import GoldArticle
from claims.pipeline.attribution import read_rules
from claims.pipeline.attribution.ranker import (
    FORMAT,
    Context,
    SentenceReading,
    candidates,
    sentence_reading,
)
from claims.pipeline.checkworthiness.artefacts import model_files_write
from claims.pipeline.sentences import split_sentences
from claims.pipeline.types import Sentence

# Chosen by grouped cross-validation on PolNeAR train (C in 0.3, 1, 3).
DEFAULT_C = 1.0
FOLDS = 3
FALSE_LIMIT = 0.07
SPURIOUS_LIMIT = 0.10
# A fine grid: the limits are crossed within a few hundredths.
THRESHOLDS = tuple(round(0.2 + 0.025 * i, 3) for i in range(17))  # 0.2 ... 0.6


@dataclass
class Rows:
    features: list[frozenset[str]]
    labels: list[int]
    groups: list[int]  # the article's index
    sentences: list[int]  # a sentence's index across the split
    # Per sentence of the split: None outside every annotated content, else whether its
    # sources are named (True) or all unnamed (False, left out).
    gold: list[bool | None]
    # The sentences the rules gave a speaker (not ranked), and whether it is right.
    ruled: dict[int, bool] = field(default_factory=dict)
    # What the judge reads of each ranked sentence beside its candidates' scores.
    judged: dict[int, SentenceReading] = field(default_factory=dict)


class ArticleReading(NamedTuple):
    """An article as the trainers read it: the rules' reading of its sentences, the head names
    of each sentence's named sources (None: the article asserts it; empty: its sources are
    all unnamed), and the row of its first sentence in the split."""

    context: Context
    heads: list[tuple[str, ...] | None]
    first: int


def article_read(
    article: GoldArticle, lower_words: frozenset[str], rows: Rows
) -> ArticleReading | None:
    """`article` read by the rules and the annotations, each sentence's judgement appended to
    `rows` (`gold`, and `ruled` where the rules name a speaker); None without sentences."""
    document, offset = article_document(article)
    sentences = split_sentences(document.text)
    if not sentences:
        return None
    first = len(rows.gold)
    heads: list[tuple[str, ...] | None] = []
    for s in sentences:
        named = gold_sources(
            article, Sentence(s.text, s.start + offset, s.end + offset), lower_words
        )
        heads.append(None if named is None else tuple(head for _, head in named))
        rows.gold.append(None if named is None else bool(named))
    context = read_rules(document.text, sentences)
    for i, rule in enumerate(context.rules):
        if rule is not None:
            rows.ruled[first + i] = speaker_matches(rule.speaker, heads[i] or ())
    return ArticleReading(context, heads, first)


def unattributed_named(reading: ArticleReading) -> set[int]:
    """The sentences the rules leave without a speaker, but for those whose sources are all
    unnamed: no name would be right there."""
    return {
        i
        for i, rule in enumerate(reading.context.rules)
        if rule is None and (reading.heads[i] is None or reading.heads[i])
    }


def training_rows(articles: Sequence[GoldArticle]) -> Rows:
    """Each candidate of each sentence, labelled by the annotations."""
    lower_words = lower_vocabulary(articles)
    rows = Rows([], [], [], [], [])
    for number, article in enumerate(articles):
        reading = article_read(article, lower_words, rows)
        if reading is None:
            continue
        context, heads, first = reading
        # The ranker speaks only where the rules found no speaker: it learns from those.
        unattributed = {i for i, rule in enumerate(context.rules) if rule is None}
        for index in unattributed:
            if heads[index] is None or heads[index]:
                rows.judged[first + index] = sentence_reading(context, index)
        for candidate in candidates(context, unattributed):
            wanted = heads[candidate.sentence]
            if wanted is not None and not wanted:
                continue
            rows.features.append(candidate.features)
            rows.labels.append(int(bool(wanted) and speaker_matches(candidate.name, wanted)))
            rows.groups.append(number)
            rows.sentences.append(first + candidate.sentence)
    return rows


def candidate_reach(articles: Sequence[GoldArticle]) -> dict[str, float | int]:
    """What a perfect choice among the ranker's candidates would reach: the share of sentences
    with a named source whose source the rules' speaker names or, where the rules found none,
    one of the candidates names (every sentence, the rules' speaker kept)."""
    lower_words = lower_vocabulary(articles)
    rows = Rows([], [], [], [], [])
    reached = named = 0
    for article in articles:
        reading = article_read(article, lower_words, rows)
        if reading is None:
            continue
        context, heads, first = reading
        found: dict[int, bool] = {}
        for candidate in candidates(context, unattributed_named(reading)):
            wanted = heads[candidate.sentence]
            if wanted and speaker_matches(candidate.name, wanted):
                found[candidate.sentence] = True
        for index, wanted in enumerate(heads):
            if wanted:
                named += 1
                reached += rows.ruled.get(first + index, found.get(index, False))
    ruled = [right for sentence, right in rows.ruled.items() if rows.gold[sentence]]
    return {
        "reach": round(reached / max(1, named), 4),
        "n": named,
        "rules_right": sum(ruled),
        "rules_wrong": len(ruled) - sum(ruled),
    }


def _fit(rows: Rows, index: np.ndarray, c: float) -> tuple[DictVectorizer, LogisticRegression]:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(rows.features[i], 1) for i in index])
    labels = np.asarray(rows.labels)[index]
    # lbfgs is deterministic: the same data gives the same weights.
    return vectorizer, LogisticRegression(C=c, max_iter=3000).fit(matrix, labels)


def selection_figures(rows: Rows, probabilities: np.ndarray, threshold: float) -> dict[str, float]:
    """Speaker accuracy, false attribution and spurious rate of choosing, in each sentence the
    rules left without a speaker, the best candidate when its probability reaches `threshold`."""
    best: dict[int, int] = {}
    for row, sentence in enumerate(rows.sentences):
        if probabilities[row] >= threshold and (
            sentence not in best or probabilities[row] > probabilities[best[sentence]]
        ):
            best[sentence] = row
    return chosen_figures(rows, best, threshold)


def out_of_fold_logits(rows: Rows, c: float = DEFAULT_C, folds: int = FOLDS) -> np.ndarray:
    """Each row's logit from a ranker that never saw its article."""
    logits = np.zeros(len(rows.labels))
    groups = np.asarray(rows.groups)
    for fit_part, held in GroupKFold(folds).split(logits, groups=groups):
        vectorizer, model = _fit(rows, fit_part, c)
        matrix = vectorizer.transform([dict.fromkeys(rows.features[i], 1) for i in held])
        logits[held] = model.decision_function(matrix)
    return logits


def best_first(figures: list[dict[str, float]]) -> list[dict[str, float]]:
    """Figures of thresholds, best first: within the limits, the most accurate; when none is,
    the one with the fewest false speakers."""

    def rank(f: dict[str, float]) -> tuple[bool, float]:
        within = f["false_attribution"] <= FALSE_LIMIT and f["spurious_rate"] <= SPURIOUS_LIMIT
        return (within, f["speaker_accuracy"] if within else -f["false_attribution"])

    return sorted(figures, key=rank, reverse=True)


def train_ranker(
    articles: Sequence[GoldArticle], out: Path, *, c: float = DEFAULT_C, folds: int = FOLDS
) -> dict[str, Any]:
    """Fit the ranker on `articles` and, with two folds or more, choose its threshold out of
    fold and fit the judge over it; write the model; its metadata. Fewer folds (a split too
    small to hold any out) give the ranker alone at the threshold 0.4."""
    rows = training_rows(articles)
    if not rows.features or len(set(rows.labels)) < 2:
        raise ValueError("the split has no attributed sentence with a named source to learn from")
    vectorizer, model = _fit(rows, np.arange(len(rows.labels)), c)
    names, weights = _nonzero(vectorizer, model)
    metadata: dict[str, Any] = {
        "format": FORMAT,
        "bias": float(model.intercept_[0]),
        "threshold": 0.4,
        "c": c,
        "articles": len(articles),
        "rows": len(rows.labels),
        "out_of_fold": {},
    }
    arrays = {"features": names, "weights": weights}
    if folds < 2:
        return model_files_write(out, arrays, metadata, version_prefix="attribution-ranker")
    logits = out_of_fold_logits(rows, c, folds)
    probabilities = 1 / (1 + np.exp(-logits))
    figures = best_first([selection_figures(rows, probabilities, t) for t in THRESHOLDS])
    metadata.update(threshold=figures[0]["threshold"], out_of_fold=figures[0])
    # The judge learns from the ranker's scores out of fold: on new articles the ranker's
    # scores are those of a model that never saw them.
    data = judge_rows(rows, logits)
    judged = judge_out_of_fold(data, folds)
    judge_figures = best_first([judged_figures(rows, data, judged, t) for t in JUDGE_THRESHOLDS])
    judge_vectorizer, judge_model = fit_judge(data, np.arange(len(data.labels)))
    arrays["judge_features"], arrays["judge_weights"] = _nonzero(judge_vectorizer, judge_model)
    metadata["judge"] = {
        "bias": float(judge_model.intercept_[0]),
        "threshold": judge_figures[0]["threshold"],
        "c": JUDGE_C,
        "min_word_count": MIN_WORD_COUNT,
        "rows": len(data.labels),
        "out_of_fold": judge_figures[0],
    }
    return model_files_write(out, arrays, metadata, version_prefix="attribution-ranker")


def _nonzero(vectorizer: DictVectorizer, model: LogisticRegression) -> tuple[Any, Any]:
    """A fitted model's features of non-zero weight and their weights, as stored."""
    weights = model.coef_.ravel()
    kept = np.flatnonzero(weights)
    names = np.asarray(vectorizer.get_feature_names_out(), dtype=str)[kept]
    return names, weights[kept].astype(np.float32)
