"""Words and patterns that mark speech, reports, names, roles and places."""

from __future__ import annotations

import re

from claims.pipeline.attribution.lexicon import (
    CLAUSE_VERBS,
    DOCUMENT_VERBS,
    PARTICLES,
    PUBLISHING_VERBS,
    SPEECH_VERBS,
    inflections,
)


def word_set(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


PERSON, OUTLET, COLLECTIVE = "person", "outlet", "collective"
# A bare name ("Erdoğan", "Russia") never given in full, with a title or after "in"/"the".
UNKNOWN = "unknown"
# Who wins when a sentence names several sources: people and outlets, then bare names, then
# countries and institutions ("Ukraine has voiced concern ..., while Zelensky accused ...").
RANK = {PERSON: 0, OUTLET: 0, UNKNOWN: 1, COLLECTIVE: 2}


def _upper_class() -> str:
    # `re` has no \p{Lu}; build the class once (Latin, Greek, Cyrillic capitals).
    chars = [chr(c) for c in range(0x41, 0x530) if chr(c).isupper()]
    return "".join(re.escape(ch) for ch in chars)


_U = _upper_class()
_TITLE_ABBREVIATION = r"(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Prof|Lt|Col|Capt|Sgt|St|Rev|Jr|Sr)\."
# A middle initial belongs to the name ("Robert M. Smith"), not before a sentence's opening word.
_INITIAL = r"[A-Z]\.(?= (?!(?:The|A|An|He|She|It|They|We|I|In|But|And|This)\b)[A-Z])"
_NAME_TOKEN = rf"(?:{_TITLE_ABBREVIATION}|(?:[{_U}]\.){{2,}}|{_INITIAL}|[{_U}][\w’'-]*)"
# Lower-case particles inside a name: "Charles de Gaulle", "Bill de Blasio", "Ludwig van
# Beethoven", "Vincent van der Berg".
NAME_PARTICLES = word_set("de da di del della van von der den du le la bin ibn dos das ter ten")
_PARTICLE = "(?:" + "|".join(sorted(NAME_PARTICLES)) + ")"
# The lookaheads let the engine skip most positions at once (a third faster on an article).
RUN = re.compile(rf"(?=[{_U}])(?<![\w’'.-]){_NAME_TOKEN}(?: (?:{_PARTICLE} ){{0,2}}{_NAME_TOKEN})*")
# A plural's or an s-name's possessive keeps its apostrophe ("Sanders’ aides", "the Democrats'
# plan"): the word is then read as a possessive, like "Clinton’s".
TOKEN = re.compile(
    rf"(?=[A-Z])(?:{_TITLE_ABBREVIATION}|(?:[A-Z]\.){{2,}}|{_INITIAL})"
    rf"|[^\W_]\w*(?:[’'\-]\w+)*(?:(?<=s)[’'](?=\s))?|[^\w\s]"
)
POSSESSIVE_ENDS = ("’s", "'s", "s’", "s'")


def without_possessive(word: str) -> str:
    """ "Clinton’s" -> "Clinton", "Sanders’" -> "Sanders"."""
    if word.endswith(("’s", "'s")):
        return word[:-2]
    return word[:-1] if word.endswith(("s’", "s'")) else word


# "We’re told", "It’ll": capitalised at the start of a sentence, never a name.
CONTRACTIONS = ("’re", "'re", "’ll", "'ll", "’ve", "'ve", "’m", "'m", "’d", "'d", "n’t", "n't")
OPEN_QUOTES, CLOSE_QUOTES = "“«", "”»"
QUOTE_MARK = re.compile(r"[“”«»\"]")
# Between a closing quote and its speaker's name: a comma and a title at most.
TITLE_GAP = re.compile(r"[\s,]*(?:[\w’'.-]+\s+){0,3}$")
COORDINATION = re.compile(r",\s+(?:while|but|whereas|and|although|though|yet)\b|;")
HEARSAY = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|(?:is|are|was|were) (?:said|reported|believed) to)\b"
)
# After the verb, an opening quote within two words means the quotation is the verb's object.
QUOTE_FOLLOWS = re.compile(r"^\s*(?:\w+\s+){0,2}?[:,]?\s*(?:that\s+)?(?:the\s+|a\s+|an\s+)?[“\"«]")

