"""Reading archival citations into ``Citation`` parts, one small grammar per family.

``parse_citation`` keeps ``text`` as given (surrounding whitespace stripped) and
reads the parts from the citation proper (``citation_part``): a FRUS source
note's "Summary: ..." lead, a leading "Source:", and everything after the
citation's first sentence ("Secret; Priority. Drafted by ...") are ignored. Each
family grammar is a function ``str -> Citation | None``, tried in ``_GRAMMARS``
order; the first that matches wins, otherwise ``family`` is None.

Normalisation of parts: dashes become "-" in file numbers, folios and collection
names ("783A.00/1–1658" -> "783A.00/1-1658", "Job 79–01025A" -> "Job 79-01025A");
folios lose leading zeros and keep the verso ("ll. 0052-0053" -> "52-53",
"5 об.–7" -> "5ob-7"); everything else is kept as cited (repository acronyms, NAA
series and control symbols, folder paths).

Families (``FAMILIES``):

* ``russian-archive``: "RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053",
  "РГАСПИ. Ф. 558. Оп. 11. Д. 106. Л. 52–53", "AVPRF f. 059a, op. 1, p. 4, d. 5",
  "Archive of ... (AVP RF), Moscow, fond 0100, opis 46, delo 12, papka 362, listy 47-49"
  (p./папка/papka = ``folder``)
* ``chinese-archive``: "PRC FMA 109-00975-06", "Shanghai Municipal Archives (SMA) B1-2-3620"
* ``us-state-central-files``: "Department of State, Central Files, 783A.00/1–1658",
  "861.00/2–2246: Telegram" (``medium``), "National Archives, RG 59, Central Files
  1967–69, POL 27 VIET S", "State Archiving System, 2002 ATHENS 002867"
* ``us-lot-file``: "Department of State, S/P Files: Lot 64 D 563, Policy Planning",
  "..., Front Office Files, 1989-1990 (Lot File 93 D 287), Box 1, ..."
* ``us-state-files``: named office files without a lot number: "IO Files: US(P)/A/M(Chr)/12"
* ``us-presidential-library``: "Johnson Library, National Security File, Country File,
  Iran" (``collection`` the named file, ``folder`` the rest of the path), and the Nixon
  Presidential Materials at the National Archives
* ``us-nara``: other National Archives and Records Center citations ("RG 63, Entry 1, ...")
* ``us-cia``: "Central Intelligence Agency, Job 79–01025A, Box 151, Folder 8"
* ``us-manuscript``: Library of Congress manuscript collections
* ``us-agency-files``: National Security Council and Department of Defense files
* ``published``: "Public Papers of the Presidents ...", "Department of State Bulletin, ..."
* ``naa``: "[AA:A4231/2, 1947 BATAVIA]", "A981, EA DEPT 152" (AA = Australian Archives,
  the NAA's former name; FA, PM&C and DEFENCE are the holders DFAT names)
* ``australian-defence``: "[DEFENCE: SPECIAL COLLECTION II, BUNDLE 5, ...]" (no NAA series)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from opis.model import Citation

FAMILIES = (
    "russian-archive",
    "chinese-archive",
    "us-state-central-files",
    "us-lot-file",
    "us-state-files",
    "us-presidential-library",
    "us-nara",
    "us-cia",
    "us-manuscript",
    "us-agency-files",
    "published",
    "naa",
    "australian-defence",
)

# --- normalising ------------------------------------------------------------------

_DASH = re.compile(r"\s*[‐-―−]\s*")
_LEADING_ZEROS = re.compile(r"(?<![\d.])0+(?=\d)")
_VERSO = re.compile(r"\s*(?:ob|об)\b\.?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _hyphenate(text: str) -> str:
    """En/em dashes and minus signs to a plain hyphen, without spaces around it."""
    return _DASH.sub("-", text)


def _folios(text: str) -> str:
    """Leaves as a plain range: "0052–0053" to "52-53", "5 об.–7" to "5ob-7"."""
    text = _VERSO.sub("ob", _hyphenate(text.strip(" .,;")))
    text = _LEADING_ZEROS.sub("", text)
    return re.sub(r"\s*,\s*", ", ", text)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACES.sub(" ", text).strip(" ,.;:")
    return text or None


# --- the citation proper inside a source note ----------------------------------------

_SOURCE_LABEL = re.compile(r"(?:^|\s)Source:\s*")
# A full stop ends the citation unless the word before it is an abbreviation or an
# initial ("Vol. II", "J.F. Dulles", "f. 558", "ca. 1914").
_ABBREVIATIONS = frozenset(
    (
        *("vol", "vols", "no", "nos", "p", "pp", "ca", "c", "cf", "ed", "eds", "fol", "ff"),
        *("jr", "sr", "mr", "mrs", "dr", "st", "gen", "col", "corres", "secy", "con't"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("op", "ll", "ф", "оп", "д", "л", "лл", "п", "г"),
    )
)
_SENTENCE_END = re.compile(r"([\w’'()]+)\.+\s+(?=[A-ZА-ЯЁ“\"(\[])")
# The classification marking that follows every FRUS citation; it ends the
# citation even after a comma ("747C.00/12–2355, Secret; Niact") or an initial.
_CLASSIFICATION_WORDS = (
    r"(?:Top Secret|Secret|Confidential|Unclassified|Limited Official Use|Official Use Only"
    r"|No classification marking|Eyes Only|Restricted)\b"
)
_CLASSIFICATION = re.compile(_CLASSIFICATION_WORDS)
_CLASSIFICATION_AFTER_COMMA = re.compile(
    rf",\s+(?={_CLASSIFICATION_WORDS})|\s+(?=(?:Top Secret|Secret|Confidential)(?:[;.]|$))"
)


# "РГАСПИ. Ф. 558. Оп. 11": Russian citations separate their units with full stops.
_RUSSIAN_UNIT_AHEAD = re.compile(
    r"(?:Ф|Оп|Д|Лл?|Пап|П|F|Op|D|Ll?|P)\.\s*(?:[A-ZА-Я]-?)?\d", re.IGNORECASE
)


def _is_abbreviation(word: str) -> bool:
    """True for "Vol", "J.F" or "S" before a full stop; a number ("Box 4.") is not one."""
    if word.lower() in _ABBREVIATIONS or "." in word:
        return True
    return len(word) == 1 and word.isalpha()


def citation_part(text: str) -> str:
    """The citation inside a FRUS-style source note, without lead or trailing remarks.

    A bracketed reference ("[AA:A3196, 1942-43, FOLDER, ... CABLES. FILE COPIES]") is
    a citation whole.
    """
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return text
    label = _SOURCE_LABEL.search(text)
    if label is not None:
        text = text[label.end() :]
    end = len(text)
    for match in _SENTENCE_END.finditer(text):
        word = match.group(1)
        ahead = match.end()
        if not _CLASSIFICATION.match(text, ahead) and (
            _is_abbreviation(word) or _RUSSIAN_UNIT_AHEAD.match(text, ahead)
        ):
            continue
        # "POL IRAN-U.S. Secret": the full stop of a dotted abbreviation stays.
        dotted = match.start() > 0 and text[match.start() - 1] == "."
        end = match.start() + len(word) + (1 if dotted else 0)
        break
    comma = _CLASSIFICATION_AFTER_COMMA.search(text, 0, end)
    if comma is not None:
        end = comma.start()
    return text[:end].strip(" ;,") if end < len(text) else text.strip(" .;,")


# --- medium: "861.00/2–2246: Telegram" ------------------------------------------------

_MEDIUM = re.compile(
    r":\s*(?P<medium>(?:(?:circular|personal|secret|unnumbered|joint|press)\s+)?"
    r"(?:telegram|airgram|memorandum|letter|despatch|dispatch|note|message|instruction"
    r"|cable|aide-m[ée]moire|minutes|report)s?(?:\s[\w ]{0,30})?)$",
    re.IGNORECASE,
)


def _split_medium(text: str) -> tuple[str, str | None]:
    match = _MEDIUM.search(text)
    if match is None:
        return text, None
    return text[: match.start()], match["medium"]


# --- Russian archives -----------------------------------------------------------------

# Unit words of a Russian archival reference, Latin and Cyrillic, with the Citation
# field each one fills. Wilson Center pages spell them out ("fond 3, opis 65,
# delo 827, listy 1-5") and do not always keep the order ("delo 12, papka 362").
_RUSSIAN_UNITS: tuple[tuple[str, str], ...] = (
    ("fond", "f|ф|fond|фонд"),
    ("opis", "op|оп|opis|опись"),
    ("folder", "p|п|papka|папка|пап|k|к|karton|картон"),
    ("delo", "d|д|delo|дело"),
    ("folios", "ll|l|лл|л|listy|list|листы|лист"),
)
_RUSSIAN_NUMBER = r"[\dA-Za-zА-Яа-я/-]*\d[\dA-Za-zА-Яа-я/-]*"  # "558", "059a", "Р-5446"
_RUSSIAN_LEAF = r"\d+(?:\s?(?:ob|об)\.?)?"  # "5", "5ob", "5 об." (verso)
_RUSSIAN_LEAVES = rf"{_RUSSIAN_LEAF}(?:\s*(?:[-–—,]|\sand\s)\s*{_RUSSIAN_LEAF})*"
_RUSSIAN_FOND = re.compile(
    rf"(?:^|(?<=[\s,.(]))(?:{_RUSSIAN_UNITS[0][1]})\.?\s*(?P<value>{_RUSSIAN_NUMBER})",
    re.IGNORECASE,
)
_RUSSIAN_NEXT_UNIT = re.compile(
    r"[.,;]?\s*\b(?:"
    + "|".join(f"(?P<{field}>{words})" for field, words in _RUSSIAN_UNITS[1:])
    + rf")\.?\s*(?P<value>{_RUSSIAN_LEAVES}(?![\w/-])|{_RUSSIAN_NUMBER})",
    re.IGNORECASE,
)
_PARENTHESISED_ACRONYM = re.compile(r"\(([A-ZА-ЯЁ][\w ]{1,12})\)")
_PLACE_AFTER_REPOSITORY = re.compile(r",\s*(?:Moscow|Москва)$")


def _russian_repository(text: str) -> str | None:  # None: "f. 558, op. 11" alone
    """The archive as cited ("RGASPI"), or the acronym in "Archive of ... (AVP RF)"."""
    repository = _PLACE_AFTER_REPOSITORY.sub("", text.strip(" .,"))
    acronym = _PARENTHESISED_ACRONYM.search(repository)
    if acronym is not None:
        return acronym.group(1)
    return repository if 0 < len(repository) <= 80 else None


def _russian_archive(text: str) -> Citation | None:
    fond = _RUSSIAN_FOND.search(text)
    if fond is None:
        return None
    repository = _russian_repository(text[: fond.start()])
    parts: dict[str, str] = {"fond": fond["value"]}
    position = fond.end()
    while (unit := _RUSSIAN_NEXT_UNIT.match(text, position)) is not None:
        field = next(name for name, _ in _RUSSIAN_UNITS[1:] if unit[name])
        parts.setdefault(field, unit["value"])
        position = unit.end()
    if not ("opis" in parts or "delo" in parts):
        return None
    folios = parts.get("folios")
    return Citation(
        text=text,
        family="russian-archive",
        repository=repository,
        fond=parts["fond"],
        opis=parts.get("opis"),
        folder=parts.get("folder"),
        delo=parts.get("delo"),
        folios=_folios(folios) if folios else None,
    )


# --- Chinese archives ------------------------------------------------------------------

_CHINESE = re.compile(
    r"(?P<repository>PRC FMA|(?:[\w' ]+ )?Archives? of the Ministry of Foreign Affairs of the"
    r" (?:PRC|People's Republic of China)(?: \(PRC FMA\))?"
    r"|(?:[A-Z][\w']* )+(?:Provincial|Municipal|Autonomous Region|City|County) Archives?"
    r"(?: \([A-Z]{2,5}\))?)"
    r"[,.]?\s*(?:(?:File|Record|No)\.?\s*)?(?P<file>[A-Z]?\d[\w-]*\d)?",
)


def _chinese_archive(text: str) -> Citation | None:
    match = _CHINESE.match(text)
    if match is None:
        return None
    return Citation(
        text=text,
        family="chinese-archive",
        repository=match["repository"],
        file=match["file"],
    )


# --- US State Department central files ----------------------------------------------------

# Decimal file numbers: "783A.00/1–1658", "501.BB Korea/7–1849", "320/9–2055",
# "740.00119 Control (Japan)/8–1749", "103.9302/12a".
# 123 is the personnel file class: "123 Jessup, Philip C./8–2349".
_DECIMAL_FILE = (
    r"\d{3}[A-Z]?\.\s?[\w–-]+(?:[ –-][\w()\[\] .–-]+?)?(?:/[\w.–-]*)*"
    r"|\d{3}[A-Z]?(?:[ –-][\w()\[\] .–-]+?)?/[\w.–-]+"
    r"|123 [A-Z][\w.,' ]+(?:/[\w–-]+)?"
)
_BARE_DECIMAL = re.compile(r"(?P<file>" + _DECIMAL_FILE + r")(?:;.*)?$")
_CENTRAL_FILES = re.compile(
    r"(?:(?P<repository>Department of State|National Archives),?\s+)?"
    r"(?P<collection>(?:RG 59,\s*)?Central (?:Decimal |Foreign Policy )?(?:Files?|piles)"
    r"(?:,?\s*\d{4}[–-]\d{2,4})?|State Archiving System)"
    r"(?:,\s*(?:Box (?P<box>[\w–-]+),\s*)?(?P<file>.+))?$"
)


def _central_files_holder(collection: str) -> str:
    """Record Group 59 is the State Department's records at the National Archives."""
    return "National Archives" if collection.startswith("RG ") else "Department of State"


