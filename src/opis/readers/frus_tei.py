"""FRUS TEI: volumes, the Kennan fragment, frus-history files and the bibliography.

Formats:

* ``frus-tei``: a FRUS volume (one ``Collection`` plus one ``Record`` per
  ``div[@type="document"]``), a lone document ``div`` cut out of a volume
  (its ``frus:`` prefix undeclared), a frus-history document file, or the
  frus-history monograph (one ``Record`` of type ``monograph``).
* ``frus-bibliography``: one ``<volume id=...>`` catalogue record -> one
  ``Collection``; the series' code tables are claimed and refused with
  ``NotADocument``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from opis.analysis.citations import parse_citation
from opis.analysis.dates import ParsedDate, edtf_bounds, from_iso, parse_date, record_date_fields
from opis.analysis.header import classify_type, parse_title
from opis.analysis.transmission import extract_transmission
from opis.model import (
    Citation,
    Collection,
    Contributor,
    Footnote,
    Mention,
    Page,
    Person,
    Place,
    Record,
    Reference,
    Source,
)
from opis.readers.base import Item, NotADocument, Reader, ReadError, part_source
from opis.readers.tei_common import (
    XML_ID,
    Element,
    TextBuilder,
    inline_text,
    local_name,
    parse_xml,
    tei,
)

RIGHTS = "Public domain (U.S. Government work)"
FRUS_HISTORY_COLLECTION = "frus-history"
MONOGRAPH_ID = "frus-history-monograph"
HSG_DOCUMENTS = "https://history.state.gov/historicaldocuments"

# The fragment's volume is not stated in the file; SOURCES.md names it.
_FRAGMENT_VOLUMES = {"kennan": "frus1946v06"}
_FRUS_NS_DECL = b'xmlns:frus="http://history.state.gov/frus/ns/1.0"'

# FRUS code tables (frus/code-tables/): lookup lists for the bibliography fields.
_FRUS_CODE_TABLES = frozenset(
    {
        "abbreviation-code",
        "administration-code",
        "editor-role-codes",
        "grouping-code",
        "media-type-code",
        "publication-status-codes",
        "volume-location-code",
    }
)

# ---------------------------------------------------------------------------
# detection


_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)


def _first_tag(head: bytes) -> bytes:
    """The head from its first element's '<' on (XML declaration, PIs, comments skipped)."""
    match = _PROLOG.match(head)
    return head[match.end() if match else 0 :]


def detect_frus_tei(filename: str, head: bytes) -> bool:
    start = _first_tag(head)
    if start.startswith(b"<TEI"):
        return (
            b'<idno type="frus">' in head
            or b"frus-history/documents/" in head
            or b'xml:id="frus-history"' in start[:300]
        )
    if start.startswith(b"<div"):
        open_tag = start[: start.find(b">") + 1]
        return b'type="document"' in open_tag and b"frus:" in head
    return False


def detect_frus_bibliography(filename: str, head: bytes) -> bool:
    start = _first_tag(head)
    if start.startswith(b"<volume") and b" id=" in start[:200]:
        return b"<title" in head
    if start.startswith(b"<code-table"):
        name = re.search(rb"<name>\s*([^<]+?)\s*</name>", head)
        return name is not None and name.group(1).decode("utf-8", "replace") in _FRUS_CODE_TABLES
    return False


# ---------------------------------------------------------------------------
# reading: dispatch


def read_frus_tei(raw: bytes, source: Source) -> Iterator[Item]:
    start = _first_tag(raw[:4096])
    if start.startswith(b"<div"):
        yield from _read_fragment(raw, source)
        return
    root = parse_xml(raw)
    if local_name(root) != "TEI":
        raise ReadError(f"not a FRUS TEI file (root <{local_name(root)}>)", "line 1, column 1")
    try:
        if _volume_id_from_header(root):
            yield from _read_volume(root, source)
        elif root.get(XML_ID) == "frus-history":
            yield from _read_monograph(root, source)
        else:
            yield from _read_history_documents(root, source)
    except (ReadError, NotADocument):
        raise
    except Exception as exc:  # analysis code bugs must not escape as other types
        raise ReadError(f"cannot read FRUS TEI: {type(exc).__name__}: {exc}") from exc


def read_frus_bibliography(raw: bytes, source: Source) -> Iterator[Item]:
    root = parse_xml(raw)
    try:
        yield _bibliography_collection(root, source)
    except (ReadError, NotADocument):
        raise
    except Exception as exc:
        raise ReadError(f"cannot read FRUS bibliography: {type(exc).__name__}: {exc}") from exc


def _bibliography_collection(root: Element, source: Source) -> Collection:
    name = local_name(root)
    if name == "code-table":
        raise NotADocument("FRUS code table")
    volume_id = root.get("id")
    if name != "volume" or not volume_id:
        raise ReadError(f"not a FRUS bibliography record (root <{name}>)", "line 1, column 1")
    metadata = _bibliography_fields(root)
    titles: dict[str, str] = metadata.get("titles", {})
    # Kept in metadata too: a later volume write may not carry a description.
    summary = metadata.get("summary")
    return Collection(
        id=volume_id,
        title=titles.get("complete") or next(iter(titles.values()), volume_id),
        kind="frus-volume",
        description=summary if isinstance(summary, str) else None,
        rights=RIGHTS,
        metadata={"bibliography": metadata},
        source=source,
    )


