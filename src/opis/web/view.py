"""What a document page shows, laid out: pure functions from a record to view data.

Templates only loop over what these return; nothing here touches the store.
"""

from __future__ import annotations

import bisect
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from markupsafe import Markup, escape

from opis.analysis.dates import MONTH_NAMES
from opis.export.citations import FORMATS, csl_name, edtf_to_csl_date, name_text
from opis.model import Annotation, Citation, Collection, Person, Record

PieceKind = Literal["text", "link", "footnote", "page"]


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str
    """The running text, a footnote's label, or a page label."""
    key: str = ""
    """The footnote key the marker links to."""
    href: str = ""
    """Where a ``link`` piece goes: an authority, a document, a placeholder."""
    title: str = ""
    css: str = ""
    """A link's class: ``name-person``, ``name-place``, ``name-org``, ``ref``, ``ref-gap``."""


@dataclass(frozen=True)
class TextLink:
    """A stretch of the body (``start``..``end``) shown as a link."""

    start: int
    end: int
    href: str
    title: str
    css: str


@dataclass
class Paragraph:
    pieces: list[Piece] = field(default_factory=list)
    notes: list[Annotation] = field(default_factory=list)
    """Marginalia that stood in this paragraph, shown beside it."""


@dataclass(frozen=True)
class _Mark:
    position: int
    kind: PieceKind
    text: str
    key: str = ""
    length: int = 0
    """Characters of the body the mark stands for (a DFAT "[1]" marker)."""


def footnote_label(key: str) -> str:
    """The number a reader sees: "2" for FRUS ``d18fn2``, the key itself otherwise."""
    match = re.search(r"(\d+)$", key)
    return match.group(1) if match else key


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def paragraphs(record: Record, links: Sequence[TextLink] = ()) -> list[Paragraph]:
    """The body split at blank lines, with footnote markers and page starts in place.

    A marginal note goes with the paragraph holding its ``position`` (or the next
    one when it stood between two paragraphs); page starts and footnote markers
    are placed at their offsets; ``links`` turn their stretch of text into a link
    (one that would cross a marker, a paragraph break or another link is left out).
    """
    body = record.body
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    spans = [(b, e) for b, e in spans if body[b:e].strip()] or [(0, len(body))]

    def home(position: int) -> int:
        for index, (_, end) in enumerate(spans):
            if position <= end:
                return index
        return len(spans) - 1

    marks: list[list[_Mark]] = [[] for _ in spans]
    for footnote in record.footnotes:
        at = footnote.position
        if at is not None:
            marker = f"[{footnote.key}]"
            length = len(marker) if body.startswith(marker, at) else 0
            label = footnote_label(footnote.key)
            marks[home(at)].append(_Mark(at, "footnote", label, footnote.key, length))
    for page in record.pages:
        if page.number > 1:
            marks[home(page.offset)].append(
                _Mark(page.offset, "page", page.label or str(page.number))
            )
    chosen = _non_overlapping(links, len(body))
    result = [
        Paragraph(pieces=_pieces(body, begin, end, sorted(m, key=_mark_order), chosen))
        for (begin, end), m in zip(spans, marks, strict=True)
    ]
    for annotation in sorted(record.annotations, key=lambda a: (a.position, a.order)):
        result[home(annotation.position)].notes.append(annotation)
    return [p for p in result if p.pieces or p.notes]


def _mark_order(mark: _Mark) -> tuple[int, bool]:
    return (mark.position, mark.kind != "page")


def _pieces(
    body: str, begin: int, end: int, marks: list[_Mark], links: list[TextLink]
) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = begin
    for mark in marks:
        at = min(max(mark.position, begin), end)
        if at > cursor:
            stop = cursor + len(body[cursor:at].rstrip(" ")) if mark.length else at
            pieces += _linked(body, cursor, stop, links)
            cursor = at
        pieces.append(Piece(mark.kind, mark.text, mark.key))
        cursor = max(cursor, min(at + mark.length, end))
    if end > cursor:
        pieces += _linked(body, cursor, end, links)
    return pieces


def _linked(body: str, begin: int, end: int, links: list[TextLink]) -> list[Piece]:
    """Text pieces of ``body[begin:end]``, with the links wholly inside it as links."""
    pieces: list[Piece] = []
    cursor = begin
    for link in links[bisect.bisect_left(links, begin, key=_start) :]:
        if link.start >= end:
            break
        if link.end > end:
            continue
        if link.start > cursor:
            pieces.append(Piece("text", body[cursor : link.start]))
        pieces.append(
            Piece(
                "link", body[link.start : link.end], href=link.href, title=link.title, css=link.css
            )
        )
        cursor = link.end
    if end > cursor:
        pieces.append(Piece("text", body[cursor:end]))
    return pieces


