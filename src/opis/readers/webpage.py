"""Wilson Center Digital Archive document pages: copied from the browser or saved as HTML.

A page reads, top to bottom:

    Skip to content                      <- navigation residue
    September 12, 1947                   <- the document's date
    Incoming Cable No. 16, Malik to ...  <- title
    From Moscow / sent at ... / Received ... / Incoming No. 16/sh   <- transmission
    [Handwritten: ...]                   <- marginalia
    To Comrade STALIN ... Awaiting your instructions.               <- the document
    Deciphered on ... Printed in 2 copies. Nezlobin.                <- transmission
    Stalin agrees to Malik's proposal ...                          <- summary
    Document Information
    RGASPI, f. 558, ... Contributed by X and translated by Y.      <- citation, credits
    The History and Public Policy Program welcomes reuse ...        <- rights
    Original Uploaded Date / Record ID# (labels, maybe empty)

The HTML reader turns a saved page into this same text layout (chrome dropped) and
hands it to the one function that reads the layout, ``page_record``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree, html
from pydantic import ValidationError

from opis.analysis.annotations import extract_annotations
from opis.analysis.citations import parse_citation
from opis.analysis.dates import ParsedDate, parse_date, record_date_fields
from opis.analysis.header import parse_title
from opis.analysis.language import guess_language
from opis.analysis.transmission import extract_transmission
from opis.model import Citation, Contributor, Place, Record, Source, TransmissionEvent
from opis.readers.base import Item, Reader, ReadError
from opis.readers.text import clean_space, decode, slugify

ID_PREFIX = "wilson-"

# --- the text layout ---------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_CHROME_LINES = frozenset(
    {
        "skip to content",
        "skip to main content",
        "skip to main navigation",
        "menu",
        "main menu",
        "main navigation",
        "toggle navigation",
        "search",
        "home",
        "close",
        "open menu",
        "digital archive",
        "wilson center digital archive",
    }
)
_INFO_HEADING = "document information"
_SUMMARY_LABELS = frozenset({"summary", "description", "document summary"})
# Labelled fields of the "Document Information" section. A label may stand alone on its
# line (value on the next lines, or none) or carry its value after ":" / "#".
_INFO_LABELS = {
    "source": "source",
    "original archive": "original_archive",
    "rights": "rights",
    "original uploaded date": "uploaded_date",
    "uploaded date": "uploaded_date",
    "record id": "record_id",
    "record id#": "record_id",
    "original language": "original_language",
    "language": "original_language",
    "type": "document_type",
    "length": "length",
    "subjects discussed": "subjects",
    "theme": "themes",
    "contained in": "contained_in",
    "donors": "donors",
    "funders": "funders",
    "more info": "more_info",
    "related documents": "related_documents",
}
_INFO_LABEL_RE = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(label) for label in sorted(_INFO_LABELS, key=len, reverse=True))
    + r")(?:\s*[:#]\s*(?P<value>.*)|\s*)$",
    re.IGNORECASE,
)
_LIST_LABELS = frozenset({"subjects", "themes", "related_documents", "donors", "funders"})
_RECORD_ID_RE = re.compile(r"#?\s*[\w-]{1,40}")
_RIGHTS_RE = re.compile(
    r"\b(?:reuse|copyright|rights?\s+(?:holders?|status|reserved)|permission|licen[cs]e)\b",
    re.IGNORECASE,
)
# "Contributed by Sergey Radchenko and translated by Angela Greenfield."
_CREDIT_VERBS = {
    "contributed": "contributor",
    "obtained": "contributor",
    "donated": "contributor",
    "provided": "contributor",
    "translated": "translator",
    "edited": "editor",
    "compiled": "compiler",
    "transcribed": "transcriber",
}
_VERB = "|".join(_CREDIT_VERBS)
_CREDIT_RE = re.compile(
    rf"\b(?P<verbs>(?:{_VERB})(?:\s*(?:,|and)\s*(?:{_VERB}))*)\s+by\s+"
    rf"(?P<names>.+?)(?=\s*(?:,\s*|\s+)and\s+(?:{_VERB})\b|\s*[.;](?:\s|$)|\s*$)",
    re.IGNORECASE,
)
_NAME_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_RECORD_URL_RE = re.compile(
    r"https?://digitalarchive\.wilsoncenter\.org/document/(?P<id>\d+)[^\s]*"
)
_MAX_HEADER_PARAGRAPHS = 4


@dataclass
class _Info:
    """What the "Document Information" section states."""

    citation: Citation | None = None
    contributors: list[Contributor] = field(default_factory=list)
    rights: str | None = None
    record_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs, lines stripped and white space runs collapsed."""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [clean_space(line) for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return paragraphs


def _date_only(paragraph: str) -> ParsedDate | None:
    """The date a paragraph consists of ("September 12, 1947"), or None."""
    if len(paragraph) > 40:
        return None
    parsed = parse_date(paragraph)
    if parsed is None or len(parsed.text) < len(paragraph.strip(" .,")) - 2:
        return None
    return parsed


def _is_chrome(paragraph: str) -> bool:
    return paragraph.strip().lower() in _CHROME_LINES


def _split_page(text: str) -> tuple[str, str]:
    """(main part, "Document Information" part) of the page text."""
    match = re.search(r"(?im)^[ \t]*document information[ \t]*$", text)
    if not match:
        return text, ""
    return text[: match.start()], text[match.end() :]


@dataclass
class _Header:
    title: str
    date: ParsedDate | None
    end: int
    """Offset in the main text where the document proper starts."""


def _read_header(main: str) -> _Header:
    """Title and date among the first paragraphs, navigation residue skipped.

    The title is the first line that is not just a date; the date is the date-only
    line right before it (the Digital Archive's layout) or right after it.
    """
    lines: list[tuple[str, int]] = []
    for match in re.finditer(r"[^\n]+", main):
        line = match.group(0).strip()
        if line and not _is_chrome(line):
            lines.append((line, match.end()))
            if len(lines) >= _MAX_HEADER_PARAGRAPHS:
                break
    dates = [_date_only(line) for line, _ in lines]
    title_at = next((index for index, date in enumerate(dates) if date is None), None)
    if title_at is None:
        raise ReadError("no title found on the page", "line 1")
    end = lines[title_at][1]
    date: ParsedDate | None = None
    if title_at > 0:
        date = dates[title_at - 1]
    elif title_at + 1 < len(lines) and dates[title_at + 1] is not None:
        date = dates[title_at + 1]
        end = lines[title_at + 1][1]
    return _Header(title=clean_space(lines[title_at][0]), date=date, end=end)


def _take_summary(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """The page's summary: after a "Summary" label, else the last paragraph before
    "Document Information" (where the Digital Archive page puts it)."""
    for index, paragraph in enumerate(paragraphs[:-1]):
        if paragraph.lower().rstrip(":") in _SUMMARY_LABELS:
            rest = paragraphs[:index] + paragraphs[index + 2 :]
            return rest, paragraphs[index + 1]
    if len(paragraphs) >= 2:
        return paragraphs[:-1], paragraphs[-1]
    return paragraphs, None


def _remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        pieces.append(text[cursor:start])
        pieces.append("\n\n")
        cursor = max(cursor, end)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _credits(sentence_text: str) -> tuple[str, list[Contributor]]:
    """(the citation before the credits, the people credited)."""
    contributors: list[Contributor] = []
    first = None
    for match in _CREDIT_RE.finditer(sentence_text):
        first = match.start() if first is None else first
        roles = [
            _CREDIT_VERBS[verb.lower()]
            for verb in re.findall(_VERB, match.group("verbs"), re.IGNORECASE)
        ]
        for name in _NAME_LIST_SPLIT.split(match.group("names").strip(" .")):
            if not name:
                continue
            for role in dict.fromkeys(roles):
                contributors.append(Contributor(name=name, role=role))
    citation = sentence_text if first is None else sentence_text[:first]
    return citation.strip(), contributors


def _read_info(text: str) -> _Info:
    info = _Info()
    unlabelled: list[str] = []
    labelled: dict[str, list[str]] = {}
    current: str | None = None
    for paragraph in _paragraphs(text):
        label = _INFO_LABEL_RE.match(paragraph)
        if label:
            current = _INFO_LABELS[label.group("label").lower()]
            labelled.setdefault(current, [])
            if label.group("value"):
                labelled[current].append(label.group("value").strip())
            continue
        if current is None:
            unlabelled.append(paragraph)
        else:
            labelled[current].append(paragraph)
    source_paragraphs = labelled.pop("source", [])
    rights_paragraphs = labelled.pop("rights", [])
    for paragraph in unlabelled:
        if _RIGHTS_RE.search(paragraph):
            rights_paragraphs.append(paragraph)
        else:
            source_paragraphs.append(paragraph)
    if source_paragraphs:
        citation_text, info.contributors = _credits(" ".join(source_paragraphs))
        info.citation = parse_citation(citation_text) if citation_text else None
    info.rights = "\n\n".join(rights_paragraphs) or None
    record_ids = labelled.pop("record_id", [])
    if record_ids and _RECORD_ID_RE.fullmatch(record_ids[0]):
        info.record_id = record_ids[0].lstrip("#").strip()
    for key, values in labelled.items():
        if values:
            # Multi-paragraph lists stay whole; a one-value label keeps its first
            # paragraph (whatever follows the last label is page footer).
            info.extra[key] = "\n\n".join(values) if key in _LIST_LABELS else values[0]
    uploaded = info.extra.get("uploaded_date")
    if uploaded:
        parsed = parse_date(uploaded)
        info.extra["uploaded_date"] = parsed.edtf if parsed else uploaded
    return info


def _places(events: list[TransmissionEvent]) -> list[Place]:
    places: list[Place] = []
    for event in events:
        if event.place:
            place = Place(name=event.place, role=event.event)
            if place not in places:
                places.append(place)
    return places


def page_record(text: str, source: Source) -> Record:
    """The record a Digital Archive page (in its text layout) describes."""
    main, info_text = _split_page(text)
    header = _read_header(main)
    document = main[header.end :]
    events, spans = extract_transmission(
        document, year=int(header.date.start[:4]) if header.date else None
    )
    paragraphs, summary = _take_summary(_paragraphs(_remove_spans(document, spans)))
    body, annotations = extract_annotations("\n\n".join(paragraphs))
    info = _read_info(info_text)
    title_parts = parse_title(header.title)
    url = _RECORD_URL_RE.search(text)
    record_id = info.record_id or (url.group("id") if url else None)
    extra: dict[str, str] = dict(info.extra)
    language = guess_language(body)
    return Record(
        id=_record_id(record_id, header.title, header.date),
        title=header.title,
        type=title_parts.type,
        number=title_parts.number,
        **record_date_fields(header.date),
        sender=title_parts.senders,
        to=title_parts.recipients,
        places=_places(events),
        languages=[language] if language else [],
        body=body,
        summary=summary,
        transmission=events,
        annotations=annotations,
        citation=info.citation,
        contributors=info.contributors,
        rights=info.rights,
        source_record_id=record_id,
        source_url=url.group(0) if url else None,
        extra=extra,
        source=source,
    )


def _record_id(record_id: str | None, title: str, date: ParsedDate | None) -> str:
    if record_id:
        return ID_PREFIX + slugify(record_id)
    if date:
        return f"{ID_PREFIX}{date.edtf[:10]}-{slugify(title)}"
    return ID_PREFIX + slugify(title)


# --- webpage-text --------------------------------------------------------------------

_HISTORYLAB_MARKS = re.compile(rb"@@@|\[\[[^\]\n]*\|\|")
_PAGE_MARKS = re.compile(
    rb"(?im)^\s*(?:skip to (?:main )?content|document information)\s*$"
    rb"|digitalarchive\.wilsoncenter\.org|wilson center digital archive"
)


def detect_text(filename: str, head: bytes) -> bool:
    """A .txt whose text has the Digital Archive page shape (not History Lab telegrams)."""
    if not filename.lower().endswith(".txt"):
        return False
    if _HISTORYLAB_MARKS.search(head):
        return False
    return _PAGE_MARKS.search(head) is not None


def read_text(raw: bytes, source: Source) -> Iterator[Item]:
    text, encoding = decode(raw, source.filename)
    yield _record_or_error(text, source.model_copy(update={"encoding": encoding}))


def _record_or_error(text: str, source: Source) -> Record:
    try:
        return page_record(text, source)
    except ValidationError as exc:
        raise ReadError(f"page fields do not make a valid record: {exc}", "page") from exc


# --- webpage-html --------------------------------------------------------------------

# Page furniture, never document content.
_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "form",
    "button",
    "svg",
    "iframe",
    "template",
    "head",
    "aside",
    "select",
    "input",
    "label",
    "dialog",
)
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search", "dialog", "menu")
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "tbody",
        "thead",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "time",
    }
)
_WILSON_HTML_MARKS = re.compile(
    rb"digitalarchive\.wilsoncenter\.org|wilson center digital archive", re.IGNORECASE
)
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)",
    re.IGNORECASE | re.DOTALL,
)