# ---------------------------------------------------------------------------
# volumes


def _read_volume(root: Element, source: Source) -> Iterator[Item]:
    volume_id = _volume_id_from_header(root) or _file_stem(source)
    collection = _volume_collection(root, volume_id, source)
    text = root.find(tei("text"))
    documents = list(_documents_with_start_pages(text)) if text is not None else []
    collection.metadata["document_count"] = len(documents)
    yield collection
    chapter_titles: dict[Element, str | None] = {}
    for div, start_pb in documents:
        chapter = _chapter_title(div, chapter_titles)
        yield _document_record(
            div,
            source,
            record_id=f"{volume_id}-{div.get(XML_ID)}",
            volume_id=volume_id,
            start_pb=start_pb,
            chapter=chapter,
        )


def _documents_with_start_pages(text: Element) -> Iterator[tuple[Element, Element | None]]:
    """Each document div with the last page break before it (the page it starts on)."""
    last_pb: Element | None = None
    pb_tag, div_tag = tei("pb"), tei("div")
    for element in text.iter(pb_tag, div_tag):
        if element.tag == pb_tag:
            last_pb = element
        elif element.get("type") == "document":
            yield element, last_pb


def _chapter_title(div: Element, cache: dict[Element, str | None]) -> str | None:
    parent = div.getparent()
    if parent is None or local_name(parent) != "div":
        return None
    if parent not in cache:
        head = parent.find(tei("head"))
        cache[parent] = inline_text(head) if head is not None else None
    return cache[parent]


def _volume_id_from_header(root: Element) -> str | None:
    header = root.find(tei("teiHeader"))
    if header is None:
        return None
    for idno in header.iter(tei("idno")):
        if idno.get("type") == "frus" and idno.text and idno.text.strip():
            return str(idno.text.strip())
    return None


def _volume_collection(root: Element, volume_id: str, source: Source) -> Collection:
    header = root.find(tei("teiHeader"))
    titles: dict[str, str] = {}
    editors: list[dict[str, str]] = []
    idnos: dict[str, str] = {}
    publication: dict[str, str] = {}
    if header is not None:
        title_stmt = header.find(f"{tei('fileDesc')}/{tei('titleStmt')}")
        if title_stmt is not None:
            for title in title_stmt.iter(tei("title")):
                titles.setdefault(title.get("type") or "main", inline_text(title))
            for editor in title_stmt.iter(tei("editor")):
                editors.append({"name": inline_text(editor), "role": editor.get("role") or ""})
        publication_stmt = header.find(f"{tei('fileDesc')}/{tei('publicationStmt')}")
        if publication_stmt is not None:
            for child in publication_stmt:
                name, value = local_name(child), inline_text(child)
                if name == "idno":
                    if value:
                        idnos[child.get("type") or "idno"] = value
                elif name in ("publisher", "pubPlace", "date") and value:
                    publication[name] = value
    persons, terms = _front_lists(root)
    metadata: dict[str, Any] = {
        "titles": titles,
        "editors": editors,
        "idno": idnos,
        "publication": publication,
        "persons": persons,
        "terms": terms,
    }
    return Collection(
        id=volume_id,
        title=titles.get("complete") or titles.get("main") or volume_id,
        kind="frus-volume",
        rights=RIGHTS,
        metadata=metadata,
        source=source,
    )


def _front_lists(root: Element) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The volume's persons (``p_…``) and terms (``t_…``) lists, for later linking."""
    persons: list[dict[str, str]] = []
    terms: list[dict[str, str]] = []
    front = root.find(f"{tei('text')}/{tei('front')}")
    if front is None:
        return persons, terms
    for div in front.iter(tei("div")):
        section = div.get(XML_ID)
        if section == "persons":
            persons.extend(_list_entries(div, "persName"))
        elif section == "terms":
            terms.extend(_list_entries(div, "term"))
    return persons, terms


def _list_entries(div: Element, entry_tag: str) -> Iterator[dict[str, str]]:
    for item in div.iter(tei("item")):
        for entry in item.iter(tei(entry_tag)):
            key = entry.get(XML_ID)
            if not key:
                continue
            name = inline_text(entry)
            whole = inline_text(item)
            description = whole[len(name) :] if whole.startswith(name) else whole
            yield {"key": key, "name": name, "description": description.lstrip(" ,:;—–-")}
            break


# ---------------------------------------------------------------------------
# the Kennan-style fragment: a lone document div


def _read_fragment(raw: bytes, source: Source) -> Iterator[Item]:
    # Declare the prefixes the cut-out div uses, and put it in the TEI namespace
    # like the volume it came from, so one code path reads both. The wrapper
    # sits on line 1 with the div, so error line numbers stay true.
    match = _PROLOG.match(raw)
    body = raw[match.end() :] if match else raw
    wrapper = b'<wrapper xmlns="http://www.tei-c.org/ns/1.0" ' + _FRUS_NS_DECL + b">"
    root = parse_xml(wrapper + body + b"</wrapper>")
    divs = [div for div in root.iter(tei("div")) if div.get("type") == "document"]
    if not divs:
        raise ReadError("no document div in FRUS fragment", "line 1, column 1")
    stem = _file_stem(source)
    volume_id = _FRAGMENT_VOLUMES.get(stem, f"frus-fragment-{stem}")
    try:
        for div in divs:
            yield _document_record(
                div,
                source,
                record_id=f"{volume_id}-{div.get(XML_ID)}",
                volume_id=volume_id,
                start_pb=None,
                chapter=None,
            )
    except (ReadError, NotADocument):
        raise
    except Exception as exc:
        raise ReadError(f"cannot read FRUS fragment: {type(exc).__name__}: {exc}") from exc


