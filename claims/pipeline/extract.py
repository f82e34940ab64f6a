"""The whole pipeline from a cleaned document to scored, attributed claims."""

from __future__ import annotations

from collections.abc import Sequence

from claims.pipeline.attribution import DEFAULT, Ranker, attribute_article
from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.claim_types import claim_type
from claims.pipeline.sentences import split_sentences
from claims.pipeline.standalone import claim_as_checked
from claims.pipeline.types import Claim, Document, Extraction, Sentence

# Sentences shorter than this carry no checkable statement ("He agreed.").
MIN_CLAIM_WORDS = 5
# Longer "sentences" are run-on text the splitter could not break (tables, lists, junk):
# nobody can check them as one claim.
MAX_CLAIM_CHARS = 1000
CONTEXT_SENTENCES = 1


def _context(text: str, sentences: Sequence[Sentence], index: int) -> str:
    claim = sentences[index]
    first = sentences[max(0, index - CONTEXT_SENTENCES)]
    last = sentences[min(len(sentences) - 1, index + CONTEXT_SENTENCES)]
    # Neighbours are cut to a claim's length, so the context stays readable.
    start = max(first.start, claim.start - MAX_CLAIM_CHARS)
    end = min(last.end, claim.end + MAX_CLAIM_CHARS)
    return text[start:end]


def extract_claims(
    document: Document,
    scorer: Scorer,
    threshold: float,
    *,
    ranker: Ranker = DEFAULT,
) -> Extraction:
    """Split, score and attribute every sentence; keep those at or above `threshold`
    (`ranker`: the attribution ranker, the shipped one unless given, None for rules alone)."""
    if not document.is_article:
        return Extraction(document=document, notes=(f"skipped: {document.skip_reason}",))
    sentences = tuple(split_sentences(document.text))
    if not sentences:
        return Extraction(document=document, notes=("no sentences",))
    scores = scorer.score([s.text for s in sentences], explain_from=threshold)
    wanted = {
        index
        for index, (sentence, score) in enumerate(zip(sentences, scores, strict=True))
        if score.probability >= threshold
        and len(sentence.text.split()) >= MIN_CLAIM_WORDS
        and len(sentence.text) <= MAX_CLAIM_CHARS
    }
    parsed = attribute_article(document.text, sentences, ranker=ranker, only=wanted)
    attributions = parsed.attributions
    claims = []
    for index, (sentence, score, who) in enumerate(
        zip(sentences, scores, attributions, strict=True)
    ):
        if index not in wanted:
            continue
        checked = claim_as_checked(sentence, who, document.text, parsed.registry)
        claims.append(
            Claim(
                text=sentence.text,
                start=sentence.start,
                end=sentence.end,
                context=_context(document.text, sentences, index),
                score=round(score.probability, 4),
                speaker=who.speaker if who else "",
                attribution_kind=who.kind if who else "",
                claim_type=claim_type(sentence.text, who),
                reasons=score.reasons,
                model_version=scorer.version,
                standalone=checked.standalone,
                claimant=checked.claimant,
                claimant_kind=checked.claimant_kind,
            )
        )
    return Extraction(document=document, sentences=sentences, claims=tuple(claims))
