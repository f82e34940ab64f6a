"""Reads an article sentence by sentence, remembering who spoke last."""

from __future__ import annotations

import bisect
import re

from claims.pipeline.attribution.lexicon import (
    CLAUSE_VERBS,
    DEED_VERBS,
    DOCUMENT_NOUNS,
    DOCUMENT_VERBS,
    GROUP_NOUNS,
    NOUN_LIKE,
    PARTICLES,
    PERSON_SOURCE_NOUNS,
    PUBLISHING_VERBS,
    SPEECH_NOUNS,
)
from claims.pipeline.attribution.names import (
    PRONOUN_GENDERS,
    Candidate,
    Registry,
    categorise,
    split_run,
)
from claims.pipeline.attribution.quotes import SPEAKER_LINE_CUE
from claims.pipeline.attribution.subjects import (
    Subject,
    document_subject,
    first_subject,
    framed_group,
    inverted_subject,
    name_after,
    run_before,
    subject_of,
    subject_of_document,
)
from claims.pipeline.attribution.tokens import Tokens, after_quote
from claims.pipeline.attribution.verbs import (
    DETERMINERS,
    OBJECT_OPENERS,
    after_catenative,
    before_clause,
    beside_quote,
    named_at_start,
    noun_reading,
    outlet_reports,
    passive,
    passive_agent,
    passive_by,
    publishes_statement,
    verbal_deed,
)
from claims.pipeline.attribution.vocabulary import (
    COLLECTIVE,
    COORDINATION,
    CUE_WORDS,
    HEARSAY,
    OUTLET,
    OUTLET_NOUNS,
    OUTLET_ROLES,
    PERSON,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    QUOTE_FOLLOWS,
    QUOTE_VERBS,
    RANK,
    REJECT_OBJECTS,
    REJECT_VERBS,
    REPORT_NOUNS,
    REPORT_VERBS,
    SPEECH_VERBS,
    STOPWORDS,
    UNKNOWN,
    without_possessive,
    word_set,
)
from claims.pipeline.types import Attribution, Sentence

