"""Who said or reported each sentence: quotes, reported speech and news-agency reports.

Regular expressions and capitalisation only (a parser or NER model would cost 100x more per
article). A speech verb's subject is read backwards from the verb; names are normalised to the
fullest form the article uses ("Peskov" -> "Dmitry Peskov", "the Times" -> "Financial Times"),
and pronouns or role nouns ("he", "the spokesman") point back to the last person who spoke.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from claims.pipeline.types import Attribution, Sentence


def _words(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


PERSON, OUTLET, COLLECTIVE = "person", "outlet", "collective"
# A bare name ("Erdoğan", "Russia") never given in full, with a title or after "in"/"the".
UNKNOWN = "unknown"
# Who wins when a sentence names several sources: people and outlets, then bare names, then
# countries and institutions ("Ukraine has voiced concern ..., while Zelensky accused ...").
_RANK = {PERSON: 0, OUTLET: 0, UNKNOWN: 1, COLLECTIVE: 2}


def _upper_class() -> str:
    # `re` has no \p{Lu}; build the class once (Latin, Greek, Cyrillic capitals).
    chars = [chr(c) for c in range(0x41, 0x530) if chr(c).isupper()]
    return "".join(re.escape(ch) for ch in chars)


_U = _upper_class()
_TITLE_ABBREVIATION = r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Prof|Lt|Col|Capt|Sgt|St)\."
_NAME_TOKEN = rf"(?:{_TITLE_ABBREVIATION}|(?:[{_U}]\.){{2,}}|[{_U}][\w’'-]*)"
# The lookaheads let the engine skip most positions at once (a third faster on an article).
_RUN = re.compile(rf"(?=[{_U}])(?<![\w’'.-]){_NAME_TOKEN}(?: {_NAME_TOKEN})*")
_TOKEN = re.compile(
    rf"(?=[A-Z])(?:{_TITLE_ABBREVIATION}|(?:[A-Z]\.){{2,}})|[^\W_]\w*(?:[’'\-]\w+)*|[^\w\s]"
)
# "We’re told", "It’ll": capitalised at the start of a sentence, never a name.
_CONTRACTIONS = ("’re", "'re", "’ll", "'ll", "’ve", "'ve", "’m", "'m", "’d", "'d", "n’t", "n't")
_OPEN_QUOTES, _CLOSE_QUOTES = "“«", "”»"
_QUOTE_MARK = re.compile(r"[“”«»\"]")
# Between a closing quote and its speaker's name: a comma and a title at most.
_TITLE_GAP = re.compile(r"[\s,]*(?:[\w’'.-]+\s+){0,3}$")
_COORDINATION = re.compile(r",\s+(?:while|but|whereas|and|although|though|yet)\b|;")
_HEARSAY = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|(?:is|are|was|were) (?:said|reported|believed) to)\b"
)
# After the verb, an opening quote within two words means the quotation is the verb's object.
_QUOTE_FOLLOWS = re.compile(r"^\s*(?:\w+\s+){0,2}?[:,]?\s*(?:that\s+)?(?:the\s+|a\s+|an\s+)?[“\"«]")

_SPEECH_VERBS = _words(
    """said says say told tells stated states added adds noted notes explained explains denied
    denies confirmed confirms stressed stresses warned warns claimed asserted asserts acknowledged
    acknowledges indicated indicates announced announces declared declares insisted insists argued
    argues reiterated reiterates underscored underscores emphasized emphasised emphasizes
    suggested suggests pledged pledges vowed vows promised promises accused accuses reaffirmed
    reaffirms expressed wrote writes tweeted posted replied replies responded responds urged urges
    described describes admitted admits predicted predicts revealed reveals alleged alleges
    mentioned commented cautioned conceded disclosed estimated voiced praised reported reports
    quoted"""
)
# These are speech only with an object that is itself speech ("rejected claims", "denied that").
_REJECT_VERBS = _words("rejected rejects dismissed dismisses")
_REJECT_OBJECTS = _words(
    "claims claim reports report allegations accusations suggestions suggestion idea notion that"
    " as criticism"
)
# Verbs that only count with their particle: "calls for", "pointed to".
_PARTICLE_VERBS = {"called": "for", "calls": "for", "pointed": "to", "points": "to"}
_REPORT_NOUNS = _words("report reports article story investigation analysis interview")
# A sentence without any of these words has no attribution cue: skip tokenising it.
_CUE_WORDS = _SPEECH_VERBS | _REJECT_VERBS | _PARTICLE_VERBS.keys() | _REPORT_NOUNS | {"according"}
_REPORT_VERBS = _words("cited said says found reported claimed quoted alleged revealed")
_INVERTIBLE = _words("said says added adds noted explained wrote continued asked told")
_FILLERS = _words(
    """has have had was were is are did does do not also further again repeatedly previously
    earlier later then reportedly publicly once never first already still just recently himself
    herself itself themselves has've"""
)
_TIME_NOUNS = _words(
    """week month year weekend morning afternoon evening night months weeks years days
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december"""
)
_TIME_WORDS = _words("on in over during at last this next that recent past coming few")
_PRONOUNS = frozenset({"he", "she"})
_RELATIVES = frozenset({"which", "who", "whose"})
# Plural sources that are never a name, even capitalised at the start of a sentence.
_UNNAMED = _words(
    """officials sources analysts experts critics residents witnesses authorities police
    lawmakers diplomats observers reports people insiders aides others"""
)
_PERSON_ROLES = _words(
    """spokesman spokeswoman spokesperson president minister leader envoy chancellor premier
    secretary ambassador diplomat general commander governor mayor senator official aide adviser
    advisor chief head prosecutor"""
)
_OUTLET_ROLES = _words(
    "newspaper outlet broadcaster magazine daily agency channel network website tabloid"
)
_ORG_ROLES = _words("ministry department government administration office council")
_ROLES_BEFORE_NAMES = _PERSON_ROLES | _OUTLET_ROLES
_ALL_ROLES = _PERSON_ROLES | _ORG_ROLES | _OUTLET_ROLES
_TITLES = _words(
    """president minister prime foreign defense defence secretary general special envoy spokesman
    spokeswoman spokesperson chancellor king queen prince pope senator sen gen mr mrs ms dr gov
    governor rep mayor chief deputy vice ambassador leader chairman chairwoman director commander
    premier former acting state interior finance judge justice colonel captain admiral
    marshal"""
)
_ORG_NOUNS = _words(
    """ministry department office agency council commission committee service government
    parliament duma senate court army forces bank fund union organization organisation alliance
    party administration house pentagon kremlin"""
)
_OUTLET_NOUNS = _words(
    """times post journal news herald telegraph guardian gazette tribune press wire radio tv
    television daily"""
)
_PREPOSITIONS = _words("in from at of near for with to on inside across")
_PLACE_WORDS = _words("the in from into across throughout inside near")
_PLACE_STARTS = _words("new san los las st saint north south east west united")
# Capitalised words that begin sentences or clauses but never name anyone.
_STOPWORDS = _words(
    """the a an in on at for but and or yet as while when after before since although though if
    under over last this that these those it its he she they we i you his her their our there
    here meanwhile finally additionally however also both other later earlier according once
    along with without by from to of not no why what who how where which then so such some
    all any each many most more"""
)
_COUNTRY_QUALS = {"u.s.": "us", "u.s": "us", "american": "us", "america": "us"}