# ---------------------------------------------------------------------------
# frus-history documents and monograph


def _frus_history_collection(source: Source) -> Collection:
    return Collection(
        id=FRUS_HISTORY_COLLECTION,
        title="History of the Foreign Relations series (Office of the Historian)",
        kind="frus-history",
        rights=RIGHTS,
        source=source,
    )


def _read_history_documents(root: Element, source: Source) -> Iterator[Item]:
    text = root.find(tei("text"))
    divs = (
        [d for d in text.iter(tei("div")) if d.get("type") == "document"]
        if text is not None
        else []
    )
    if not divs:
        raise ReadError("TEI file without FRUS documents (div type=document)", "line 1, column 1")
    header = _history_header(root)
    stem = _file_stem(source)
    yield _frus_history_collection(source)
    for index, div in enumerate(divs, start=1):
        record_id = f"frus-history-{stem}"
        if len(divs) > 1:
            record_id += f"-{div.get(XML_ID) or index}"
        record = _document_record(
            div,
            source,
            record_id=record_id,
            volume_id=None,
            start_pb=None,
            chapter=None,
            part=f"document-{index}",
        )
        yield _with_history_context(record, header, single=len(divs) == 1)


@dataclass
class _HistoryHeader:
    title: str | None = None
    short_title: str | None = None
    created: str | None = None
    posted: str | None = None
    scan_url: str | None = None
    source_line: str | None = None
    cited_in: str | None = None
    cited_in_refs: list[Reference] = field(default_factory=list)


def _history_header(root: Element) -> _HistoryHeader:
    info = _HistoryHeader()
    header = root.find(tei("teiHeader"))
    if header is not None:
        for title in header.iter(tei("title")):
            if title.get("type") == "complete":
                info.title = inline_text(title)
            elif title.get("type") == "short":
                info.short_title = inline_text(title)
        for date in header.iter(tei("date")):
            if date.get("type") == "created":
                info.created = date.get("when")
            elif date.get("type") == "posted":
                info.posted = date.get("when")
        source_desc = header.find(f"{tei('fileDesc')}/{tei('sourceDesc')}")
        if source_desc is not None:
            for ref in source_desc.iter(tei("ref")):
                info.scan_url = ref.get("target")
                break
    body = root.find(f"{tei('text')}/{tei('body')}")
    if body is not None:
        # The file-level lines before the document divs: archival source, "Cited in".
        for p in body.findall(tei("p")):
            line = inline_text(p)
            if line.startswith("Source:"):
                info.source_line = line.removeprefix("Source:").strip()
            elif line.startswith("Cited in"):
                info.cited_in = line
                info.cited_in_refs = [
                    Reference(text=inline_text(ref), kind="frus-ref", target=ref.get("target"))
                    for ref in p.iter(tei("ref"))
                ]
    return info


def _with_history_context(record: Record, header: _HistoryHeader, single: bool) -> Record:
    updates: dict[str, Any] = {"collection": FRUS_HISTORY_COLLECTION}
    extra = dict(record.extra)
    for key, value in (
        ("file_title", header.title),
        ("file_short_title", header.short_title),
        ("scan_url", header.scan_url),
        ("posted", header.posted),
        ("cited_in", header.cited_in),
        ("source_line", header.source_line),
    ):
        if value:
            extra[key] = value
    updates["extra"] = extra
    if header.source_line and record.citation is None:
        updates["citation"] = parse_citation(header.source_line)
    if header.source_line and record.classification is None:
        updates["classification"] = _classification_in_sentences(header.source_line)
    if header.cited_in_refs:
        updates["references"] = [*record.references, *header.cited_in_refs]
    if not record.title and header.title:
        updates["title"] = header.title
    # A one-document file's stated creation date is that document's date.
    if record.date is None and single and header.created:
        parsed = _safe_from_iso(header.created)
        if parsed is not None:
            updates.update(record_date_fields(parsed))
    return record.model_copy(update=updates)