PERSON_KIND, ORGANIZATION = "person", "organization"
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
        self.sentence_person = ""  # a person the sentence being read already names as a speaker

    def resolve(self, subject: Subject, at: int, hint: str = "") -> tuple[str, str, bool]:
        """(speaker, category, found through a back-reference) or ("", "", False)."""
        registry = self.registry
        if subject.kind == "pronoun":
            # "Netanyahu said ..., although he tweeted ...": a pronoun after a person named as
            # a speaker in the same sentence stands for that person.
            gender = PRONOUN_GENDERS.get(subject.words[0].lower(), "")
            own = self.sentence_person
            if own and registry.genders.get(own, gender) == gender:
                return own, PERSON, True
            person = registry.resolve_pronoun(subject.words[0], at, self.last_person)
            return person, PERSON, True
        if subject.kind == "role":
            name = registry.resolve_role(subject.role, set(subject.quals), at)
            if not name:
                return "", "", False
            categories = [m.category for m in registry.mentions if m.name == name]
            return name, categories[0] if categories else PERSON, True
        if subject.kind == "description":
            return self._description(subject, at)
        if subject.kind != "name":
            return "", "", False
        if "/" in subject.words:
            # "a New York Times/CBS News poll": each partner in its fullest form.
            slash = subject.words.index("/")
            first = self.resolve(Subject("name", subject.words[:slash], subject.start), at, hint)
            rest = Subject("name", subject.words[slash + 1 :], subject.start)
            second = self.resolve(rest, at, hint)
            if first[0] and second[0]:
                return f"{first[0]}/{second[0]}", first[1], False
            return first if first[0] else second
        tokens, _, _ = split_run(subject.words)
        if not tokens:
            return "", "", False
        tokens[-1] = without_possessive(tokens[-1])
        if subject.role in OUTLET_ROLES:
            hint = OUTLET
        if len(tokens) > 1 and tokens[0].islower():
            # "de Miranda": the surname's fullest form when the article gives one ("Ana de
            # Miranda"), else the surname with its particle.
            name, category = registry.expand(tokens[1:], at, categorise(tokens[1:]) or hint)
            joined = " ".join(tokens)
            return (name if name.endswith(joined) else joined), category, False
        name, category = registry.expand(tokens, at, categorise(tokens) or hint)
        return name, category, False

    def _description(self, subject: Subject, at: int) -> tuple[str, str, bool]:
        """ "Paul Ryan's spokeswoman", "Clinton campaign": the name in its fullest form."""
        words = list(subject.words)
        if subject.role == "possessive":
            # ("Ryan’s", "spokeswoman") or, from "a spokeswoman for Ryan", ("Ryan", "spokeswoman").
            split = next(
                (i + 1 for i, w in enumerate(words) if w.endswith(POSSESSIVE_ENDS)), len(words) - 1
            )
            name = [without_possessive(w) for w in words[:split]]
            tokens, _, _ = split_run(name)
            if not tokens:
                return "", "", False
            full, _ = self.registry.expand(tokens, at, categorise(tokens))
            nouns = words[split:]
            speaker = f"{full}'s {' '.join(nouns)}"
        else:
            tokens, _, _ = split_run(words)
            nouns = [w for w in tokens if w.islower()]
            speaker = " ".join(tokens).replace(" / ", "/")
        if not nouns or not tokens:
            return "", "", False
        category = PERSON if nouns[-1] in PERSON_SOURCE_NOUNS else COLLECTIVE
        return speaker, category, False

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
        if not back and category in (PERSON, UNKNOWN) and not _is_group(speaker):
            self.sentence_person = self.sentence_person or speaker
        return Candidate(cue_start, speaker, category, kind, cue)

    def candidates(self, sentence: Sentence, masked: str) -> list[Candidate]:
        t = self.tokens.window(sentence.start, sentence.end)
        if CUE_WORDS.isdisjoint(t.low):
            return []
        found: list[Candidate | None] = []
        registry = self.registry
        self.sentence_person = ""
        for index, low in enumerate(t.low):
            if low not in CUE_WORDS:
                continue
            following = t.low[index + 1] if index + 1 < len(t) else ""
            at = (t.start[index], t.end[index])
            if low == "according":
                if following == "to":
                    found.append(self._according(sentence, masked, t, index))
            elif low in ("by", "from"):
                found.append(self._by(sentence, masked, t, index))
            elif (
                low in REPORT_NOUNS
                and self._report_subject(t, index)
                and (report := self._report(sentence, masked, t, index)) is not None
            ):
                found.append(report)  # else "CBS News reports that ...": the verb, below
            elif not t.text[index].islower() and not _opens_with_cue(t, index):
                continue  # "the United States", "Notes from the field"
            elif low in DOCUMENT_VERBS and low not in SPEECH_VERBS:
                subject = subject_of(t, index, registry)
                document = subject.kind == "description" and subject.words[-1] in DOCUMENT_NOUNS
                if subject.kind in ("", "unnamed") or (
                    subject.kind == "description" and not document
                ):
                    # "A Harbor poll out Monday showed": the document before its phrase.
                    named_document = document_subject(t, index, registry)
                    if named_document.kind and named_at_start(named_document, t, registry):
                        subject = named_document
                document = subject.kind == "description" and subject.words[-1] in DOCUMENT_NOUNS
                # "Two analysts, Ann Lee and Tom Wu, found in 2014 that ...": research reported;
                # "The Harbor Times found ...": a paper's finding.
                outlet = (
                    subject.kind == "name"
                    and subject.words[-1].lower() in OUTLET_NOUNS
                    and low in _FINDINGS
                    and following not in _REFLEXIVES  # "Fox News found itself …"
                )
                if (
                    document
                    or outlet
                    or (subject.kind == "name" and "that" in t.low[index + 1 : index + 5])
                ):
                    cue = t.text[index]
                    found.append(self._candidate(sentence, masked, subject, at, "speech", cue))
            elif (
                (
                    low in SPEECH_VERBS
                    and (low not in DEED_VERBS or verbal_deed(masked, t, index, sentence))
                )
                or following in PARTICLES.get(low, ())
                or (low in PUBLISHING_VERBS and publishes_statement(t, index))
                or (
                    low in REJECT_VERBS
                    and not REJECT_OBJECTS.isdisjoint(t.low[index + 1 : index + 5])
                )
                or (
                    low in QUOTE_VERBS
                    and (
                        beside_quote(masked, t, index, sentence)
                        or self._quotation_next(t, index, sentence)
                    )
                )
                or (low in CLAUSE_VERBS and before_clause(masked, t, index, sentence))
            ):
                if low == "quoted" and "as" not in t.low[index + 1 : index + _QUOTED_AS]:
                    continue  # "quoted a witness as saying", not "the quoted price"
                if passive_by(t, index):
                    continue  # "was first reported by MSNBC": the agent after "by" (`_by`)
                if low != "quoted" and passive(t, index):
                    continue  # "Ann Ward was declared the winner": spoken of, not speaking
                if (
                    low.endswith("ing")
                    and index > 0
                    and t.text[index - 1] == ","
                    and any(c is not None for c in found)
                ):
                    continue  # "X said ..., noting that ...": the participle is X's
                subject = subject_of(t, index, registry)
                if (
                    low in NOUN_LIKE
                    and not after_catenative(t, index)
                    and noun_reading(t, subject, registry)
                    and not (index + 1 < len(t) and t.low[index + 1] in OBJECT_OPENERS)
                    and not outlet_reports(t, index, subject)
                ):
                    # "a Clinton attack", "the Trump call", "Direct talks resume"; but with an
                    # object, a verb: "The Ward campaign calls it a smear".
                    continue
                if (
                    subject.kind in ("", "unnamed")
                    and (index == 0 or t.text[index - 1] in ',”»"')
                    and not low.endswith("ing")
                ):
                    # "..., the losses would outstrip the gains, said Batchelder": what stands
                    # before the comma is the clause reported, the subject follows the verb. Not
                    # after a participle: in "…, saying the law broke the Constitution" what
                    # follows is what was said.
                    inverted = inverted_subject(t, index, registry)
                    subject = inverted if inverted.kind else subject
                if subject.kind in ("", "unnamed") and index > 0 and t.text[index - 1] not in ",":
                    # "A CNN poll released Monday says": the document before its own phrase.
                    named_document = document_subject(t, index, registry)
                    subject = named_document if named_document.kind else subject
                if subject.kind == "unnamed":
                    subject = framed_group(t, index) or subject
                if low in ("told", "tells") and subject.kind in ("unnamed", ""):
                    # "sources told the Times": the outlet is the attribution.
                    found.append(self._told_outlet(sentence, masked, t, index))
                    continue
                cue = "quoted as saying" if low == "quoted" else t.text[index]
                hint = OUTLET if low in ("reported", "reports") else ""
                found.append(self._candidate(sentence, masked, subject, at, "speech", cue, hint))
        self.sentence_person = ""
        return [c for c in found if c is not None]

    def _transcript(self, masked: str) -> Candidate | None:
        """ "Luciana Lopez: Saying to people ...", "TAPPER: Do you ...": a transcript's or
        interview's speaker line. A label in capitals is a speaker only when it is a person the
        article names ("TAPPER" after "Jake Tapper") or a name of ordinary-looking words the
        article never writes in lower case ("CORRECTION:", "SHORT READS:" are headings)."""
        match = _SPEAKER_LINE.match(masked)
        if not match:
            return None
        words = match.group(1).split(" ")
        if all(w.isupper() for w in words):
            if any(w.lower() in self.registry.lower_words for w in words):
                return None
            words = [w[0] + w[1:].lower() for w in words]
        tokens, _, _ = split_run(words)
        if len(tokens) == 1 and self.registry.is_person(tokens[0]):
            name, category = self.registry.expand(tokens, 0, PERSON)
        elif len(tokens) < 2:
            return None
        else:
            name, category = self.registry.expand(tokens, 0, categorise(tokens))
        return (
            Candidate(0, name, category, "quote", SPEAKER_LINE_CUE) if category == PERSON else None
        )

    def _colon_quote(self, sentence: Sentence, masked: str) -> Candidate | None:
        """ "Ann Ward had a blunt message for the board: “…”", "… - Tom Baker: “…”": a clause
        that introduces a quotation with a colon gives it its subject, whatever its verb; a
        name right before the colon is the quotation's speaker."""
        match = _COLON_QUOTE.search(masked)
        if match is None:
            return None
        t = self.tokens.window(sentence.start, sentence.end)
        colon = bisect.bisect_left(t.start, sentence.start + match.start())
        if colon >= len(t) or t.text[colon] != ":":
            return None
        start = run_before(t, colon, self.registry, 0)
        if 0 < start < colon and t.text[start - 1] in _LABEL_OPENERS:
            # "A headline - Tom Baker: “…”": a name set off as the quotation's label.
            subject = Subject("name", tuple(t.text[start:colon]), t.start[start])
        else:
            clause = next((i + 1 for i in range(colon - 1, -1, -1) if t.text[i] in _CLAUSE_ENDS), 0)
            if colon <= clause:
                return None
            window = t.window(t.start[clause], t.end[colon - 1])
            subject = first_subject(window, len(window), self.registry, loose=True)
            if subject.kind not in ("name", "pronoun", "role", "description"):
                return None
            first = bisect.bisect_left(t.start, subject.start)
            if first > 0 and t.low[first - 1] in DETERMINERS | PREPOSITIONS:
                return None  # "From the Ward campaign’s statement:": no clause's subject
            if first == 0 and len(subject.words) == 1 and subject.kind == "name":
                word = subject.words[0]
                if word not in self.registry.mid_sentence and word not in self.registry.full:
                    return None  # "Giant screens showed …:": capitalised only as the first word
        at = (t.start[colon], t.end[colon])
        return self._candidate(sentence, masked, subject, at, "quote", ":")

    def _measured_in(self, sentence: Sentence, masked: str) -> Candidate | None:
        """ "In a Harbor Gazette poll, Ward led by six points", "Baker trails in the latest
        Riverton Herald survey": figures found in a named poll or study are its report."""
        t = self.tokens.window(sentence.start, sentence.end)
        for index, low in enumerate(t.low):
            if low != "in":
                continue
            noun = next(
                (
                    i
                    for i in range(index + 2, min(len(t), index + _MEASURE_WORDS))
                    if t.low[i] in _MEASURES and t.text[i].islower()
                ),
                -1,
            )
            if noun < 0:
                continue
            subject = subject_of_document(t, noun + 1, self.registry)
            if subject.kind != "description":
                continue
            first = bisect.bisect_left(t.start, subject.start)
            if not all(_modifies(t, i) for i in range(index + 1, first)):
                continue  # "in Ohio, where a Harbor Gazette poll ...": not the phrase's noun
            at = (t.start[index], t.end[index])
            return self._candidate(sentence, masked, subject, at, "reported", "in")
        return None

    def _quotation_next(self, t: Tokens, index: int, sentence: Sentence) -> bool:
        """ "Ann Ward continued. / “The port …”", "Baker continued his remarks: “…”": a verb
        that ends its sentence, the next one opening with the quotation it introduces."""
        rest = t.low[index + 1 :]
        if len(rest) > _TRAILING_OBJECT or not rest or rest[-1] not in (".", ":"):
            return False
        object_words = t.low[index + 1 : -1]
        if object_words and (
            object_words[-1] not in _SPOKEN_OBJECTS
            or not all(word.isalpha() for word in object_words)
        ):
            return False  # "… began scanning the crowd.": no speech introduced
        following = bisect.bisect_left(self.tokens.start, sentence.end)
        return following < len(self.tokens) and self.tokens.text[following] in _OPENING_MARKS

    def _report_subject(self, t: Tokens, index: int) -> bool:
        return index > 0 and t.cap[index - 1]

    def _by(self, sentence: Sentence, masked: str, t: Tokens, index: int) -> Candidate | None:
        """ "an analysis by X found", "data from X", "was first reported by X", "a report
        issued in May by X"."""
        if index == 0:
            return None
        back = index - 1
        while back > 0 and index - back < _BY_WINDOW and t.text[back].isalnum():
            if t.low[back] in DOCUMENT_NOUNS or passive_agent(t, back, index):
                break
            back -= 1
        if t.low[index - 1] in SPEECH_NOUNS:
            back = index - 1  # "criticism from X", not "comments on everything from X"
        elif not (t.low[back] in DOCUMENT_NOUNS or passive_agent(t, back, index)):
            return None
        start = index + 2 if index + 1 < len(t) and t.low[index + 1] == "the" else index + 1
        if start < len(t) and t.text[start].islower() and t.low[start].endswith("ing"):
            return None  # "responded by saying Oslo should wait": a manner, no agent
        stop = name_after(t, start)
        if stop > start:
            # "by Harbor Works chief executive Tom Baker": the person named after the role.
            start, stop = _named_after_role(t, start, stop)
            subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
        else:
            # "was asked by host John Dickerson": a description before the agent's name.
            subject = inverted_subject(t, index, self.registry)
            if subject.kind != "name":
                return None
        at = (t.start[back], t.end[index])
        cue = f"{t.text[back]} {t.text[index]}"
        return self._candidate(sentence, masked, subject, at, "reported", cue, "")

    def _according(
        self, sentence: Sentence, masked: str, t: Tokens, index: int
    ) -> Candidate | None:
        start = index + 2
        report = False
        while start < len(t) and (
            (t.low[start] in _ACCORDING_SKIP and t.text[start].islower())
            or (t.low[start] == "the" and t.cap[start + 1 : start + 2] == [True])
            or (t.text[start].isdigit() and start > index + 2)
        ):
            # "according to The Hill", "according to a 2014 Labor Department study"
            report = report or t.low[start] in REPORT_NOUNS
            start += 1
        # "according to former Sen. Scott Brown", "according to a spokeswoman for the Clinton
        # campaign": lower-case words before the name.
        probe = start
        while probe < len(t) and probe - start < 4 and t.text[probe].isalpha() and not t.cap[probe]:
            probe += 1
        if probe < len(t) and t.cap[probe] and probe > start:
            if t.low[probe - 1] in ("for", "at", "of") and probe - 1 > start:
                stop = name_after(t, probe)
                words = (*t.text[probe:stop], t.low[probe - 2])
                subject = Subject("description", words, t.start[probe], role="possessive")
                at = (t.start[index], t.end[index + 1])
                return self._candidate(
                    sentence, masked, subject, at, "according_to", "according to"
                )
            if t.low[probe - 1] not in ("of", "in", "on", "at", "from", "by", "to", "and"):
                start = probe
        stop = name_after(t, start)
        if stop == start:
            return None  # "according to officials", "according to the data"
        start, stop = _named_after_role(t, start, stop)
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
        chosen = _choose(found, masked) or self._transcript(masked)
        if chosen is None:
            chosen = self._colon_quote(sentence, masked) or self._measured_in(sentence, masked)
        hearsay = HEARSAY.search(masked)
        if (
            hearsay
            and self.last_outlet
            and not any(c.category == OUTLET for c in found)
            and (chosen is None or hearsay.start() <= chosen.position)
        ):
            # "Putin reportedly told ...": the article relays an outlet's report.
            return Attribution(self.last_outlet, "reported", hearsay.group(), ORGANIZATION)
        if chosen is None:
            return None
        if chosen.category in (PERSON, UNKNOWN) and not _is_group(chosen.speaker):
            self.last_person = chosen.speaker
        elif chosen.category == OUTLET:
            self.last_outlet = chosen.speaker
        return Attribution(
            chosen.speaker,
            chosen.kind,
            chosen.cue,
            self.speaker_kind(chosen.speaker, chosen.category),
        )

    def speaker_kind(self, speaker: str, category: str) -> str:
        """ "person" or "organization": outlets and institutions are organisations."""
        if category == PERSON:
            return ORGANIZATION if speaker in self.registry.bodies else PERSON_KIND
        if category in (OUTLET, COLLECTIVE):
            return ORGANIZATION
        # A bare name the article never gives in full: a person when a title or a pronoun
        # shows it ("Erdoğan said ... he"), else a place or body ("Moscow", "NATO").
        return PERSON_KIND if speaker in self.registry.genders else ORGANIZATION


