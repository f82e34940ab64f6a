"""How often the pipeline names the right speaker, on PolNeAR's annotated news articles.

Pure functions (no Django); `manage.py evaluate attribution` calls them.

Each article's headline (its first line) becomes the Document's title and the rest its text,
unchanged, so that the annotations' offsets still point into it. Every claim the pipeline
extracts (or, with `every_sentence`, every sentence it splits) whose text overlaps the content
of an annotated attribution with a *named* source counts once (`n`):
- the attribution must be reported speech or a quote: cues of belief, perception or intention
  ("thinks", "wants", "seems") are left out, since a claim's speaker is who said it;
- a source is named when it holds a proper name (a capitalised word the articles never write in
  lower case): "Clinton", "the Clinton campaign", "Ryan's spokeswoman", "The New York Post",
  not "he", "a campaign aide" or "sources";
- the source's head name is the last word of its last name before any apposition ("Post",
  "Clinton", "Ryan", "Clinton spokesman Josh Schwerin" -> "Schwerin"), skipping a possessive
  that only modifies a later name ("NBC's Dante Chinni" -> "Chinni") and a name after a
  preposition ("Tim Kaine of Virginia" -> "Kaine");
- the sentence must overlap the content by at least `MIN_OVERLAP` of its own length, or hold
  the whole content, so that a content that spills a few words into the next sentence does not
  make that sentence attributed.

The sentence is then `correct` when the pipeline's speaker contains the head name of one of
the named sources whose content it overlaps (as a word, case and possessives ignored),
`false` when the pipeline names someone else, and `empty` when it names no one;
`speaker_accuracy`, `false_attribution` and `empty_rate` are their shares of `n`, so they add
up to 1. `spurious_rate` is the share of sentences outside every annotated content (the article
asserts them) that were given a speaker anyway.

Each counted sentence also gets one pattern, the first that fits the gold attribution, so the
report says which constructions fail: `continuation` (the cue is in another sentence: the
later sentences of a quote), `according_to`, `by_phrase` ("a report by X", "was first reported
by X"), `told` ("X told Y"), `description` (the source is an organisation or a description
around a name: "the Clinton campaign", "a spokeswoman for X"), `inverted` ("..., said X"),
`said` (say, says, said), `other_cue` (every other verb or noun cue).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from claims.evaluation.polnear import GoldArticle, GoldAttribution, Span
from claims.pipeline.attribution import DEFAULT, Ranker, attribute
from claims.pipeline.sentences import split_sentences
from claims.pipeline.types import Document, Sentence


class Attributed(Protocol):
    """A claim or a sentence with the speaker the pipeline gave it (`Claim` is one)."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def speaker(self) -> str: ...


class SentenceSpeaker(NamedTuple):
    text: str
    start: int
    end: int
    speaker: str


ClaimsFn = Callable[[Document], Sequence[Attributed]]

MIN_OVERLAP = 0.3


def _words(vocabulary: str) -> frozenset[str]:
    return frozenset(vocabulary.split())