def _us_central_files(text: str) -> Citation | None:
    body, medium = _split_medium(text)
    match = _CENTRAL_FILES.match(body)
    if match is not None:
        return Citation(
            text=text,
            family="us-state-central-files",
            repository=match["repository"] or _central_files_holder(match["collection"]),
            collection=_hyphenate(match["collection"].replace("piles", "Files")),
            box=match["box"],
            file=_hyphenate(match["file"]) if match["file"] else None,
            medium=medium,
        )
    bare = _BARE_DECIMAL.match(body)
    if bare is not None:
        return Citation(
            text=text,
            family="us-state-central-files",
            repository="Department of State",
            collection="Central Files",
            file=_hyphenate(bare["file"]),
            medium=medium,
        )
    return None


# --- US lot files and named office files ---------------------------------------------------

_AGENCY = r"(?P<repository>Department of State|Department of Defense|National Archives)"
_LOT_FILE = re.compile(
    r"(?:" + _AGENCY + r",?\s+)?(?:RG (?P<rg>\d+),\s*)?(?:(?P<collection>[^:]+?):\s*)?"
    r"Lot (?P<lot>\d+\s?[A-Z]\s?\d+)(?:[,:]\s*(?P<rest>.+))?$"
)


# Later style: "Department of State, Bureau of ..., X Files, 1957-1990 (Lot File 96 D 292),
# Box 1, Folder title"; NARA cites the same lots as "(83 D 230)".
_PARENTHESISED_LOT = re.compile(
    r"(?P<repository>Department of State|National Archives and Records Administration"
    r"|National Archives),\s*(?P<collection>.+?)\s*\((?:Lot File |Lot )?"
    r"(?P<lot>\d+\s?[A-Z]\s?\d+)\)(?:,\s*(?P<rest>.+))?$"
)