class _Mention(NamedTuple):  # a NamedTuple: an article has ~100 mentions, built per call
    start: int
    name: str
    category: str
    roles: frozenset[str]


class _Candidate(NamedTuple):
    position: int  # character offset of the verb in the sentence, for "leftmost wins"
    speaker: str
    category: str
    kind: str
    cue: str


def _qual(word: str) -> str:
    low = word.lower().removesuffix("’s").removesuffix("'s")
    return _COUNTRY_QUALS.get(low, low)


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in _TITLES


def _categorise(tokens: Sequence[str]) -> str:
    last = tokens[-1].lower()
    if last in _OUTLET_NOUNS:
        return OUTLET
    if last in _ORG_NOUNS or tokens[0].lower() in _PLACE_STARTS:
        return COLLECTIVE
    return PERSON if len(tokens) > 1 else ""


@lru_cache(maxsize=4096)
def _parse_run(run: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str], str]:
    """`_split_run` of a run as found in text, with its category; runs recur across articles."""
    tokens, roles, quals = _split_run(run.split(" "))
    return tuple(tokens), frozenset(roles), frozenset(quals), _categorise(tokens) if tokens else ""


def _split_run(tokens: Sequence[str]) -> tuple[list[str], set[str], set[str]]:
    """The name inside a capitalised run, and the titles and qualifiers in front of it."""
    # A leading "The", "In" or "Both" is not part of the name; acronyms ("US", "IT") are.
    start = 0
    while (
        start < len(tokens)
        and tokens[start].lower() in _STOPWORDS
        and not (tokens[start].isupper() and len(tokens[start]) > 1)
    ):
        start += 1
    tokens = [t for t in tokens[start:] if t.lower() not in _TIME_NOUNS]
    if not tokens or _categorise(tokens) in (OUTLET, COLLECTIVE):
        return tokens, set(), set()
    cut = 0
    for index, token in enumerate(tokens[:-1]):
        if _is_title(token) or token.endswith(("’s", "'s")):
            cut = index + 1
    roles = {t.lower() for t in tokens[:cut] if _is_title(t)}
    quals = {_qual(t) for t in tokens[:cut] if not _is_title(t)}
    return tokens[cut:], roles, quals