CORRECT, FALSE, EMPTY = "correct", "false", "empty"
PATTERNS = (
    "continuation",
    "according_to",
    "by_phrase",
    "told",
    "description",
    "inverted",
    "said",
    "other_cue",
)
# Cues of belief, perception and intention: what someone thinks or wants is not a claim they
# made. Matched on the cue's first word after auxiliaries, in any inflection.
_NOT_SPEECH = _words(
    """think thinks thought thinking believe believes believed believing feel feels felt feeling
    know knows knew known knowing hope hopes hoped hoping want wants wanted wanting wish wishes
    wished expect expects expected expecting fear fears feared fearing worry worries worried
    worrying seem seems seemed seeming appear appears appeared appearing see sees saw seen seeing
    view views viewed consider considers considered considering understand understands
    understood realize realizes realized realise realises realised doubt doubts doubted suspect
    suspects suspected assume assumes assumed guess guessed suppose supposed imagine imagined
    wonder wonders wondered remember remembers remembered forget forgot forgotten plan plans
    planned planning intend intends intended intending aim aims aimed aiming seek seeks sought
    seeking try tries tried trying decide decides decided deciding prefer prefers preferred like
    likes liked need needs needed eager determined likely unlikely support supports supported
    supporting oppose opposes opposed opposing favor favors favored favour favours favoured
    regard regards regarded learn learns learned learnt sense senses sensed"""
)
_AUXILIARIES = _words(
    """is are was were be been being has have had having do does did will would could should may
    might must can also not still already never later then publicly repeatedly previously first
    just even often long privately recently once both openly immediately who that and 's ’s
    seemingly apparently clearly really"""
)
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_POSSESSIVE = re.compile(r"(?:['’]s?)$")
_APPOSITION = re.compile(r"\s*[,(;—–]")
_CALENDAR = _words(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december jr sr ii iii iv"""
)
_PREPOSITIONS = _words("of for from at in by with on to")
_FUNCTION = _words(
    """the a an this that these those his her their its our my your he she they it we i you who
    which one some many most all both several other another no each every any"""
)


@dataclass(frozen=True)
class SentenceResult:
    article: str
    sentence: str
    speaker: str
    heads: tuple[str, ...]  # head names of the named sources whose content it overlaps
    outcome: str  # CORRECT, FALSE or EMPTY
    pattern: str


@dataclass
class AttributionReport:
    results: list[SentenceResult] = field(default_factory=list)
    unattributed: int = 0  # sentences outside every annotated content
    spurious: int = 0  # ... of which the pipeline gave a speaker
    articles: int = 0

    def share(self, outcome: str, pattern: str = "") -> float:
        rows = [r for r in self.results if not pattern or r.pattern == pattern]
        return round(sum(r.outcome == outcome for r in rows) / len(rows), 4) if rows else 0.0

    def count(self, pattern: str = "") -> int:
        return sum(1 for r in self.results if not pattern or r.pattern == pattern)

    def summary(self) -> dict[str, float | int]:
        return {
            "speaker_accuracy": self.share(CORRECT),
            "false_attribution": self.share(FALSE),
            "empty_rate": self.share(EMPTY),
            "n": self.count(),
            "spurious_rate": round(self.spurious / self.unattributed, 4)
            if self.unattributed
            else 0.0,
            "articles": self.articles,
        }


def lower_vocabulary(articles: Iterable[GoldArticle]) -> frozenset[str]:
    """Words the articles write in lower case: a capitalised one of these is no name."""
    return frozenset(w for a in articles for w in _WORD.findall(a.text) if w.islower())


def is_speech(cue: Span | None) -> bool:
    """Whether an attribution's cue reports speech or writing rather than a thought or wish."""
    if cue is None:
        return True
    words = [w.lower() for w in _WORD.findall(cue.text)]
    words = [w for w in words if w not in _AUXILIARIES]
    return not words or words[0] not in _NOT_SPEECH


def head_name(source: str, lower_words: frozenset[str]) -> str:
    """The name a speaker must share with the source, or "" when the source names no one."""
    core = _APPOSITION.split(source, maxsplit=1)[0]
    runs = _name_runs(core, lower_words) or _name_runs(source, lower_words)
    if not runs:
        return ""
    # The last name is the head: "Clinton spokesman Josh Schwerin", "Democratic candidate Hillary
    # Clinton", "NBC's Dante Chinni" (a possessive only modifies what follows it); a run after a
    # preposition ("Tim Kaine of Virginia") is a place or an employer.
    runs = [r for r in runs if _bare(r[0][-1]) not in _CALENDAR] or runs
    kept = [r for r in runs if not r[1]] or runs[:1]
    kept = [r for r in kept if not _POSSESSIVE.search(r[0][-1])] or kept
    return _bare(kept[-1][0][-1])


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", word).rstrip(".").lower()


def _name_runs(text: str, lower_words: frozenset[str]) -> list[tuple[list[str], bool]]:
    """Runs of capitalised words, each with whether a preposition comes right before it."""
    runs: list[tuple[list[str], bool]] = []
    current: list[str] = []
    after_preposition = False
    previous = ""
    words = _WORD.findall(text)
    for index, word in enumerate(words):
        low = _bare(word)
        capital = word[0].isupper() and low not in _FUNCTION
        # A capitalised first word is a name only if the articles never write it in lower case.
        if capital and index == 0 and low in lower_words:
            capital = False
        if capital:
            if not current:
                after_preposition = previous in _PREPOSITIONS
            current.append(word)
        elif low == "of" and len(current) == 1:
            current.append(word)  # "Secretary of State John Kerry", "Bank of America"
        else:
            if current and current[-1].lower() == "of":
                current.pop()
            if current:
                runs.append((current, after_preposition))
            current = []
        previous = low
    if current and current[-1].lower() == "of":
        current.pop()
    if current:
        runs.append((current, after_preposition))
    return runs


def _overlap(sentence: Sentence, span: Span) -> bool:
    shared = sum(
        max(0, min(sentence.end, end) - max(sentence.start, start))
        for start, end in span.fragments or ((span.start, span.end),)
    )
    if shared <= 0:
        return False
    return shared >= MIN_OVERLAP * (sentence.end - sentence.start) or _inside(sentence, span)


def _inside(sentence: Sentence, span: Span | None) -> bool:
    return span is not None and sentence.start <= span.start and span.end <= sentence.end


def pattern_of(gold: GoldAttribution, sentence: Sentence, head: str) -> str:
    """Which construction carries the attribution, as seen from this sentence."""
    cue = gold.cue.text.lower() if gold.cue else ""
    source = gold.source
    if not _inside(sentence, gold.cue) and not _inside(sentence, source):
        return "continuation"
    if "according" in cue:
        return "according_to"
    text = sentence.text.lower()
    if source is not None:
        before = text[: max(0, source.start - sentence.start)].split()[-1:]
        if before in (["by"], ["from"]):
            return "by_phrase"
    first = cue.split()[:1]
    if first and first[0] in ("told", "tells", "telling", "tell"):
        return "told"
    if source is not None:
        core = _APPOSITION.split(source.text, maxsplit=1)[0]
        last = _WORD.findall(core)[-1:]
        if not last or _bare(last[0]) != head:
            return "description"
    if source is not None and gold.cue is not None and source.start > gold.cue.start:
        return "inverted"
    if first and first[0] in ("said", "says", "say", "saying"):
        return "said"
    return "other_cue"


def _speaker_words(speaker: str) -> set[str]:
    return {_bare(w) for w in _WORD.findall(speaker)}


def every_sentence(document: Document) -> list[SentenceSpeaker]:
    """Every sentence of the document with the speaker attribution gives it, scored or not."""
    return every_sentence_with(DEFAULT)(document)


def every_sentence_with(ranker: Ranker) -> ClaimsFn:
    """`every_sentence` with a given ranker (None: the rules alone)."""

    def claims(document: Document) -> list[SentenceSpeaker]:
        sentences = split_sentences(document.text)
        found = attribute(document.text, sentences, ranker=ranker)
        return [
            SentenceSpeaker(s.text, s.start, s.end, who.speaker if who else "")
            for s, who in zip(sentences, found, strict=True)
        ]

    return claims


def article_document(article: GoldArticle) -> tuple[Document, int]:
    """The article as the pipeline reads it, and where its text starts in the annotated file."""
    title, newline, _ = article.text.partition("\n")
    start = len(title) + len(newline)
    while start < len(article.text) and article.text[start].isspace():
        start += 1
    return Document(title=title.strip(), text=article.text[start:]), start


def evaluate_attribution(
    articles: Sequence[GoldArticle], claims_fn: ClaimsFn = every_sentence
) -> AttributionReport:
    """Score the speaker the pipeline gives every attributed claim of `articles`."""
    lower_words = lower_vocabulary(articles)
    report = AttributionReport(articles=len(articles))
    for article in articles:
        document, offset = article_document(article)
        for claim in claims_fn(document):
            sentence = Sentence(claim.text, claim.start + offset, claim.end + offset)
            result = _judge(article, sentence, claim.speaker, lower_words)
            if result is None:
                report.unattributed += 1
                report.spurious += bool(claim.speaker)
            elif result.heads:
                report.results.append(result)
    return report


def gold_sources(
    article: GoldArticle, sentence: Sentence, lower_words: frozenset[str]
) -> list[tuple[GoldAttribution, str]] | None:
    """The reported statements with a named source whose content the sentence overlaps, each
    with its head name; None when the sentence is outside every annotated content."""
    overlapping = [
        g for g in article.attributions if any(_overlap(sentence, c) for c in g.contents)
    ]
    if not overlapping:
        return None
    named = []
    for gold in overlapping:
        if gold.source is None or not is_speech(gold.cue):
            continue
        head = head_name(gold.source.text, lower_words)
        if head:
            named.append((gold, head))
    return named


def speaker_matches(speaker: str, heads: Sequence[str]) -> bool:
    """Whether a speaker names one of the heads (as a word, case and possessives ignored)."""
    words = _speaker_words(speaker)
    return any(head in words for head in heads)


def _judge(
    article: GoldArticle, sentence: Sentence, speaker: str, lower_words: frozenset[str]
) -> SentenceResult | None:
    """None outside every annotated content; no heads when no speech source there is named."""
    named = gold_sources(article, sentence, lower_words)
    if named is None:
        return None
    heads = tuple(head for _, head in named)
    words = _speaker_words(speaker)
    matched = [i for i, head in enumerate(heads) if head in words]
    outcome = EMPTY if not speaker else CORRECT if matched else FALSE
    pattern = ""
    if named:
        gold, head = named[matched[0] if matched else 0]
        pattern = pattern_of(gold, sentence, head)
    return SentenceResult(article.name, sentence.text, speaker, heads, outcome, pattern)


def render_attribution(report: AttributionReport, *, errors: bool = False) -> list[str]:
    """Per-pattern lines, optionally every miss, and a last line of JSON."""
    lines = [f"{'pattern':<14}{'n':>6}{'accuracy':>10}{'false':>8}{'empty':>8}"]
    for pattern in PATTERNS:
        if report.count(pattern):
            lines.append(
                f"{pattern:<14}{report.count(pattern):>6}"
                f"{report.share(CORRECT, pattern):>10.3f}"
                f"{report.share(FALSE, pattern):>8.3f}{report.share(EMPTY, pattern):>8.3f}"
            )
    if errors:
        for r in report.results:
            if r.outcome != CORRECT:
                lines.append(
                    f"{r.outcome}\t{r.pattern}\t{'/'.join(r.heads)}\t{r.speaker or '-'}"
                    f"\t{r.article}\t{r.sentence}"
                )
    summary = report.summary()
    by_pattern = {
        p: {
            "n": report.count(p),
            "speaker_accuracy": report.share(CORRECT, p),
            "false_attribution": report.share(FALSE, p),
            "empty_rate": report.share(EMPTY, p),
        }
        for p in PATTERNS
        if report.count(p)
    }
    lines.append(json.dumps({**summary, "patterns": by_pattern}))
    return lines


def outcome_counts(report: AttributionReport) -> Counter[str]:
    return Counter(r.outcome for r in report.results)
