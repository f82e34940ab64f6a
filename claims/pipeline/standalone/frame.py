"""The attribution frame cut from a sentence, leaving the claim: a quotation without its
frame ("“We are ready,” Lee said."), a trailing or inserted frame ("…, Lee said on Monday.",
"The port, Lee said, will reopen."), "…, according to X", or a leading "X said (that)" before
a clause. What someone denies keeps the sentence."""

from __future__ import annotations

import re

from claims.pipeline.attribution.lexicon import DOCUMENT_NOUNS
from claims.pipeline.attribution.names import PRONOUN_GENDERS
from claims.pipeline.attribution.vocabulary import word_set
from claims.pipeline.standalone.words import MIN_CONTENT_WORDS, NOT_NOUNS, OPENERS, QUOTED
from claims.pipeline.types import Attribution

# A frame at the end ("..., Lee said on Monday.") or in the middle is at most this long.
FRAME_WORDS = 12
# In "An analysis by X found that ...", "that" comes this many words after the cue at most.
THAT_WITHIN = 8
_TIME = re.compile(
    r"^\s*,?\s*(?:(?:on|last|this|late|early|in an?|in)\s+)?(?:monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week|weekend|month|year|morning|afternoon|evening|night|"
    r"statement|interview|email|news conference|press conference|speech|briefing|letter)\b"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?",
    re.IGNORECASE,
)


def _outside_quotes(text: str, word: str) -> list[re.Match[str]]:
    quoted = [(m.start(), m.end()) for m in QUOTED.finditer(text)]
    return [
        m
        for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
        if not any(a <= m.start() < b for a, b in quoted)
    ]


def without_frame(text: str, attribution: Attribution) -> str:
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
        and before[0].lower() not in OPENERS
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
    if not first.isalpha() or not first.islower() or first in NOT_NOUNS:
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
# Prepositions that open a fronted phrase, whose comma stays when an inserted frame after
# it goes ("Within months, Forte said, prices fell" -> "Within months, prices fell").
_FRONTED = word_set(
    """within despite amid under without following by through across among for with from
    until unlike like besides beyond"""
)
# Verbs whose object may be a clause without "that": "He said the stadium would ...".
_CLAUSE_VERBS = word_set(
    """said says say saying added adds claimed claims argued argues insisted insists noted
    notes warned warns predicted predicts suggested suggests confirmed confirms stated
    states wrote writes estimated estimates explained explains acknowledged acknowledges
    admitted admits announced announces declared declares maintained maintains contended
    contends"""
)
_TELL = word_set("told tells telling assured assures informed informs reminded warned")
_DENIALS = word_set(
    """denied denies deny denying rejected rejects rejecting dismissed dismisses dismissing
    refuted refutes disputed disputes"""
)
_CLAUSE_STARTS = word_set(
    """the a an this these those there it he she they we i you his her their its our no all
    some most many more fewer several every each any one two three four five"""
)
# The verbs that show a clause's subject has ended ("race relations *had* improved").
_FINITE = word_set(
    "was were is are had has have will would could can may might should must did does do"
)
_FRAME_VERBS = word_set("said says told added adds noted explained wrote asked stated insisted")
_REPORTING = word_set(
    """found finds shows show showed concluded concludes said says estimated estimates"""
)


def _has_verb(words: list[str]) -> bool:
    return any(w.lower() in _REPORTING for w in words)