def _us_parenthesised_lot(text: str) -> Citation | None:
    match = _PARENTHESISED_LOT.match(text)
    if match is None:
        return None
    box, folder_number, path = _path_parts(match["rest"])
    return Citation(
        text=text,
        family="us-lot-file",
        repository=match["repository"],
        collection=_clean(match["collection"]),
        lot=_SPACES.sub(" ", match["lot"]),
        box=box,
        folder=folder_number or path,
    )


def _us_lot_file(text: str) -> Citation | None:
    body, medium = _split_medium(text)
    match = _LOT_FILE.match(body)
    if match is None:
        return _us_parenthesised_lot(body)
    collection = match["collection"] or ""
    if match["rg"]:
        collection = f"RG {match['rg']}, {collection}"
    rest = match["rest"] or ""
    box = _BOX.search(rest)
    return Citation(
        text=text,
        family="us-lot-file",
        repository=match["repository"] or "Department of State",
        collection=_hyphenate(collection) or None,
        lot=_SPACES.sub(" ", match["lot"]),
        box=box["box"] if box else None,
        file=_clean(_BOX.sub("", rest)),
        medium=medium,
    )


_OFFICE_FAMILIES = {
    "Department of State": "us-state-files",
    "Department of Defense": "us-agency-files",
    "Central Intelligence Agency": "us-cia",
}
_OFFICE_FILES = re.compile(
    r"(?:(?P<repository>" + "|".join(_OFFICE_FAMILIES) + r")(?:,\s*|\s+(?=[\w–/ ]*Files)))?"
    r"(?P<collection>[\w’'–/() -]*?\b(?:[Ff]iles|Flies|File|Meeting"
    r"|Memoranda of (?:a )?Conversation|Correspondence))(?::\s*(?P<file>.+))?$"
)


