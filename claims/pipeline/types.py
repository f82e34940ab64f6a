"""Plain data passed between the pipeline's stages. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """An article after cleaning: what the rest of the pipeline reads.

    `text` is the clean body: paragraphs separated by a blank line, boilerplate removed.
    Every character offset elsewhere in the pipeline points into this string.
    """

    title: str
    text: str
    byline: str = ""
    published: str = ""  # ISO 8601 date or datetime as found, "" when unknown
    language: str = ""  # ISO 639-1 code, "" when unknown
    site_name: str = ""
    canonical_url: str = ""
    # Pages that are not news articles (indexes, galleries, error pages) or not in a
    # supported language are kept, but never mined for claims.
    is_article: bool = True
    skip_reason: str = ""


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset of the first character in Document.text
    end: int  # offset one past the last character
    paragraph: int = 0  # index of the paragraph the sentence sits in


@dataclass(frozen=True)
class Score:
    probability: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attribution:
    speaker: str  # who said or reported it: "Dmitry Peskov", "Politico"
    # "quote", "reported_speech", "according_to", "reported", "back_reference", or "inferred"
    # (chosen by the attribution ranker among the names near the sentence, no cue read)
    kind: str
    cue: str = ""  # the words that carried the attribution ("told reporters", "according to")
    # What the speaker is: "person", "organization", or "" when the text does not tell.
    speaker_kind: str = ""


@dataclass(frozen=True)
class Claim:
    text: str
    start: int
    end: int
    context: str  # the sentences around the claim, for the reviewer
    score: float
    speaker: str
    claim_type: str
    reasons: tuple[str, ...] = ()
    model_version: str = ""
    attribution_kind: str = ""
    # The claim as a fact-checker would check it, proposed for the desk: the attribution frame
    # removed and pronouns replaced by the names they stand for ("" when no better wording than
    # `text` was found), and who made it ("person", "organization" or "" when unattributed).
    standalone: str = ""
    claimant: str = ""
    claimant_kind: str = ""


@dataclass(frozen=True)
class Extraction:
    document: Document
    sentences: tuple[Sentence, ...] = ()
    claims: tuple[Claim, ...] = ()
    notes: tuple[str, ...] = field(default=())