def _is_group(speaker: str) -> bool:
    """ "Democratic lawmakers", "Clinton aides": no "he" or "she" stands for them."""
    return speaker.rpartition(" ")[2] in GROUP_NOUNS


_SUBORDINATE = re.compile(
    r"(?:While|Although|Though|Whereas|Even as|Even though|Even if|Because|If|Unless)\b"
)


def _choose(found: list[Candidate], masked: str) -> Candidate | None:
    """The main clause's source: the first one, unless a coordinated clause ("…, while
    Zelensky accused …", "…, but sources told the Times") names a person or an outlet where
    the first clause had only a country or an institution."""
    if not found:
        return None
    found = sorted(found, key=lambda c: c.position)
    chosen = found[0]
    comma = masked.find(",")
    if chosen.kind == "reported" and masked.startswith("In ") and chosen.position < comma:
        # "In an AP interview Monday, Sanders said ...", "In a video put out by the Cruz
        # campaign, Perry said ...": the opening phrase says where, the person who speaks in it
        # is the source.
        person = next((c for c in found if c.position > comma and c.category == PERSON), None)
        if person is not None:
            return person
    if _SUBORDINATE.match(masked) and chosen.position < comma:
        # "While Ann Ward pledged lower fares, Tom Baker insisted …": the main clause's
        # source, not the subordinate clause's.
        main = next((c for c in found if c.position > comma), None)
        if main is not None:
            return main
    for candidate in found[1:]:
        if RANK[candidate.category] < RANK[chosen.category] and COORDINATION.search(
            masked, chosen.position, candidate.position
        ):
            chosen = candidate
    last = found[-1]
    if last is not chosen and RANK[last.category] <= RANK[chosen.category]:
        # "X suggested, the US would ..., sources told the Times": a source named after the
        # last comma, at the sentence's end, reports everything before it.
        comma = masked.rfind(",", 0, last.position)
        if comma > chosen.position and len(masked[comma:].split()) <= _TRAILING_WORDS:
            chosen = last
    return chosen


