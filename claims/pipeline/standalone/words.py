"""The quotation pattern and word lists that both cutting the frame and naming references
read."""

from __future__ import annotations

import re

from claims.pipeline.attribution.vocabulary import word_set

# What is left after cutting a frame must be at least this long to stand as a claim.
MIN_CONTENT_WORDS = 4
QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?|''.*?(?:''|$)|«[^»]*»?")
# After "her", these words make it an object ("told her that"), not a possessive ("her plan").
NOT_NOUNS = word_set(
    """to and or in on at for with that from by as of is was were are be been has had have will
    would could should may might about after before if when while but than so because into
    over again also"""
)
# Words that open an adverbial, not a subject: "On Tuesday, Politico reported, citing ...".
OPENERS = word_set("on in at last this during after before while when since as")
