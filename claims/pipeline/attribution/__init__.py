"""Who said or reported each sentence: quotes, reported speech and news-agency reports.

Regular expressions and capitalisation (a parser or NER model would cost 100x more per
article). A speech verb's subject is read backwards from the verb; names are normalised to the
fullest form the article uses ("Peskov" -> "Dmitry Peskov", "the Times" -> "Financial Times"),
and pronouns or role nouns ("he", "the spokesman") point back to the last person who spoke.
A learned ranker (`ranker`) then chooses each wanted sentence's speaker among the names near it
and what the rules found, where the rules' verbs and shapes run out; with the `semantic` extra,
MiniLM's reading of the sentence re-scores that choice (`neural`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum

from claims.pipeline.attribution.names import (
    Registry,
)
from claims.pipeline.attribution.neural import NeuralRanker, load_neural, rerank_neural
from claims.pipeline.attribution.quotes import spread_quotes
from claims.pipeline.attribution.ranker import Context, RankerModel, load_ranker, rerank
from claims.pipeline.attribution.reader import Reader
from claims.pipeline.attribution.tokens import Tokens, mask, quote_spans
from claims.pipeline.types import Attribution, Sentence


class Default(Enum):
    """The shipped ranker (the MiniLM scorer when the extra loads, else the linear one), as
    opposed to None (the rules alone)."""

    SHIPPED = "shipped"


DEFAULT = Default.SHIPPED

Ranker = RankerModel | NeuralRanker | None | Default


@dataclass(frozen=True)
class ArticleAttribution:
    attributions: list[Attribution | None]  # one per sentence
    registry: Registry | None  # the article's names, for resolving pronouns in its claims


def attribute(
    text: str, sentences: Sequence[Sentence], *, ranker: Ranker = DEFAULT
) -> list[Attribution | None]:
    """For each sentence, who said or reported it, or None when the article itself asserts it."""
    return attribute_article(text, sentences, ranker=ranker).attributions


def attribute_article(
    text: str,
    sentences: Sequence[Sentence],
    *,
    ranker: Ranker = DEFAULT,
    only: Collection[int] | None = None,
) -> ArticleAttribution:
    """`attribute`, with the article's name registry. The rules read every sentence; the
    ranker (the shipped one unless given, None for the rules alone) then chooses the speaker of
    the sentences in `only` (all by default), the ones whose speaker is wanted."""
    if not sentences:
        return ArticleAttribution([], None)
    context = read_rules(text, sentences)
    model = ranker_default() if isinstance(ranker, Default) else ranker
    if model is None:
        return ArticleAttribution(list(context.rules), context.registry)
    if isinstance(model, NeuralRanker):
        return ArticleAttribution(rerank_neural(context, model, only), context.registry)
    return ArticleAttribution(rerank(context, model, only), context.registry)


def ranker_default() -> RankerModel | NeuralRanker | None:
    """The MiniLM scorer when the `semantic` extra and its file load, else the linear ranker
    (None when neither loads: the rules alone)."""
    return load_neural() or load_ranker()


def read_rules(text: str, sentences: Sequence[Sentence]) -> Context:
    """What the rules find in an article: each sentence's attribution, with what they read."""
    # Some archives write quotation marks as two apostrophes: read them as one mark and a space,
    # which keeps every offset.
    if "''" in text:
        text = text.replace("''", '" ')
    spans = quote_spans(text, sentences)
    masked = mask(text, spans)
    tokens = Tokens.of(masked)
    lower_words = {word for word in tokens.text if word.islower()}
    reader = Reader(tokens, Registry(text, lower_words))
    result = [reader.read(s, masked[s.start : s.end]) for s in sentences]
    spread_quotes(sentences, spans, result)
    return Context(sentences, spans, tokens, reader.registry, result)