def _us_office_files(text: str) -> Citation | None:
    body, medium = _split_medium(text)
    match = _OFFICE_FILES.match(body)
    if match is None:
        return None
    collection = match["collection"].strip().replace("Flies", "Files").replace("files", "Files")
    repository = match["repository"] or next(
        (name for name in _OFFICE_FAMILIES if collection.startswith(name)), "Department of State"
    )
    if collection in ("Files", "File"):  # "Department of Defense Files"
        collection = f"{repository} {collection}"
    return Citation(
        text=text,
        family=_OFFICE_FAMILIES[repository],
        repository=repository,
        collection=_hyphenate(collection),
        file=_clean(match["file"]),
        medium=medium,
    )


# --- repositories with collection / box / folder paths --------------------------------------

_BOX = re.compile(r",?\s*\bBox (?P<box>(?:[A-Z]{1,3} )?[\w–-]+)", re.IGNORECASE)
_FOLDER = re.compile(r",?\s*\bFolder (?P<folder>[\w–-]+)")
_PRESIDENTIAL_LIBRARY = re.compile(
    r"(?P<repository>(?:The )?(?:[A-Z][\w.]* ){0,3}?"
    r"(?:Truman|Eisenhower|Kennedy|Johnson|Nixon|Ford|Carter|Reagan|Bush|Roosevelt|Hoover"
    r"|Clinton)(?: Presidential)? Library"
    r"|National Archives, Nixon Presidential Materials(?: Project)?)"
    r"(?:,\s*(?P<collection>[^,]+))?(?:,\s*(?P<rest>.+))?$"
)