def detect_html(filename: str, head: bytes) -> bool:
    """A saved Digital Archive page: an .html file (or one without an extension that
    starts as HTML) naming the Wilson Center Digital Archive."""
    name = filename.lower().rsplit("/", 1)[-1]
    if name.endswith((".html", ".htm", ".xhtml")):
        pass
    elif "." in name or not _HTML_START.match(head):
        return False
    return _WILSON_HTML_MARKS.search(head) is not None


def _drop_chrome(root: html.HtmlElement) -> None:
    selectors = " | ".join(f"//{tag}" for tag in _CHROME_TAGS)
    roles = " or ".join(f"@role='{role}'" for role in _CHROME_ROLES)
    doomed = root.xpath(f"{selectors} | //*[{roles}] | //comment() | //processing-instruction()")
    for element in doomed:
        parent = element.getparent()
        if parent is None:
            continue
        # Keep the text that follows the element (its tail); drop the element.
        tail = element.tail or ""
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(element)


def _blocks(element: html.HtmlElement, out: list[str]) -> None:
    """Text in document order with a paragraph break around every block element."""
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag.lower() in _BLOCK_TAGS
    if block:
        out.append("\n\n")
    if tag == "h1":
        out.append("\x00H1")  # marks where the title starts (NUL never occurs in text)
    if element.text:
        out.append(element.text)
    for child in element:
        _blocks(child, out)
        if child.tail:
            out.append(child.tail)
    if block:
        out.append("\n\n")


