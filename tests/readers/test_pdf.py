"""PDF reader against the real scans: State FOIA (OCR layer) and Bush Library (image only)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from opis.model import Record
from opis.readers.base import ReadError, make_source
from opis.readers.pdf import MIN_PAGE_LETTERS, READERS, detect, layout, read_pdf

FOIA_PDFS = 45
BUSH_PDFS = 2


def read(path: Path) -> Record:
    raw = path.read_bytes()
    items = list(read_pdf(raw, make_source(raw, path.name, "pdf")))
    assert len(items) == 1 and isinstance(items[0], Record)
    return items[0]


@pytest.fixture(scope="session")
def pdf_records(corpus: Path) -> dict[str, Record]:
    paths = sorted((corpus / "state-foia" / "pdf").glob("*.pdf"))
    paths += sorted((corpus / "bush41-memcons" / "pdf").glob("*.pdf"))
    started = time.perf_counter()
    records = {p.stem: read(p) for p in paths}
    assert time.perf_counter() - started < 15
    return records


def test_reader_format() -> None:
    assert [r.format for r in READERS] == ["pdf"]


def test_all_pdfs_read(pdf_records: dict[str, Record]) -> None:
    assert len(pdf_records) == FOIA_PDFS + BUSH_PDFS
    assert len({r.id for r in pdf_records.values()}) == FOIA_PDFS + BUSH_PDFS


def test_foia_scans_have_a_text_layer(pdf_records: dict[str, Record]) -> None:
    foia = [r for stem, r in pdf_records.items() if stem.startswith("C09")]
    assert len(foia) == FOIA_PDFS
    assert not any(r.needs_ocr for r in foia)
    for record in foia:
        assert record.extra["page_count"] == len(record.pages) >= 1
        assert [p.number for p in record.pages] == list(range(1, len(record.pages) + 1))
        assert record.body and record.title


def test_bush_memcons_need_ocr(pdf_records: dict[str, Record]) -> None:
    bush = [r for stem, r in pdf_records.items() if stem.startswith("1989-")]
    assert len(bush) == BUSH_PDFS
    for record in bush:
        assert record.needs_ocr
        assert record.body == ""
        assert record.extra["page_count"] == 2
        assert not any(p.has_text for p in record.pages)
    memcon = pdf_records["1989-02-25-bush-benazir-bhutto-memcon-scowcroft"]
    assert memcon.id == "pdf-1989-02-25-bush-benazir-bhutto-memcon-scowcroft"
    assert (memcon.date, memcon.extra["date_source"]) == ("1989-02-25", "filename")
    assert memcon.title == "1989-02-25-bush-benazir-bhutto-memcon-scowcroft"


def test_page_offsets_point_into_the_body(pdf_records: dict[str, Record]) -> None:
    record = pdf_records["C09000005"]
    assert record.id == "pdf-c09000005"
    assert len(record.pages) == 3
    for page in record.pages[1:]:
        assert record.body[page.offset - 2 : page.offset] == "\n\n"
    assert record.body.startswith(record.body[record.pages[0].offset :][:20])


def test_title_prefers_subject_line(pdf_records: dict[str, Record]) -> None:
    record = pdf_records["C09000066"]
    assert record.title == "SOVIET SPEAKING NOTE TO EUROPEANS"
    assert record.extra["title_source"] == "subject"


def test_date_only_when_well_formed(pdf_records: dict[str, Record]) -> None:
    dated = {stem: r.date for stem, r in pdf_records.items() if r.date and stem.startswith("C09")}
    # OCR noise such as "1693" is not taken for a year; "OCTOBER 1986" is.
    assert dated == {"C09000066": "1986-10"}


def test_detect_by_magic(corpus: Path) -> None:
    head = (corpus / "state-foia" / "pdf" / "C09000001.pdf").read_bytes()[:4096]
    assert detect("C09000001.pdf", head)
    assert detect("no-extension", head)
    assert not detect("fake.pdf", b"<html>not a pdf</html>")


@pytest.mark.parametrize(
    "raw",
    [b"", b"%PDF-1.4 garbage that is not a document", b"%PDF-1.7\n" + b"\x00" * 64, b"hello"],
)
def test_garbage_pdf_is_an_error(raw: bytes) -> None:
    with pytest.raises(ReadError) as error:
        list(read_pdf(raw, make_source(raw, "bad.pdf", "pdf")))
    assert error.value.position == "byte 0"


def test_pages_below_the_letter_threshold_have_no_text() -> None:
    noise = "• . 4 1 ,, 8/8 ' ]" + "x" * (MIN_PAGE_LETTERS - 1)
    body, pages = layout(
        ["TEXT OF TELEGRAM FROM AMEMBASSY REYKJAVIK", noise, "SUBJECT: REYKJAVIK MEETING"]
    )
    assert [p.has_text for p in pages] == [True, False, True]
    assert body == "TEXT OF TELEGRAM FROM AMEMBASSY REYKJAVIK\n\n\n\nSUBJECT: REYKJAVIK MEETING"
    assert body[pages[2].offset :].startswith("SUBJECT")
