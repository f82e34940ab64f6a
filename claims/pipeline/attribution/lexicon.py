"""English verbs and nouns of saying and reporting, with their inflections.

Written as lemmas (the verbs of communication, judgement and reporting of Levin's verb classes
that news uses to attribute), so that "insisted", "slams" and "blasting" are read as speech
without listing every form. An irregular or consonant-doubling past is given after a colon:
"tell:told", "admit:admitted"; a participle that differs from the past follows a second colon.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")


def _words(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        return lemma[:-1] + "ies"
    return lemma + "s"


def _regular_past(lemma: str) -> str:
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        return lemma[:-1] + "ied"
    return lemma + "ed"


def _gerund(lemma: str, past: str) -> str:
    if past.endswith("ed") and len(past) > 4 and past[-3] == past[-4] and past[-3] == lemma[-1]:
        return past[:-2] + "ing"  # admitted -> admitting
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        return lemma[:-1] + "ing"
    return lemma + "ing"


def inflections(entries: str) -> frozenset[str]:
    """Every form of the verbs written in `entries` (whitespace-separated, see above)."""
    forms: set[str] = set()
    for entry in entries.split():
        lemma, *given = entry.split(":")
        past = given[0] if given else _regular_past(lemma)
        participle = given[1] if len(given) > 1 else past
        gerund = given[2] if len(given) > 2 else _gerund(lemma, past)
        forms.update((lemma, _third_person(lemma), past, participle, gerund))
    return frozenset(forms)


# Verbs whose subject is the source of what follows them, whatever the object.
SPEECH_LEMMAS = _words(
    """
