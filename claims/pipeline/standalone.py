"""The claim as a fact-checker would check it: who made it, and its words without the frame.

Rules over the attribution parse (no language model): the attribution frame is cut ("He said
the stadium would create 4,000 jobs." -> "the stadium would create 4,000 jobs"; "“We are
ready,” Lee said." -> "We are ready"; "..., according to the ministry."), pronouns are replaced
by the person they stand for (resolved by the attribution's registry: by gender, nearest
first, left alone when unsure), so is a description such as "the Russian leader" when one
person the article named before fits it, and a bare "the stadium" takes the name an earlier sentence
gave it ("the Harbor Point stadium"). "It" or "they" opening an organisation's reported speech
is the organisation. What someone denies, and a verdict on something the claim does not name
("this is not true"), keep the sentence. First-person words inside a quotation stay: the
claimant says who "we" is.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from claims.pipeline.attribution.lexicon import DOCUMENT_NOUNS
from claims.pipeline.attribution.names import ADJECTIVE_ENDINGS, PRONOUN_GENDERS, Registry, qual
from claims.pipeline.attribution.vocabulary import PERSON
from claims.pipeline.types import Attribution, Sentence


def _words(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


@dataclass(frozen=True)
class ClaimAsChecked:
    standalone: str  # "" when no wording better than the sentence was found
    claimant: str
    claimant_kind: str  # "person", "organization" or ""


# A frame at the end ("..., Lee said on Monday.") or in the middle is at most this long.
FRAME_WORDS = 12
# What is left after cutting a frame must be at least this long to stand as a claim.
MIN_CONTENT_WORDS = 4
# In "An analysis by X found that ...", "that" comes this many words after the cue at most.
THAT_WITHIN = 8

_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|''.*?(?:''|$)|«[^»]*»?")
_WRAPPING = "“”\"'«» "
_TIME = re.compile(
    r"^\s*,?\s*(?:(?:on|last|this|late|early|in an?|in)\s+)?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week|weekend|month|year|morning|afternoon|evening|night|"
    r"statement|interview|email|news conference|press conference|speech|briefing|letter)\b"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")
# After "her", these words make it an object ("told her that"), not a possessive ("her plan").
_NOT_NOUNS = _words(
    """to and or in on at for with that from by as of is was were are be been has had have will
    would could should may might about after before if when while but than so because into
    over again also"""
)
# Pronouns are replaced in the claim's first words only, where they are its subject ("He would
# resign", "Her office had not seen"): further on, "the Russian leader could change his mind"
# reads worse with the name.
_SUBJECT_WORDS = 3
_THE_NOUN = re.compile(r"\b([Tt]he) ([a-z][a-z-]+)\b")
_NAMED_NOUN = re.compile(r"(?<![\w’'-])((?:[A-Z][\w’'&-]* ){1,4})([a-z][a-z-]+)\b")
_PLACES = _words("city town village county state country region province district")
# "the city council" is the council of the place, not the place.
_PLACE_COMPOUNDS = _words(
    """council hall government officials budget manager administration authorities police
    mayor assembly legislature limits center centre"""
)
_STOP = _words("the a an in on at for but and or as while when after before this that")


def claim_as_checked(
    sentence: Sentence, attribution: Attribution | None, text: str, registry: Registry | None
) -> ClaimAsChecked:
    """The claimant and standalone wording of one sentence of `text`."""
    claimant = attribution.speaker if attribution else ""
    kind = attribution.speaker_kind if attribution else ""
    content = _without_frame(sentence.text, attribution) if attribution else sentence.text
    opening = _QUOTED.match(sentence.text.lstrip())
    # A quotation keeps its own words: a fact-checker quotes what was said.
    if not (opening and content.strip() in opening.group()):
        if registry is not None:
            content = _named(content, sentence.start, attribution, registry)
            content = _person_described(content, sentence.start, registry)
        content = _described(content, text, sentence.start)
    content = _DATELINE.sub("", content, count=1)
    content = _CONNECTIVE.sub("", content, count=1)
    content = _tidy(content)
    if _VERDICT_ON_UNNAMED.match(content):
        content = ""  # "this is not true" says nothing without the sentence around it
    # Only quotation marks or a full stop changed: the sentence itself is the wording.
    same = abs(len(content) - len(sentence.text)) <= 4 and _plain(content) == _plain(sentence.text)
    if same or len(content.split()) < MIN_CONTENT_WORDS:
        content = ""
    return ClaimAsChecked(content, claimant, kind)


def _outside_quotes(text: str, word: str) -> list[re.Match[str]]:
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    return [
        m
        for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
        if not any(a <= m.start() < b for a, b in quoted)
    ]


def _without_frame(text: str, attribution: Attribution) -> str:
    cue = attribution.cue.split()
    if not cue:
        return text
    first = cue[0].lower()
    if first in ("reportedly", "allegedly"):
        return re.sub(rf"\s*\b{first}\b", "", text, count=1)
    if first in _DENIALS:
        return text  # what someone denies is not what they claim
    # "analysis by", "report from": the frame's verb comes later ("... found that").
    word = cue[-2] if len(cue) == 2 and cue[-1] in ("by", "from") else cue[0]
    quoted = _whole_quote(text, word)
    if quoted:
        return quoted
    found = _outside_quotes(text, word)
    if not found:
        return text
    beside = [m for m in found if _beside_speaker(text, m, attribution.speaker)]
    if beside:
        at = beside[0]  # "..., Forte said, Whole Foods was selling ..., prices it said were"
    else:
        at = found[-1] if len(found) > 1 and found[-1].start() > len(text) / 2 else found[0]
    words_before = len(text[: at.start()].split())
    # "..., said Tom Forte, who follows Amazon at ...": an aside about the speaker is frame.
    tail = text[at.end() :]
    if beside and (aside := tail.find(",")) > 0:
        tail = tail[:aside]
    words_after = len(tail.split())
    cut = max(text.rfind(",", 0, at.start()), text.rfind("”", 0, at.start()))
    if (
        cut > 0
        and words_after <= FRAME_WORDS
        and len(text[cut + 1 : at.end()].split()) + words_after <= FRAME_WORDS
        and (
            text[cut + 1 :].lstrip().lower().startswith("according to")
            or (
                words_before > words_after
                and _names_speaker(text[cut + 1 : at.start()], text[at.end() :])
                and not _CLAUSE_FOLLOWS.match(text[at.end() :])
                and not _is_speaker(text[:cut], attribution.speaker)
            )
        )
    ):
        return text[:cut]  # "The port will reopen, Lee said on Monday.", "..., according to"
    end = text.find(",", at.end())
    before = text[:cut].split() if cut > 0 else []
    if (
        end > 0
        and len(before) >= 2
        and before[0].lower() not in _OPENERS
        and len(text[cut:end].split()) <= FRAME_WORDS
        and _names_speaker(text[cut + 1 : at.start()], "")
        and not text[end + 1 :].split()[0].endswith("ing")
        and len(text[end:].split()) >= MIN_CONTENT_WORDS
    ):
        # "The port, Lee said, will reopen."; a fronted phrase keeps its comma ("Within
        # months, Forte said, prices fell" -> "Within months, prices fell").
        joint = "," if before[0].lower() in _FRONTED else ""
        return text[:cut] + joint + text[end + 1 :]
    return _after_leading_frame(text, at, attribution)


def _beside_speaker(text: str, cue: re.Match[str], speaker: str) -> bool:
    """Whether the speaker's surname is one of the two words before the cue or right after
    it ("Forte said", "said Tom Forte", "said Mr. Forte")."""
    surname = speaker.split()[-1] if speaker else ""
    if not surname:
        return False
    before = text[: cue.start()].split()[-2:]
    after = [w.strip(",.;:") for w in text[cue.end() :].split()[:3]]
    return surname in [w.strip(',.;:”"') for w in before] or surname in after


def _whole_quote(text: str, cue: str) -> str:
    """The quotation a sentence opens with, when its frame follows it ("“…,” Lee said.")."""
    match = re.match(r"\s*(?:“([^”]+)”|\"([^\"]+)\"|''(.+?)'')", text)
    if not match:
        return ""
    inner = next(g for g in match.groups() if g is not None)
    # The speaker may come with a long title ("..., Harbor Point Group chief executive Marcus
    # Lee said"), and the attribution's cue may be an earlier sentence's ("told") when this
    # quotation carries on what the speaker told: its own "he said" is as much a frame.
    frame = text[match.end() :].split()[:FRAME_WORDS]
    frame_words = {w.strip(",.;:").lower() for w in frame}
    if len(inner.split()) < MIN_CONTENT_WORDS or not frame_words & (_FRAME_VERBS | {cue.lower()}):
        return ""
    return inner


def _is_speaker(before: str, speaker: str) -> bool:
    """Whether the words before a comma are the speaker and an aside about them ("Okafor, who
    voted against the plan, said ..."), which leaves no claim when cut there."""
    clauses = before.split(",")
    if clauses[-1].split()[:1] and clauses[-1].split()[0].lower() in ("who", "whose", "which"):
        return True
    surname = speaker.split()[-1] if speaker else ""
    return bool(surname) and surname in clauses[0].split()


def _names_speaker(between: str, after: str) -> bool:
    """Whether the words between a comma and the cue are the speaker ("..., Lee said"), or the
    speaker follows the cue ("..., said Lee")."""
    words = between.strip(" ”\"'").split()
    if not words:
        following = after.split()[:1]
        return bool(following) and (following[0][0].isupper() or following[0] == "the")
    return len(words) <= _SPEAKER_WORDS and any(
        w[0].isupper() or w.lower() in PRONOUN_GENDERS or w.lower() in ("they", "it") for w in words
    )


def _after_leading_frame(text: str, at: re.Match[str], attribution: Attribution) -> str:
    rest = text[at.end() :]
    cue = at.group().lower()
    if attribution.kind == "according_to":
        comma = rest.find(",")
        if comma >= 0 and len(rest[:comma].split()) <= FRAME_WORDS:
            before = text[: at.start()].rstrip()
            if before.endswith(","):
                # "..., according to X, with ...": the phrase goes from the middle.
                return f"{before} {rest[comma + 1 :].lstrip()}"
            return rest[comma + 1 :]
        return text
    cited = _CITED_AS_SAYING.match(rest)
    if cited:
        return _speaker_pronoun(rest[cited.end() :], attribution, text)
    that = _outside_quotes(rest, "that")
    if that:
        gap = rest[: that[0].start()]
        words = gap.split()
        if (
            not words
            or _TIME.fullmatch(gap.strip(" ,"))
            or words == attribution.cue.split()[1:]  # the rest of "quoted as saying"
            or (_SOURCE_ASIDE.fullmatch(gap) and len(words) <= FRAME_WORDS)
            or (cue in _TELL and len(words) <= 3)
            or (cue in DOCUMENT_NOUNS and len(words) <= THAT_WITHIN and _has_verb(words))
        ):
            return _speaker_pronoun(rest[that[0].end() :], attribution, text)
    if cue not in _CLAUSE_VERBS:
        return text
    rest = _TIME.sub("", rest, count=1).lstrip(" :,")
    following = rest.split()[:1]
    if not following or not (
        following[0][0].isupper()
        or following[0].lower() in _CLAUSE_STARTS
        or _bare_clause(rest.split())
    ):
        return text
    return _speaker_pronoun(rest, attribution, text)


def _bare_clause(words: list[str]) -> bool:
    """Whether words after "said" start a clause with a subject of its own ("said race
    relations had improved", "said gun control was the area"), not an object or a phrase
    ("said goodbye", "said in a statement")."""
    first = words[0]
    if not first.isalpha() or not first.islower() or first in _NOT_NOUNS:
        return False
    return any(word.lower() in _FINITE for word in words[1:4])


def _speaker_pronoun(clause: str, attribution: Attribution, sentence: str) -> str:
    """The organisation that said it for the clause's first word "it", "its", "they" or "their"
    ("The ministry said it would ..."): the subject of reported speech is its speaker far more
    often than not. Not a dummy "it" ("it is unclear whether"), nor "they" for a singular name."""
    match = _GROUP_PRONOUN.match(clause)
    speaker = attribution.speaker
    if not match or attribution.speaker_kind != "organization" or not speaker:
        return clause
    pronoun = match.group(2).lower()
    last = speaker.split()[-1]
    plural = last.islower() and last.endswith("s")
    if plural != (pronoun in ("they", "their")):
        return clause
    if pronoun == "it" and _BE.match(clause, match.end()):
        return clause
    if pronoun in ("its", "their"):
        speaker += "'" if plural else "'s"
    if re.search(rf"\bthe {re.escape(attribution.speaker)}", sentence, re.IGNORECASE):
        speaker = f"the {speaker}"  # "The Farmers Union said it ..." -> "the Farmers Union"
    return match.group(1) + speaker + clause[match.end() :]


_GROUP_PRONOUN = re.compile(r"(\s*)(it|its|they|their)\b", re.IGNORECASE)
_BE = re.compile(
    r"\s*(?:(?:would|will|could|may|might|should|must|has|had|have)\s+)?(?:be|been|is|was|'s|’s|"
    r"seems|seemed|appears|appeared|remains|remained)\b",
    re.IGNORECASE,
)
# After the cue, a clause or quotation is the claim: "..., Peskov stated that “this is not
# true.”" is a leading frame, not a trailing one.
_CLAUSE_FOLLOWS = re.compile(r"\s*(?:that\b|[“\"«])")
# "A report cited two officials as saying (that) ...": whoever the report cites, the clause
# after "as saying" is what it reports.
_CITED_AS_SAYING = re.compile(r"[^,;:“\"]{0,120}?\bas saying\b(?:\s+that\b)?\s*(?=\S)")
# "Politico reported, citing two experts, that ...": the source named between cue and clause.
_SOURCE_ASIDE = re.compile(r"[^,]{0,40},\s*(?:citing|quoting|referring to)\s[^,]+,\s*")


_SPEAKER_WORDS = 6
# A wire story's dateline ("LONDON — ", "WASHINGTON (AP) — ") is where it was filed, not
# part of the claim.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][\w.]*)?\s*(?:\([^)]{1,20}\)\s*)?[—–-]+\s+"
)
# A claim's first word tying it to the sentence before ("But the Russian leader could ...",
# "Additionally, Russia would ..."): nothing to check, and it leans on what is not there.
_CONNECTIVE = re.compile(
    r"^(?:(?:but|and|yet)\s+|(?:additionally|meanwhile|however|moreover|furthermore|"
    r"finally|also|still|separately|in addition)\s*,\s*)(?=[\w“\"«])",
    re.IGNORECASE,
)
# A verdict on something the claim does not name ("This is not true.", "That's false
# information"): a denial in the speaker's words, whose subject only the sentence gives.
_VERDICT_ON_UNNAMED = re.compile(
    r"(?:this|that|it|these|those)(?:['’]s|\s+(?:is|was|are|were))\s+(?:(?:not|completely|"
    r"absolutely|simply|totally|entirely|all)\s+)*(?:true|untrue|false|correct|incorrect|wrong|"
    r"a lie|lies|fake|nonsense|fiction|disinformation|misinformation)\b",
    re.IGNORECASE,
)
# Prepositions that open a fronted phrase, whose comma stays when an inserted frame after
# it goes ("Within months, Forte said, prices fell" -> "Within months, prices fell").
_FRONTED = _words(
    """within despite amid under without following by through across among for with from
    until unlike like besides beyond"""
)
# Words that open an adverbial, not a subject: "On Tuesday, Politico reported, citing ...".
_OPENERS = _words("on in at last this during after before while when since as")
# Verbs whose object may be a clause without "that": "He said the stadium would ...".
_CLAUSE_VERBS = _words(
    """said says say saying added adds claimed claims argued argues insisted insists noted
    notes warned warns predicted predicts suggested suggests confirmed confirms stated
    states wrote writes estimated estimates explained explains acknowledged acknowledges
    admitted admits announced announces declared declares maintained maintains contended
    contends"""
)
_TELL = _words("told tells telling assured assures informed informs reminded warned")
_DENIALS = _words(
    """denied denies deny denying rejected rejects rejecting dismissed dismisses dismissing
    refuted refutes disputed disputes"""
)
_CLAUSE_STARTS = _words(
    """the a an this these those there it he she they we i you his her their its our no all
    some most many more fewer several every each any one two three four five"""
)
# The verbs that show a clause's subject has ended ("race relations *had* improved").
_FINITE = _words(
    "was were is are had has have will would could can may might should must did does do"
)
_FRAME_VERBS = _words("said says told added adds noted explained wrote asked stated insisted")
_REPORTING = _words(
    """found finds shows show showed concluded concludes said says estimated estimates"""
)


