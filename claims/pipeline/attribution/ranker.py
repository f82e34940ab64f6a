"""A learned choice among the people and bodies a sentence could be attributed to.

The rules (`reader`, `quotes`) read the constructions news style writes attribution in; they
leave a sentence without a speaker whenever its verb is not one they know or its subject is
past what a regular expression can parse. The ranker takes every name in the sentence and the
two before it, plus the speakers the rules found nearby, describes each by where it stands
(position, the words around it, quotation marks, category, what the rules said) and scores it
with a logistic model trained on PolNeAR's train split (`ranker_training`). The best candidate
is the speaker when its score passes the threshold chosen at training; otherwise the sentence
has none. Features are strings looked up in a shipped vocabulary: no parser, a few hundred
dictionary look-ups per article.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from claims.pipeline.attribution.judge import JudgeModel, judge_features, neighbours
from claims.pipeline.attribution.lexicon import GROUP_NOUNS
from claims.pipeline.attribution.names import Registry
from claims.pipeline.attribution.subjects.descriptions import VAGUE_SIDES
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    CUE_WORDS,
    FILLERS,
    PERSON,
    POSSESSIVE_ENDS,
    PRONOUNS,
    SPEECH_VERBS,
    STOPWORDS,
    UNNAMED,
)
from claims.pipeline.checkworthiness.artefacts import model_files_read
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from claims.pipeline.types import Attribution, Sentence

logger = logging.getLogger(__name__)

# Sentences back from the one attributed where a name or a rule's speaker is a candidate.
WINDOW = 2
RULE_WINDOW = 6
QUOTE_WINDOW = 12
_NEXT_WORDS = 2
_STATES = frozenset({"s:rule", "s:opens_quote", "s:pronoun_first"})
_LEXICAL = ("next", "prev=")
INFERRED = "inferred"  # the kind of an attribution the ranker made


@dataclass(frozen=True)
class Context:
    """What the rules read of one article, for the ranker to choose from."""

    sentences: Sequence[Sentence]
    spans: Sequence[tuple[int, int]]  # quotations, marks included
    tokens: Tokens  # the masked article's tokens (quoted words left out)
    registry: Registry
    rules: Sequence[Attribution | None]  # the rules' attribution of each sentence


@dataclass(frozen=True)
class Candidate:
    sentence: int  # index of the sentence it is a candidate for
    name: str
    features: frozenset[str]


class SentenceReading(NamedTuple):
    """What the judge reads of a sentence beside its candidates' scores."""

    text: str
    low: tuple[str, ...]  # its words outside quotations, lower-cased
    neighbours: dict[str, bool]


def sentence_reading(context: Context, index: int) -> SentenceReading:
    sentence = context.sentences[index]
    low = tuple(context.tokens.window(sentence.start, sentence.end).low)
    return SentenceReading(sentence.text, low, neighbours(context.sentences, context.rules, index))


def reading_features(
    reading: SentenceReading, ranked: Sequence[tuple[float, frozenset[str]]]
) -> dict[str, float]:
    """The judge's features of a sentence from its reading and its candidates' (logit,
    features), best first."""
    top = ranked[0][1]
    state = [f for f in top if f.startswith("s:")]
    scores = [score for score, _ in ranked]
    return judge_features(reading.text, reading.low, state, scores, top, reading.neighbours)


_BUCKETS = ("0", "1", "2", "3", "4")


def _bucket(value: int, top: int) -> str:
    return _BUCKETS[value] if value < top else _BUCKETS[top] + "+"