say:said tell:told add note explain deny confirm stress warn claim assert acknowledge
indicate announce declare insist argue reiterate underscore emphasize emphasise suggest pledge vow
promise accuse reaffirm express write:wrote:written tweet post reply respond urge describe
admit:admitted predict reveal allege mention comment caution concede disclose estimate voice
praise report quote call slam:slammed blast criticize criticise attack condemn denounce decry
lament complain charge contend counter retort recall question ask answer boast brag:bragged
joke quip:quipped scoff mock ridicule   blame thank applaud hail tout laud commend
defend justify observe remark recount testify assure reassure inform advise recommend propose
demand request plead appeal proclaim affirm concur agree disagree dispute contest challenge
rebut:rebutted refute object protest threaten swear:swore:sworn guarantee forecast:forecast
detail outline cite email
text signal hint imply speculate theorize theorise posit opine clarify specify characterize
characterise portray depict dub:dubbed liken compare equate confess apologize
apologise congratulate chide scold rebuke reprimand castigate lambaste lambast berate excoriate
assail pan:panned fault deride belittle disparage taunt needle:needled tease
lecture preach brief:briefed relay convey repeat recite shout yell scream chant
exclaim declare acknowledge stipulate insinuate muse:mused ponder wonder caution pronounce
elaborate reason counsel suggest announce confide plead urge implore
beg:begged prod:prodded rail tweet retweet endorse highlight echo"""
)

SPEECH_VERBS = inflections(" ".join(sorted(SPEECH_LEMMAS)))

# Speech verbs that are as often deeds ("militants attacked the embassy"): speech only with
# what the attack was for or called ("attacked Clinton over her emails", "as reckless", a
# quotation).
DEED_VERBS = inflections("attack assail")
DEED_SPEECH_WORDS = frozenset({"as", "for", "over", "that", ":"})
# What is attacked in words: "Ann Ward attacks the deal", "Tom Baker assailed the ruling".
DEED_SPEECH_OBJECTS = _words(
    """deal plan plans policy policies decision proposal proposals bill idea record remarks
    comments claims claim report law laws budget move strategy approach agreement candidate
    campaign media press administration government rival rivals opponent opponents critics
    ruling verdict decision statement speech tax reform reforms"""
)

# Verbs that report only right before what was said ("stated that", "maintained: ...", a
# quotation): "Western states", "maintained a brisk pace" and "spoke at a rally" say nothing.
CLAUSE_VERBS = inflections("state maintain speak:spoke:spoken talk")

# Phrasal verbs: speech only with their particle ("pushed back", "lashed out", "weighed in").
PARTICLES = {
    form: particles
    for lemma, particles in (
        ("push", {"back"}),
        ("lash", {"out"}),
        ("weigh", {"in"}),
        ("speak:spoke:spoken", {"out", "up"}),
        ("fire:fired", {"back"}),
        ("shoot:shot:shot:shooting", {"back"}),
        ("double:doubled", {"down"}),
        ("hit:hit:hit:hitting", {"back", "out"}),
        ("go:went:gone", {"after"}),
        ("take:took:taken", {"aim", "issue"}),
        ("point", {"out", "to"}),
        ("sound", {"off"}),
        ("chime", {"in"}),
        ("open:opened", {"up"}),
        ("make:made", {"clear"}),
        ("put:put:put:putting", {"it"}),
    )
    for form in inflections(lemma)
}

# Nouns of documents and statements: "an analysis by X found", "a statement from X".
DOCUMENT_NOUNS = _words(
    """report reports analysis analyses study studies survey surveys poll polls statement
    statements data review investigation audit memo memorandum letter estimate estimates
    projection projections count tally figures research filing complaint lawsuit ruling release
    assessment audit paper findings document documents transcript readout interview op-ed
    editorial column article story post tweet email video ad advertisement statistics numbers
    records results filings disclosures returns figures average"""
)

# Nouns of things said, whose source follows "from" or "by": "criticism from X", "a demand by
# X that", "an admission from X". Not stances or deeds ("support from X", "attacks by X"):
# those report no words.
SPEECH_NOUNS = _words(
    """criticism criticisms complaint complaints demand demands admission admissions warning
    warnings praise accusation accusations denial denials condemnation rebuke rebukes objection
    objections plea pleas remark remarks comment comments assurance assurances retort reply
    rebuttal endorsement endorsements"""
)

# Speech verbs that are also nouns ("a Clinton attack", "the peace talks", "security
# guarantees"): their base and -s forms are read as a verb only when the subject is a bare name
# with no article or possessive before it ("Trump attacks Clinton", not "the Trump attacks").
_NOUN_LEMMAS = _words(
    """report claim call charge comment question answer note promise pledge vow estimate
    forecast blast joke quote reply post tweet signal hint detail request demand appeal protest
    object thank praise counter echo chant shout text email lecture reason talk attack
    guarantee brief ridicule mock taunt scream yell cry remark testify plea outline cite state
    contest dispute challenge voice counsel"""
)
NOUN_LIKE = frozenset(form for lemma in _NOUN_LEMMAS for form in (lemma, _third_person(lemma)))
# "issued a statement", "released a report", "put out a memo": the subject is the source.
PUBLISHING_VERBS = inflections("issue release publish put:put:put:putting send:sent circulate")

# Nouns that make a name into a source: "the Clinton campaign", "Ryan's spokeswoman",
# "a spokesman for the Pentagon", "a CNN poll".
PERSON_SOURCE_NOUNS = _words(
    """spokesman spokeswoman spokesperson spokespeople aide aides adviser advisers advisor
    advisors official officials representative lawyer lawyers attorney attorneys strategist
    strategists pollster economist economists analyst analysts director chairman chairwoman
    chair executive staffer staffers manager secretary press aide counsel"""
)
# Plural nouns of people who speak as a group: with a capitalised modifier they are a source
# ("Democratic lawmakers said", "Western diplomats say", "German police reported"), even when
# the modifier is an adjective rather than a name.
GROUP_NOUNS = _words(
    """officials leaders lawmakers legislators voters senators congressmen experts economists
    analysts diplomats activists critics supporters strategists donors aides advisers advisors
    operatives conservatives liberals candidates members delegates governors prosecutors police
    authorities investigators lawyers attorneys groups officers elders insiders allies staffers
    spokespeople researchers scientists agents ministers generals commanders protesters
    opponents backers respondents observers sources lobbyists executives regulators
    judges justices envoys negotiators"""
)
SOURCE_NOUNS = PERSON_SOURCE_NOUNS | _words(
    """campaign campaigns administration office team camp committee group organization
    organisation agency department ministry council commission foundation institute center
    centre poll polls survey surveys report study analysis data statement memo website
    spokespeople"""
)

# Verbs that report only when a document is their subject: "a poll shows", "the study found"
# (not "the leader has shown willingness").
DOCUMENT_VERBS = inflections("show:showed:shown find:found conclude suggest indicate estimate")