def _has_verb(words: list[str]) -> bool:
    return any(w.lower() in _REPORTING for w in words)


def _named(content: str, at: int, attribution: Attribution | None, registry: Registry) -> str:
    """He, she, his, her and him replaced, the first time each appears, by the name they
    stand for."""
    speaker = attribution.speaker if attribution and attribution.speaker_kind == "person" else ""
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(content)]
    pieces = []
    done = 0
    named: set[str] = set()
    lead = content.lstrip(_WRAPPING)
    subject_end = len(content) - len(lead) + len(" ".join(lead.split()[:_SUBJECT_WORDS]))
    for match in _PRONOUN.finditer(content, 0, subject_end):
        if any(a <= match.start() < b for a, b in quoted):
            continue  # inside a quotation, "he" is the speaker's word
        if _names_before(content[: match.start()]):
            continue  # "Parata and his son": the name just before is the one meant
        pronoun = match.group().lower()
        name = registry.resolve_pronoun(pronoun, at, speaker)
        gender = registry.genders.get(name, "")
        # "Lee said he would resign": the speaker, unless the article shows another gender;
        # anyone else only when the article shows their gender.
        matches = bool(name) and name not in named and gender == PRONOUN_GENDERS[pronoun]
        if not matches and not (name and name == speaker and not gender and name not in named):
            continue
        named.add(name)
        following = content[match.end() :].split()[:1]
        possessive = pronoun == "his" or (
            pronoun == "her"
            and following
            and following[0].isalpha()
            and following[0].islower()
            and following[0] not in _NOT_NOUNS
        )
        pieces.append(content[done : match.start()])
        pieces.append(f"{name}'s" if possessive else name)
        done = match.end()
    pieces.append(content[done:])
    return "".join(pieces)


