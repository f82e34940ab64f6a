"""Reads an article sentence by sentence, remembering who spoke last: a sentence's speech verbs
and other cues (`phrases`) name subjects, which the reader resolves to the article's names
(`speakers`) and of which it keeps the main clause's source (`choice`)."""

from __future__ import annotations

import bisect

from claims.pipeline.attribution.lexicon import (
    CLAUSE_VERBS,
    DEED_VERBS,
    DOCUMENT_NOUNS,
    DOCUMENT_VERBS,
    NOUN_LIKE,
    PARTICLES,
    PUBLISHING_VERBS,
)
from claims.pipeline.attribution.names import (
    PRONOUN_GENDERS,
    Candidate,
    Registry,
    categorise,
    split_run,
)
from claims.pipeline.attribution.reader.choice import choose
from claims.pipeline.attribution.reader.phrases import (
    OPENING_MARKS,
    Found,
    according_to,
    by_agent,
    colon_quote,
    measured_in,
    named_report,
    told_outlet,
    transcript_speaker,
)
from claims.pipeline.attribution.reader.speakers import (
    ORGANIZATION,
    described_speaker,
    is_group,
    speaker_kind,
)
from claims.pipeline.attribution.subjects import Subject
from claims.pipeline.attribution.subjects.clauses import document_subject, subject_of
from claims.pipeline.attribution.subjects.descriptions import framed_group
from claims.pipeline.attribution.subjects.inverted import inverted_subject
from claims.pipeline.attribution.tokens import Tokens, after_quote
from claims.pipeline.attribution.verbs import (
    OBJECT_OPENERS,
    after_catenative,
    before_clause,
    beside_quote,
    named_at_start,
    noun_reading,
    outlet_reports,
    passive,
    passive_by,
    publishes_statement,
    verbal_deed,
)
from claims.pipeline.attribution.vocabulary import (
    CUE_WORDS,
    HEARSAY,
    OUTLET,
    OUTLET_NOUNS,
    OUTLET_ROLES,
    PERSON,
    QUOTE_FOLLOWS,
    QUOTE_VERBS,
    REJECT_OBJECTS,
    REJECT_VERBS,
    REPORT_NOUNS,
    SPEECH_VERBS,
    UNKNOWN,
    without_possessive,
    word_set,
)
from claims.pipeline.types import Attribution, Sentence


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
            return described_speaker(subject, at, registry)
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

    def _candidate(self, sentence: Sentence, masked: str, found: Found | None) -> Candidate | None:
        if found is None:
            return None
        subject, cue_at, kind, cue = found.subject, found.at, found.kind, found.cue
        speaker, category, back = self.resolve(subject, subject.start, found.hint)
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
        if not back and category in (PERSON, UNKNOWN) and not is_group(speaker):
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
                    found.append(self._candidate(sentence, masked, according_to(t, index)))
            elif low in ("by", "from"):
                found.append(self._candidate(sentence, masked, by_agent(t, index, registry)))
            elif (
                low in REPORT_NOUNS
                and self._report_subject(t, index)
                and (report := self._candidate(sentence, masked, named_report(t, index, registry)))
                is not None
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
                    found.append(
                        self._candidate(sentence, masked, Found(subject, at, "speech", cue))
                    )
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
                    continue  # "was first reported by MSNBC": the agent after "by" (`by_agent`)
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
                    found.append(self._candidate(sentence, masked, told_outlet(t, index)))
                    continue
                cue = "quoted as saying" if low == "quoted" else t.text[index]
                hint = OUTLET if low in ("reported", "reports") else ""
                found.append(
                    self._candidate(sentence, masked, Found(subject, at, "speech", cue, hint))
                )
        self.sentence_person = ""
        return [c for c in found if c is not None]

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
        return following < len(self.tokens) and self.tokens.text[following] in OPENING_MARKS

    def _report_subject(self, t: Tokens, index: int) -> bool:
        return index > 0 and t.cap[index - 1]

    def read(self, sentence: Sentence, masked: str) -> Attribution | None:
        found = self.candidates(sentence, masked)
        chosen = choose(found, masked) or transcript_speaker(masked, self.registry)
        if chosen is None:
            tokens, registry = self.tokens, self.registry
            chosen = self._candidate(
                sentence, masked, colon_quote(tokens, sentence, masked, registry)
            ) or self._candidate(sentence, masked, measured_in(tokens, sentence, registry))
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
        if chosen.category in (PERSON, UNKNOWN) and not is_group(chosen.speaker):
            self.last_person = chosen.speaker
        elif chosen.category == OUTLET:
            self.last_outlet = chosen.speaker
        return Attribution(
            chosen.speaker,
            chosen.kind,
            chosen.cue,
            speaker_kind(chosen.speaker, chosen.category, self.registry),
        )


_FINDINGS = word_set("found finds")
_REFLEXIVES = word_set("itself themselves himself herself it them")
_TRAILING_OBJECT = 4  # "continued his scathing remarks."
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
