"""Quotations that run over several sentences or paragraphs keep the speaker their cue names."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from claims.pipeline.attribution.vocabulary import OPEN_QUOTES
from claims.pipeline.types import Attribution, Sentence

_HE_OR_SHE_SAID = re.compile(r"[”\"»,]\s*(?:he|she)\s+\w+", re.IGNORECASE)


def _starts_with_quote(sentence: Sentence) -> bool:
    return sentence.text[:1] in OPEN_QUOTES or sentence.text.startswith(('"', "''"))


def spread_quotes(
    sentences: Sequence[Sentence],
    spans: Sequence[tuple[int, int]],
    result: list[Attribution | None],
) -> None:
    """Give every sentence of a multi-sentence quotation the speaker its cue names.

    `sentences` are in text order, as split_sentences gives them.
    """
    # Found by bisection: scanning every sentence for every quotation was quadratic (seconds
    # for a few hundred kilobytes of short quotes).
    ends = [s.end for s in sentences]
    for begin, end in spans:
        inside = []
        i = bisect.bisect_right(ends, begin)
        while i < len(sentences) and sentences[i].start < end:
            inside.append(i)
            i += 1
        if len(inside) < 2:
            continue
        owners = [result[i] for i in (inside[-1], inside[0]) if result[i] is not None]
        owner = next((a for a in owners if a is not None and a.kind == "quote"), None)
        opener = result[inside[0]]
        # "She told the workers, “the town is in trouble. Why wait?”": a quotation that opens
        # inside a sentence naming its speaker is that speaker's to its close.
        if (
            owner is None
            and opener is not None
            and opener.kind in _CARRIED_KINDS
            and sentences[inside[0]].start < begin
        ):
            owner = opener
        if owner is None:
            continue
        for i in inside:
            if result[i] is None:
                result[i] = Attribution(owner.speaker, "quote", owner.cue, owner.speaker_kind)
    _name_quotes_before_their_cue(sentences, result)
    _spread_speaker_lines(sentences, result)
    _spread_block_quotes(sentences, result)
    # A quotation that stands alone right after an attributed one continues it, and so does
    # a paragraph that opens with a quotation and names no one: news style carries a long quote
    # over several paragraphs, each opening with a quotation mark.
    for i in range(1, len(sentences)):
        if result[i] is not None or not _starts_with_quote(sentences[i]):
            continue
        previous = result[i - 1]
        if sentences[i].paragraph != sentences[i - 1].paragraph:
            previous = _paragraph_speaker(sentences, result, i - 1)
            if previous is None or previous.kind not in _CARRIED_KINDS:
                continue
            j = i + 1
            while j < len(sentences) and sentences[j].paragraph == sentences[i].paragraph:
                if result[j] is not None:
                    break
                j += 1
            if j < len(sentences) and sentences[j].paragraph == sentences[i].paragraph:
                continue  # the paragraph names its own speaker later
        elif previous is None or previous.kind not in _CARRIED_KINDS:
            continue
        if previous.speaker_kind == "organization" and _HE_OR_SHE_SAID.search(sentences[i].text):
            continue  # "“…,” he said." after a company's statement: someone else speaks
        result[i] = Attribution(previous.speaker, "quote", previous.cue, previous.speaker_kind)
        j = i + 1
        while j < len(sentences) and sentences[j].paragraph == sentences[i].paragraph:
            if result[j] is None and _inside_quote(sentences[j], spans):
                result[j] = result[i]
            j += 1


_CARRIED_KINDS = frozenset({"quote", "reported_speech", "back_reference"})
SPEAKER_LINE_CUE = ":"


def _spread_speaker_lines(sentences: Sequence[Sentence], result: list[Attribution | None]) -> None:
    """ "FALLIN: I think ... The nation needs ...": a transcript's speaker line speaks for the
    rest of its paragraph. Not beyond it: "Sanders: Win in a walk." may head a section the
    article then writes itself."""
    for i in range(1, len(sentences)):
        previous = result[i - 1]
        if (
            result[i] is None
            and previous is not None
            and previous.cue == SPEAKER_LINE_CUE
            and sentences[i].paragraph == sentences[i - 1].paragraph
        ):
            result[i] = previous


def _spread_block_quotes(sentences: Sequence[Sentence], result: list[Attribution | None]) -> None:
    """ "Ann Ward wrote in a statement: / The port will reopen. It was never at risk.": a
    paragraph that ends with its speaker and a colon introduces the next paragraph, a quotation
    set off without quotation marks. Only that paragraph: where the quotation ends is not
    marked, and the article's own text may follow."""
    for i in range(len(sentences) - 1):
        owner = result[i]
        if (
            owner is None
            or owner.cue == SPEAKER_LINE_CUE
            or not sentences[i].text.rstrip().endswith(":")
            or sentences[i + 1].paragraph == sentences[i].paragraph
        ):
            continue
        j = i + 1
        while j < len(sentences) and sentences[j].paragraph == sentences[i + 1].paragraph:
            if result[j] is None:
                result[j] = Attribution(owner.speaker, "quote", owner.cue, owner.speaker_kind)
            j += 1


def _name_quotes_before_their_cue(
    sentences: Sequence[Sentence], result: list[Attribution | None]
) -> None:
    """ "''What does that mean?'' Mr. Trump asked, ...": a quotation the splitter cut off from
    the sentence that names its speaker right after it."""
    for i in range(len(sentences) - 1, 0, -1):
        following, current = result[i], sentences[i]
        previous = sentences[i - 1]
        if (
            following is not None
            and result[i - 1] is None
            and following.kind in _CARRIED_KINDS
            and previous.paragraph == current.paragraph
            and _starts_with_quote(previous)
            and previous.text.rstrip().endswith(_QUOTE_ENDS)
            and not _starts_with_quote(current)
            and len(current.text.split(",")[0].split()) <= _CUE_LEAD_WORDS
            and following.cue in current.text.split(",")[0]
        ):
            result[i - 1] = Attribution(
                following.speaker, "quote", following.cue, following.speaker_kind
            )


_QUOTE_ENDS = ("”", '"', "''", "»")
_CUE_LEAD_WORDS = 5


def _paragraph_speaker(
    sentences: Sequence[Sentence], result: list[Attribution | None], last: int
) -> Attribution | None:
    """The last speaker named in the paragraph that ends with sentence `last`."""
    paragraph = sentences[last].paragraph
    i = last
    while i >= 0 and sentences[i].paragraph == paragraph:
        if result[i] is not None:
            return result[i]
        i -= 1
    return None


def _inside_quote(sentence: Sentence, spans: Sequence[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (sentence.start, len(spans) + sentence.end)) - 1
    return index >= 0 and spans[index][0] <= sentence.start and sentence.start < spans[index][1]