def _read_monograph(root: Element, source: Source) -> Iterator[Item]:
    """The book-length history as one record: front matter and chapters.

    Back matter (appendices, bibliography, index) is left out of the body; its
    section titles are listed in ``extra["back_sections"]``.
    """
    header = _history_header(root)
    ctx = _Context(volume_id=None, sections=[])
    text = root.find(tei("text"))
    back_sections: list[str] = []
    if text is not None:
        for part_name in ("front", "body"):
            part = text.find(tei(part_name))
            if part is None:
                continue
            for child in part:
                if local_name(child) == "div":
                    _visit(child, ctx)
        back = text.find(tei("back"))
        if back is not None:
            back_sections = [
                inline_text(head)
                for div in back.findall(tei("div"))
                if (head := div.find(tei("head"))) is not None
            ]
    body = ctx.builder.text()
    editors = (
        [inline_text(e) for e in root.find(tei("teiHeader")).iter(tei("editor"))]
        if root.find(tei("teiHeader")) is not None
        else []
    )
    publication_date = _header_publication_date(root)
    parsed = _safe_from_iso(publication_date) if publication_date else None
    yield _frus_history_collection(source)
    yield Record(
        id=MONOGRAPH_ID,
        title=header.title or MONOGRAPH_ID,
        type="monograph",
        **record_date_fields(parsed),
        languages=["en"],
        body=body,
        contributors=[Contributor(name=name, role="editor") for name in editors],
        rights=RIGHTS,
        collection=FRUS_HISTORY_COLLECTION,
        footnotes=_clamp_footnotes(ctx.footnotes, len(body)),
        mentions=_settle_mentions(ctx.mentions, body),
        references=ctx.references,
        extra={
            "sections": ctx.sections,
            "back_sections": back_sections,
            **({"short_title": header.short_title} if header.short_title else {}),
        },
        source=part_source(source, root.get(XML_ID) or "frus-history"),
    )


def _header_publication_date(root: Element) -> str | None:
    header = root.find(tei("teiHeader"))
    if header is None:
        return None
    date = header.find(f"{tei('fileDesc')}/{tei('publicationStmt')}/{tei('date')}")
    if date is None:
        return None
    return date.get("when") or (date.text or "").strip() or None


# ---------------------------------------------------------------------------
# one document div -> one Record


@dataclass
class _Context:
    """What a walk over mixed content collects besides the text."""

    volume_id: str | None
    builder: TextBuilder = field(default_factory=TextBuilder)
    footnotes: list[Footnote] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    skip: set[Element] = field(default_factory=set)
    in_note: bool = False
    sections: list[dict[str, Any]] | None = None


@dataclass
class _Frame:
    """The parts of a document div that are metadata, not running text."""

    head: Element | None = None
    dateline: Element | None = None
    segs: list[Element] = field(default_factory=list)
    source_notes: list[Element] = field(default_factory=list)
    catalogue: list[Element] = field(default_factory=list)
    """FRUS microfiche-supplement elements: file, pdf, page-count, problem."""


_CATALOGUE_ELEMENTS = frozenset({"file", "pdf", "page-count-according-to-citation", "problem"})


def _frame(div: Element) -> _Frame:
    frame = _Frame()
    for child in div:
        name = local_name(child)
        if name == "head" and frame.head is None:
            frame.head = child
            frame.source_notes.extend(n for n in child.iter(tei("note")) if _is_source_note(n))
        elif name == "note" and _is_source_note(child):
            frame.source_notes.append(child)
        elif name == "dateline" and frame.dateline is None:
            frame.dateline = child
        elif name == "opener":
            for part in child:
                part_name = local_name(part)
                if part_name == "dateline" and frame.dateline is None:
                    frame.dateline = part
                elif part_name == "seg" and part.get("type") == "source":
                    frame.source_notes.append(part)  # frus1948v01p1: source line as a seg
                elif part_name == "seg":
                    frame.segs.append(part)
        elif name in _CATALOGUE_ELEMENTS and not child.tag.startswith("{http://www.tei-c"):
            frame.catalogue.append(child)
    return frame


def _is_source_note(note: Element) -> bool:
    # frus1961-63v06 leaves out @type: its source notes are "Source: ..." footnotes.
    return note.get("type") == "source" or inline_text(note).startswith("Source:")


