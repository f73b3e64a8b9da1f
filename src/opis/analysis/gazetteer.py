"""Name lists for the cable tagger, from sources independent of its training data.

The CRF of ``cable_ner`` learns from 185 History Lab telegrams; a surname it never saw
there ("VEST", "MATLOCK", "LUNS") is one more unknown upper-case word. The Office of
the Historian's authority data names thousands of the people such cables mention: US
diplomats (POCOM), people with hsg-people records, foreign leaders visiting the United
States (hsg-visits, 1874 on), the presidents and secretaries of state whose trips
hsg-travels lists with the places they went, and the persons lists of the FRUS volumes.
This module reduces them to upper-case word lists by kind:

- ``surname``, ``given``: single words of person names;
- ``fullname``: "GIVEN SURNAME" word pairs (the last forename and the surname);
- ``place``: country and city names, one to four words ("TEL AVIV");
- ``org``: organisations to which the US sends missions (POCOM).

None of it comes from ``historylab-ner``. Reading the sources takes about 2 s (the
FRUS volumes are 23 MB of TEI), too long for every ingest worker, and they need not be
there when opis tags a cable, so the lists ship as ``data/cable_gazetteer.txt`` (300
KB: one ``kind<TAB>words`` line each, by kind, then sorted), rebuilt byte for byte by
``python -m opis.analysis.gazetteer --corpus ../shared/corpus``; loading it takes
about 20 ms once per process. A model trained with these features must be used with the same
file: rebuild the model (``python -m opis.analysis.cable_ner``) after rebuilding it.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from lxml import etree

DATA_FILE = Path(__file__).with_name("data") / "cable_gazetteer.txt"
KINDS = ("surname", "given", "fullname", "place", "org")
MAX_WORDS = 4
"""Longest phrase looked up (place and organisation names)."""

_POSSESSIVE = re.compile(r"'S$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")
# Words that open a visitor's description in hsg-visits and are not names.
_VISIT_TITLES = re.compile(
    r"^(?:(?:acting|former|interim|deputy|vice|first|crown|grand|prime|foreign|defense|"
    r"finance|chief|general|secretary|chairman|president|minister|prince|princess|king|"
    r"queen|emperor|empress|shah|sultan|emir|amir|sheikh|shaikh|premier|chancellor|"
    r"governor|governor-general|duke|duchess|archbishop|pope|his|her|majesty|highness|"
    r"royal|the|of|state|council|federal|republic|head|sir|dame|lord|lady|mr|mrs|dr|"
    r"general|marshal|admiral|colonel|lieutenant|field|supreme|commander|leader|party|"
    r"communist|central|committee|national|people's|executive|military|junta|"
    r"provisional|government|taoiseach|secretary-general|director-general|"
    r"and|mrs\.|mr\.|dr\.)\s+)+",
    re.IGNORECASE,
)


def words(text: str) -> tuple[str, ...]:
    """Upper-case ASCII words as the cable tokenizer cuts them ("Tel-Aviv" -> TEL, AVIV)."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return tuple(w.upper() for w in _WORD.findall(plain))


class Gazetteer:
    """Phrases (tuples of upper-case words) by kind; ``marks`` labels a token sequence."""

    def __init__(self, entries: dict[str, set[tuple[str, ...]]]) -> None:
        self.entries = {kind: frozenset(entries.get(kind, ())) for kind in KINDS}
        self.longest = {
            kind: max((len(p) for p in phrases), default=0)
            for kind, phrases in self.entries.items()
        }
        self._starts = {
            kind: frozenset(p[0] for p in phrases if len(p) > 1)
            for kind, phrases in self.entries.items()
        }

    def marks(self, tokens: list[str]) -> list[list[str]]:
        """Per token, the gazetteer features: ``gaz.<kind>`` for a single-word entry,
        ``gaz.<kind>.B``/``.I`` inside the longest multi-word entry starting there."""
        upper = [_POSSESSIVE.sub("", t.upper().replace("’", "'")) for t in tokens]
        result: list[list[str]] = [[] for _ in tokens]
        for kind, phrases in self.entries.items():
            starts = self._starts[kind]
            for i, word in enumerate(upper):
                if (word,) in phrases:
                    result[i].append(f"gaz.{kind}")
                if word not in starts:
                    continue
                for size in range(min(self.longest[kind], len(upper) - i), 1, -1):
                    if tuple(upper[i : i + size]) in phrases:
                        result[i].append(f"gaz.{kind}.B")
                        for j in range(i + 1, i + size):
                            result[j].append(f"gaz.{kind}.I")
                        break
        return result

    def lines(self) -> Iterator[str]:
        for kind in KINDS:
            for phrase in sorted(self.entries[kind]):
                yield f"{kind}\t{' '.join(phrase)}"


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped lists (empty when the file is missing: the features are then absent)."""
    entries: dict[str, set[tuple[str, ...]]] = {}
    if DATA_FILE.exists():
        for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
            kind, _, phrase = line.partition("\t")
            if kind in KINDS and phrase:
                entries.setdefault(kind, set()).add(tuple(phrase.split()))
    return Gazetteer(entries)


# ---------------------------------------------------------------------------
# Building the lists from the corpus.


def _person_names(names: Iterable[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(kind, phrase) for every person name written in any form."""
    from opis.authorities.names import parse_person_name

    for name in names:
        parsed = parse_person_name(name)
        surname = tuple(w for w in words(" ".join(parsed.surname)) if w.isalpha())
        given = [w for f in parsed.forenames for w in words(f) if w.isalpha()]
        if not surname:
            continue
        # "Van Well", "de Guiringaud": every word of a surname is a surname word.
        for word in surname:
            if len(word) > 1:
                yield "surname", (word,)
        if len(surname) > 1:
            yield "fullname", surname
        for word in given:
            if len(word) > 1:
                yield "given", (word,)
        if given:
            yield "fullname", (given[-1], *surname)