def candidates(context: Context, only: Collection[int] | None = None) -> list[Candidate]:
    """Every candidate speaker of every sentence (or of those in `only`), with its features."""
    sentences, registry, tokens = context.sentences, context.registry, context.tokens
    mentions = registry.mentions
    starts = registry.starts
    frequency: dict[str, int] = {}
    for mention in mentions:
        frequency[mention.name] = frequency.get(mention.name, 0) + 1
    span_starts = [begin for begin, _ in context.spans]
    sentence_starts = [s.start for s in sentences]
    result: list[Candidate] = []
    for index, sentence in enumerate(sentences):
        if only is not None and index not in only:
            continue
        rule = context.rules[index]
        window = tokens.window(sentence.start, sentence.end)
        quote = bisect.bisect_right(span_starts, sentence.start) - 1
        inside = quote >= 0 and context.spans[quote][0] < sentence.start < context.spans[quote][1]
        shared = _sentence_features(sentence, window, rule, index, sentences, inside)
        pronoun = next((low for low in window.low[:8] if low in PRONOUNS), "")
        found: dict[str, set[str]] = {}
        first = max(0, index - WINDOW)
        lo = bisect.bisect_left(starts, sentences[first].start)
        hi = bisect.bisect_left(starts, sentence.end)
        order = 0
        modifiers: set[str] = set()  # names that only modify a group noun in the sentence
        standing: set[str] = set()
        for mention in mentions[lo:hi]:
            at = bisect.bisect_right(sentence_starts, mention.start) - 1
            features = found.setdefault(mention.name, set())
            if at < index:
                features.add(f"back={index - at}")
                if mention.start - sentences[at].start < 3:
                    features.add(f"back_first={index - at}")
                continue
            features.add("in_sentence")
            features.add(f"order={_bucket(order, 3)}")
            order += 1
            features.update(
                _mention_features(
                    mention.start, mention.end, sentence, window, context, span_starts
                )
            )
            features.add(f"cat={mention.category}")
            group = _group_after(mention.name, mention.end, window)
            if group:
                # "some Republican leaders in the state": the group the name describes.
                found.setdefault(group, set()).update(features | {"group"})
            if _modifies_group(mention.end, window):
                modifiers.add(mention.name)  # "U.S. media outlets": no speaker by itself
            else:
                standing.add(mention.name)
        for back in range(0, RULE_WINDOW + 1):
            if index - back < 0:
                break
            earlier = context.rules[index - back]
            if earlier is None or not earlier.speaker:
                continue
            features = found.setdefault(earlier.speaker, set())
            if back == 0:
                features.add("rule")
                features.add(f"rule_kind={earlier.kind}")
            else:
                features.add(f"rule_back={back}")
                if sentences[index - back].paragraph == sentence.paragraph:
                    features.add(f"rule_back_paragraph={back}")
        if "s:opens_quote" in shared or "s:in_quote" in shared:
            # A quotation carried over paragraphs keeps the speaker of the last one attributed.
            quoted = _last_quote_speaker(context.rules, index)
            if quoted:
                found.setdefault(quoted, set()).add("last_quote")
        for name, features in found.items():
            if name in modifiers and name not in standing:
                continue
            if " " not in name and (
                not registry.is_name(name) or name.lower() in UNNAMED or _contraction(name)
            ):
                continue  # "Western", "Officials", "She's": no one named
            if pronoun in ("he", "she") and name in registry.bodies:
                continue  # a company that calls itself "it" is no "he" or "she"
            gender = registry.genders.get(name, "")
            if pronoun:
                expected = "m" if pronoun == "he" else "f"
                features.add(
                    "pronoun_unknown" if not gender else f"pronoun_match={gender == expected}"
                )
            words = len(name.split())
            features.add(f"words={_bucket(words, 3)}")
            features.add(f"frequency={_bucket(frequency.get(name, 0), 4)}")
            # How a candidate stands means different things in a quotation, after a pronoun or
            # where the rules found no speaker: each structural feature also comes paired with
            # the sentence's state.
            state = "|".join(sorted(shared & _STATES))
            features.update([f"{f}&{state}" for f in features if not f.startswith(_LEXICAL)])
            features.update(shared)
            result.append(Candidate(index, name, frozenset(features)))
    return result


def _group_after(name: str, end: int, window: Tokens) -> str:
    """ "Republican leaders", "Democratic primary voters": a name and the group noun after it
    (one lower-case word may stand between), as one candidate; "" when none follows."""
    at = bisect.bisect_left(window.start, end)
    for stop in (at, at + 1):
        if stop >= len(window.low) or (stop > at and not window.text[at].islower()):
            return ""
        if window.low[stop] in GROUP_NOUNS and window.text[stop].islower():
            if name.split(" ", 1)[0].lower() in VAGUE_SIDES:
                return ""  # "Western diplomats", "Northern officials": a bloc, no one named
            return " ".join([name, *window.text[at : stop + 1]])
    return ""


