"""Who said or reported each sentence: quotes, reported speech and news-agency reports.

Regular expressions and capitalisation only (a parser or NER model would cost 100x more per
article). A speech verb's subject is read backwards from the verb; names are normalised to the
fullest form the article uses ("Peskov" -> "Dmitry Peskov", "the Times" -> "Financial Times"),
and pronouns or role nouns ("he", "the spokesman") point back to the last person who spoke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claims.pipeline.attribution.names import (
    Registry,
)
from claims.pipeline.attribution.quotes import spread_quotes
from claims.pipeline.attribution.reader import Reader
from claims.pipeline.attribution.subjects import (
    Tokens,
    mask,
    quote_spans,
)
from claims.pipeline.types import Attribution, Sentence


@dataclass(frozen=True)
class ArticleAttribution:
    attributions: list[Attribution | None]  # one per sentence
    registry: Registry | None  # the article's names, for resolving pronouns in its claims


def attribute(text: str, sentences: Sequence[Sentence]) -> list[Attribution | None]:
    """For each sentence, who said or reported it, or None when the article itself asserts it."""
    return attribute_article(text, sentences).attributions


def attribute_article(text: str, sentences: Sequence[Sentence]) -> ArticleAttribution:
    """`attribute`, with the article's name registry."""
    if not sentences:
        return ArticleAttribution([], None)
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
    return ArticleAttribution(result, reader.registry)