def _xml(path: Path) -> etree._Element | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.parse(str(path), parser).getroot()
    except (OSError, etree.XMLSyntaxError):
        return None


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def build(corpus: Path) -> Gazetteer:
    """Read the authority sources under ``corpus`` (missing ones are skipped)."""
    from opis.authorities.hsg import ReadErrors, read_hsg_people, read_pocom, territory_name
    from opis.readers.frus_tei import _front_lists

    people: list[str] = []
    places: list[str] = []
    orgs: list[str] = []
    errors = ReadErrors()
    if (corpus / "hsg-people").is_dir():
        for person in read_hsg_people(corpus / "hsg-people", errors):
            people += [n.name for n in person.names]
    if (corpus / "hsg-pocom").is_dir():
        pocom = read_pocom(corpus / "hsg-pocom", errors)
        for person in pocom.people.values():
            people += [n.name for n in person.names]
        places += [territory_name(territory) for territory in pocom.places]
        orgs += [org.name for org in pocom.orgs.values()]
    for path in sorted((corpus / "hsg-visits").rglob("*.xml")):
        root = _xml(path)
        for visit in root.iterfind("visit") if root is not None else ():
            for visitor in visit.iterfind("visitor"):
                # "Prime Minister Harold Wilson", "King Hussein I and Queen Noor".
                for part in re.split(r"\s+and\s+|;|,", _text(visitor)):
                    name = _VISIT_TITLES.sub("", part.strip())
                    name = re.sub(r"\s+(?:[IVX]+|Jr\.?)$", "", name)
                    if name:
                        people.append(name)
            places += [_text(e) for e in visit.iterfind("from")]
    for path in sorted((corpus / "hsg-travels").rglob("*.xml")):
        root = _xml(path)
        for trip in root.iterfind("trip") if root is not None else ():
            people += [_text(e) for e in trip.iterfind("name")]
            places += [_text(e) for e in trip.iterfind("country")]
            for locale in trip.iterfind("locale"):
                places += [p for p in re.split(r",|;|\band\b", _text(locale)) if p.strip()]
    for path in sorted((corpus / "frus" / "volumes").glob("*.xml")):
        root = _xml(path)
        if root is not None:
            persons, _terms = _front_lists(root)
            people += [entry["name"] for entry in persons]
    entries: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in KINDS}
    for kind, phrase in _person_names(people):
        entries[kind].add(phrase)
    for kind, names in (("place", places), ("org", orgs)):
        for name in names:
            phrase = words(re.sub(r"\([^)]*\)", " ", name))
            if phrase and len(phrase) <= MAX_WORDS and not phrase[0].isdigit():
                entries[kind].add(phrase)
    return Gazetteer(entries)


def main() -> int:
    parser = argparse.ArgumentParser(description="Build the cable tagger's name lists.")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    args = parser.parse_args()
    gazetteer = build(args.corpus)
    args.out.write_text("".join(f"{line}\n" for line in gazetteer.lines()), encoding="utf-8")
    counts = ", ".join(f"{len(gazetteer.entries[k]):,} {k}" for k in KINDS)
    print(f"{args.out}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