class _Registry:
    """Every name the article mentions, to expand surnames and resolve "he"/"the spokesman"."""

    def __init__(self, text: str, lower_words: set[str]) -> None:
        self.mentions: list[_Mention] = []
        self.full: dict[str, list[tuple[int, str, str]]] = {}
        self.lower_words = lower_words
        self.outlets: set[str] = set()
        self.titled: set[str] = set()
        self.places: set[str] = set()
        self.quals: dict[str, set[str]] = {}
        pending = []
        for match in _RUN.finditer(text):
            run, start = match.group(), match.start()
            tokens, roles, quals, category = _parse_run(run)
            # Most runs are one capitalised common word starting a sentence ("The", "Both").
            if not tokens or (len(tokens) == 1 and tokens[0].lower() in self.lower_words):
                continue
            # "Kremlin spokesman Dmitry Peskov", "the Japanese newspaper Nikkei".
            space = text.rfind(" ", 0, start - 1)
            role = text[space + 1 : start - 1].lower() if start > 1 else ""
            if role in _ROLES_BEFORE_NAMES:
                roles = roles | {role}
                qualifier = text[text.rfind(" ", 0, space) + 1 : space] if space > 0 else ""
                if qualifier:
                    quals = quals | {_qual(qualifier)}
                if role in _OUTLET_ROLES:
                    category = OUTLET
            if len(tokens) == 1 and not roles.isdisjoint(_PERSON_ROLES):
                self.titled.add(tokens[0])
            elif len(tokens) == 1 and role in _PLACE_WORDS:
                self.places.add(tokens[0])
            # "Peskov" -> "Dmitry Peskov", "Times" -> "Financial Times"; not "Sudan" -> "South
            # Sudan": only people and outlets lend their full names to a bare surname.
            if len(tokens) > 1 and category in (PERSON, OUTLET):
                self.full.setdefault(tokens[-1], []).append((start, " ".join(tokens), category))
            pending.append((start, tokens, roles, quals, category))
        for start, tokens, roles, quals, category in pending:
            name, category = self.expand(tokens, start, category)
            if category == OUTLET:
                self.outlets.add(name)
            self.mentions.append(_Mention(start, name, category, roles))
            if quals:
                self.quals.setdefault(name, set()).update(quals)

    def expand(self, tokens: Sequence[str], at: int, category: str) -> tuple[str, str]:
        """The fullest form of a name used in the article, preferring the latest before `at`."""
        if len(tokens) > 1:
            return " ".join(tokens), category or PERSON
        forms = self.full.get(tokens[0])
        if forms:
            # The latest full form before `at`, else the first one after it.
            chosen = forms[0]
            for form in forms:
                if form[0] > at:
                    break
                chosen = form
            return chosen[1], chosen[2]
        if category:
            return tokens[0], category
        if tokens[0] in self.outlets:
            return tokens[0], OUTLET
        if tokens[0] in self.titled:
            return tokens[0], PERSON
        # "in Moscow", "the Kremlin": a place or an institution. News style names a person in
        # full first, so a bare name is rarely a person, but it may be one ("Erdoğan said").
        return tokens[0], COLLECTIVE if tokens[0] in self.places else UNKNOWN

    def resolve_role(self, role: str, quals: set[str], before: int) -> str:
        """The person (or body) a role noun like "the spokesman" or "the ministry" stands for."""
        compatible = []
        for mention in reversed(self.mentions):
            if mention.start >= before:
                continue
            mention_quals = self.quals.get(mention.name, set())
            if quals and mention_quals and not quals & mention_quals:
                continue
            if role in mention.roles or mention.name.lower().endswith(role):
                return mention.name
            if mention.category == PERSON:
                compatible.append(mention.name)
        # An unmatched "the 45th US president" most likely means the latest compatible person.
        return compatible[0] if compatible and role in _PERSON_ROLES else ""

    def latest_person(self, before: int) -> str:
        for mention in reversed(self.mentions):
            if mention.start < before and mention.category == PERSON:
                return mention.name
        return ""