def _modifies_group(end: int, window: Tokens) -> bool:
    """Whether the name ending at `end` modifies a noun that names no one ("U.S. media
    outlets", "Dover residents")."""
    at = bisect.bisect_left(window.start, end)
    return at < len(window.low) and window.text[at].islower() and window.low[at] in _UNNAMED_NOUNS


_UNNAMED_NOUNS = UNNAMED - GROUP_NOUNS  # "media outlets", "residents": no source named


def _contraction(word: str) -> bool:
    """ "She's", "It’s", "We’ll": a pronoun's contraction opening a sentence, no name."""
    return re.split("[’']", word, maxsplit=1)[0].lower() in STOPWORDS


def _last_quote_speaker(rules: Sequence[Attribution | None], index: int) -> str:
    """The speaker of the nearest quotation the rules attributed before sentence `index`,
    within `QUOTE_WINDOW` sentences."""
    for back in range(1, QUOTE_WINDOW + 1):
        earlier = rules[index - back] if index - back >= 0 else None
        if earlier is not None and earlier.kind == "quote" and earlier.speaker:
            return earlier.speaker
    return ""


def _sentence_features(
    sentence: Sentence,
    window: Tokens,
    rule: Attribution | None,
    index: int,
    sentences: Sequence[Sentence],
    inside_quote: bool,
) -> set[str]:
    text = sentence.text
    features = {"s:rule" if rule is not None else "s:no_rule"}
    if text[:1] in '“"«':
        features.add("s:opens_quote")
    if any(mark in text for mark in '“”"«»'):
        features.add("s:has_quote")
    if inside_quote:
        features.add("s:in_quote")
    if not CUE_WORDS.isdisjoint(window.low):
        features.add("s:cue")
    if index == 0 or sentences[index - 1].paragraph != sentence.paragraph:
        features.add("s:paragraph_first")
    if window.low[:1] and window.low[0] in PRONOUNS:
        features.add("s:pronoun_first")
    return features


def _mention_features(
    start: int,
    end: int,
    sentence: Sentence,
    window: Tokens,
    context: Context,
    span_starts: list[int],
) -> set[str]:
    features: set[str] = set()
    at = bisect.bisect_left(window.start, start)
    stop = bisect.bisect_left(window.start, end)
    if at == 0:
        features.add("sentence_start")
    previous = window.low[at - 1] if at > 0 else "^"
    features.add(f"prev={previous}")
    following = [w for w in window.low[stop : stop + 4] if w not in FILLERS]
    for offset, word in enumerate(following[:_NEXT_WORDS]):
        features.add(f"next{offset}={word}")
    if following and following[0] in SPEECH_VERBS:
        features.add("next_speech")
    if previous in SPEECH_VERBS:
        features.add("prev_speech")
    if stop > 0 and window.text[stop - 1].endswith(POSSESSIVE_ENDS):
        features.add("possessive")
    quote = bisect.bisect_right(span_starts, start) - 1
    if quote >= 0 and context.spans[quote][0] < start < context.spans[quote][1]:
        features.add("in_quote")
    if at >= 2 and window.text[at - 1] in ',”"»' and window.low[at - 2] in SPEECH_VERBS:
        features.add("inverted")
    relative = (start - sentence.start) / max(1, sentence.end - sentence.start)
    features.add(f"position={min(4, int(relative * 5))}")
    return features


class RankerModel:
    """Weights over feature strings; a candidate's probability is a logistic of their sum.
    With a judge, the judge decides whether the best candidate speaks, not its own score."""

    def __init__(
        self,
        weights: dict[str, float],
        bias: float,
        threshold: float,
        version: str,
        judge: JudgeModel | None = None,
    ) -> None:
        self.weights, self.bias, self.threshold, self.version = weights, bias, threshold, version
        self.cut = math.log(threshold / (1 - threshold))
        self.judge = judge

    def logit(self, features: frozenset[str]) -> float:
        return self.bias + sum(map(self.weights.get, features, repeat(0.0)))