# Verbs that speak only beside a quotation: "…," Ann Ward continued. / Tom Baker began: "…".
QUOTE_VERBS = inflections("continue start begin:began:begun conclude finish interject interrupt")
# These are speech only with an object that is itself speech ("rejected claims", "denied that").
REJECT_VERBS = word_set("rejected rejects rejecting dismissed dismisses dismissing")
REJECT_OBJECTS = word_set(
    "claims claim reports report allegations accusations suggestions suggestion idea notion that"
    " as criticism comment comments remarks charge charges speculation concerns"
)
REPORT_NOUNS = word_set("report reports article story investigation analysis interview")
# A sentence without any of these words has no attribution cue: skip tokenising it.
CUE_WORDS = (
    SPEECH_VERBS
    | CLAUSE_VERBS
    | DOCUMENT_VERBS
    | REJECT_VERBS
    | PARTICLES.keys()
    | PUBLISHING_VERBS
    | QUOTE_VERBS
    | REPORT_NOUNS
    | {"according", "by", "from"}
)
REPORT_VERBS = word_set("cited said says found reported claimed quoted alleged revealed")
INVERTIBLE = word_set("said says added adds noted explained wrote continued asked told")
FILLERS = word_set(
    """has have had was were is are did does do not also further again repeatedly previously
    earlier later then reportedly publicly once never first already still just recently himself
    herself itself themselves has've now even instead too soon long however both all would will
    could can cannot may might should must since"""
)
# Verbs and adjectives that take another verb after "to" and leave it its subject: "Ann Ward
# continued to insist", "declined to say", "was quick to add", "went on to say".
CATENATIVES = frozenset(
    inflections("continue decline refuse begin:began:begun start hasten rush move")
    | word_set("quick careful prompted forced compelled moved eager willing unwilling happy")
)
TIME_NOUNS = word_set(
    """week month year weekend morning afternoon evening night months weeks years days
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december"""
)
TIME_WORDS = word_set("on in over during at last this next that recent past coming few")
PRONOUNS = frozenset({"he", "she"})
RELATIVES = frozenset({"which", "who", "whose"})
# Plural sources that are never a name, even capitalised at the start of a sentence.
UNNAMED = word_set(
    """officials sources analysts experts critics residents witnesses authorities police
    lawmakers diplomats observers reports people insiders aides others outlets media"""
)
PERSON_ROLES = word_set(
    """spokesman spokeswoman spokesperson president minister leader envoy chancellor premier
    secretary ambassador diplomat general commander governor mayor senator official aide adviser
    advisor chief head prosecutor"""
)
OUTLET_ROLES = word_set(
    "newspaper outlet broadcaster magazine daily agency channel network website tabloid"
)
_ORG_ROLES = word_set("ministry department government administration office council")
ROLES_BEFORE_NAMES = PERSON_ROLES | OUTLET_ROLES
ALL_ROLES = PERSON_ROLES | _ORG_ROLES | OUTLET_ROLES
TITLES = word_set(
    """president minister prime foreign defense defence secretary general special envoy spokesman
    spokeswoman spokesperson chancellor king queen prince pope senator sen gen mr mrs ms dr gov
    governor rep mayor chief deputy vice ambassador leader chairman chairwoman director commander
    premier former acting state interior finance judge justice colonel captain admiral
    marshal rev councillor councilor councilman councilwoman alderman lt lieutenant sgt sergeant
    cpl corporal maj col pvt cmdr commissioner"""
)
ORG_NOUNS = word_set(
    """ministry department office agency council commission committee service government
    parliament duma senate court army forces bank fund union organization organisation alliance
    party administration house pentagon kremlin institute institution center centre foundation
    university college school association corporation company inc corp group campaign network
    coalition federation society board bureau authority caucus club trust project laboratory
    hospital museum police agency administration
    """
)
OUTLET_NOUNS = word_set(
    """times post journal news herald telegraph guardian gazette tribune press wire radio tv
    television daily courier chronicle examiner observer inquirer enquirer sentinel dispatch
    bulletin mirror globe magazine weekly register"""
)
PREPOSITIONS = word_set("in from at of near for with to on inside across")
PLACE_WORDS = word_set("the in from into across throughout inside near")
PLACE_STARTS = word_set("new san los las st saint north south east west united")
# Capitalised words that begin sentences or clauses but never name anyone.
STOPWORDS = word_set(
    """the a an in on at for but and or yet as while when after before since although though if
    under over last this that these those it its he she they we i you his her their our there
    here meanwhile finally additionally however also both other later earlier according once
    along with without by from to of not no why what who how where which then so such some
    all any each many most more still besides perhaps unless indeed instead now thus hence
    nonetheless nevertheless moreover furthermore likewise otherwise amid amidst despite among
    amongst just another anyone everyone someone nobody"""
)
COUNTRY_QUALS = {"u.s.": "us", "u.s": "us", "american": "us", "america": "us"}