def _start(link: TextLink) -> int:
    return link.start


def _non_overlapping(links: Sequence[TextLink], length: int) -> list[TextLink]:
    """Links in text order, no two overlapping: at each place the longest wins
    (the reference "Shtykov's telegrams Nos. 663 and 669" over the name in it)."""
    ordered = sorted(
        (link for link in links if 0 <= link.start < link.end <= length),
        key=lambda link: (link.start, -(link.end - link.start)),
    )
    chosen: list[TextLink] = []
    for link in ordered:
        if chosen and link.start < chosen[-1].end:
            continue
        chosen.append(link)
    return chosen


def person_label(person: Person) -> str:
    return f"{person.name}, {person.role}" if person.role else person.name


def display_date(record: Record) -> str | None:
    """The record's date in words ("12 September 1947")."""
    return display_edtf(record.date) if record.date else None


def display_edtf(edtf: str) -> str:
    """An EDTF date in words, with the time of day when stated ("12 September 1947, 04:30")."""
    issued = edtf_to_csl_date(edtf)
    if issued is None:
        return edtf
    shown = []
    for parts in issued["date-parts"]:
        words = [str(parts[0])]
        if len(parts) > 1:
            words.insert(0, MONTH_NAMES[parts[1] - 1])
        if len(parts) > 2:
            words.insert(0, str(parts[2]))
        shown.append(" ".join(words))
    text = " – ".join(shown)
    time = re.search(r"T(\d{2}:\d{2})", edtf)
    if time and len(issued["date-parts"]) == 1:
        text += f", {time.group(1)}"
    if issued.get("circa"):
        text = "circa " + text
    return text