class _Tokens:
    """Words and punctuation as parallel lists (one object per token costs 4x), with offsets
    into the document. Words inside quotations are left out; the quotation marks stay."""

    __slots__ = ("text", "low", "start", "end", "cap")

    def __init__(
        self, text: list[str], start: list[int], end: list[int], low: list[str], cap: list[bool]
    ) -> None:
        self.text, self.start, self.end, self.low, self.cap = text, start, end, low, cap

    @classmethod
    def of(cls, masked: str) -> _Tokens:
        matches = list(_TOKEN.finditer(masked))
        words = [m.group() for m in matches]
        return cls(
            words,
            [m.start() for m in matches],
            [m.end() for m in matches],
            [word.lower() for word in words],
            [word[0].isupper() for word in words],
        )

    def window(self, begin: int, end: int) -> _Tokens:
        """The tokens between two document offsets (a sentence)."""
        lo, hi = bisect_left(self.start, begin), bisect_left(self.start, end)
        return _Tokens(
            self.text[lo:hi], self.start[lo:hi], self.end[lo:hi], self.low[lo:hi], self.cap[lo:hi]
        )

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class _Subject:
    kind: str  # "name", "pronoun", "role", "unnamed", ""
    words: tuple[str, ...] = ()
    start: int = -1  # character offset in the document
    quals: frozenset[str] = frozenset()
    role: str = ""


_NO_SUBJECT = _Subject("")