def _path_parts(rest: str | None) -> tuple[str | None, str | None, str | None]:
    """(box, folder number, remaining path) from "Country File, Iran, Box 4, Folder 2"."""
    if not rest:
        return None, None, None
    box = _BOX.search(rest)
    folder = _FOLDER.search(rest)
    remaining = _FOLDER.sub("", _BOX.sub("", rest))
    return (
        box["box"] if box else None,
        folder["folder"] if folder else None,
        _clean(remaining),
    )


def _us_presidential_library(text: str) -> Citation | None:
    match = _PRESIDENTIAL_LIBRARY.match(text)
    if match is None:
        return None
    box, folder_number, path = _path_parts(match["rest"])
    return Citation(
        text=text,
        family="us-presidential-library",
        repository=match["repository"],
        collection=_hyphenate(match["collection"]) if match["collection"] else None,
        box=box,
        folder=folder_number or path,
    )


# (repository as cited, family). The collection is what follows up to the box.
_REPOSITORY_FAMILIES: tuple[tuple[str, str], ...] = (
    ("Central Intelligence Agency", "us-cia"),
    ("National Archives and Records Administration", "us-nara"),
    ("National Archives Catalog", "us-nara"),
    ("National Archives", "us-nara"),
    ("Washington National Records Center", "us-nara"),
    ("Federal Records Center", "us-nara"),
    ("Library of Congress", "us-manuscript"),
    ("National Security Council", "us-agency-files"),
    ("Department of Defense", "us-agency-files"),
    ("Department of the Army", "us-agency-files"),
    ("Department of the Navy", "us-agency-files"),
    ("Naval Historical Center", "us-agency-files"),
    ("Joint Chiefs of Staff", "us-agency-files"),
)
_REPOSITORY = re.compile(
    r"(?P<repository>" + "|".join(re.escape(name) for name, _ in _REPOSITORY_FAMILIES) + r")"
    r"(?:[,:]\s*|\s+(?=Job\b))(?P<rest>.*)$"  # "Central Intelligence Agency Job 79-01025A"
)
_FAMILY_OF_REPOSITORY = dict(_REPOSITORY_FAMILIES)
# The collection runs to the first box, folder, job-level number or entry of a path.
_COLLECTION_END = re.compile(r",\s*(?=Box |Folder |Reel |\d)")


