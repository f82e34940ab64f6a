"""Plain-text articles as scrapers deliver them: a title line, paragraphs, and page leftovers.

The leftovers (donation appeals, comment prompts, icon-font names, "Read more" links, captions,
subheads, bare dates) are recognised by shape and vocabulary rather than by site, so that the
same rules hold on pages this module has never seen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from claims.pipeline.errors import ExtractionError
from claims.pipeline.language import SUPPORTED_LANGUAGES, detect_language
from claims.pipeline.types import Document


def _words(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


# Subheads, buttons and section names ("What To Know", "Podcasts") are at most this long.
SUBHEAD_WORDS = 8
# A caption that is only a name ("Kremlin spokesman Dmitry Peskov.") is at most this long.
CAPTION_WORDS = 7
# A line ending in a colon with this many words introduces a list ("Obama also said:").
LEAD_IN_WORDS = 5
# A first line ending in a full stop with this many words is a lede, not a headline.
LEDE_WORDS = 12
# Appeals and comment boxes are the page's tail; in the body's first part they are quoted text.
TAIL_START = 0.5
# A paragraph this long without appeal vocabulary ends a tail that turned out to be mid-article.
RESUME_WORDS = 20
# A paragraph with this many you/we words outside quotations talks to the reader. In a page's
# tail that marks the rest of an appeal; in the body it is a review or a guide, and stays.
READER_WORDS = 3

# Line ends other than "\n"; replaced with str.replace, 10x faster than a regex over the text.
_NEWLINES = ("\r\n", "\r", "\u2028", "\u2029", "\x85")
# Tabs, form feeds and no-break spaces are spacing; the other C0/C1 controls are noise.
# Soft hyphens, zero-width spaces, direction marks and BOMs are invisible noise too.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200e\u200f\u2060\ufeff]")
_TERMINAL = re.compile(r"[.!?…\"”’'»)\]]$")
_HAS_WORD = re.compile(r"[^\W_]")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
_DATE_TOKEN = (
    rf"(?:{_MONTH}|{_WEEKDAY}|\d{{1,4}}(?:st|nd|rd|th)?|\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|[ap]\.?m\.?|utc|gmt|[a-z]{1,2}[sd]t|msk|at|on)"
)
_BARE_DATE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|modified)\s*:?\s*)?"
    rf"{_DATE_TOKEN}(?:[\s,|/·•-]+{_DATE_TOKEN})*[.]?$",
    re.I,
)
_READ_MORE = re.compile(
    r"^(?:read more|read also|also read|see also|more on this|continue reading|related"
    r"(?: articles?| stories| coverage)?|recommended|click here|watch|listen)\b\s*(?::|$)",
    re.I,
)
# Matched against lower-cased text: `re.I` on long alternations costs ~10x more.
_COMMENTS = re.compile(
    r"^(?:no comments|\d+ comments?|post a comment|leave a (?:comment|reply)|add a comment"
    r"|(?:show|view|load|hide) (?:all )?comments|join the (?:conversation|discussion)"
    r"|dear readers)\b|\bcomment(?:ing)? (?:system|policy|section)\b"
)
_APPEAL = re.compile(
    r"\b(?:small favou?r to ask|please (?:support|donate|consider|subscribe|help)|support us"
    r"|support (?:our|independent) (?:work|journalism|newsroom|reporting)"
    r"|(?:make|become) a (?:donation|contribution|member|supporter|patron|subscriber)"
    r"|donate (?:now|today|here|to us)|not ready to support|remind me later"
    r"|(?:subscribe|sign up) (?:now|today|to our|for our)|already a (?:subscriber|member)"
    r"|we need your (?:help|support)|your (?:support|contribution|donation)s?\b"
    r"|payment methods?|independent journalism)"
)
# Every appeal or comment prompt above contains one of these; most lines contain none.
_APPEAL_HINTS = (
    "support",
    "favo",
    "donat",
    "subscri",
    "remind",
    "member",
    "payment",
    "journalism",
    "sign up",
    "your ",
    "comment",
    "dear readers",
    "help",
)
# "Support The Moscow Times!", "Donate to X!": a short imperative appeal line.
_APPEAL_SHOUT = re.compile(r"^(?:please\s+)?(?:support|donate to|subscribe to|help)\b.{0,60}!$")
_READER = re.compile(r"\b(?:you|your|yours|you['’]re|we|our|us|we['’]re)\b")
# Icon fonts scraped as text: "icon bookmark-bicon cameraicon checkicon ...".
_ICON = re.compile(r"icon")
# Photo credits end a caption: "(AP)", "/ Reuters", "Photo: Jane Doe", "© AFP".
_CREDIT = re.compile(
    r"(?:\((?:[Pp]hoto:?\s*)?[A-Z][\w&/'.-]*(?: [A-Z][\w&/'.-]*){0,4}(?<!\.)\)"
    r"|[|/]\s*(?:AP|AFP|Reuters|Getty Images|EPA)"
    r"(?: Photo)?|\b(?:[Pp]hoto|[Ii]mage|[Pp]icture|[Cc]redit)s?\s*(?:by|:|©)[^.]*|©.*)$"
)
# A line labelled as what goes with a picture: "Photo: Mayor Elena Marsh at City Hall."
_CAPTION_LABEL = re.compile(r"^(?:photo|image|picture|pictured|caption|video|watch)\s*:", re.I)
_CREDIT_HINTS = (")", "|", "/", "©", "hoto", "mage", "icture", "redit")
# Words a name-only caption may hold besides capitalised ones.
_CAPTION_WORDS = _words(
    "spokesman spokeswoman spokesperson president minister foreign prime secretary leader chief"
    " envoy special deputy vice of the and de van von al bin former acting"
)


@dataclass(frozen=True)
class _Line:
    text: str
    index: int
    lower: str  # lower-cased, quotations blanked out: the writer's own words
    words: int

    @classmethod
    def of(cls, text: str, index: int) -> _Line:
        return cls(text, index, _QUOTED.sub(" ", text).lower(), len(text.split()))


def sanitise(raw: str) -> str:
    """NFC text with Unix newlines, no control or invisible characters, single inner spaces."""
    for newline in _NEWLINES:
        if newline in raw:
            raw = raw.replace(newline, "\n")
    text = _CONTROL.sub("", unicodedata.normalize("NFC", raw))
    # str.split() knows every Unicode space (tabs, no-break, em spaces) and is C-fast.
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def _lines(text: str) -> list[str]:
    """Physical lines, with hard-wrapped lines of one paragraph joined back together."""
    # Each paragraph's lines are joined once at the end, and only the last line's end is
    # looked at: growing the joined string (and searching it) for every line was quadratic,
    # minutes for a few hundred kilobytes of short lines.
    paragraphs: list[list[str]] = []
    previous_blank = True
    for raw_line in text.split("\n"):
        line = raw_line.strip()
        if not line:
            previous_blank = True
            continue
        # A line that continues a sentence (no end punctuation, next starts lower-case) was
        # wrapped by the source, not broken into a new paragraph.
        if (
            paragraphs
            and not previous_blank
            and not _TERMINAL.search(paragraphs[-1][-1])
            and line[0].islower()
        ):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
        previous_blank = False
    return [" ".join(parts) for parts in paragraphs]


def _is_icon_junk(line: _Line) -> bool:
    icons = len(_ICON.findall(line.lower)) if "icon" in line.lower else 0
    return icons >= 3 and icons * 4 >= line.words


def _is_caption(line: _Line) -> bool:
    text = line.text
    if _CAPTION_LABEL.match(text):
        return True
    if (
        not text.endswith((".", "!", "?"))
        and any(hint in text for hint in _CREDIT_HINTS)
        and _CREDIT.search(text)
    ):
        return True
    # A name with a full stop standing alone is the caption of a portrait.
    if line.words > CAPTION_WORDS or not text.endswith(".") or any(c.isdigit() for c in text):
        return False
    words = [w.strip(".,") for w in text.split() if w.strip(".,")]
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 2 and all(w[0].isupper() or w.lower() in _CAPTION_WORDS for w in words)


def _addresses_reader(line: _Line) -> bool:
    return "you" in line.lower and len(_READER.findall(line.lower)) >= READER_WORDS


def _is_appeal(line: _Line) -> bool:
    lower = line.lower
    if not any(hint in lower for hint in _APPEAL_HINTS):
        return False
    return bool(_APPEAL.search(lower) or _APPEAL_SHOUT.match(lower) or _COMMENTS.search(lower))


def _is_furniture(line: _Line, *, subheads: bool = True) -> bool:
    """Page parts that are boilerplate wherever they stand (a headline is subhead-shaped)."""
    short = line.words <= SUBHEAD_WORDS
    return (
        not _HAS_WORD.search(line.text)
        or _is_icon_junk(line)
        or (short and _BARE_DATE.match(line.text) is not None)
        or _READ_MORE.match(line.text) is not None
        or _is_caption(line)
        or (subheads and short and _is_subhead(line))
    )


def _is_subhead(line: _Line) -> bool:
    text = line.text
    # "President Obama also said:" introduces a list; "More news:" is a section label.
    return not _TERMINAL.search(text) and not (text.endswith(":") and line.words >= LEAD_IN_WORDS)


def _same(a: str, b: str) -> bool:
    return a.casefold().rstrip(".") == b.casefold().rstrip(".")


def _split_title(lines: list[str], title: str) -> tuple[str, list[_Line], bool]:
    """The title, the body lines, and whether the title line is also the body's lede."""
    body = [_Line.of(line, i) for i, line in enumerate(lines)]
    if title:
        return title, body, False
    for position, line in enumerate(body):
        if _is_appeal(line) or _is_furniture(line, subheads=False):
            continue
        rest = body[position + 1 :]
        # Headlines do not end in a full stop; a first line that does is the lede itself
        # (the scraper lost the headline), so it stays in the body too.
        if line.text.endswith(".") and line.words >= LEDE_WORDS:
            return line.text, [line, *rest], True
        return line.text, rest, False
    return "", body, False


