"""Checkable statements rank above narrative, description, dialogue and opinion.

The sentences are invented for these tests. The cascade (the default with the semantic extra)
must put every checkable one above every other one; the linear model alone is weaker at
telling a scene from a fact, and must still order almost every pair right.
"""

from __future__ import annotations

import itertools

import pytest

from claims.pipeline.checkworthiness import cascade, minilm
from claims.pipeline.checkworthiness.linear import load_scorer
from claims.pipeline.checkworthiness.scorer import Scorer

CHECKABLE = {
    "fact": [
        "The senator voted against the farm bill three times.",
        "The company paid no federal income tax last year.",
        "The state has not built a new prison since the 1980s.",
    ],
    "figure": [
        "Unemployment in the county fell to 3.9 percent last year.",
        "The city spent $42 million on the new bridge.",
        "More than 60,000 residents lost power during the storm.",
    ],
    "cause": [
        "The drought caused wheat prices to double in six months.",
        "Crime rose after the police budget was cut by a third.",
        "The factory closed because of the new import tariffs.",
    ],
    "prediction": [
        "The new plant will create 1,200 jobs by 2027.",
        "The deficit is projected to reach $2 trillion next year.",
        "The bill would raise taxes on families earning under $50,000.",
    ],
}
OTHER = {
    "narrative": [
        "She walked slowly to the window and looked out at the rain.",
        "He smiled, put down his coffee and turned to his daughter.",
        "We drove home in silence after the meeting ended.",
        "She was twelve when her family moved to the coast.",
    ],
    "description": [
        "The morning was cold and grey, and the streets were empty.",
        "The old house at the end of the lane has a red door.",
        "The hall was packed with supporters waving small flags.",
    ],
    "opinion": [
        "I think it was a wonderful evening for everyone who came.",
        "In my view, the mayor is a decent and thoughtful person.",
        "Frankly, this is the most exciting time to be alive.",
        "It is a shameful way to treat the people of this city.",
    ],
    "dialogue": ['"Are you coming with us?" she asked.', '"Not tonight," he said, laughing.'],
}


def _scores(scorer: Scorer, groups: dict[str, list[str]]) -> dict[str, float]:
    texts = list(itertools.chain.from_iterable(groups.values()))
    return {t: s.probability for t, s in zip(texts, scorer.score(texts), strict=True)}


@pytest.fixture(scope="module")
def the_cascade() -> cascade.CascadeCheckworthinessModel:
    linear = load_scorer()
    strong = minilm.read_model(minilm.DEFAULT_MODEL_PATH, linear, precision="auto")
    return cascade.read_model(cascade.DEFAULT_MODEL_PATH, linear, strong)


def test_the_cascade_ranks_every_checkable_statement_above_every_other_sentence(
    the_cascade: cascade.CascadeCheckworthinessModel,
) -> None:
    checkable, other = _scores(the_cascade, CHECKABLE), _scores(the_cascade, OTHER)

    lowest = min(checkable, key=checkable.__getitem__)
    highest = max(other, key=other.__getitem__)
    assert checkable[lowest] > other[highest], (lowest, highest)
    # And at the operating threshold: no narrative, description or opinion is queued.
    assert max(other.values()) < the_cascade.threshold


def test_the_linear_model_orders_almost_every_pair_right() -> None:
    linear = load_scorer()
    checkable, other = _scores(linear, CHECKABLE), _scores(linear, OTHER)

    pairs = [(c, o) for c in checkable.values() for o in other.values()]
    right = sum(c > o for c, o in pairs) / len(pairs)
    assert right >= 0.9
    # Opinions carry the least: no figure, no event, first person.
    assert max(_scores(linear, {"opinion": OTHER["opinion"]}).values()) < min(checkable.values())
