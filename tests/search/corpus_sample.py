"""Records built from real corpus files, for the search tests.

The corpus readers are written elsewhere; these small extractors read just
enough of each format (DFAT Markdown, FRUS TEI, the Wilson page and Russian
transcript) to fill the fields search uses. Every text, name and date comes
from the files in ../shared/corpus.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import yaml
from lxml import etree

from opis.model import Annotation, Citation, Person, Place, Record, Source

TEI = "{http://www.tei-c.org/ns/1.0}"
DFAT_VOLUMES = (
    "volume-8-1945",
    "volume-14-1948-49-the-commonwealth-asia-and-the-pacific",
    "volume-16-1948-49-australia-and-the-postwar-world-beyond-the-region",
)
FRUS_VOLUMES = ("frus1949v07p2", "frus1955-57v24", "frus1961-63v06")
CLASSIFICATIONS = ("TOP SECRET", "MOST SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED")


def _source(path: Path, fmt: str, part: str | None = None) -> Source:
    raw = path.read_bytes()
    return Source(
        format=fmt,
        sha256=hashlib.sha256(raw).hexdigest(),
        filename=path.name,
        size=len(raw),
        part=part,
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- DFAT ------------------------------------------------------------------

_DFAT_HEAD = re.compile(
    r"^(?P<type>[A-Z][a-z]+)\b[^,]*?,?\s*\[?(?P<place>[A-Z][A-Z .'-]+[A-Z])\]?,\s*"
    r"(?P<date>\d{1,2} \w+ \d{4})(?:,\s*(?P<time>\d{1,2}\.\d{2} [ap]\.m\.))?"
)


def _time_24(text: str) -> str:
    hours, rest = text.split(".", 1)
    minutes, half = rest.split(" ", 1)
    h = int(hours) % 12 + (12 if half.startswith("p") else 0)
    return f"{h:02d}:{int(minutes):02d}"


def dfat_record(path: Path) -> Record:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front)
    paragraphs = [p.strip() for p in body.strip().split("\n\n") if p.strip()]
    head = paragraphs[0] if paragraphs else ""
    m = _DFAT_HEAD.match(head)
    date = str(meta["doc_date"]) if meta.get("doc_date") else None
    date_start = date
    if m and m["time"] and date:
        date = f"{date}T{_time_24(m['time'])}"
        date_start = date
    classification = next(
        (p for p in paragraphs[1:3] if p.strip("_ ").upper() in CLASSIFICATIONS), None
    )
    title = str(meta["title"])
    sender, _, recipient = title.partition(" to ")
    refs = meta.get("naa_refs") or []
    series = refs[0].get("naa_series") if refs else None
    vol = str(meta["vol_id"])
    return Record(
        id=f"dfat-{vol}-{meta['doc_num']}",
        title=title,
        type=m["type"] if m else None,
        date=date,
        date_start=date_start,
        date_end=date_start,
        **{"from": [Person(name=sender.strip())] if sender.strip() else []},
        to=[Person(name=recipient.strip())] if recipient else [],
        places=[Place(name=m["place"].title(), role="dateline")] if m else [],
        classification=classification.strip("_ ").title() if classification else None,
        languages=["en"],
        body="\n\n".join(paragraphs),
        citation=Citation(text=refs[0]["reference"], repository="NAA", fond=series)
        if refs
        else None,
        collection=f"dfat-volume-{vol}",
        source=_source(path, "dfat-markdown"),
    )


def dfat_records(corpus: Path) -> list[Record]:
    records = []
    for volume in DFAT_VOLUMES:
        for path in sorted((corpus / "dfat" / "volumes" / volume).glob("*.md")):
            records.append(dfat_record(path))
    return records


# --- FRUS ------------------------------------------------------------------

_FRUS_TYPES = (
    "Telegram", "Memorandum", "Letter", "Message", "Airgram", "Despatch", "Dispatch", "Note",
    "Editorial Note", "Minutes", "Report", "Paper", "Circular", "Instruction", "Statement",
)  # fmt: skip


def _text(element: etree._Element) -> str:
    """Text of an element without its footnotes."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.tag == f"{TEI}note":
            if node.tail:
                parts.append(node.tail)
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return _squash("".join(parts))


def frus_record(div: etree._Element, volume: str, path: Path) -> Record | None:
    head = div.find(f"{TEI}head")
    paragraphs = [_text(p) for p in div.iter(f"{TEI}p")]
    if head is None or not paragraphs:
        return None
    title = re.sub(r"^\d+\.\s*", "", _text(head))
    kind = next((t for t in _FRUS_TYPES if title.startswith(t) or f" {t}" in title[:40]), None)
    when = div.find(f".//{TEI}dateline//{TEI}date")
    date = when.get("when") if when is not None else None
    place = div.find(f".//{TEI}dateline//{TEI}placeName")
    seg = div.find(f"{TEI}opener/{TEI}seg")
    source_note = div.find(f".//{TEI}note[@type='source']")
    note = _text(source_note) if source_note is not None else ""
    people = {
        role: [Person(name=_text(p)) for p in head.iter(f"{TEI}persName") if p.get("type") == role]
        for role in ("from", "to")
    }
    return Record(
        id=f"{volume}-{div.get('{http://www.w3.org/XML/1998/namespace}id')}",
        title=title,
        type=kind,
        date=date,
        date_start=date,
        date_end=date,
        **{"from": people["from"]},
        to=people["to"],
        places=[Place(name=_text(place), role="dateline")] if place is not None else [],
        classification=_text(seg).title() if seg is not None else None,
        languages=["en"],
        body="\n\n".join(paragraphs),
        citation=Citation(text=note, repository="NARA")
        if "Department of State" in note or "Files" in note
        else None,
        collection=volume,
        source=_source(path, "frus-tei", part=div.get("{http://www.w3.org/XML/1998/namespace}id")),
    )