def _document_record(
    div: Element,
    source: Source,
    *,
    record_id: str,
    volume_id: str | None,
    start_pb: Element | None,
    chapter: str | None,
    part: str = "document",
) -> Record:
    xml_id = div.get(XML_ID)
    frame = _frame(div)
    ctx = _Context(volume_id=volume_id)
    ctx.skip.update(frame.source_notes)
    ctx.skip.update(frame.segs)
    ctx.skip.update(frame.catalogue)
    if frame.head is not None:
        ctx.skip.add(frame.head)
    if frame.dateline is not None:
        ctx.skip.add(frame.dateline)

    head_ctx = _Context(volume_id=volume_id, in_note=True)
    title = ""
    senders: list[Person] = []
    recipients: list[Person] = []
    if frame.head is not None:
        title = inline_text(frame.head)
        senders, recipients = _correspondents(frame.head)
        _walk_notes_and_links(frame.head, head_ctx, frame.source_notes)
        if title and not frame.catalogue:
            senders, recipients = _title_correspondents(title, frame.head, senders, recipients)

    _walk(div, ctx)
    body = ctx.builder.text()

    source_note = _source_note(frame.source_notes, head_ctx)
    citation = parse_citation(source_note.citation_text) if source_note.citation_text else None
    metadata_only = bool(frame.catalogue) and not body
    if metadata_only and citation is None:
        citation = _catalogue_citation(title)

    dateline_text = _dateline_text(frame.dateline) if frame.dateline is not None else ""
    parsed_date = _document_date(div, frame.dateline)
    places = _dateline_places(frame.dateline)
    year = _year(parsed_date)
    transmission = extract_transmission(dateline_text, year=year)[0] if dateline_text else []

    segs = [inline_text(seg) for seg in frame.segs]
    classification = _classification_from_segs(segs) or _classification_in_sentences(
        source_note.citation_text or (title if metadata_only else "")
    )

    pages = _pages(_settle_pages(ctx.pages, body), start_pb, div)
    extra: dict[str, Any] = {}
    if chapter:
        extra["chapter"] = chapter
    if segs:
        extra["opener"] = segs
    if source_note.text:
        extra["source_note"] = source_note.text
    if dateline_text:
        extra["dateline"] = dateline_text
    if div.get("subtype"):
        extra["subtype"] = div.get("subtype")
    extra.update(_catalogue_extra(frame.catalogue))

    mentions = _settle_mentions(head_ctx.mentions + ctx.mentions, body)
    mentions.extend(_place_mentions(frame.dateline))
    return Record(
        id=record_id,
        title=title,
        type=_document_type(citation, title, source_note.citation_text),
        number=div.get("n"),
        **record_date_fields(parsed_date),
        sender=senders,
        to=recipients,
        signers=_signers(div),
        places=places,
        classification=classification,
        languages=["en"],
        body=body,
        summary=source_note.summary,
        transmission=transmission,
        citation=citation,
        rights=RIGHTS,
        collection=volume_id,
        source_record_id=xml_id,
        source_url=_document_url(volume_id, xml_id),
        footnotes=head_ctx.footnotes + _clamp_footnotes(ctx.footnotes, len(body)),
        pages=pages,
        mentions=mentions,
        references=head_ctx.references + ctx.references,
        metadata_only=metadata_only,
        extra=extra,
        source=part_source(source, xml_id or part),
    )


# --- head: correspondents, notes and links


def _descendants_outside_notes(element: Element) -> Iterator[Element]:
    for child in element:
        if not isinstance(child.tag, str) or local_name(child) == "note":
            continue
        yield child
        yield from _descendants_outside_notes(child)


def _correspondents(head: Element) -> tuple[list[Person], list[Person]]:
    senders: list[Person] = []
    recipients: list[Person] = []
    for element in _descendants_outside_notes(head):
        role = element.get("type")
        if role not in ("from", "to") or local_name(element) not in ("persName", "gloss"):
            continue
        name = inline_text(element)
        if not name:
            continue
        person = Person(name=name, key=_key(element.get("corresp")))
        (senders if role == "from" else recipients).append(person)
    return senders, recipients


def _title_correspondents(
    title: str, head: Element, senders: list[Person], recipients: list[Person]
) -> tuple[list[Person], list[Person]]:
    """Correspondents with the offices the title states for them.

    "The Chargé in the Soviet Union (Kennan) to ..." gives Kennan the role
    "Chargé in the Soviet Union". Where the head marks no from/to at all (as in
    frus1969-76ve09p1), the title's people are taken only if the head marks them
    as persNames: title parsing alone misreads heads such as "Report by the
    National Security Council on ... With Respect to ...".
    """
    parts = parse_title(title)
    if senders or recipients:
        return _add_roles(senders, parts.senders), _add_roles(recipients, parts.recipients)
    marked = {
        inline_text(element): _key(element.get("corresp"))
        for element in _descendants_outside_notes(head)
        if local_name(element) == "persName"
    }
    return _marked_only(parts.senders, marked), _marked_only(parts.recipients, marked)


def _add_roles(marked: list[Person], from_title: list[Person]) -> list[Person]:
    roles = {person.name: person.role for person in from_title if person.role}
    return [
        person.model_copy(update={"role": roles[person.name]})
        if person.role is None and person.name in roles
        else person
        for person in marked
    ]


def _marked_only(people: list[Person], marked: dict[str, str | None]) -> list[Person]:
    """Title people the head marks as persNames; "Secretary of State Rogers" -> Rogers."""
    found: list[Person] = []
    for person in people:
        for name, key in marked.items():
            if person.name == name:
                found.append(person.model_copy(update={"key": key}))
                break
            if person.name.endswith(" " + name) and person.role is None:
                office = person.name[: -len(name)].strip()
                found.append(Person(name=name, role=office, key=key))
                break
    return found


def _walk_notes_and_links(head: Element, ctx: _Context, source_notes: list[Element]) -> None:
    """Head footnotes (no body position), mentions and references in the title."""
    for element in _descendants_outside_notes(head):
        name = local_name(element)
        if name in ("persName", "gloss", "placeName"):
            mention = _mention(element)
            if mention is not None:
                ctx.mentions.append(mention)
        elif name == "ref":
            ctx.references.append(_reference(element, ctx.volume_id))
    for note in head.iter(tei("note")):
        if note in source_notes or (note.getparent() is not head and _inside_note(note, head)):
            continue
        _footnote(note, ctx, position=None)


def _inside_note(note: Element, stop: Element) -> bool:
    parent = note.getparent()
    while parent is not None and parent is not stop:
        if local_name(parent) == "note":
            return True
        parent = parent.getparent()
    return False


@dataclass
class _SourceNote:
    text: str = ""
    citation_text: str = ""
    summary: str | None = None


