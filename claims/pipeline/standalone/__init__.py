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
from dataclasses import dataclass

from claims.pipeline.attribution.names import Registry
from claims.pipeline.standalone.frame import without_frame
from claims.pipeline.standalone.references import nouns_named, person_named, pronouns_named
from claims.pipeline.standalone.words import MIN_CONTENT_WORDS, QUOTED
from claims.pipeline.types import Attribution, Sentence


@dataclass(frozen=True)
class ClaimAsChecked:
    standalone: str  # "" when no wording better than the sentence was found
    claimant: str
    claimant_kind: str  # "person", "organization" or ""


def claim_as_checked(
    sentence: Sentence, attribution: Attribution | None, text: str, registry: Registry | None
) -> ClaimAsChecked:
    """The claimant and standalone wording of one sentence of `text`."""
    claimant = attribution.speaker if attribution else ""
    kind = attribution.speaker_kind if attribution else ""
    content = without_frame(sentence.text, attribution) if attribution else sentence.text
    opening = QUOTED.match(sentence.text.lstrip())
    # A quotation keeps its own words: a fact-checker quotes what was said.
    if not (opening and content.strip() in opening.group()):
        if registry is not None:
            content = pronouns_named(content, sentence.start, attribution, registry)
            content = person_named(content, sentence.start, registry)
        content = nouns_named(content, text, sentence.start)
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