def _quote_spans(text: str, sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Spans of direct quotations (marks included); an unclosed one runs to its paragraph end."""
    spans: list[tuple[int, int]] = []
    paragraphs: dict[int, tuple[int, int]] = {}
    for sentence in sentences:
        first, _ = paragraphs.get(sentence.paragraph, (sentence.start, sentence.end))
        paragraphs[sentence.paragraph] = (first, sentence.end)
    for begin, end in paragraphs.values():
        opened = -1
        for mark in _QUOTE_MARK.finditer(text, begin, end):
            ch, index = mark.group(), mark.start()
            if opened < 0 and (ch in _OPEN_QUOTES or ch == '"'):
                opened = index
            elif opened >= 0 and (ch in _CLOSE_QUOTES or ch == '"'):
                spans.append((opened, index + 1))
                opened = -1
        if opened >= 0:
            spans.append((opened, end))
    return spans


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with quoted words blanked (marks kept), so that cues inside quotations are not
    read; offsets do not change."""
    pieces = []
    done = 0
    for begin, end in spans:
        pieces.append(text[done : begin + 1])
        pieces.append(" " * max(0, end - begin - 2))
        done = max(begin + 1, end - 1)
    pieces.append(text[done:])
    return "".join(pieces)


def _strip_fillers(t: _Tokens, end: int) -> int:
    """Move `end` back over auxiliaries, adverbs and time phrases between subject and verb."""
    while end > 0:
        text, low = t.text[end - 1], t.low[end - 1]
        if text.islower() and (low in _FILLERS or low.endswith("ly")):
            end -= 1
            continue
        if low in _TIME_NOUNS or (text.isdigit() and len(text) == 4):
            back = end - 1
            while back > 0 and t.low[back - 1] in _TIME_WORDS and end - back < 4:
                back -= 1
            if back < end - 1 or t.cap[end - 1]:
                end = back
                continue
        break
    return end


def _run_before(t: _Tokens, end: int, registry: _Registry, first: int) -> int:
    """Index where the capitalised run ending at `end` starts (`end` when there is none)."""
    start = end
    while start > 0:
        low = t.low[start - 1]
        if low == "of" and 1 < start < end and t.low[start - 2] in _ORG_NOUNS and t.cap[start - 2]:
            start -= 1  # "Ministry of Defence", "Bank of England"
            continue
        if not t.cap[start - 1] or low in _STOPWORDS or low in _UNNAMED:
            break
        if low.endswith(_CONTRACTIONS):
            break
        # A capitalised first word is a name only if the article never writes it lower-case.
        if start - 1 == first and low in registry.lower_words:
            break
        start -= 1
    return start


def _subject_at(t: _Tokens, end: int, registry: _Registry) -> _Subject:
    """The subject phrase that ends right before token `end`."""
    if end <= 0:
        return _NO_SUBJECT
    last, low = t.text[end - 1], t.low[end - 1]
    if low in _PRONOUNS:
        return _Subject("pronoun", (last,), t.start[end - 1])
    start = _run_before(t, end, registry, 0)
    if start < end:
        words = tuple(t.text[start:end])
        if words[-1].endswith(("’s", "'s")):
            return _NO_SUBJECT  # "Trump's advisers said": the name is not the speaker
        role = t.low[start - 1] if start > 0 else ""
        if role in ("and", "or"):
            # "prosecutors in San Francisco and Los Angeles say": look past the first name.
            before = _run_before(t, start - 1, registry, 0)
            if before < start - 1 and before > 0 and t.low[before - 1] in _PREPOSITIONS:
                return _subject_at(t, before - 1, registry)
        elif role in _PREPOSITIONS:
            # "Officials in Kyiv said": the name is where the subject is, not the subject.
            return _subject_at(t, start - 1, registry)
        return _Subject("name", words, t.start[start], role=role)
    if low in _ALL_ROLES:
        for back in range(end - 2, max(-1, end - 6), -1):
            if t.low[back] == "the":
                modifiers = range(back + 1, end - 1)
                quals = frozenset(_qual(t.text[i]) for i in modifiers if t.cap[i])
                return _Subject("role", (last,), t.start[back], quals, low)
    if last.isalpha() and last.islower():
        return _Subject("unnamed", (last,), t.start[end - 1])
    return _NO_SUBJECT


def _first_subject(t: _Tokens, end: int, registry: _Registry) -> _Subject:
    """The first name or pronoun followed by a verb-like word: the subject of a "... and said"."""
    index = 0
    while index < end:
        if t.low[index] in _PRONOUNS:
            return _Subject("pronoun", (t.text[index],), t.start[index])
        if t.cap[index] and t.low[index] not in _STOPWORDS:
            stop = index + 1
            while stop < end and t.cap[stop] and t.low[stop] not in _STOPWORDS:
                stop += 1
            following = t.low[stop] if stop < end else ""
            if following in _FILLERS or following in _SPEECH_VERBS or following.endswith("ed"):
                # "... formula, which demands X and calls for Y": the relative clause's verb.
                if not _RELATIVES.isdisjoint(t.low[stop:end]):
                    return _NO_SUBJECT
                return _subject_at(t, stop, registry)
            index = stop
            continue
        index += 1
    return _NO_SUBJECT


def _subject_of(t: _Tokens, verb: int, registry: _Registry) -> _Subject:
    end = _strip_fillers(t, verb)
    for _ in range(3):
        if end > 0 and t.text[end - 1] == ",":
            # ", citing two sources," or ", backed by Washington,": skip the aside.
            commas = [i for i in range(end - 1) if t.text[i] == ","]
            if not commas:
                return _NO_SUBJECT
            end = _strip_fillers(t, commas[-1])
            continue
        break
    if end > 0 and t.low[end - 1] in ("and", "but"):
        return _first_subject(t, end - 1, registry)
    return _subject_at(t, end, registry)


def _inverted_subject(t: _Tokens, verb: int, registry: _Registry) -> _Subject:
    """ "…,” said Kremlin spokesman Dmitry Peskov": the subject follows the verb."""
    stop = verb + 1
    while stop < len(t) and (
        t.low[stop] == "the"
        or t.low[stop] in _PERSON_ROLES
        or (t.cap[stop] and t.low[stop] not in _STOPWORDS)
    ):
        stop += 1
    return _subject_at(t, stop, registry) if stop > verb + 1 else _NO_SUBJECT


def _name_after(t: _Tokens, start: int) -> int:
    """Index one past the capitalised run that starts at `start`."""
    stop = start
    while stop < len(t) and (
        (t.cap[stop] and t.low[stop] not in _STOPWORDS)
        # "Ministry of Defence", "Bank of England"
        or (
            t.low[stop] == "of"
            and stop > start
            and t.low[stop - 1] in _ORG_NOUNS
            and stop + 1 < len(t)
            and t.cap[stop + 1]
        )
    ):
        stop += 1
    return stop


def _after_quote(masked: str, at: int) -> bool:
    """Whether a quotation closes just before `at` ("…,” Kremlin spokesman Dmitry Peskov")."""
    close = max(masked.rfind(mark, 0, at) for mark in '”»"')
    return close >= 0 and _TITLE_GAP.match(masked, close + 1, at) is not None


_ACCORDING_SKIP = _words(
    "a an the new recent latest report reports article statement story investigation from by in"
    " of published data figures documents"
)


class _Reader:
    """Reads one article's sentences in order, remembering who spoke last."""

    def __init__(self, tokens: _Tokens, registry: _Registry) -> None:
        self.tokens = tokens
        self.registry = registry
        self.last_person = ""
        self.last_outlet = ""

    def resolve(self, subject: _Subject, at: int, hint: str = "") -> tuple[str, str, bool]:
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
        tokens, _, _ = _split_run(subject.words)
        if not tokens:
            return "", "", False
        tokens[-1] = tokens[-1].removesuffix("’s").removesuffix("'s")
        if subject.role in _OUTLET_ROLES:
            hint = OUTLET
        name, category = registry.expand(tokens, at, _categorise(tokens) or hint)
        return name, category, False

    def _candidate(
        self,
        sentence: Sentence,
        masked: str,
        subject: _Subject,
        cue_at: tuple[int, int],
        kind: str,
        cue: str,
        hint: str = "",
    ) -> _Candidate | None:
        speaker, category, back = self.resolve(subject, subject.start, hint)
        if not speaker:
            return None
        # Offsets so far are in the document; `masked` is the sentence alone.
        cue_start, cue_end = cue_at[0] - sentence.start, cue_at[1] - sentence.start
        subject_start = subject.start - sentence.start
        if kind == "speech":
            if _after_quote(masked, min(subject_start, cue_start)) or _QUOTE_FOLLOWS.match(
                masked[cue_end:]
            ):
                kind = "quote"
            elif category == OUTLET or cue in ("reported", "reports"):
                kind = "reported"
            else:
                kind = "back_reference" if back else "reported_speech"
        return _Candidate(cue_start, speaker, category, kind, cue)

    def candidates(self, sentence: Sentence, masked: str) -> list[_Candidate]:
        t = self.tokens.window(sentence.start, sentence.end)
        if _CUE_WORDS.isdisjoint(t.low):
            return []
        found: list[_Candidate | None] = []
        registry = self.registry
        for index, low in enumerate(t.low):
            if low not in _CUE_WORDS:
                continue
            following = t.low[index + 1] if index + 1 < len(t) else ""
            at = (t.start[index], t.end[index])
            if low == "according":
                if following == "to":
                    found.append(self._according(sentence, masked, t, index))
            elif low in _REPORT_NOUNS:
                found.append(self._report(sentence, masked, t, index))
            elif not t.text[index].islower():
                continue  # "the United States", "Notes from the field"
            elif (
                low in _SPEECH_VERBS
                or (low in _PARTICLE_VERBS and following == _PARTICLE_VERBS[low])
                or (
                    low in _REJECT_VERBS
                    and not _REJECT_OBJECTS.isdisjoint(t.low[index + 1 : index + 5])
                )
            ):
                if low == "quoted" and following != "as":
                    continue
                subject = _subject_of(t, index, registry)
                if not subject.kind and low in _INVERTIBLE:
                    subject = _inverted_subject(t, index, registry)
                if low in ("told", "tells") and subject.kind in ("unnamed", ""):
                    # "sources told the Times": the outlet is the attribution.
                    found.append(self._told_outlet(sentence, masked, t, index))
                    continue
                cue = "quoted as saying" if low == "quoted" else t.text[index]
                hint = OUTLET if low in ("reported", "reports") else ""
                found.append(self._candidate(sentence, masked, subject, at, "speech", cue, hint))
        return [c for c in found if c is not None]

    def _according(
        self, sentence: Sentence, masked: str, t: _Tokens, index: int
    ) -> _Candidate | None:
        start = index + 2
        report = False
        while start < len(t) and t.low[start] in _ACCORDING_SKIP and t.text[start].islower():
            report = report or t.low[start] in _REPORT_NOUNS
            start += 1
        stop = _name_after(t, start)
        if stop == start:
            return None  # "according to officials", "according to the data"
        report = report or (stop < len(t) and t.low[stop] in _REPORT_NOUNS)
        subject = _Subject("name", tuple(t.text[start:stop]), t.start[start])
        at = (t.start[index], t.end[index + 1])
        hint = OUTLET if report else ""
        return self._candidate(sentence, masked, subject, at, "according_to", "according to", hint)

    def _report(self, sentence: Sentence, masked: str, t: _Tokens, index: int) -> _Candidate | None:
        """ "A Bloomberg report published on Thursday cited two sources as saying ..."."""
        start = _run_before(t, index, self.registry, -1)
        if not 0 < start < index or t.low[start - 1] not in ("a", "an", "the"):
            return None
        if _REPORT_VERBS.isdisjoint(t.low[index + 1 :]):
            return None
        subject = _Subject("name", tuple(t.text[start:index]), t.start[start])
        at = (t.start[start - 1], t.end[index])
        return self._candidate(sentence, masked, subject, at, "reported", t.text[index], OUTLET)

    def _told_outlet(
        self, sentence: Sentence, masked: str, t: _Tokens, index: int
    ) -> _Candidate | None:
        start = index + 2 if index + 1 < len(t) and t.low[index + 1] == "the" else index + 1
        stop = _name_after(t, start)
        if stop == start:
            return None
        subject = _Subject("name", tuple(t.text[start:stop]), t.start[start])
        at = (t.start[index], t.end[index])
        return self._candidate(sentence, masked, subject, at, "reported", "sources told", OUTLET)

    def read(self, sentence: Sentence, masked: str) -> Attribution | None:
        found = self.candidates(sentence, masked)
        chosen = _choose(found, masked)
        hearsay = _HEARSAY.search(masked)
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


def _choose(found: list[_Candidate], masked: str) -> _Candidate | None:
    """The main clause's source: the first one, unless a coordinated clause ("…, while
    Zelensky accused …", "…, but sources told the Times") names a person or an outlet where
    the first clause had only a country or an institution."""
    if not found:
        return None
    found = sorted(found, key=lambda c: c.position)
    chosen = found[0]
    for candidate in found[1:]:
        if _RANK[candidate.category] < _RANK[chosen.category] and _COORDINATION.search(
            masked, chosen.position, candidate.position
        ):
            chosen = candidate
    return chosen


def _starts_with_quote(sentence: Sentence) -> bool:
    return sentence.text[:1] in _OPEN_QUOTES or sentence.text[:1] == '"'


def _spread_quotes(
    sentences: Sequence[Sentence],
    spans: Sequence[tuple[int, int]],
    result: list[Attribution | None],
) -> None:
    """Give every sentence of a multi-sentence quotation the speaker its cue names."""
    for begin, end in spans:
        inside = [i for i, s in enumerate(sentences) if s.start < end and s.end > begin]
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


def attribute(text: str, sentences: Sequence[Sentence]) -> list[Attribution | None]:
    """For each sentence, who said or reported it, or None when the article itself asserts it."""
    if not sentences:
        return []
    spans = _quote_spans(text, sentences)
    masked = _mask(text, spans)
    tokens = _Tokens.of(masked)
    lower_words = {word for word in tokens.text if word.islower()}
    reader = _Reader(tokens, _Registry(text, lower_words))
    result = [reader.read(s, masked[s.start : s.end]) for s in sentences]
    _spread_quotes(sentences, spans, result)
    return result