def _us_repository(text: str) -> Citation | None:
    body, medium = _split_medium(text)
    match = _REPOSITORY.match(body)
    if match is None:
        return None
    rest = match["rest"]
    cut = _COLLECTION_END.search(rest)
    collection, path = (rest[: cut.start()], rest[cut.end() :]) if cut else (rest, "")
    box, folder_number, remaining = _path_parts(path)
    return Citation(
        text=text,
        family=_FAMILY_OF_REPOSITORY[match["repository"]],
        repository=match["repository"],
        collection=_clean(_hyphenate(collection)),
        box=box,
        folder=folder_number or remaining,
        medium=medium,
    )


_PUBLISHED = re.compile(
    r"(?P<collection>Public Papers of the Presidents[^,]*|Department of State Bulletin"
    r"|Documents on [A-Z][^,]*|(?:From )?American Foreign Policy[^,]*|Foreign Relations[^,]*"
    r"|Foreign Affairs|Papers of [A-Z][^,]*?(?=\s?,)|[^,]*\bHearings? Before[^,]*)"
    r"(?:,\s*(?P<rest>.+))?$"
)


def _published(text: str) -> Citation | None:
    match = _PUBLISHED.match(text)
    if match is None:
        return None
    return Citation(
        text=text, family="published", collection=match["collection"], item=match["rest"]
    )


# --- National Archives of Australia ---------------------------------------------------------

_NAA_AGENCY = r"(?:(?P<agency>AA4?|FA|NAA|A|PM\s?&\s?C|DEFENCE)\s*:\s*)?"
# "A4231/2", "CP 290/6", "A1838 T184", "A1838 T189(sv)", "Al838" (OCR l for 1),
# "AA1968/391/1" (an accession number), "1838/283" (the A dropped).
_NAA_SERIES = (
    r"(?P<series>(?:[A-Z]{1,3}\.?\s?)?[\dlI]\s?[\dlI]{0,5}[A-Z]?(?:/[A-Z\d]+)*"
    r"(?:\s+T\s?[\dIl]+(?:\(\w+\))?|\s+TI\b)?)"
)
_NAA = re.compile(
    r"\[?\s*" + _NAA_AGENCY + _NAA_SERIES + r"(?:\s*[,;]\s*|\.\s+|\s+(?=[A-Z\d]))"
    r"(?P<control>[^\]]+?)?\s*\]?\.?$"
)
_NAA_SERIES_ONLY = re.compile(r"\[?\s*" + _NAA_AGENCY + _NAA_SERIES + r"\s*\]?$")
_SERIES_COMMA = re.compile(r"\d{4,5},")
_DEFENCE = re.compile(r"\[?\s*DEFENCE\s*:\s*(?P<collection>[^,\]]+)(?:,\s*(?P<rest>[^\]]+))?\]?$")


