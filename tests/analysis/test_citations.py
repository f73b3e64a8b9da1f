"""Citations: the brief's examples per family and coverage of the real corpus notes."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from opis.analysis.citations import FAMILIES, citation_part, naa_citation, parse_citation
from opis.model import Citation

TEI = "{http://www.tei-c.org/ns/1.0}"


def _parts(citation: Citation) -> dict[str, Any]:
    return {k: v for k, v in citation.model_dump().items() if v is not None and k != "text"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053",
            {"family": "russian-archive", "repository": "RGASPI", "fond": "558", "opis": "11",
             "delo": "106", "folios": "52-53"},
        ),
        (
            "RGASPI, f. 558, op. 11, d. 106, l. 5",
            {"family": "russian-archive", "repository": "RGASPI", "fond": "558", "opis": "11",
             "delo": "106", "folios": "5"},
        ),
        (
            "GARF, f. 5446, op. 1, d. 12, ll. 5ob-7",
            {"family": "russian-archive", "repository": "GARF", "fond": "5446", "opis": "1",
             "delo": "12", "folios": "5ob-7"},
        ),
        (
            "РГАСПИ. Ф. 558. Оп. 11. Д. 106. Л. 52–53",
            {"family": "russian-archive", "repository": "РГАСПИ", "fond": "558", "opis": "11",
             "delo": "106", "folios": "52-53"},
        ),
        (
            "ГАРФ. Ф. Р-5446. Оп. 1. Д. 12. Лл. 5 об.–7",
            {"family": "russian-archive", "repository": "ГАРФ", "fond": "Р-5446", "opis": "1",
             "delo": "12", "folios": "5ob-7"},
        ),
        (
            "AVPRF f. 059a, op. 1, p. 4, d. 5",
            {"family": "russian-archive", "repository": "AVPRF", "fond": "059a", "opis": "1",
             "folder": "4", "delo": "5"},
        ),
        (
            "АВП РФ. Ф. 059а. Оп. 1. П. 4. Д. 5",
            {"family": "russian-archive", "repository": "АВП РФ", "fond": "059а", "opis": "1",
             "folder": "4", "delo": "5"},
        ),
        (
            "APRF, f. 45, op. 1, d. 331, ll. 59-61",
            {"family": "russian-archive", "repository": "APRF", "fond": "45", "opis": "1",
             "delo": "331", "folios": "59-61"},
        ),
        (
            "Archive of Foreign Policy of the Russian Federation (AVP RF), fond 07, opis 23a,"
            " papka 18, delo 235, listy 1-3",
            {"family": "russian-archive", "repository": "AVP RF", "fond": "07", "opis": "23a",
             "folder": "18", "delo": "235", "folios": "1-3"},
        ),
        (
            "Archive of Foreign Policy, Russian Federation (AVP RF), Moscow, fond 0100,"
            " opis 46, delo 12, papka 362, listy 47-49.",
            {"family": "russian-archive", "repository": "AVP RF", "fond": "0100", "opis": "46",
             "delo": "12", "folder": "362", "folios": "47-49"},
        ),
        (
            "ЦА ФСБ. Ф. 3. Оп. 4. Д. 106. Л. 1–3 об.",
            {"family": "russian-archive", "repository": "ЦА ФСБ", "fond": "3", "opis": "4",
             "delo": "106", "folios": "1-3ob"},
        ),
        (
            "f. 558, op. 11, d. 106",
            {"family": "russian-archive", "fond": "558", "opis": "11", "delo": "106"},
        ),
        (
            "TsAMO, f. 5, op. 182, d. 2",
            {"family": "russian-archive", "repository": "TsAMO", "fond": "5", "opis": "182",
             "delo": "2"},
        ),
        (
            "PRC FMA 109-00975-06",
            {"family": "chinese-archive", "repository": "PRC FMA", "file": "109-00975-06"},
        ),
        (
            "Department of State, Central Files, 783A.00/1–1658",
            {"family": "us-state-central-files", "repository": "Department of State",
             "collection": "Central Files", "file": "783A.00/1-1658"},
        ),
        (
            "861.00/2–2246: Telegram",
            {"family": "us-state-central-files", "repository": "Department of State",
             "collection": "Central Files", "file": "861.00/2-2246", "medium": "Telegram"},
        ),
        (
            "Source: Department of State, Central Files, 761.00/5–555. Confidential.",
            {"family": "us-state-central-files", "repository": "Department of State",
             "collection": "Central Files", "file": "761.00/5-555"},
        ),
        (
            "Department of State, S/P Files: Lot 64 D 563, Policy Planning",
            {"family": "us-lot-file", "repository": "Department of State",
             "collection": "S/P Files", "lot": "64 D 563", "file": "Policy Planning"},
        ),
        (
            "National Archives, RG 59, Central Files 1967–69, POL 27 VIET S",
            {"family": "us-state-central-files", "repository": "National Archives",
             "collection": "RG 59, Central Files 1967-69", "file": "POL 27 VIET S"},
        ),
        (
            "Source: Eisenhower Library, Whitman File, DDE Diaries. Secret.",
            {"family": "us-presidential-library", "repository": "Eisenhower Library",
             "collection": "Whitman File", "folder": "DDE Diaries"},
        ),
        (
            "Source: Johnson Library, National Security File, Country File, Iran, Vol. I. Secret.",
            {"family": "us-presidential-library", "repository": "Johnson Library",
             "collection": "National Security File", "folder": "Country File, Iran, Vol. I"},
        ),
        (
            "Source: Central Intelligence Agency, Job 79–01025A, Box 151, Folder 8. Top Secret.",
            {"family": "us-cia", "repository": "Central Intelligence Agency",
             "collection": "Job 79-01025A", "box": "151", "folder": "8"},
        ),
        (
            "IO Files: US(P)/A/M(Chr)/12",
            {"family": "us-state-files", "repository": "Department of State",
             "collection": "IO Files", "file": "US(P)/A/M(Chr)/12"},
        ),
        (
            "RG 59, Central Files 1967–69, POL 27 VIET S",
            {"family": "us-state-central-files", "repository": "National Archives",
             "collection": "RG 59, Central Files 1967-69", "file": "POL 27 VIET S"},
        ),
        (
            "123 Jessup, Philip C./8–2349: Telegram",
            {"family": "us-state-central-files", "repository": "Department of State",
             "collection": "Central Files", "file": "123 Jessup, Philip C./8-2349",
             "medium": "Telegram"},
        ),
        (
            "Source: Department of State, Central Files, POL IRAN-U.S. Secret; Exdis.",
            {"family": "us-state-central-files", "repository": "Department of State",
             "collection": "Central Files", "file": "POL IRAN-U.S."},
        ),
        (
            "Department of State, Bureau of Public Affairs, Front Office Files, 1989-1990"
            " (Lot File 93 D 287), Box 1, PA—Foreign Relations Series 1990",
            {"family": "us-lot-file", "repository": "Department of State",
             "collection": "Bureau of Public Affairs, Front Office Files, 1989-1990",
             "lot": "93 D 287", "box": "1", "folder": "PA—Foreign Relations Series 1990"},
        ),
        (
            "Shanghai Municipal Archives (SMA) B1-2-3620",
            {"family": "chinese-archive", "repository": "Shanghai Municipal Archives (SMA)",
             "file": "B1-2-3620"},
        ),
        (
            "[DEFENCE: MP1217, BOX 569, STRATEGICAL POLICY IN SOUTHWEST PACIFIC AREA]",
            {"family": "naa", "repository": "NAA", "series": "MP1217",
             "control_symbol": "BOX 569, STRATEGICAL POLICY IN SOUTHWEST PACIFIC AREA"},
        ),
        (
            "[DEFENCE: SPECIAL COLLECTION II, BUNDLE 5, MIDDLE EAST AND BALKANS]",
            {"family": "australian-defence", "repository": "Department of Defence",
             "collection": "SPECIAL COLLECTION II",
             "control_symbol": "BUNDLE 5, MIDDLE EAST AND BALKANS"},
        ),
        (
            "[AA:A4231/2, 1947 BATAVIA]",
            {"family": "naa", "repository": "NAA", "series": "A4231/2",
             "control_symbol": "1947 BATAVIA"},
        ),
        (
            "A981, EA DEPT 152",
            {"family": "naa", "repository": "NAA", "series": "A981",
             "control_symbol": "EA DEPT 152"},
        ),
        (
            # Read as the NAA writes the series (the DFAT front matter says "CP290/6").
            "CP 290/6, BUNDLE 1, ITEM 28",
            {"family": "naa", "repository": "NAA", "series": "CP290/6",
             "control_symbol": "BUNDLE 1, ITEM 28"},
        ),
        (
            "[AA : A1838/2, 401/1/2/2]",
            {"family": "naa", "repository": "NAA", "series": "A1838/2",
             "control_symbol": "401/1/2/2"},
        ),
    ],
)  # fmt: skip
def test_parse_citation_examples(text: str, expected: dict[str, Any]) -> None:
    citation = parse_citation(text)
    assert citation.text == text
    assert _parts(citation) == expected
    assert citation.family in FAMILIES


def test_text_is_kept_whole_but_stripped() -> None:
    note = "  Summary: Ford and Nouira met. Source: Ford Library, National Security Adviser, "
    note += "Memoranda of Conversation, Box 11. Secret; Nodis.  "
    citation = parse_citation(note)
    assert citation.text == note.strip()
    assert citation.family == "us-presidential-library"
    assert (citation.repository, citation.box) == ("Ford Library", "11")
    assert citation_part(note) == (
        "Ford Library, National Security Adviser, Memoranda of Conversation, Box 11"
    )


@pytest.mark.parametrize(
    "text", ["", "Extract", "The Embassy reported on the situation.", "12 September 1947"]
)
def test_no_family_when_nothing_matches(text: str) -> None:
    citation = parse_citation(text)
    assert citation.family is None
    assert citation.text == text


def test_naa_citation_prefers_explicit_fields() -> None:
    citation = naa_citation("[AA:A4231/2, 1947 BATAVIA]", "A4231", "1947/BATAVIA", 525084)
    assert _parts(citation) == {
        "family": "naa", "repository": "NAA", "series": "A4231",
        "control_symbol": "1947/BATAVIA", "barcode": "525084",
    }  # fmt: skip
    assert citation.text == "[AA:A4231/2, 1947 BATAVIA]"


def test_naa_citation_falls_back_and_composes() -> None:
    from_reference = naa_citation("[AA:A5954, BOX 654]", "A5954", "", 0)
    assert (from_reference.series, from_reference.control_symbol) == ("A5954", "BOX 654")
    assert from_reference.barcode is None  # DFAT writes 0 for "no barcode"
    composed = naa_citation(None, "A1838", "401/1", "12345")
    assert composed.text == "NAA: A1838, 401/1"
    assert composed.barcode == "12345"


# --- the real corpus ---------------------------------------------------------------


def test_wilson_seed_page_citation(corpus: Path) -> None:
    text = (corpus / "wilson" / "000_d6b8fba0548ddb4f.txt").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("RGASPI"))
    citation = parse_citation(line)
    assert citation.text == line.strip()
    assert _parts(citation) == {
        "family": "russian-archive", "repository": "RGASPI", "fond": "558", "opis": "11",
        "delo": "106", "folios": "52-53",
    }  # fmt: skip


def _frus_source_notes(corpus: Path) -> list[str]:
    parser = etree.XMLParser(collect_ids=False, huge_tree=True)
    notes: list[str] = []
    for path in sorted((corpus / "frus" / "volumes").glob("*.xml")):
        for note in etree.parse(str(path), parser).iter(f"{TEI}note"):
            if note.get("type") == "source":
                notes.append(re.sub(r"\s+", " ", "".join(note.itertext())).strip())
    return notes


def test_frus_source_note_coverage(corpus: Path) -> None:
    notes = _frus_source_notes(corpus)
    assert len(notes) > 2000
    parsed = [parse_citation(note) for note in notes]
    covered = sum(1 for citation in parsed if citation.family)
    # Measured 2085 of 2087 (99.9%); the two left are "Extract" and a Senate hearing.
    assert covered / len(notes) > 0.99
    central = [c for c in parsed if c.family == "us-state-central-files"]
    assert len(central) > 1000
    assert all(c.file is None or "–" not in c.file for c in central)


def test_frus_source_note_real_examples(corpus: Path) -> None:
    notes = _frus_source_notes(corpus)
    by_text = {note: parse_citation(note) for note in notes}
    lot = by_text["S/P Files: Lot 64 D 563"]
    assert (lot.family, lot.collection, lot.lot) == ("us-lot-file", "S/P Files", "64 D 563")
    telegram = by_text["501.BB Korea/7–1849: Telegram"]
    assert (telegram.family, telegram.file, telegram.medium) == (
        "us-state-central-files",
        "501.BB Korea/7-1849",
        "Telegram",
    )


def test_frus_history_source_lines(corpus: Path) -> None:
    lines: list[str] = []
    for path in sorted((corpus / "frus-history" / "documents").glob("*.xml")):
        for p in etree.parse(str(path)).iter(f"{TEI}p"):
            text = re.sub(r"\s+", " ", "".join(p.itertext())).strip()
            if text.startswith("Source:"):
                lines.append(text)
                break
    assert len(lines) > 50
    parsed = [parse_citation(line) for line in lines]
    # Measured: all 62 read, mostly "(Lot File 96 D 292), Box 1, ..." lot citations.
    assert sum(1 for c in parsed if c.family) / len(lines) > 0.95
    assert sum(1 for c in parsed if c.family == "us-lot-file" and c.lot and c.box) > 40


def test_dfat_references_coverage(corpus: Path) -> None:
    references: list[str] = []
    for row in csv.reader((corpus / "dfat" / "documents.csv").open(encoding="utf-8")):
        if len(row) > 5 and row[5].strip():
            references.append(row[5])
    front_refs: list[dict[str, Any]] = []
    for path in sorted((corpus / "dfat" / "volumes").glob("volume-1[1-5]*/*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
        front_refs.extend(front.get("naa_refs") or [])
    references.extend(str(ref["reference"]) for ref in front_refs)
    assert len(references) > 10_000
    covered = sum(1 for ref in references if parse_citation(ref).family)
    # Measured on all 15,078 (CSV + every volume): 99.85%; the rest is OCR damage.
    assert covered / len(references) > 0.99
    for ref in front_refs:
        citation = naa_citation(
            ref.get("reference"), ref.get("naa_series"), ref.get("naa_control_symbol"),
            ref.get("naa_barcode"),
        )  # fmt: skip
        assert citation.family == "naa"
        assert citation.series
        assert citation.barcode is None or citation.barcode.isdigit()


def test_bush41_source_notes(corpus: Path) -> None:
    import json

    records = json.loads((corpus / "bush41-memcons" / "memcons.json").read_text("utf-8"))
    citations = [parse_citation(record["sourceNote"]) for record in records]
    assert all(c.family == "us-presidential-library" for c in citations)
    assert {c.repository for c in citations} == {"George H.W. Bush Library"}


def test_typed_naa_series_numbers_are_read_as_the_archives_write_them(corpus: Path) -> None:
    # The DFAT catalogue types "Al838" (letter l for 1), "A 1838", "A I 0463".
    series: dict[str, str] = {}
    for row in csv.reader((corpus / "dfat" / "documents.csv").open(encoding="utf-8")):
        if len(row) > 5 and row[5].strip():
            citation = parse_citation(row[5])
            if citation.family == "naa" and citation.series:
                series[row[5].split(",")[0].strip()] = citation.series
    assert series["Al838"] == series["A 1838"] == "A1838"
    assert series["Ml867"] == "M1867" and series["AA 1971/216"] == "AA1971/216"
    typed = [raw for raw, read in series.items() if re.search(r"[A-Z]\s*[lI]\s*\d", raw)]
    assert len(typed) > 10
    for raw in typed:
        assert re.fullmatch(r"[A-Z]{1,3}\d[\d/]*( T\d+)?", series[raw]), (raw, series[raw])
    assert parse_citation("A1838, 49/1/3, v").series == "A1838"  # well-typed stays
    assert naa_citation("[AA : A1608, A41/1/5, iii]", "Al608", None, None).series == "A1608"