def _source_note(notes: list[Element], ctx: _Context) -> _SourceNote:
    """The archival source line; FRUS 1969+ notes also hold a "Summary:" paragraph."""
    result = _SourceNote()
    texts: list[str] = []
    for note in notes:
        paragraphs = note.findall(tei("p"))
        blocks = [inline_text(p) for p in paragraphs] if paragraphs else [inline_text(note)]
        for block in blocks:
            if block.startswith("Summary:"):
                result.summary = block.removeprefix("Summary:").strip()
            else:
                texts.append(block)
        # Footnotes and links inside the source line still count for the record.
        for inner in note.iter(tei("note")):
            if inner is not note:
                _footnote(inner, ctx, position=None)
        for element in note.iter(tei("persName"), tei("gloss"), tei("ref")):
            if local_name(element) == "ref":
                ctx.references.append(_reference(element, ctx.volume_id))
            else:
                mention = _mention(element)
                if mention is not None:
                    ctx.mentions.append(mention)
    result.text = "\n\n".join(texts)
    citation_text = texts[0] if texts else ""
    result.citation_text = citation_text.removeprefix("Source:").strip()
    return result


_PAGES_STATED = re.compile(r"\b\d+\s+pp?\.\s*")


def _catalogue_citation(entry: str) -> Citation | None:
    """Microfiche entries end "... Top Secret. 2 pp. Department of State, ..."."""
    match = _PAGES_STATED.search(entry)
    rest = entry[match.end() :].strip() if match else ""
    return parse_citation(rest) if rest else None