def _named_after_role(t: Tokens, start: int, stop: int) -> tuple[int, int]:
    """ "according to Fox News legal analyst Ann Ward", "… to Tom Baker's former aide Lee
    Park": a person named after the body or person whose role the words between give."""
    later = stop
    while (
        later < len(t)
        and later - stop < _ROLE_WORDS
        and t.text[later].isalpha()
        and t.text[later].islower()
        and (t.low[later] not in STOPWORDS or t.low[later] == "and")
    ):
        later += 1
    if later >= len(t) or not t.cap[later] or all(t.low[i] == "and" for i in range(stop, later)):
        return start, stop  # "… by Ann Ward and Tom Baker": two names, not a role
    end = name_after(t, later)
    if end - later >= 2 and (end == len(t) or t.text[end] in ",.;—–"):
        return later, end
    return start, stop


_ROLE_WORDS = 5
_FINDINGS = word_set("found finds")
_REFLEXIVES = word_set("itself themselves himself herself it them")
_TRAILING_WORDS = 8
_TRAILING_OBJECT = 4  # "continued his scathing remarks."
_OPENING_MARKS = frozenset({"“", "«", '"'})
_SPOKEN_OBJECTS = word_set(
    "remarks remark speech statement comments testimony answer thought thoughts argument point"
    " story tirade attack criticism"
)
_QUOTED_AS = 8
_OPENING_CUES = frozenset({"said", "says", "added", "wrote"})


def _opens_with_cue(t: Tokens, index: int) -> bool:
    """ "Said Ann Ward, who grew up there, ...": a sentence that opens with its cue and the
    speaker's name."""
    return index == 0 and t.low[0] in _OPENING_CUES and len(t) > 1 and t.cap[1]


_MEASURES = word_set("poll polls survey surveys average study analysis tally count estimates")
_MEASURE_WORDS = 10


def _modifies(t: Tokens, index: int) -> bool:
    """A word of the phrase before a document's name: "a", "the latest", "May's", "2014"."""
    word = t.text[index]
    return (
        t.low[index] in DETERMINERS
        or word.isdigit()
        or (word.isalpha() and word.islower())
        or word.endswith(POSSESSIVE_ENDS)
    )


_COLON_QUOTE = re.compile(r":\s*[" + re.escape("".join(sorted(_OPENING_MARKS))) + "]")
_LABEL_OPENERS = frozenset({"-", "—", "–"})
_CLAUSE_ENDS = _LABEL_OPENERS | {";"}
_SPEAKER_LINE = re.compile(r"([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}): ")


_BY_WINDOW = 6