def _names_before(words: str) -> bool:
    """Whether the claim names someone before its pronoun: a capitalised word that is not a
    sentence's opening word ("But", "In")."""
    return any(
        word[0].isupper() and word.lower() not in _STOP | _OPENERS | _NOT_NOUNS
        for word in re.findall(r"[A-Za-z][\w’'-]*", words)
    )


# "The Russian leader", "the former president", "the Kremlin spokesman" as a claim's subject.
_DESCRIPTION = re.compile(r"\b([Tt]he) ((?:(?:former|[A-Z][\w.]*) ){0,3})([a-z]+)(['’]s)?\b")
# The roles a description may name a person by, each with the titles that fit it: "the
# Russian leader" is the article's "Russian President Vladimir Putin".
_HEADS_OF_STATE = _words("leader president premier prime chancellor king queen")
_SPOKESPEOPLE = _words("spokesman spokeswoman spokesperson")
_DESCRIBED_ROLES = {
    "leader": _HEADS_OF_STATE,
    **{role: _SPOKESPEOPLE for role in _SPOKESPEOPLE},
    **{
        role: frozenset({role})
        for role in _words(
            """president minister envoy chancellor premier secretary ambassador governor mayor
            senator prosecutor"""
        )
    },
}


def _person_described(content: str, at: int, registry: Registry) -> str:
    """ "The Russian leader could change his mind" -> "Vladimir Putin could change his mind",
    when exactly one person named before `at` has a fitting title (and a fitting qualifier
    or none at all); the description stays when two could be meant."""
    lead = content.lstrip(_WRAPPING)
    subject_end = len(content) - len(lead) + len(" ".join(lead.split()[:_SUBJECT_WORDS]))
    match = _DESCRIPTION.search(content, 0, subject_end + 40)
    if match is None or match.start() > subject_end or match.group(3) not in _DESCRIBED_ROLES:
        return content
    if any(a <= match.start() < b for a, b in _spans(_QUOTED, content)):
        return content
    if re.match(r"\s+of\b|,\s*[A-Z]", content[match.end() :]):
        return content  # "the leader of Ennahda", "the leader, Rachid Ghannouchi,": said whose
    words = match.group(2).split()
    former = "former" in words
    quals = {qual(word) for word in words if word != "former"}
    fitting = _DESCRIBED_ROLES[match.group(3)]
    by_qualifier, unqualified = set(), set()
    for mention in registry.mentions:
        if mention.start >= at or mention.category != PERSON:
            continue
        if fitting.isdisjoint(mention.roles) or former != ("former" in mention.roles):
            continue
        known = registry.quals.get(mention.name, set())
        if quals and known & quals:
            by_qualifier.add(mention.name)
        elif not known or not quals:
            unqualified.add(mention.name)
    found = by_qualifier or unqualified
    if len(found) != 1:
        return content
    (name,) = found
    if name in content:
        return content  # "The Russian leader, Vladimir Putin, said ..." names him already
    named = f"{name}'s" if match.group(4) else name
    return content[: match.start()] + named + content[match.end() :]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _described(content: str, text: str, at: int) -> str:
    """ "the stadium" -> "the Harbor Point stadium", as an earlier sentence called it."""
    for match in _THE_NOUN.finditer(content):
        noun = match.group(2)
        if noun in _STOP or noun in _MODIFIERS:
            continue
        if not _ends_phrase(noun, content, match.end()):
            continue  # "the stadium project": the noun names something else
        earlier = _named_nouns(text).get(noun, ())
        index = bisect_left(earlier, (at,)) - 1
        if index >= 0:
            name = earlier[index][1]
            possessive = name.endswith(("'s", "’s"))
            following = content[match.end() :].split()[:1]
            if noun in _PLACES and not (following and following[0] in _PLACE_COMPOUNDS):
                # "the city will borrow" -> "Riverton will borrow": the place is its name.
                named = name[:-2] if possessive else name
            elif possessive:
                # "the city council" -> "Riverton's city council".
                named = f"{name} {noun}"
            else:
                named = f"{match.group(1)} {name} {noun}"
            return content[: match.start()] + named + content[match.end() :]
    return content