def _keep(body: list[_Line], title: str, total: int) -> list[str]:
    kept: list[str] = []
    seen: set[str] = set()
    in_tail = False
    for line in body:
        if in_tail:
            # A long paragraph that does not talk to the reader means the appeal was a box
            # inside the article; reviews and guides say "you" too, so only here is it a sign.
            if line.words >= RESUME_WORDS and not _is_appeal(line) and not _addresses_reader(line):
                in_tail = False
            else:
                continue
        if _is_appeal(line):
            in_tail = line.index >= TAIL_START * total
            continue
        if _is_furniture(line) or (title and _same(line.text, title)):
            continue
        key = line.text.casefold()
        if key in seen:
            continue
        seen.add(key)
        kept.append(line.text)
    return kept


def clean_paragraphs(raw: str, title: str = "") -> tuple[str, list[str]]:
    """The title and the article's own paragraphs, boilerplate removed."""
    lines = _lines(sanitise(raw))
    found_title, body, title_is_lede = _split_title(lines, title.strip())
    repeated = "" if title_is_lede else found_title
    return found_title, _keep(body, repeated, len(lines))


def document_from_text(raw: str, title: str = "") -> Document:
    """Clean a plain-text article (title on its first line unless given) into a Document."""
    if not raw or not raw.strip():
        raise ExtractionError("the text is empty")
    found_title, paragraphs = clean_paragraphs(raw, title)
    text = "\n\n".join(paragraphs)
    language = detect_language(text or found_title)
    skip_reason = ""
    if not text:
        skip_reason = "no article text left after removing page boilerplate"
    elif language and language not in SUPPORTED_LANGUAGES:
        skip_reason = f"language {language} is not supported"
    return Document(
        title=sanitise(found_title).strip(),
        text=text,
        language=language,
        is_article=not skip_reason,
        skip_reason=skip_reason,
    )
