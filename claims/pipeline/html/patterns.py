"""Thresholds and patterns the HTML reader uses."""

from __future__ import annotations

import re

# Below this many words of body text a page is a stub, a video or gallery page, or a paywall.
# Wire briefs of a few sentences are news too; below this it is a teaser or a stub.
MIN_ARTICLE_WORDS = 40
# Pages that mark themselves as articles (an <article> element, og:type, JSON-LD) are
# trusted below Reader View's length test up to this many words.
SHORT_ARTICLE_WORDS = 250
# Share of the extracted text made of whole link texts above which a page is an index.
MAX_LINK_SHARE = 0.5
# A block this short that is a link's whole text is navigation or a teaser for another story.
LINK_BLOCK_WORDS = 15
# Reader View's threshold: paragraphs of 140+ characters, sqrt(length - 140) summing past 20.
READERABLE_MIN_CHARS = 140
READERABLE_MIN_SCORE = 20.0
# Blocks before the lede at most this long are kickers, bylines and datelines.
PREAMBLE_WORDS = 8
# A "Related"/"More from" heading past this share of the text starts the page's tail.
TAIL_START = 0.5
# An appeal ("Sign up for our newsletter ...") is never longer than this.
APPEAL_WORDS = 80
# Labels, buttons and section names ("Share this article", "More from Politics") are this short.
FURNITURE_WORDS = 8
# A share of control characters above this means the input is not text at all.
BINARY_CONTROL_SHARE = 0.05

SEPARATORS = re.compile(r"\s+[|\-–—·•»:]{1,2}\s+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
TAG = re.compile(r"<[A-Za-z!/]")
CDATA = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")
BY = re.compile(r"^\s*by\s+", re.I)
BYLINE_END = re.compile(r"\s*(?:\d|@|\||\s[-–—]\s).*$")
ERROR_TITLE = re.compile(
    r"\b(?:404|page not found|page (?:is )?(?:unavailable|no longer available)|access denied|"
    r"server error|error \d{3}|something went wrong|content (?:is )?not available)\b",
    re.I,
)
# schema.org types of a story: NewsArticle, BlogPosting, LiveBlogPosting, Report, ...
ARTICLE_TYPE = re.compile(r"Article|Posting|^Report$")
DUBLIN_CORE = re.compile(r"^(dc|dcterms?)\.")
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})
# Whole blocks that are page furniture, never prose.
FURNITURE = re.compile(
    r"(advertisement|advertising|sponsored(?: content)?|continue reading(?: the main story)?|"
    r"read (?:more|next|the full (?:story|article))|more|related(?: \w+)?|see also|"
    r"share(?: this(?: \w+)?| on \w+)?|tweet|e-?mail|print|close|fullscreen|thumbnails|"
    r"previous|next|comments?|(?:loading|show|view) comments|\d+ comments?|\d+ of \d+|"
    r"image|photo|video|play video|back to top|sign (?:up|in)|log ?in|subscribe(?: now)?|"
    r"follow us(?: on \w+)?|topics|tags|you might also like|recommended(?: for you)?|"
    r"most (?:popular|read|viewed)|trending(?: now)?|top stories|latest news|more stories|"
    r"more (?:from|on|in) .{1,40}|more \w+ news|around the web|what to read next|"
    r"featured (?:slide ?shows?|videos?|stories)|editors'? picks)",
    re.I,
)
# Headings that open what follows a story: other stories, comments. Kept narrow, because
# everything after one (late in the page) is dropped.
TAIL_MARKER = re.compile(
    r"(read more|related(?: \w+)?|more (?:from|on|in) .{1,40}|more \w+ news|more stories|"
    r"you might also like|recommended(?: for you)?|most (?:popular|read|viewed)|"
    r"trending(?: now)?|top stories|latest news|around the web|what to read next|comments|"
    r"featured (?:slide ?shows?|videos?|stories)|editors'? picks)",
    re.I,
)
# Blocks that open like this are a link or a label for one ("Related: ...", "Topics: ...").
LABELLED = re.compile(
    r"^(?:related|read (?:more|next|also)|also read|see also|more on this|recommended|watch|"
    r"listen|more \w+ news|topics|tags|filed under|categories|image (?:copyright|caption)|"
    r"photo(?:graph)?|credit|illustration)\s*:",
    re.I,
)
# Newsletter, subscription and donation appeals; matched only in short blocks.
APPEAL = re.compile(
    r"sign up (?:for|to) (?:our|the)|subscribe (?:to|for) (?:our|the)|"
    r"our (?:\w+ )?newsletters?\b|support (?:our|independent|quality) journalism|"
    r"(?:please )?consider (?:supporting|subscribing|donating)|"
    r"make a (?:\w+ )?(?:contribution|donation) to|become a (?:member|subscriber|supporter)|"
    r"already a subscriber|subscribe now|subscribe today|donate now|to continue reading|"
    r"readers like you|in your inbox|delivered to your inbox|click here to (?:subscribe|sign up)",
    re.I,
)
# "(Jim Watson/AFP/Getty Images)", "Photo: Reuters": a caption's credit, not "... said Reuters."
PHOTO_CREDIT = re.compile(
    r"(?:[/|(]|\b(?:photo(?:graph)?|credit|image)s?:?)\s*"
    r"(?:getty images|reuters|afp|associated press|ap|shutterstock|epa)\)?\W*$",
    re.I,
)
SPACE = re.compile(r"\s+")
NON_WORD = re.compile(r"[\W_]+")
TRAILING = " .:…»›>|"
BREAKING = frozenset({"p", "head", "item", "quote", "cell", "list"})
# Stands for a <br> while an element's text is assembled: two in a row end a paragraph.
LINE_BREAK = "\x1e"
PARAGRAPH_BREAK = re.compile(r"\x1e\s*\x1e[\x1e\s]*")
# Class and id words of page furniture, and those that rescue a node anyway (Reader View's).
UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|"
    r"gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.I,
)
MAYBE = re.compile(r"and|article|body|column|main|shadow", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)