# Words that follow "the" as often as a noun does but describe one ("the current deficit").
_MODIFIERS = _words(
    """most least current same other new first last next latest previous former whole entire
    main only own recent following"""
)


_NEXT_WORD = re.compile(r"\s*([\w’'-]+)")


def _ends_phrase(noun: str, text: str, at: int) -> bool:
    """Whether `noun`, ending at `at` in `text`, heads its phrase rather than modifying the
    next word: what follows is punctuation, a function word or a verb ("the stadium would",
    "the plan cost", "the city council" for a place), not another noun ("the country
    director", "the budget gap")."""
    following = _NEXT_WORD.match(text, at)
    if following is None or text.startswith(("’s", "'s"), at):
        return True  # punctuation, the end, or a possessive ("the conflict's causes")
    word = following.group(1)
    if not word.isalpha() or not word.islower():
        return False  # "the broader Washington-based fleet"
    if (
        word in _NOT_NOUNS
        or word.endswith(("ed", "ly"))
        or (word.endswith("s") and not word.endswith("ss"))
    ):
        return True
    return noun in _PLACES and word in _PLACE_COMPOUNDS


@lru_cache(maxsize=8)
def _named_nouns(text: str) -> dict[str, list[tuple[int, str]]]:
    """Every common noun the article gives a name to ("Harbor Point stadium"), with where:
    one pass over the article, shared by all its claims."""
    found: dict[str, list[tuple[int, str]]] = {}
    for match in _NAMED_NOUN.finditer(text):
        words = [w for w in match.group(1).split() if w.lower() not in _STOP]
        if match.group(2) in _MODIFIERS or not _ends_phrase(match.group(2), text, match.end()):
            continue  # "Tunisia's current coalition", "Tunisia country director"
        before = match.start() - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        opening = before < 0 or text[before] in ".!?"
        if opening and len(words) == 1 and not words[0].endswith(("'s", "’s")):
            continue  # "Neon lighting spread ...": any sentence's first word is capitalised
        if words and not words[-1].endswith(ADJECTIVE_ENDINGS):
            found.setdefault(match.group(2), []).append((match.start(), " ".join(words)))
    return found


