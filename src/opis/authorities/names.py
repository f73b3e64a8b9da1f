"""Person names as documents and reference lists write them, reduced to comparable parts.

"Eden, Sir Anthony", "Sir Anthony Eden", "Cde. Stalin", "I.V. Stalin",
"Molotov V.M.", "Сталина" and "Molotov’s" all come apart into a surname, the
forenames and initials, and the titles that stood before them (titles are not
names). Keys come from :mod:`opis.search.names`, so the linker and the search
index agree: ``Сталин``, ``Stalin``, ``STALIN`` and ``Cde. Stalin`` all give
``stalin``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from opis.model import Authority
from opis.search.names import WORD, name_keys, prefix_key

DATA = Path(__file__).with_name("data")


def _load_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


TITLES = _load_words(DATA / "honorifics.txt")
"""Lower-case words (no final dot) that precede a name without being part of it."""

_SURNAMES = frozenset({"king", "major", "bishop", "judge", "prince", "marshal", "count", "lord"})
"""Title words that are also surnames when they stand alone ("Colonel King", "Major")."""

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "esq", "junior", "senior"})

_TRAILING_SUFFIX = re.compile(r"(?i),?\s*\b(?:jr|sr|ii|iii|iv|esq)\.?[\s,.]*$")
_PARENS = re.compile(r"\(([^()]*)\)")
_POSSESSIVE = re.compile(r"['’`]s\b|(?<=s)['’](?=\s|$)")
# Hyphenated and apostrophised names stay one token here; WORD splits them later.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?|\.")


@dataclass(frozen=True)
class PersonName:
    """The parts of one written person name."""

    surname: tuple[str, ...]
    """Surname words as written ("Castillo", "Armas"); empty when none could be told."""
    forenames: tuple[str, ...]
    """Forename words written in full."""
    initials: tuple[str, ...]
    """Upper-case first letters of abbreviated forenames ("V.M." -> V, M)."""
    titles: tuple[str, ...] = ()
    """Titles and honorifics stripped from the front ("Sir", "Cde", "Secretary")."""
    aliases: tuple[str, ...] = ()
    """Parenthesised alternatives: "Fahmy (Fahmi)", "Wisner, Frank (Harold S. Whiting)"."""
    inverted: bool = False
    """Written surname first ("Eden, Anthony", "Molotov V.M.")."""

    @property
    def surname_keys(self) -> tuple[str, ...]:
        return keys_of(" ".join(self.surname))

    @property
    def forename_keys(self) -> tuple[str, ...]:
        return keys_of(" ".join(self.forenames))

    @property
    def display(self) -> str:
        """Forenames first, as running text writes it ("Anthony Eden")."""
        given = [*(f"{i}." for i in self.initials), *self.forenames]
        if self.inverted:
            given = [*self.forenames, *(f"{i}." for i in self.initials)]
        return " ".join([*given, *self.surname])


@lru_cache(maxsize=100_000)
def keys_of(text: str) -> tuple[str, ...]:
    """Canonical name-key tokens of a run of words (variant table applied)."""
    return tuple(name_keys(WORD.findall(text)))


def is_title(word: str) -> bool:
    return word.rstrip(".").lower() in TITLES


def _is_initial(word: str) -> bool:
    """ "V.", "V", "Ya." (Russian two-letter initials), not "Il" in Kim Il Sung."""
    bare = word.rstrip(".")
    if len(bare) == 1 and bare.isalpha():
        return True
    return word.endswith(".") and len(bare) == 2 and bare[0].isupper() and bare[1].islower()


def _split_initials(token: str) -> list[str] | None:
    """ "V.M." -> [V, M]; "Ya.A." -> [Ya, A]; None when the token is not initials."""
    if "." not in token:
        return [token] if len(token) == 1 and token.isupper() else None
    parts = [p for p in token.split(".") if p]
    if parts and all(
        len(p) <= 2 and p[0].isupper() and p[1:] in ("", p[1:].lower()) for p in parts
    ):
        return parts
    return None


def _tokens(text: str) -> list[str]:
    """Words of a name with dotted initials kept together ("V.M." stays one token)."""
    text = _POSSESSIVE.sub("", text)
    tokens: list[str] = []
    for raw in text.replace(",", " , ").split():
        if raw == ",":
            tokens.append(raw)
            continue
        cleaned = raw.strip("\"“”‘’'()[]:;!?")
        if cleaned:
            tokens.append(cleaned)
    return tokens


def _strip_titles(words: list[str]) -> tuple[list[str], list[str]]:
    """Leading titles off, never the last word ("Colonel King" keeps King)."""
    titles: list[str] = []
    while len(words) > 1 and is_title(words[0]):
        titles.append(words.pop(0).rstrip("."))
    return words, titles


def _classify(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(full words, initials, suffixes) of a run of name words."""
    full: list[str] = []
    initials: list[str] = []
    suffixes: list[str] = []
    for word in words:
        split = _split_initials(word)
        if word.rstrip(".").lower() in SUFFIXES:
            suffixes.append(word)
        elif split is not None and (len(split) > 1 or _is_initial(word)):
            initials.extend(s[0].upper() for s in split)
        elif _is_initial(word):
            initials.append(word[0].upper())
        else:
            full.append(word.rstrip("."))
    return full, initials, suffixes