def rerank(
    context: Context, model: RankerModel, only: Collection[int] | None = None
) -> list[Attribution | None]:
    """Each sentence's attribution: the rules' when they found one (they read constructions the
    model only approximates), else the best-scored candidate when the judge (or, without one,
    its own score) says it speaks. `only`: the sentences to rerank; the others keep the rules'
    attribution."""
    # The rules' speaker stands where they found one: only the other sentences are ranked.
    unattributed = {
        index
        for index, rule in enumerate(context.rules)
        if rule is None and (only is None or index in only)
    }
    ranked: dict[int, list[tuple[float, str, frozenset[str]]]] = {}
    for candidate in candidates(context, unattributed):
        score = model.logit(candidate.features)
        ranked.setdefault(candidate.sentence, []).append(
            (score, candidate.name, candidate.features)
        )
    result = list(context.rules)
    judge = model.judge
    for index, found in ranked.items():
        # A stable sort: of candidates scored alike, the first found wins.
        found.sort(key=lambda item: -item[0])
        score, name, _ = found[0]
        if judge is None:
            speaks = score >= model.cut
        else:
            scored = [(logit, features) for logit, _, features in found]
            features = reading_features(sentence_reading(context, index), scored)
            speaks = judge.logit(features) >= judge.cut
        if speaks:
            result[index] = inferred_attribution(name, index, context)
    return result


def inferred_attribution(name: str, index: int, context: Context) -> Attribution:
    """The attribution of a speaker the rules did not give this sentence. No cue: the words
    that carry it are not known (the claim as checked keeps the sentence whole)."""
    for back in range(0, RULE_WINDOW + 1):
        earlier = context.rules[index - back] if index - back >= 0 else None
        if earlier is not None and earlier.speaker == name:
            return Attribution(name, INFERRED, "", earlier.speaker_kind)
    category = next((m.category for m in context.registry.mentions if m.name == name), "")
    kind = "person" if category == PERSON or name in context.registry.genders else "organization"
    return Attribution(name, INFERRED, "", kind)


FORMAT = "attribution-ranker-v1"
DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "attribution-ranker.npz"


def read_model(path: Path) -> RankerModel:
    """A saved ranker; ModelLoadError when it is missing, unreadable or of another format."""
    metadata, arrays = model_files_read(path, what="attribution ranker", model_format=FORMAT)
    try:
        table, bias, threshold = _logistic_read(metadata, arrays, "")
        # The judge shipped beside the ranker; none for a ranker trained without one.
        judge = (
            JudgeModel(*_logistic_read(metadata["judge"], arrays, "judge_"))
            if "judge" in metadata
            else None
        )
        return RankerModel(table, bias, threshold, str(metadata["version"]), judge)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelLoadError(f"attribution ranker at {path} is malformed: {exc}") from exc


def _logistic_read(
    metadata: dict[str, Any], arrays: dict[str, Any], prefix: str
) -> tuple[dict[str, float], float, float]:
    """A logistic model's weight by feature (arrays `<prefix>features`, `<prefix>weights`),
    bias and threshold (from `metadata`); ValueError when they do not fit together."""
    names, weights = arrays[f"{prefix}features"], arrays[f"{prefix}weights"]
    if names.shape != weights.shape:
        raise ValueError(f"{prefix}features and {prefix}weights differ in length")
    threshold = float(metadata["threshold"])
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"{prefix}threshold {threshold} outside (0, 1)")
    table = dict(zip(names.tolist(), weights.astype(float).tolist(), strict=True))
    return table, float(metadata["bias"]), threshold


@lru_cache(maxsize=4)
def _cached(path: Path) -> RankerModel | None:
    try:
        return read_model(path)
    except ModelLoadError as exc:
        # Attribution still works without the ranker: the rules alone decide.
        logger.warning("attribution ranker not loaded, rules only: %s", exc)
        return None


def load_ranker(path: Path | None = None) -> RankerModel | None:
    """The shipped (or given) ranker, loaded once per process; None when it cannot be read."""
    return _cached(Path(path or DEFAULT_MODEL_PATH).resolve())
