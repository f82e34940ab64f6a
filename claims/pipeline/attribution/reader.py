"""Reads an article sentence by sentence, remembering who spoke last."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from claims.pipeline.attribution.names import (
    Candidate,
    Registry,
    categorise,
    split_run,
)
from claims.pipeline.attribution.subjects import (
    Subject,
    Tokens,
    after_quote,
    inverted_subject,
    name_after,
    run_before,
    subject_of,
)
from claims.pipeline.attribution.vocabulary import (
    COORDINATION,
    CUE_WORDS,
    HEARSAY,
    INVERTIBLE,
    OPEN_QUOTES,
    OUTLET,
    OUTLET_ROLES,
    PARTICLE_VERBS,
    PERSON,
    QUOTE_FOLLOWS,
    RANK,
    REJECT_OBJECTS,
    REJECT_VERBS,
    REPORT_NOUNS,
    REPORT_VERBS,
    SPEECH_VERBS,
    UNKNOWN,
    word_set,
)
from claims.pipeline.types import Attribution, Sentence

_ACCORDING_SKIP = word_set(
    "a an the new recent latest report reports article statement story investigation from by in"
    " of published data figures documents"
)


class Reader:
    """Reads one article's sentences in order, remembering who spoke last."""

    def __init__(self, tokens: Tokens, registry: Registry) -> None:
        self.tokens = tokens
        self.registry = registry
        self.last_person = ""
        self.last_outlet = ""

    def resolve(self, subject: Subject, at: int, hint: str = "") -> tuple[str, str, bool]:
        """(speaker, category, found through a back-reference) or ("", "", False)."""
        registry = self.registry
        if subject.kind == "pronoun":
            person = self.last_person or registry.latest_person(at)
            return person, PERSON, True
        if subject.kind == "role":
            name = registry.resolve_role(subject.role, set(subject.quals), at)
            if not name:
                return "", "", False
            categories = [m.category for m in registry.mentions if m.name == name]
            return name, categories[0] if categories else PERSON, True
        if subject.kind != "name":
            return "", "", False
        tokens, _, _ = split_run(subject.words)
        if not tokens:
            return "", "", False
        tokens[-1] = tokens[-1].removesuffix("’s").removesuffix("'s")
        if subject.role in OUTLET_ROLES:
            hint = OUTLET
        name, category = registry.expand(tokens, at, categorise(tokens) or hint)
        return name, category, False

    def _candidate(
        self,
        sentence: Sentence,
        masked: str,
        subject: Subject,
        cue_at: tuple[int, int],
        kind: str,
        cue: str,
        hint: str = "",
    ) -> Candidate | None:
        speaker, category, back = self.resolve(subject, subject.start, hint)
        if not speaker:
            return None
        # Offsets so far are in the document; `masked` is the sentence alone.
        cue_start, cue_end = cue_at[0] - sentence.start, cue_at[1] - sentence.start
        subject_start = subject.start - sentence.start
        if kind == "speech":
            if after_quote(masked, min(subject_start, cue_start)) or QUOTE_FOLLOWS.match(
                masked[cue_end:]
            ):
                kind = "quote"
            elif category == OUTLET or cue in ("reported", "reports"):
                kind = "reported"
            else:
                kind = "back_reference" if back else "reported_speech"
        return Candidate(cue_start, speaker, category, kind, cue)

    def candidates(self, sentence: Sentence, masked: str) -> list[Candidate]:
        t = self.tokens.window(sentence.start, sentence.end)
        if CUE_WORDS.isdisjoint(t.low):
            return []
        found: list[Candidate | None] = []
        registry = self.registry
        for index, low in enumerate(t.low):
            if low not in CUE_WORDS:
                continue
            following = t.low[index + 1] if index + 1 < len(t) else ""
            at = (t.start[index], t.end[index])
            if low == "according":
                if following == "to":
                    found.append(self._according(sentence, masked, t, index))
            elif low in REPORT_NOUNS:
                found.append(self._report(sentence, masked, t, index))
            elif not t.text[index].islower():
                continue  # "the United States", "Notes from the field"
            elif (
                low in SPEECH_VERBS
                or (low in PARTICLE_VERBS and following == PARTICLE_VERBS[low])
                or (
                    low in REJECT_VERBS
                    and not REJECT_OBJECTS.isdisjoint(t.low[index + 1 : index + 5])
                )
            ):
                if low == "quoted" and following != "as":
                    continue
                subject = subject_of(t, index, registry)
                if not subject.kind and low in INVERTIBLE:
                    subject = inverted_subject(t, index, registry)
                if low in ("told", "tells") and subject.kind in ("unnamed", ""):
                    # "sources told the Times": the outlet is the attribution.
                    found.append(self._told_outlet(sentence, masked, t, index))
                    continue
                cue = "quoted as saying" if low == "quoted" else t.text[index]
                hint = OUTLET if low in ("reported", "reports") else ""
                found.append(self._candidate(sentence, masked, subject, at, "speech", cue, hint))
        return [c for c in found if c is not None]

    def _according(
        self, sentence: Sentence, masked: str, t: Tokens, index: int
    ) -> Candidate | None:
        start = index + 2
        report = False
        while start < len(t) and t.low[start] in _ACCORDING_SKIP and t.text[start].islower():
            report = report or t.low[start] in REPORT_NOUNS
            start += 1
        stop = name_after(t, start)
        if stop == start:
            return None  # "according to officials", "according to the data"
        report = report or (stop < len(t) and t.low[stop] in REPORT_NOUNS)
        subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
        at = (t.start[index], t.end[index + 1])
        hint = OUTLET if report else ""
        return self._candidate(sentence, masked, subject, at, "according_to", "according to", hint)

    def _report(self, sentence: Sentence, masked: str, t: Tokens, index: int) -> Candidate | None:
        """ "A Bloomberg report published on Thursday cited two sources as saying ..."."""
        start = run_before(t, index, self.registry, -1)
        if not 0 < start < index or t.low[start - 1] not in ("a", "an", "the"):
            return None
        if REPORT_VERBS.isdisjoint(t.low[index + 1 :]):
            return None
        subject = Subject("name", tuple(t.text[start:index]), t.start[start])
        at = (t.start[start - 1], t.end[index])
        return self._candidate(sentence, masked, subject, at, "reported", t.text[index], OUTLET)

    def _told_outlet(
        self, sentence: Sentence, masked: str, t: Tokens, index: int
    ) -> Candidate | None:
        start = index + 2 if index + 1 < len(t) and t.low[index + 1] == "the" else index + 1
        stop = name_after(t, start)
        if stop == start:
            return None
        subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
        at = (t.start[index], t.end[index])
        return self._candidate(sentence, masked, subject, at, "reported", "sources told", OUTLET)

    def read(self, sentence: Sentence, masked: str) -> Attribution | None:
        found = self.candidates(sentence, masked)
        chosen = _choose(found, masked)
        hearsay = HEARSAY.search(masked)
        if (
            hearsay
            and self.last_outlet
            and not any(c.category == OUTLET for c in found)
            and (chosen is None or hearsay.start() <= chosen.position)
        ):
            # "Putin reportedly told ...": the article relays an outlet's report.
            return Attribution(self.last_outlet, "reported", hearsay.group())
        if chosen is None:
            return None
        if chosen.category in (PERSON, UNKNOWN):
            self.last_person = chosen.speaker
        elif chosen.category == OUTLET:
            self.last_outlet = chosen.speaker
        return Attribution(chosen.speaker, chosen.kind, chosen.cue)


def _choose(found: list[Candidate], masked: str) -> Candidate | None:
    """The main clause's source: the first one, unless a coordinated clause ("…, while
    Zelensky accused …", "…, but sources told the Times") names a person or an outlet where
    the first clause had only a country or an institution."""
    if not found:
        return None
    found = sorted(found, key=lambda c: c.position)
    chosen = found[0]
    for candidate in found[1:]:
        if RANK[candidate.category] < RANK[chosen.category] and COORDINATION.search(
            masked, chosen.position, candidate.position
        ):
            chosen = candidate
    return chosen


def _starts_with_quote(sentence: Sentence) -> bool:
    return sentence.text[:1] in OPEN_QUOTES or sentence.text[:1] == '"'


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
        if owner is None:
            continue
        for i in inside:
            if result[i] is None:
                result[i] = Attribution(owner.speaker, "quote", owner.cue)
    # A quotation that stands alone right after an attributed one continues it.
    for i in range(1, len(sentences)):
        previous = result[i - 1]
        if (
            result[i] is None
            and previous is not None
            and previous.kind == "quote"
            and _starts_with_quote(sentences[i])
        ):
            result[i] = Attribution(previous.speaker, "quote", previous.cue)