def _plain(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().lower()


def _tidy(content: str) -> str:
    """A claim that reads as a sentence: capitalised, ending in a full stop, without the
    quotation marks around all of it (those inside it stay, and stay closed)."""
    content = content.strip()
    if content.startswith("(") and content.rstrip(".").endswith(")"):
        content = content.rstrip(".")[1:-1]  # an aside the article put in parentheses
    elif content.rstrip(".").endswith(")") and "(" not in content:
        content = content.rstrip(".")[:-1]  # the aside's opening went with its frame
    if content.startswith("''"):
        content = content[2:].replace("''", "")
    elif content[:1] in _OPENING:
        content = content[1:]
    content = content.strip().rstrip(",;: ")
    if content[-1:] in _CLOSING and _opened(content) < 1:
        content = content[:-1].rstrip(",;: ")
    content = content.strip()
    if not content:
        return ""
    content = content[0].upper() + content[1:]
    # A frame cut inside a quotation ('... "in continuation of the work," Peskov said.').
    last = content.rfind('"')
    opens = content.count('"') % 2 == 1 and (last == 0 or content[last - 1].isspace())
    closing = '"' * opens + "”" * (content.count("“") - content.count("”"))
    if closing:
        content = content.rstrip(",;: ")
        content += ("" if content[-1] in ".!?" else ".") + closing
    if content[-1] not in ".!?" and not (content[-1] in _CLOSING and content[-2:-1] in ".!?"):
        content += "."
    return content


_OPENING, _CLOSING = "“\"«'", "”\"»'"


def _opened(text: str) -> int:
    """How many quotations `text` opens without closing before its last character."""
    body = text[:-1]
    return (
        body.count("“") + body.count("«") + body.count('"') % 2 - body.count("”") - body.count("»")
    )