def text_paragraphs(text: str | None) -> list[str]:
    """Plain text split at blank lines, for summaries and rights statements."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text or "") if p.strip()]


def citation_parts(citation: Citation) -> list[tuple[str, str]]:
    """The parsed parts of an archival citation as (label, value), in archival order."""
    labels = (
        ("repository", "Repository"),
        ("collection", "Collection"),
        ("fond", "Fond"),
        ("opis", "Opis"),
        ("folder", "Folder"),
        ("delo", "Delo"),
        ("folios", "Folios"),
        ("series", "Series"),
        ("control_symbol", "Control symbol"),
        ("barcode", "Item barcode"),
        ("file", "File"),
        ("lot", "Lot"),
        ("box", "Box"),
        ("item", "Item"),
        ("medium", "Medium"),
    )
    data = citation.model_dump()
    return [(label, str(data[key])) for key, label in labels if data.get(key)]


def meta_tags(
    record: Record, collection: Collection | None, page_url: str
) -> list[tuple[str, str]]:
    """``citation_*`` (Highwire, read by Zotero and Google Scholar) and Dublin Core tags."""
    tags: list[tuple[str, str]] = [("citation_title", record.title)]
    for person in record.sender:
        tags.append(("citation_author", name_text(csl_name(person.name), inverted=True)))
    if record.date:
        issued = edtf_to_csl_date(record.date)
        if issued:
            tags.append(("citation_date", "/".join(f"{x:02d}" for x in issued["date-parts"][0])))
    if collection is not None:
        tags.append(("citation_inbook_title", collection.title))
    if record.citation is not None and record.citation.repository:
        tags.append(("citation_archive", record.citation.repository))
    tags.extend(("citation_language", lang) for lang in record.languages)
    tags.append(("citation_public_url", page_url))
    tags.append(("DC.title", record.title))
    tags.extend(("DC.creator", p.name) for p in record.sender)
    if record.date:
        tags.append(("DC.date", record.date))
    if record.type:
        tags.append(("DC.type", record.type))
    if record.rights:
        tags.append(("DC.rights", record.rights))
    tags.append(("DC.identifier", page_url))
    return tags


def coins(record: Record, collection: Collection | None, page_url: str) -> str:
    """A COinS ``title`` value (OpenURL 1.0 KEV, Dublin Core format) for Zotero."""
    pairs: list[tuple[str, str]] = [
        ("ctx_ver", "Z39.88-2004"),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
        ("rft.title", record.title),
    ]
    pairs.extend(("rft.creator", p.name) for p in record.sender)
    if record.date:
        pairs.append(("rft.date", record.date))
    pairs.append(("rft.type", record.type or "document"))
    if collection is not None:
        pairs.append(("rft.source", collection.title))
    if record.citation is not None:
        pairs.append(("rft.relation", record.citation.text))
    if record.rights:
        pairs.append(("rft.rights", record.rights))
    pairs.extend(("rft.language", lang) for lang in record.languages)
    pairs.append(("rft.identifier", page_url))
    return urlencode(pairs)


_BOLD = re.compile(r"(</?b>)", re.IGNORECASE)


def safe_snippet(snippet: str) -> Markup:
    """A search snippet as markup where only ``<b>``/``</b>`` survive.

    The text between the tags is unescaped once and escaped again, so a snippet
    the search library already escaped shows the same as a raw one, and any
    other tag or attribute comes out as text.
    """
    out = []
    for part in _BOLD.split(snippet):
        if _BOLD.fullmatch(part):
            out.append(part.lower())
        else:
            out.append(str(escape(html.unescape(part))))
    return Markup("".join(out))


def translators(record: Record) -> list[str]:
    return [c.name for c in record.contributors if c.role == "translator"]


__all__ = [
    "FORMATS",
    "Paragraph",
    "Piece",
    "citation_parts",
    "coins",
    "display_date",
    "display_edtf",
    "footnote_label",
    "meta_tags",
    "paragraphs",
    "person_label",
    "safe_snippet",
    "text_paragraphs",
    "translators",
]


# -- overviews of a search result: a bar chart and a correspondence graph --------


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    tick: bool
    """Whether the axis names this bar (every few bars, so labels never overlap)."""


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    bars: list[Bar]
    peak: int
    baseline: float


CHART_HEIGHT = 160.0
CHART_TOP = 14.0
CHART_LABELS = 28.0
CHART_SIDE = 24.0


def bar_chart(bins: list[tuple[str, str, int]], *, bar_width: float = 14.0) -> BarChart:
    """Bars for (key, label, count) bins, heights relative to the largest count.

    Coordinates are SVG user units; the chart scales with its viewBox.
    """
    peak = max((count for _, _, count in bins), default=0)
    gap = max(bar_width * 0.15, 1.0)
    step = max(1, round(len(bins) / 24))
    bars = []
    for index, (key, label, count) in enumerate(bins):
        height = 0.0 if peak == 0 else max(CHART_HEIGHT * count / peak, 1.5 if count else 0.0)
        bars.append(
            Bar(
                key=key,
                label=label,
                count=count,
                x=CHART_SIDE + index * bar_width + gap / 2,
                y=CHART_TOP + CHART_HEIGHT - height,
                width=bar_width - gap,
                height=height,
                tick=index % step == 0,
            )
        )
    width = max(len(bins), 1) * bar_width + 2 * CHART_SIDE
    height = CHART_TOP + CHART_HEIGHT + CHART_LABELS
    return BarChart(width, height, bars, peak, CHART_TOP + CHART_HEIGHT)


@dataclass(frozen=True)
class Node:
    name: str
    letters: int
    x: float
    y: float
    r: float
    label_x: float
    label_y: float
    anchor: str
    rotate: float
    """Degrees: labels point away from the centre, so neighbours never overlap."""


@dataclass(frozen=True)
class Line:
    sender: str
    recipient: str
    count: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass(frozen=True)
class Graph:
    size: float
    nodes: list[Node]
    lines: list[Line]


def circle_graph(
    people: list[tuple[str, int]], edges: list[tuple[str, str, int]], *, size: float = 720.0
) -> Graph:
    """People (name, letters) round a circle, most letters at the top, clockwise;
    arrows end at the recipient's rim. The same input always draws the same graph."""
    if not people:
        return Graph(size, [], [])
    centre = size / 2
    radius = size / 2 - 150  # room for the labels all round
    most = max(letters for _, letters in people) or 1
    nodes: dict[str, Node] = {}
    for index, (name, letters) in enumerate(people):
        angle = -math.pi / 2 + 2 * math.pi * index / len(people)
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        r = 4 + 12 * math.sqrt(letters / most)
        cos, sin = math.cos(angle), math.sin(angle)
        right = cos >= -1e-9
        degrees = math.degrees(angle) + (0 if right else 180)
        reach = r + 5
        nodes[name] = Node(
            name,
            letters,
            round(x, 1),
            round(y, 1),
            round(r, 1),
            round(x + reach * cos, 1),
            round(y + reach * sin, 1),
            "start" if right else "end",
            round(degrees, 1),
        )
    heaviest = max((count for _, _, count in edges), default=1)
    lines = []
    for sender, recipient, count in edges:
        a, b = nodes.get(sender), nodes.get(recipient)
        if a is None or b is None:
            continue
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1.0
        # Stop at the recipient's rim so the arrowhead shows.
        end_x, end_y = b.x - dx / length * (b.r + 2), b.y - dy / length * (b.r + 2)
        width = round(1 + 4 * math.log1p(count) / math.log1p(heaviest), 2)
        lines.append(
            Line(
                sender,
                recipient,
                count,
                a.x,
                a.y,
                round(end_x, 1),
                round(end_y, 1),
                round(width, 2),
            )
        )
    return Graph(size, list(nodes.values()), lines)