def _catalogue_extra(elements: list[Element]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    files: list[dict[str, str]] = []
    for element in elements:
        name = local_name(element)
        if name == "file":
            files.append({key: str(value) for key, value in element.attrib.items()})
        elif name == "pdf":
            extra["pdf"] = {key: str(value) for key, value in element.attrib.items()}
        elif name == "page-count-according-to-citation" and inline_text(element):
            extra["page_count_according_to_citation"] = inline_text(element)
        elif name == "problem":
            extra.setdefault("problems", []).append(inline_text(element))
    if files:
        extra["files"] = files
    return extra


# --- type, classification, date


def _document_type(citation: Citation | None, title: str, source_text: str) -> str | None:
    # Older source notes end with the medium: "861.00/2–2246: Telegram".
    medium_tail = source_text.rsplit(":", 1)[-1] if ":" in source_text else None
    for text in (citation.medium if citation else None, medium_tail, title, source_text):
        if text:
            found = classify_type(text)
            if found:
                return found
    return None


_CLASSIFICATION = re.compile(
    r"\b(top secret|secret|confidential|restricted|unclassified|limited official use"
    r"|official use only)\b"
)
# In a source note the marking is its own sentence: "... IRAN. Confidential. Repeated ..."
_CLASSIFICATION_SENTENCE = re.compile(
    r"(?:^|[.;]\s+)(Top Secret|Secret|Confidential|Restricted|Unclassified"
    r"|Limited Official Use|Official Use Only)\s*(?:[.;,]|$)"
)


def _classification_from_segs(segs: list[str]) -> str | None:
    for seg in segs:
        match = _CLASSIFICATION.search(seg.lower())
        if match:
            return match.group(1)
    return None


def _classification_in_sentences(text: str) -> str | None:
    match = _CLASSIFICATION_SENTENCE.search(text) if text else None
    return match.group(1).lower() if match else None


def _frus_attribute(div: Element, name: str) -> str | None:
    for key, value in div.attrib.items():
        if key.endswith("}" + name) or key == name:
            return str(value)
    return None


def _document_date(div: Element, dateline: Element | None) -> ParsedDate | None:
    """@when, then @from/@to, then frus:doc-dateTime-min/max, then the dateline text."""
    date_element = dateline.find(f".//{tei('date')}") if dateline is not None else None
    if date_element is not None:
        when = date_element.get("when")
        if when:
            parsed = _safe_from_iso(when)
            if parsed:
                return parsed
        low = date_element.get("from") or date_element.get("notBefore")
        high = date_element.get("to") or date_element.get("notAfter")
        if low and high:
            parsed = _interval(low, high)
            if parsed:
                return parsed
    low = _frus_attribute(div, "doc-dateTime-min")
    high = _frus_attribute(div, "doc-dateTime-max")
    if low and high:
        parsed = _interval(low, high)
        if parsed:
            return parsed
    if dateline is None:
        return None
    text = inline_text(date_element) if date_element is not None else inline_text(dateline)
    return parse_date(text) if text else None


def _interval(low: str, high: str) -> ParsedDate | None:
    if low == high:
        return _safe_from_iso(low)
    edtf = f"{low}/{high}"
    try:
        start, end, precision = edtf_bounds(edtf)
    except ValueError:
        return None
    return ParsedDate(edtf=edtf, precision=precision, start=start, end=end)


def _year(parsed: ParsedDate | None) -> int | None:
    """The document's year, which "[Received February 22—3:52 p.m.]" leaves out."""
    if parsed is None or not parsed.start:
        return None
    digits = str(parsed.start)[:4]
    return int(digits) if digits.isdigit() else None


def _safe_from_iso(value: str) -> ParsedDate | None:
    try:
        return from_iso(value)
    except ValueError:
        return None


# --- dateline


def _dateline_text(dateline: Element) -> str:
    """Dateline text with its line breaks (they separate "[Received …]")."""
    builder = TextBuilder()
    _add_plain(dateline, builder)
    return builder.text()


def _add_plain(element: Element, builder: TextBuilder) -> None:
    if element.text:
        builder.add(element.text)
    for child in element:
        name = local_name(child)
        if name == "lb":
            builder.line_break()
        elif name and name != "note":
            _add_plain(child, builder)
        if child.tail:
            builder.add(child.tail)


def _dateline_places(dateline: Element | None) -> list[Place]:
    if dateline is None:
        return []
    return [
        Place(name=name, role="dateline")
        for place in dateline.iter(tei("placeName"))
        if (name := inline_text(place))
    ]


def _place_mentions(dateline: Element | None) -> list[Mention]:
    if dateline is None:
        return []
    return [
        Mention(text=name, type="place")
        for place in dateline.iter(tei("placeName"))
        if (name := inline_text(place))
    ]


def _signers(div: Element) -> list[Person]:
    signers: list[Person] = []
    for closer in div.iter(tei("closer")):
        for signed in closer.iter(tei("signed")):
            names = [(inline_text(p), _key(p.get("corresp"))) for p in signed.iter(tei("persName"))]
            if not names:
                names = [(inline_text(signed), None)]
            signers.extend(Person(name=name, key=key) for name, key in names if name)
    return signers


# --- pages, mentions, footnotes


def _pages(own: list[Page], start_pb: Element | None, div: Element) -> list[Page]:
    """Page breaks in the document, preceded by the page it starts on when that is known."""
    pages: list[Page] = []
    first_child = next((c for c in div if isinstance(c.tag, str)), None)
    starts_with_break = first_child is not None and local_name(first_child) == "pb"
    if start_pb is not None and not starts_with_break:
        pages.append(Page(number=1, label=start_pb.get("n"), offset=0, facs=start_pb.get("facs")))
    for page in own:
        pages.append(page.model_copy(update={"number": len(pages) + 1}))
    return pages


def _settle_mentions(mentions: list[Mention], body: str) -> list[Mention]:
    """Move positions past the white space the builder may have recorded before a mention."""
    settled: list[Mention] = []
    limit = len(body)
    for mention in mentions:
        position = mention.position
        if position is not None:
            position = min(position, limit)
            while position < limit and body[position] in " \n\t":
                position += 1
            mention = mention.model_copy(update={"position": position})
        settled.append(mention)
    return settled


def _settle_pages(pages: list[Page], body: str) -> list[Page]:
    """A page starts at its first character, not at the line break before it."""
    limit = len(body)
    settled = []
    for page in pages:
        offset = min(page.offset, limit)
        while offset < limit and body[offset] in " \n\t":
            offset += 1
        settled.append(page.model_copy(update={"offset": offset}))
    return settled


def _clamp_footnotes(footnotes: list[Footnote], limit: int) -> list[Footnote]:
    return [
        note
        if note.position is None or note.position <= limit
        else note.model_copy(update={"position": limit})
        for note in footnotes
    ]


def _key(pointer: str | None) -> str | None:
    if not pointer:
        return None
    return pointer.strip().lstrip("#") or None


def _mention(element: Element) -> Mention | None:
    name = local_name(element)
    text = inline_text(element)
    if not text:
        return None
    if name == "persName":
        return Mention(text=text, type="person", key=_key(element.get("corresp")))
    if name == "placeName":
        return Mention(text=text, type="place", key=_key(element.get("corresp")))
    if name == "gloss" and element.get("target"):
        return Mention(text=text, type="term", key=_key(element.get("target")))
    return None


def _reference(element: Element, volume_id: str | None) -> Reference:
    target = element.get("target")
    record_id = None
    # Same-volume document links resolve deterministically.
    if volume_id and target and re.fullmatch(r"#d\d+", target):
        record_id = f"{volume_id}-{target[1:]}"
    return Reference(text=inline_text(element), kind="frus-ref", target=target, record_id=record_id)


def _footnote(note: Element, ctx: _Context, position: int | None) -> None:
    note_ctx = _Context(volume_id=ctx.volume_id, in_note=True, footnotes=ctx.footnotes)
    _walk(note, note_ctx)
    key = note.get(XML_ID) or note.get("n") or f"note{len(ctx.footnotes) + 1}"
    ctx.footnotes.append(Footnote(key=key, text=note_ctx.builder.text(), position=position))
    ctx.references.extend(note_ctx.references)
    ctx.mentions.extend(m.model_copy(update={"position": None}) for m in note_ctx.mentions)


# ---------------------------------------------------------------------------
# the mixed-content walk

# Elements that stand as their own paragraph, and those that start a line.
_PARAGRAPHS = frozenset(
    {"p", "quote", "closer", "postscript", "attachment", "ab", "figure", "table", "div", "opener"}
)
_LINES = frozenset({"signed", "salute", "dateline", "seg", "row", "trailer", "byline", "docDate"})
_SILENT = frozenset({"graphic", "anchor", "figDesc"}) | _CATALOGUE_ELEMENTS


def _walk(element: Element, ctx: _Context) -> None:
    builder = ctx.builder
    if element.text:
        builder.add(element.text)
    previous = ""
    for child in element:
        name = local_name(child)
        if name and child not in ctx.skip:
            _visit(child, ctx, previous)
        if name:
            previous = name
        if child.tail:
            builder.add(child.tail)


def _visit(element: Element, ctx: _Context, previous: str = "") -> None:
    name = local_name(element)
    builder = ctx.builder
    if name == "note":
        if element.get("type") != "source":
            _footnote(element, ctx, None if ctx.in_note else builder.position)
        return
    if name == "pb":
        if not ctx.in_note:
            ctx.pages.append(
                Page(
                    number=len(ctx.pages) + 1,
                    label=element.get("n"),
                    offset=builder.position,
                    facs=element.get("facs"),
                )
            )
        return
    if name == "lb":
        builder.line_break()
        return
    if name in _SILENT:
        return
    if name in ("persName", "gloss", "placeName"):
        mention = _mention(element)
        if mention is not None:
            ctx.mentions.append(
                mention.model_copy(update={"position": None if ctx.in_note else builder.position})
            )
    elif name == "ref":
        ctx.references.append(_reference(element, ctx.volume_id))
    if name in _PARAGRAPHS:
        if name == "div" and ctx.sections is not None:
            _note_section(element, ctx)
        builder.line_break(2)
        _walk(element, ctx)
        builder.line_break(2)
    elif name == "list":
        in_paragraph = element.getparent() is not None and local_name(element.getparent()) in (
            "p",
            "item",
        )
        builder.line_break(1 if in_paragraph else 2)
        _walk(element, ctx)
        builder.line_break(1 if in_paragraph else 2)
    elif name == "head":
        builder.line_break(2)
        _walk(element, ctx)
        builder.line_break(1)
    elif name == "label":
        builder.line_break(1)
        _walk(element, ctx)
        builder.add(" ")
    elif name == "item":
        if previous != "label":
            builder.line_break(1)
        _walk(element, ctx)
    elif name == "cell":
        if previous == "cell":
            builder.tab()
        _walk(element, ctx)
    elif name in _LINES:
        builder.line_break(1)
        _walk(element, ctx)
        builder.line_break(1)
    else:
        _walk(element, ctx)


def _note_section(div: Element, ctx: _Context) -> None:
    head = div.find(tei("head"))
    if ctx.sections is not None:
        ctx.sections.append(
            {
                "id": div.get(XML_ID),
                "type": div.get("type"),
                "title": inline_text(head) if head is not None else None,
                "offset": ctx.builder.position,
            }
        )


# ---------------------------------------------------------------------------
# bibliography records


def _bibliography_fields(root: Element) -> dict[str, Any]:
    """The catalogue record's fields as plain data; empty elements left out."""
    fields: dict[str, Any] = {}
    titles: dict[str, str] = {}
    editors: list[dict[str, str]] = []
    for child in root:
        name = local_name(child)
        if not name:
            continue
        if name == "title":
            titles.setdefault(child.get("type") or "main", inline_text(child))
        elif name == "editor":
            if inline_text(child):
                editors.append({"name": inline_text(child), "role": child.get("role") or ""})
        elif name == "summary":
            paragraphs = [inline_text(p) for p in child if local_name(p) == "p"]
            text = "\n\n".join(p for p in paragraphs if p) or inline_text(child)
            if text:
                fields["summary"] = text
        elif name == "length":
            spans = [
                {**{k: str(v) for k, v in span.attrib.items()}, "value": inline_text(span)}
                for span in child
                if local_name(span) == "span" and inline_text(span)
            ]
            if spans:
                fields["length"] = spans
        else:
            value = _bibliography_value(child)
            if value is None:
                continue
            if name in fields:
                existing = fields[name]
                earlier = existing if isinstance(existing, list) else [existing]
                fields[name] = [*earlier, value]
            else:
                fields[name] = value
    fields["titles"] = titles
    fields["editors"] = editors
    return fields


def _bibliography_value(element: Element) -> Any:
    text = inline_text(element)
    attributes = {local: str(v) for k, v in element.attrib.items() if (local := k.split("}")[-1])}
    if attributes:
        return {**attributes, "value": text} if text else attributes
    return text or None


# ---------------------------------------------------------------------------


def _document_url(volume_id: str | None, xml_id: str | None) -> str | None:
    """history.state.gov publishes every FRUS document at <volume>/<document id>."""
    if not volume_id or not xml_id or not volume_id.startswith("frus1"):
        return None
    return f"{HSG_DOCUMENTS}/{volume_id}/{xml_id}"


def _file_stem(source: Source) -> str:
    return PurePath(source.filename.replace("\\", "/")).stem


READERS: list[Reader] = [
    Reader(
        format="frus-tei",
        description="FRUS TEI: volumes (one record per document), fragments, frus-history",
        detect=detect_frus_tei,
        read=read_frus_tei,
        media_type="application/tei+xml",
    ),
    Reader(
        format="frus-bibliography",
        description="FRUS volume catalogue records (one collection each); code tables skipped",
        detect=detect_frus_bibliography,
        read=read_frus_bibliography,
        media_type="application/xml",
    ),
]
