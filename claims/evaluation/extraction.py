"""How well HTML extraction keeps a page's headline and body, and whether claims come from it.

A test directory holds one folder per page, `NAME/` with `source.html` (the page as fetched),
`expected.html` (the main content a good extractor keeps) and `expected-metadata.json` (title,
siteName, lang, readerable, ...). Folders missing one of the three files are ignored.

Per page:
- `title_correct`: the extracted title equals the expected one after normalisation (Unicode NFKC,
  case, whitespace and quote style ignored). A trailing or leading " - Site" / " | Site" naming
  the expected `siteName` is dropped from both sides first: the extractor removes site-name
  suffixes on purpose, while the expected titles keep some of them.
- `text_f1`: F1 of the bags of lowercased word tokens of the extracted body and of the text of
  `expected.html`.
- `claims_in_body`: how many claims mined from the page lie inside the expected body, compared
  as token sequences so that punctuation, quote style and paragraph breaks do not matter.
- `status`: "article" (mined), "skipped" (recognised as not an article or not in a supported
  language; not mined) or "error" (the extractor raised ExtractionError). The expected status is
  "skipped" when the metadata says `readerable: false` or gives a language other than English;
  when the metadata gives no language, the expected body's own language decides.

Averages:
- `title_accuracy` and `text_f1` are means over the pages the metadata calls readerable,
  whatever their language: extracting a Spanish page's body is the same job, only mining it is
  not. A page whose extraction raised counts as a wrong title and an F1 of 0. Pages that are not
  readerable have no meaningful expected body; for them recognising the page is the success,
  measured by `status_accuracy`.
- `status_accuracy`: share of all pages whose status ("article" or not) is the expected one.
- `claims_in_body`: pooled over every mined claim: claims mined from a page that should have been
  skipped all count as outside the body. 0.0 when nothing was mined.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html

from claims.pipeline.errors import ExtractionError
from claims.pipeline.html import document_from_html
from claims.pipeline.inputs import decode_input
from claims.pipeline.language import SUPPORTED_LANGUAGES, detect_language, normalise_language
from claims.pipeline.types import Claim, Document, Extraction

ClaimsFn = Callable[[Document], Sequence[Claim] | Extraction]

PAGE_FILES = ("source.html", "expected.html", "expected-metadata.json")
ARTICLE, SKIPPED, ERROR = "article", "skipped", "error"
# What the last line of the rendered report holds, for CI to read.
HEADLINE_KEYS = ("title_accuracy", "text_f1", "claims_in_body")

_TOKEN = re.compile(r"\w+")
_QUOTES = str.maketrans({c: "'" for c in '‘’‚‛′`´"“”„‟″«»'})
_SPACE = re.compile(r"\s+")
_TITLE_SEPARATOR = r"\s+[|\-–—·•:]\s+"
# Without these breaks, text_content() glues the last word of one paragraph to the next one's first.
_BLOCK_TAG = re.compile(
    r"<(/?)(p|div|h[1-6]|li|br|tr|td|th|blockquote|section|article|figure|figcaption|pre|ul|ol|"
    r"table|dd|dt)\b",
    re.I,
)


@dataclass(frozen=True)
class PageResult:
    name: str
    status: str
    expected_status: str
    reason: str  # why the page was skipped, or the extraction error
    title: str
    expected_title: str
    title_correct: bool
    text_f1: float
    readerable: bool
    claims: int = 0
    claims_in_body: int = 0
    seconds: float = 0.0

    @property
    def status_correct(self) -> bool:
        return (self.status == ARTICLE) == (self.expected_status == ARTICLE)


@dataclass(frozen=True)
class ExtractionReport:
    pages: tuple[PageResult, ...]
    overall: dict[str, float | int]


def evaluate_extraction(directory: Path, extract_claims_fn: ClaimsFn) -> ExtractionReport:
    """Extract every page under `directory`, mine the articles and score both."""
    pages = tuple(
        evaluate_page(folder, extract_claims_fn)
        for folder in sorted(Path(directory).iterdir())
        if folder.is_dir() and all((folder / name).is_file() for name in PAGE_FILES)
    )
    return ExtractionReport(pages=pages, overall=_overall(pages))


def evaluate_page(folder: Path, extract_claims_fn: ClaimsFn) -> PageResult:
    """Score one `NAME/` folder."""
    path = folder / "expected-metadata.json"
    try:
        metadata: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except ValueError as exc:  # not UTF-8, or not JSON
        raise ValueError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(metadata, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(metadata).__name__}")
    expected_html = (folder / "expected.html").read_text("utf-8", errors="replace")
    expected_text = html_text(expected_html)
    expected_title = str(metadata.get("title") or "")
    site_name = str(metadata.get("siteName") or "")
    readerable = metadata.get("readerable") is not False
    language = normalise_language(str(metadata.get("lang") or "")) or detect_language(expected_text)
    minable = readerable and (not language or language in SUPPORTED_LANGUAGES)
    expected_status = ARTICLE if minable else SKIPPED
    source = (folder / "source.html").read_bytes()

    started = time.perf_counter()
    try:
        # Decoded the way the service decodes what it fetches, charset sniffing included.
        document = document_from_html(decode_input(source))
    except ExtractionError as error:
        return PageResult(
            name=folder.name,
            status=ERROR,
            expected_status=expected_status,
            reason=str(error),
            title="",
            expected_title=expected_title,
            title_correct=False,
            text_f1=0.0,
            readerable=readerable,
            seconds=time.perf_counter() - started,
        )
    seconds = time.perf_counter() - started

    claims: Sequence[Claim] = ()
    if document.is_article:
        result = extract_claims_fn(document)
        claims = result.claims if isinstance(result, Extraction) else result
    body = _token_string(expected_text)
    checkable = [claim for claim in claims if _token_string(claim.text).strip()]
    inside = sum(1 for claim in checkable if minable and _token_string(claim.text) in body)
    return PageResult(
        name=folder.name,
        status=ARTICLE if document.is_article else SKIPPED,
        expected_status=expected_status,
        reason=document.skip_reason,
        title=document.title,
        expected_title=expected_title,
        title_correct=title_matches(document.title, expected_title, site_name),
        text_f1=token_f1(document.text, expected_text),
        readerable=readerable,
        claims=len(checkable),
        claims_in_body=inside,
        seconds=seconds,
    )


def html_text(html: str) -> str:
    """The visible text of an HTML fragment, with a line break between blocks."""
    if not html.strip():
        return ""
    return lxml.html.fromstring(_BLOCK_TAG.sub(r"\n<\1\2", html)).text_content()


def _normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES))


def _without_site(title: str, site_name: str) -> str:
    if not site_name:
        return title
    site = re.escape(_normalise(site_name).strip())
    title = re.sub(rf"{_TITLE_SEPARATOR}{site}$", "", title)
    return re.sub(rf"^{site}{_TITLE_SEPARATOR}", "", title)


def title_matches(got: str, expected: str, site_name: str = "") -> bool:
    """Whether two titles are the same headline, ignoring case, spacing, quotes and the site."""
    got_norm = _without_site(_normalise(got).strip(), site_name)
    expected_norm = _without_site(_normalise(expected).strip(), site_name)
    return bool(expected_norm) and got_norm == expected_norm


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def token_f1(got: str, expected: str) -> float:
    """F1 between the bags of word tokens of two texts (1.0 when both are empty)."""
    got_counts, expected_counts = Counter(tokens(got)), Counter(tokens(expected))
    if not got_counts and not expected_counts:
        return 1.0
    overlap = sum((got_counts & expected_counts).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_counts.values())
    recall = overlap / sum(expected_counts.values())
    return 2 * precision * recall / (precision + recall)


def _token_string(text: str) -> str:
    # Padded so that containment only matches whole tokens.
    return f" {' '.join(tokens(text))} "


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _overall(pages: Sequence[PageResult]) -> dict[str, float | int]:
    scored = [page for page in pages if page.readerable]
    claims = sum(page.claims for page in pages)
    inside = sum(page.claims_in_body for page in pages)
    return {
        "title_accuracy": _mean([float(page.title_correct) for page in scored]),
        "text_f1": _mean([page.text_f1 for page in scored]),
        "claims_in_body": inside / claims if claims else 0.0,
        "status_accuracy": _mean([float(page.status_correct) for page in pages]),
        "pages": len(pages),
        "scored_pages": len(scored),
        "mined_pages": sum(1 for page in pages if page.status == ARTICLE),
        "errors": sum(1 for page in pages if page.status == ERROR),
        "claims": claims,
        # The median, because the first page also pays for loading the language model.
        "median_seconds": statistics.median(page.seconds for page in pages) if pages else 0.0,
    }


def render_report(report: ExtractionReport) -> list[str]:
    """The report as text lines; the last line is JSON with the three headline numbers."""
    header = f"{'page':<22} {'status':<8} {'expect':<8} {'title':<5} {'text_f1':>7} "
    lines = [header + f"{'claims':>6} {'in_body':>7} {'ms':>6}  note"]
    for page in report.pages:
        share = f"{page.claims_in_body / page.claims:.2f}" if page.claims else "-"
        note = page.reason or ("" if page.title_correct else f"title {page.title!r}")
        lines.append(
            f"{page.name:<22} {page.status:<8} {page.expected_status:<8} "
            f"{'ok' if page.title_correct else 'WRONG':<5} {page.text_f1:>7.3f} "
            f"{page.claims:>6} {share:>7} {page.seconds * 1000:>6.1f}  {note}"
        )
    overall = report.overall
    lines.append(
        f"pages {overall['pages']} (scored {overall['scored_pages']}, mined "
        f"{overall['mined_pages']}, errors {overall['errors']}); title accuracy "
        f"{overall['title_accuracy']:.3f}; text F1 {overall['text_f1']:.3f}; claims in body "
        f"{overall['claims_in_body']:.3f} of {overall['claims']}; status accuracy "
        f"{overall['status_accuracy']:.3f}; median {overall['median_seconds'] * 1000:.1f} ms/page"
    )
    headline = {key: round(float(overall[key]), 4) for key in HEADLINE_KEYS}
    lines.append(json.dumps(headline))
    return lines
