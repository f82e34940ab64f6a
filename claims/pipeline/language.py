"""Which language a text is in, from its own words and what the page declares."""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

# The claim scorer and the attribution rules are English-only.
SUPPORTED_LANGUAGES = frozenset({"en"})

# The detector's cost grows with the input; ~1,000 characters is well past the point where
# its answer on running prose stops changing, and keeps a call under a millisecond.
SAMPLE_CHARS = 1000
# Fewer letters than this and character n-grams say little (names, numbers, a headline).
MIN_LETTERS = 40
# Above this (probabilities normalised over all languages) the detector overrules a declared
# language: CMS templates often declare "en" on every page, whatever the article's language.
CONFIDENT = 0.9
# Below CONFIDENT but above this, the detector is still trusted when nothing is declared.
PLAUSIBLE = 0.5

# English function words that are not words in the other languages news comes in. Running
# English prose has a third or more of its words among them; other languages, code-switched
# text and lists of names far fewer. Above the share, the text is English without asking
# the (much slower) n-gram model.
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "that",
        "with",
        "was",
        "is",
        "for",
        "have",
        "has",
        "from",
        "would",
        "which",
        "this",
        "said",
        "were",
        "been",
        "their",
        "they",
        "it",
        "its",
        "on",
        "by",
        "at",
        "as",
        "be",
        "are",
        "not",
        "but",
    ]
)
ENGLISH_SHARE = 0.25
MIN_WORDS_FOR_SHARE = 30
_WORD = re.compile(r"[A-Za-z]+")

_PRIMARY_SUBTAG = re.compile(r"^\s*([A-Za-z]{2})(?:$|[-_\s])")
_LETTER = re.compile(r"[^\W\d_]")


class _Identifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...


@cache
def _identifier() -> _Identifier:
    # Loading the model takes most of a second: only pay it when a text is first classified.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier: _Identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


def normalise_language(code: str) -> str:
    """ISO 639-1 code of a declared language tag ("en-US", "en_GB", "EN" -> "en"), else ""."""
    match = _PRIMARY_SUBTAG.match(code or "")
    return match.group(1).lower() if match else ""


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", 0, SAMPLE_CHARS)
    return text[: cut if cut > 0 else SAMPLE_CHARS]


def _sample_tokens(sample: str) -> list[str]:
    return sample.split()


def detect_language(text: str, declared: str = "") -> str:
    """ISO 639-1 code of `text`'s language, "" when neither the text nor `declared` tells."""
    declared_code = normalise_language(declared)
    sample = _sample(text)
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return declared_code
    words = _WORD.findall(sample)
    if len(words) >= MIN_WORDS_FOR_SHARE:
        common = sum(1 for word in words if word.lower() in _ENGLISH_FUNCTION_WORDS)
        if common >= ENGLISH_SHARE * len(_sample_tokens(sample)):
            return "en"
    detected, probability = _identifier().classify(sample)
    # The model also knows ISO 639-3-only languages; those have no 639-1 code to report.
    if len(detected) != 2:
        return declared_code
    if probability >= CONFIDENT:
        return detected
    if declared_code:
        return declared_code
    return detected if probability >= PLAUSIBLE else ""
