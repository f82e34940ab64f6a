"""Train the attribution judge (`claims.pipeline.attribution.judge`) over the ranker's rows.

One row per sentence the rules leave without a speaker and the ranker has a candidate for:
its features are the judge's (the sentence's cues, quotation marks and words, its neighbours,
and the ranker's scores of its candidates out of fold, as the judge will see them on articles
the ranker never saw), its label whether the best-scored candidate is the speaker (0 for the
article's own sentences). A logistic regression fits the rows; the threshold is chosen on the
judge's own predictions out of fold under the ranker's limits. Words seen in fewer than
`MIN_WORD_COUNT` sentences are left out: they name the articles, not how news attributes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from claims.pipeline.attribution.judge import WORD_PREFIX
from claims.pipeline.attribution.ranker import reading_features

if TYPE_CHECKING:
    from claims.evaluation.ranker_training import Rows

# Chosen by grouped cross-validation on PolNeAR train (C in 0.1, 0.3, 1, 3; words seen in at
# least 0, 5, 20 or 50 sentences).
JUDGE_C = 0.3
MIN_WORD_COUNT = 5
JUDGE_THRESHOLDS = tuple(round(0.15 + 0.0125 * i, 4) for i in range(45))  # 0.15 ... 0.7


@dataclass
class JudgeRows:
    features: list[dict[str, float]]
    labels: np.ndarray
    groups: np.ndarray
    sentences: list[int]  # the sentence's index across the split
    tops: list[int]  # the ranker's row of its best candidate


def judge_rows(rows: Rows, logits: np.ndarray) -> JudgeRows:
    """The judge's rows from the ranker's (`ranker_training.Rows`) and their logits."""
    by_sentence: dict[int, list[int]] = {}
    for row, sentence in enumerate(rows.sentences):
        by_sentence.setdefault(sentence, []).append(row)
    features, labels, groups, sentences, tops = [], [], [], [], []
    for sentence, found in by_sentence.items():
        found.sort(key=lambda row: (-logits[row], row))
        ranked = [(float(logits[row]), rows.features[row]) for row in found]
        features.append(reading_features(rows.judged[sentence], ranked))
        labels.append(rows.labels[found[0]])
        groups.append(rows.groups[found[0]])
        sentences.append(sentence)
        tops.append(found[0])
    counts = Counter(name for f in features for name in f if name.startswith(WORD_PREFIX))
    kept = [
        {k: v for k, v in f.items() if not k.startswith(WORD_PREFIX) or counts[k] >= MIN_WORD_COUNT}
        for f in features
    ]
    return JudgeRows(kept, np.asarray(labels), np.asarray(groups), sentences, tops)


def fit_judge(data: JudgeRows, index: np.ndarray) -> tuple[DictVectorizer, LogisticRegression]:
    """The judge fitted on the rows `index` of `data`."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([data.features[i] for i in index])
    return vectorizer, LogisticRegression(C=JUDGE_C, max_iter=3000).fit(matrix, data.labels[index])


def judge_out_of_fold(data: JudgeRows, folds: int) -> np.ndarray:
    """Each row's probability from a judge that never saw its article."""
    probabilities = np.zeros(len(data.labels))
    for fit_part, held in GroupKFold(folds).split(probabilities, groups=data.groups):
        vectorizer, model = fit_judge(data, fit_part)
        matrix = vectorizer.transform([data.features[i] for i in held])
        probabilities[held] = model.predict_proba(matrix)[:, 1]
    return probabilities


def judged_figures(
    rows: Rows, data: JudgeRows, probabilities: np.ndarray, threshold: float
) -> dict[str, float]:
    """Speaker accuracy, false attribution and spurious rate when each sentence's best
    candidate speaks where the judge's probability reaches `threshold` (the rules' speakers
    kept)."""
    chosen = {
        sentence: top
        for sentence, top, p in zip(data.sentences, data.tops, probabilities, strict=True)
        if p >= threshold
    }
    return chosen_figures(rows, chosen, threshold)


def chosen_figures(rows: Rows, chosen: Mapping[int, int], threshold: float) -> dict[str, float]:
    """Speaker accuracy, false attribution and spurious rate of giving each sentence the rules
    left without a speaker the candidate row `chosen` names for it (none: left empty), the
    rules' speakers standing (`rows`: `ranker_training.Rows`)."""
    correct = false = named = asserted = spurious = 0
    for sentence, gold in enumerate(rows.gold):
        row = chosen.get(sentence)
        if sentence in rows.ruled:
            given, right = True, rows.ruled[sentence]
        else:
            given, right = row is not None, row is not None and rows.labels[row] == 1
        if gold is None:
            asserted += 1
            spurious += given
        elif gold:
            named += 1
            correct += given and right
            false += given and not right
    return {
        "threshold": threshold,
        "speaker_accuracy": round(correct / max(1, named), 4),
        "false_attribution": round(false / max(1, named), 4),
        "spurious_rate": round(spurious / max(1, asserted), 4),
    }