def _naa(text: str) -> Citation | None:
    match = _NAA.match(text) or _NAA_SERIES_ONLY.match(text)
    if match is None or not any(c.isdigit() for c in match["series"]):
        return None
    # A bare number is a series only with an agency prefix or a sub-series:
    # "[AA: 5954, 1628/5]", "1838/283, ..."; "123 Clough, Ralph" is a US file.
    bare_number = match["series"][0].isdigit()
    if bare_number and not (match["agency"] or "/" in match["series"] or _SERIES_COMMA.match(text)):
        return None
    groups = match.groupdict()
    return Citation(
        text=text,
        family="naa",
        repository="NAA",
        series=naa_series(match["series"]),
        control_symbol=_clean(groups.get("control")),
    )


_SERIES_SHAPE = re.compile(r"([A-Z]{1,3})\s*([0-9lIO](?:[0-9lIO]|\s(?=[0-9lIO]))*)(.*)", re.S)


def naa_series(series: str) -> str:
    """An NAA series number as the Archives write it: "A1838", "AA1971/216".

    Typed and scanned citations (the DFAT catalogue of volume 20 above all) write
    "Al838", "A 1838", "A I 838", "Ml867": a letter l or I for the digit 1, O for 0,
    spaces inside the number. The citation's text keeps what the source printed.
    """
    match = _SERIES_SHAPE.fullmatch(series.strip())
    if match is None:
        return series
    prefix, number, rest = match.groups()
    digits = number.replace(" ", "").translate(_DIGIT_LOOKALIKES)
    if not any(c in "0123456789" for c in number):
        return series  # no real digit: not a typed number ("AIO" stays)
    return f"{prefix}{digits}{rest}"


_DIGIT_LOOKALIKES = str.maketrans({"l": "1", "I": "1", "O": "0"})


def _australian_defence(text: str) -> Citation | None:
    match = _DEFENCE.match(text)
    if match is None:
        return None
    return Citation(
        text=text,
        family="australian-defence",
        repository="Department of Defence",
        collection=match["collection"].strip(),
        control_symbol=_clean(match["rest"]),
    )


# --- entry points ------------------------------------------------------------------------

_Grammar = Callable[[str], Citation | None]
# Named repositories first; the loosest shapes (office files, NAA series) last, so
# "RG 59, Central Files ..." is never read as an Australian series "RG 59".
_GRAMMARS: tuple[_Grammar, ...] = (
    _russian_archive,
    _chinese_archive,
    _us_lot_file,
    _us_central_files,
    _us_presidential_library,
    _us_repository,
    _published,
    _us_office_files,
    _naa,
    _australian_defence,
)


def parse_citation(text: str) -> Citation:
    """A Citation for ``text``: parts filled when a family grammar matches.

    ``text`` is kept whole (stripped); the grammars read ``citation_part(text)``.
    """
    text = text.strip()
    part = citation_part(text)
    for grammar in _GRAMMARS:
        citation = grammar(part)
        if citation is not None:
            return citation.model_copy(update={"text": text})
    return Citation(text=text)


def naa_citation(
    reference: str | None,
    series: str | None,
    control_symbol: str | None,
    barcode: str | int | None,
) -> Citation:
    """A National Archives of Australia citation from DFAT front-matter fields.

    The explicit fields (``naa_series``, ``naa_control_symbol``, ``naa_barcode``) win
    over what the reference string says; empty strings and barcode 0 count as
    missing. ``text`` is the reference, or "NAA: series, control symbol" without one.
    """
    parsed = parse_citation(reference) if reference and reference.strip() else None
    series = str(series).strip() if series else None
    control_symbol = str(control_symbol).strip() if control_symbol else None
    if parsed is not None and parsed.family == "naa":
        series = series or parsed.series
        control_symbol = control_symbol or parsed.control_symbol
    series = naa_series(series) if series else None
    barcode_text = str(barcode).strip() if barcode not in (None, "", 0, "0") else None
    text = parsed.text if parsed is not None else _compose_naa(series, control_symbol)
    return Citation(
        text=text,
        family="naa",
        repository="NAA",
        series=series,
        control_symbol=control_symbol,
        barcode=barcode_text or None,
    )


def _compose_naa(series: str | None, control_symbol: str | None) -> str:
    parts = ", ".join(part for part in (series, control_symbol) if part)
    return f"NAA: {parts}" if parts else "NAA"


__all__ = ["FAMILIES", "citation_part", "naa_citation", "parse_citation"]