def frus_records(corpus: Path) -> list[Record]:
    parser = etree.XMLParser(collect_ids=False, huge_tree=True)
    records = []
    for volume in FRUS_VOLUMES:
        path = corpus / "frus" / "volumes" / f"{volume}.xml"
        tree = etree.parse(str(path), parser)
        for div in tree.iter(f"{TEI}div"):
            if div.get("type") == "document":
                record = frus_record(div, volume, path)
                if record is not None:
                    records.append(record)
    return records


# --- Wilson Center ---------------------------------------------------------


def wilson_cable(corpus: Path) -> Record:
    """The seed page: Incoming Cable No. 16, Malik to Cde. Stalin (12 September 1947)."""
    path = corpus / "wilson" / "000_d6b8fba0548ddb4f.txt"
    text = path.read_text(encoding="utf-8")
    body = text[text.index("To Comrade STALIN") : text.index("Deciphered on")].strip()
    summary_start = text.index("Stalin agrees to Malik")
    summary = text[summary_start : text.index("Document Information")].strip()
    notes = re.findall(r"\[Handwritten: (.*?)\]\n", text)
    return Record(
        id="wilson-incoming-cable-16",
        title="Incoming Cable No. 16, Malik to Cde. Stalin",
        type="Cable",
        number="16",
        date="1947-09-12T03:50",
        date_precision="minute",
        date_start="1947-09-12T03:50",
        date_end="1947-09-12T03:50",
        **{"from": [Person(name="Malik")]},
        to=[Person(name="Stalin")],
        places=[Place(name="Moscow", role="sent"), Place(name="Sochi", role="received")],
        languages=["en"],
        body=body,
        summary=summary,
        annotations=[
            Annotation(kind="handwritten", text=n, raw=f"[Handwritten: {n}]") for n in notes
        ],
        citation=Citation(
            text="RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053",
            repository="RGASPI",
            fond="558",
            opis="11",
            delo="106",
            folios="52-53",
        ),
        collection="wilson",
        source=_source(path, "wilson-page"),
    )


def wilson_transcript(corpus: Path) -> Record:
    """Transcript 33548: the Soviet ambassador Roshchin's record of a talk with Mao, in Russian."""
    path = corpus / "wilson" / "transcript.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = re.sub(r"<style.*?</style>", "", data["raw"], flags=re.S)
    paragraphs = [
        _squash(html.unescape(re.sub(r"<[^>]+>", " ", p)))
        for p in re.findall(r"<p[^>]*>(.*?)</p>", raw, flags=re.S)
    ]
    body = "\n\n".join(p for p in paragraphs if p)
    return Record(
        id=f"wilson-transcript-{data['id']}",
        title="Посол СССР в Китае Н. Рощин: беседа с Мао Цзэдуном",
        type="Запись беседы",
        # The text: "1 января посетил ..." and plans for "первое полугодие 1950 г.".
        date="1950-01-01",
        date_start="1950-01-01",
        date_end="1950-01-01",
        **{"from": [Person(name="Н. Рощин", role="Посол СССР в Китае")]},
        to=[],
        places=[Place(name="Пекин", role="header")],
        languages=["ru"],
        body=body,
        collection="wilson",
        source=_source(path, "wilson-transcript"),
    )


def kennan_long_telegram(corpus: Path) -> Record:
    """FRUS 1946 vol. VI doc. 475, the Long Telegram (undeclared frus: prefix: recover)."""
    path = corpus / "frus" / "fragments" / "kennan.xml"
    parser = etree.XMLParser(recover=True, collect_ids=False, huge_tree=True)
    root = etree.parse(str(path), parser).getroot()
    div = next(d for d in root.iter() if isinstance(d.tag, str) and d.get("type") == "document")
    paragraphs = [_squash("".join(p.itertext())) for p in div.iter() if _local(p) == "p"]
    head = next(d for d in div.iter() if _local(d) == "head")
    return Record(
        id="frus1946v06-d475",
        title=re.sub(r"^\d+\.\s*", "", _squash("".join(head.itertext()))),
        type="Telegram",
        date="1946-02-22",
        date_start="1946-02-22",
        date_end="1946-02-22",
        **{"from": [Person(name="Kennan")]},
        to=[Person(name="Secretary of State")],
        places=[Place(name="Moscow", role="dateline")],
        languages=["en"],
        body="\n\n".join(p for p in paragraphs if p),
        collection="frus1946v06",
        source=_source(path, "frus-tei", part="d475"),
    )


def _local(node: etree._Element) -> str:
    tag = node.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def sample_records(corpus: Path) -> list[Record]:
    return [
        wilson_cable(corpus),
        wilson_transcript(corpus),
        kennan_long_telegram(corpus),
        *frus_records(corpus),
        *dfat_records(corpus),
    ]