def _html_root(markup: bytes | str) -> html.HtmlElement:
    try:
        root = html.fromstring(markup)
    except (etree.LxmlError, ValueError) as exc:
        raise ReadError(f"not parseable as HTML: {exc}", "byte 0") from exc
    _drop_chrome(root)
    return root


def _html_text(element: html.HtmlElement) -> str:
    pieces: list[str] = []
    _blocks(element, pieces)
    return "".join(pieces)


def html_paragraphs(markup: bytes | str) -> list[str]:
    """The paragraphs of an HTML page or fragment, scripts, styles and chrome dropped."""
    return _paragraphs(_html_text(_html_root(markup)).replace("\x00H1", ""))


def html_to_page_text(raw: bytes) -> str:
    """The page as the text layout: paragraphs separated by blank lines, chrome dropped,
    starting at the date/title (anything above the title except its date is chrome)."""
    root = _html_root(raw)
    main = root.xpath("//main | //*[@role='main']")
    text = _html_text(main[0] if main else root)
    before, marker, after = text.partition("\x00H1")
    if not marker:
        return "\n\n".join(_paragraphs(text))
    kept_before = _paragraphs(before)[-1:]
    if kept_before and _date_only(kept_before[0]) is None:
        kept_before = []
    return "\n\n".join(kept_before + _paragraphs(after))


def read_html(raw: bytes, source: Source) -> Iterator[Item]:
    text = html_to_page_text(raw)
    yield _record_or_error(text, source)


READERS: list[Reader] = [
    Reader(
        format="webpage-text",
        description="Wilson Center Digital Archive document page copied as text",
        detect=detect_text,
        read=read_text,
        media_type="text/plain",
    ),
    Reader(
        format="webpage-html",
        description="Wilson Center Digital Archive document page saved as HTML",
        detect=detect_html,
        read=read_html,
        media_type="text/html",
    ),
]