@lru_cache(maxsize=200_000)
def parse_person_name(text: str) -> PersonName:
    """Split a person name as written into its parts.

    "Surname, Forenames" (reference lists) is inverted; otherwise the surname
    is the last full word, unless initials follow it ("Molotov V.M.").
    """
    text = _TRAILING_SUFFIX.sub("", text)
    aliases = tuple(a.strip() for a in _PARENS.findall(text) if a.strip())
    text = _PARENS.sub(" ", text)
    tokens = _tokens(text)
    if "," in tokens:
        comma = tokens.index(",")
        head = [t for t in tokens[:comma] if t != ","]
        tail = [t for t in tokens[comma + 1 :] if t != ","]
        head, head_titles = _strip_titles(head)
        tail_titles: list[str] = []
        while tail and is_title(tail[0]):
            tail_titles.append(tail.pop(0).rstrip("."))
        surname, _, _ = _classify(head)
        forenames, initials, _ = _classify(tail)
        if surname:
            return PersonName(
                surname=tuple(surname),
                forenames=tuple(forenames),
                initials=tuple(initials),
                titles=tuple(head_titles + tail_titles),
                aliases=aliases,
                inverted=True,
            )
        tokens = head + tail
    words, titles = _strip_titles([t for t in tokens if t != ","])
    if len(words) == 1 and is_title(words[0]) and words[0].rstrip(".").lower() not in _SURNAMES:
        # "Secretary of State", "the President": an office, not a name.
        return PersonName((), (), (), (*titles, words[0].rstrip(".")), aliases)
    full, initials, _ = _classify(words)
    if not full:
        return PersonName((), (), tuple(initials), tuple(titles), aliases)
    # "Molotov V.M.": initials after the only full word mean surname first.
    kinds = [_split_initials(w) is not None or _is_initial(w) for w in words]
    inverted = len(full) == 1 and bool(initials) and not kinds[0]
    if inverted:
        return PersonName((full[0],), (), tuple(initials), tuple(titles), aliases, True)
    return PersonName((full[-1],), tuple(full[:-1]), tuple(initials), tuple(titles), aliases)


def person_key(text: str) -> str:
    """One key for a person name as written: the surname's key (``Cde. Stalin`` -> ``stalin``).

    Forenames and initials are left out on purpose: ``I.V. Stalin``,
    ``Stalin`` and ``Сталина`` must meet.
    """
    parsed = parse_person_name(text)
    return " ".join(parsed.surname_keys)


def full_key(text: str) -> str:
    """Key of the whole name without titles or initials ("Kim Il Sung" -> "kim il sung")."""
    parsed = parse_person_name(text)
    words = (
        [*parsed.forenames, *parsed.surname]
        if not parsed.inverted
        else [
            *parsed.surname,
            *parsed.forenames,
        ]
    )
    return " ".join(keys_of(" ".join(words)))


def plain_key(text: str) -> str:
    """Key of a place or organisation name: every word, no title stripping."""
    return " ".join(keys_of(text)) or "".join(c for c in text.lower() if c.isalnum())


def script_of(text: str) -> str | None:
    """ISO 15924 code of a name's letters: ``Cyrl``, ``Latn`` or None."""
    for char in text:
        if char.isalpha():
            return "Cyrl" if "\u0400" <= char <= "\u04ff" else "Latn"
    return None


def slug(text: str) -> str:
    """An ASCII id part: "Eden, Anthony" -> ``eden-anthony``; Cyrillic is transliterated."""
    words = []
    for word in WORD.findall(text):
        folded = prefix_key(word)
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
        if folded:
            words.append(folded.lower())
    return "-".join(words)


def lookup_keys(name: str, kind: str) -> list[str]:
    """Keys an authority name is stored under and a query name is looked up by.

    Both sides call this, so ``Сталин``, ``Cde. Stalin`` and ``Stalin, Iosif``
    meet on ``person:stalin``; places and organisations use every word
    (``place:north korea``). Aliases in parentheses count as names.
    """
    keys: list[str] = []
    if kind == "person":
        parsed = parse_person_name(name)
        for key in (" ".join(parsed.surname_keys), full_key(name)):
            if key and f"person:{key}" not in keys:
                keys.append(f"person:{key}")
        for alias in parsed.aliases:
            alias_key = person_key(alias)
            if alias_key and f"person:{alias_key}" not in keys:
                keys.append(f"person:{alias_key}")
        return keys
    key = plain_key(name)
    return [f"{kind}:{key}"] if key else []


def name_slug(name: str) -> str:
    """Id part of a person name in its written order, without titles, suffixes or
    parenthesised aliases: "Hunt, E. Howard (Walter C. Twicker)" -> ``hunt-e-howard``,
    "Kim Il Sung" -> ``kim-il-sung``."""
    text = _PARENS.sub(" ", _TRAILING_SUFFIX.sub("", name))
    head, comma, tail = text.partition(",")
    words = [w for w in _tokens(head) if w != ","]
    words, _ = _strip_titles(words)
    if comma:
        given = [w for w in _tokens(tail) if w != ","]
        while given and is_title(given[0]):
            given.pop(0)
        words += given
    return slug(" ".join(words)) or slug(name)


def authority_keys(authority: Authority) -> list[str]:
    """The lookup keys of every name of an authority (what ``find_authorities`` matches)."""
    keys: list[str] = []
    for name in [authority.name, *(n.name for n in authority.names)]:
        keys.extend(lookup_keys(name, authority.kind))
    return keys
